import time

import click
from flask.cli import AppGroup

from ..extensions import db
from .rebuild import rebuild_coverage

coverage_cli = AppGroup("coverage", help="Coverage aggregates.")


@coverage_cli.command("rebuild")
def rebuild_command() -> None:
    """Recompute every coverage counter from the stored assistance records."""
    started = time.perf_counter()
    done = rebuild_coverage(progress=lambda n: click.echo(f"  {n} records…") if n % 100_000 == 0 else None)
    db.session.commit()
    click.echo(f"Coverage rebuilt from {done} records in {time.perf_counter() - started:.1f} s.")

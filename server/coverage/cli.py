import time

import click
from flask.cli import AppGroup

from ..extensions import db
from .denominators import rebuild_denominators
from .rebuild import rebuild_coverage
from .worker import update_coverage_committed

coverage_cli = AppGroup("coverage", help="Coverage aggregates.")


@coverage_cli.command("rebuild")
def rebuild_command() -> None:
    """Recompute every coverage counter from the stored assistance records, and every denominator."""
    started = time.perf_counter()
    units = rebuild_denominators()
    done = rebuild_coverage(progress=lambda n: click.echo(f"  {n} records…") if n % 100_000 == 0 else None)
    db.session.commit()
    click.echo(
        f"Coverage rebuilt from {done} records and the denominators of {units} units "
        f"in {time.perf_counter() - started:.1f} s."
    )


@coverage_cli.command("update")
@click.option("--loop", is_flag=True, help="Keep running, waiting when there is nothing to count.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds to wait when there is nothing to count.")
def update_command(loop: bool, interval: float) -> None:
    """Count newly stored assistance records into the coverage figures."""
    while True:
        taken = update_coverage_committed()
        if taken:
            click.echo(f"Counted {taken} records.")
        elif not loop:
            return
        else:
            time.sleep(interval)

import time

import click
from flask.cli import AppGroup

from ..extensions import db
from .tallies import rebuild_tallies

emulation_cli = AppGroup("emulation", help="Emulation rankings.")


@emulation_cli.command("rebuild")
def rebuild_command() -> None:
    """Recount every member's monthly tallies from the stored records (after upgrading or a bulk load)."""
    started = time.perf_counter()
    pairs = rebuild_tallies(
        progress=lambda done, total: (
            click.echo(f"  {done} of {total} members…") if done % 2000 == 0 or done == total else None
        )
    )
    db.session.commit()
    click.echo(f"Emulation tallies rebuilt: {pairs} member-months in {time.perf_counter() - started:.1f} s.")

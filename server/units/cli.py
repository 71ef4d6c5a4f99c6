import time

import click
from flask.cli import AppGroup

from ..extensions import db
from .official import import_official_units

units_cli = AppGroup("units", help="Administrative units.")


@units_cli.command("import")
def import_command() -> None:
    """Import or update the official provinces and communes from the vietnam-provinces package."""
    import vietnam_provinces

    started = time.perf_counter()
    report = import_official_units()
    db.session.commit()
    click.echo(
        f"vietnam-provinces {vietnam_provinces.__version__} (data of {vietnam_provinces.__data_version__}): "
        f"{report.created} created, {report.updated} updated, {report.abolished} abolished, "
        f"{report.unchanged} unchanged in {time.perf_counter() - started:.2f} s."
    )

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


@units_cli.command("population")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
def population_command(csv_file) -> None:
    """Set population (and households) from a CSV with columns code,population[,households].

    All rows are checked first; one bad row changes nothing."""
    from .population import PopulationImportError, import_population

    try:
        changed = import_population(csv_file)
    except PopulationImportError as error:
        raise click.ClickException("\n".join(error.problems))
    db.session.commit()
    click.echo(f"Population set on {changed} units.")

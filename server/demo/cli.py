import click
from flask.cli import AppGroup

from ..extensions import db
from .people import DEMO_PEOPLE
from .seed import seed_demo

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
def seed_command() -> None:
    """Add demo villages, teams and people (idempotent; needs `units import` first)."""
    report = seed_demo()
    db.session.commit()
    click.echo(report)
    click.echo("Sign in as any of these (print a token with `flask --app wsgi dev token PHONE`):")
    for person in DEMO_PEOPLE:
        click.echo(f"  {person.phone}  {person.name:<22} {person.role}")

import click
from flask import current_app
from flask.cli import AppGroup

from ..phones import InvalidPhone, normalise_phone
from .emulator import mint_emulator_token

dev_cli = AppGroup("dev", help="Development helpers (emulator mode only).")


@dev_cli.command("token")
@click.argument("phone")
@click.option("--hours", default=12, show_default=True, help="How long the token stays valid.")
def token(phone: str, hours: int) -> None:
    """Print a Firebase Auth emulator ID token for PHONE, to use as `Authorization: Bearer …`."""
    if not current_app.config.get("FIREBASE_AUTH_EMULATOR_HOST"):
        raise click.ClickException("Set FIREBASE_AUTH_EMULATOR_HOST (development only) to use emulator tokens.")
    try:
        phone = normalise_phone(phone)
    except InvalidPhone:
        raise click.BadParameter(f"{phone} is not a valid phone number")
    click.echo(mint_emulator_token(current_app.config["FIREBASE_PROJECT_ID"], phone, lifetime=hours * 3600))

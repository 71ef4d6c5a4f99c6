import click
from flask.cli import AppGroup

from ..errors import DomainError
from ..extensions import db
from ..phones import InvalidPhone, normalise_phone
from .models import Role
from .services import grant_role_as_administrator

roles_cli = AppGroup("roles", help="Role grants.")


@roles_cli.command("grant")
@click.argument("phone")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@click.argument("unit")
def grant(phone: str, role: str, unit: str) -> None:
    """Grant ROLE on UNIT (a unit code, VN for the nation) to PHONE; makes the first admin."""
    try:
        phone = normalise_phone(phone)
        grant = grant_role_as_administrator(phone, Role(role), unit)
    except InvalidPhone:
        raise click.BadParameter(f"{phone} is not a valid phone number")
    except DomainError as error:
        raise click.ClickException(error.detail)
    db.session.commit()
    click.echo(f"Granted {role} on {grant.unit.code} ({grant.unit.name}) to {phone}.")

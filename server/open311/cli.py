import click
from flask.cli import AppGroup

from ..errors import DomainError
from ..extensions import db
from .keys import UnknownKey, create_key, key_uses, list_keys, revoke_key

open311_cli = AppGroup("open311", help="Open311 GeoReport v2 for partner systems.")
keys_cli = AppGroup("keys", help="Partner keys.")
open311_cli.add_command(keys_cli)


@keys_cli.command("create")
@click.argument("name")
@click.option("--unit", "unit_code", required=True, help="The unit whose subtree the key may file in.")
def create_command(name: str, unit_code: str) -> None:
    """Make a key for partner NAME; it is printed once and only its hash is stored."""
    try:
        key, plaintext = create_key(name, unit_code)
    except DomainError as error:
        raise click.ClickException(error.detail)
    db.session.commit()
    click.echo(f"Key {key.id} for {key.name} ({key.unit.code} {key.unit.name}):")
    click.echo(plaintext)
    click.echo("Store it now: it cannot be shown again.", err=True)


@keys_cli.command("list")
def list_command() -> None:
    """Every key: id, prefix, unit, partner, when made, uses, and whether it is revoked."""
    for key, uses in list_keys():
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        click.echo(
            f"{key.id}\t{key.key_prefix}…\t{key.unit.code}\t{key.name}\t"
            f"{key.created_at:%Y-%m-%d}\t{uses} use(s)\t{state}"
        )


@keys_cli.command("uses")
@click.argument("key_id", type=int)
@click.option("--limit", default=100, show_default=True)
def uses_command(key_id: int, limit: int) -> None:
    """The audit trail of key KEY_ID, newest first: when, from where, what, the answer's status, the request."""
    try:
        uses = key_uses(key_id, limit)
    except UnknownKey:
        raise click.ClickException(f"No key has the id {key_id}.")
    for use in uses:
        click.echo(
            f"{use.at:%Y-%m-%d %H:%M:%S}Z\t{use.remote_addr or '-'}\t{use.action}\t{use.status}\t"
            f"{use.address_id or '-'}\t{use.request_id or '-'}"
        )


@keys_cli.command("revoke")
@click.argument("key_id", type=int)
def revoke_command(key_id: int) -> None:
    """Revoke key KEY_ID (see `keys list`): it files nothing more."""
    try:
        key = revoke_key(key_id)
    except UnknownKey:
        raise click.ClickException(f"No key has the id {key_id}.")
    db.session.commit()
    click.echo(f"Key {key.id} ({key.name}) revoked.")

import click
from flask.cli import AppGroup

from ..extensions import db
from ..types import utcnow
from .escalation import escalate_overdue

requests_cli = AppGroup("requests", help="Help requests.")


@requests_cli.command("check-sla")
def check_sla_command() -> None:
    """Flag overdue requests and notify their leaders and commune (each request once). Run it from cron."""
    total = 0
    while True:
        escalated = escalate_overdue(utcnow())
        db.session.commit()
        for request in escalated:
            click.echo(f"{request.reference}  {request.unit.name}  {request.service}  {request.status}")
        total += len(escalated)
        if not escalated:
            break
    click.echo(f"{total} overdue request(s) escalated.")

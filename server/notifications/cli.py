import time

import click
from flask.cli import AppGroup

from .push import PushNotConfigured, deliver_all

notifications_cli = AppGroup("notifications", help="Push notifications.")


@notifications_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running, checking for due notifications every --interval.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between checks with --loop.")
def send_command(loop: bool, interval: float) -> None:
    """Push pending notifications to phones with FCM (once, or continuously with --loop)."""
    while True:
        try:
            report = deliver_all()
        except PushNotConfigured as error:
            raise click.ClickException(str(error))
        if report.handled or not loop:
            click.echo(f"{report.sent} sent, {report.retrying} to retry, {report.failed} failed, "
                       f"{report.no_device} without a phone, {report.dropped_tokens} dead tokens dropped.")
            for error in report.errors:
                click.echo(f"  {error}", err=True)
        if not loop:
            return
        time.sleep(interval)

import time

import click
from flask.cli import AppGroup

from .push import PushNotConfigured, deliver_all

notifications_cli = AppGroup("notifications", help="Push notifications.")


@notifications_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running, checking for due notifications every --interval.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between checks with --loop.")
@click.option(
    "--wait-for-credentials",
    is_flag=True,
    help="With --loop and no FCM credentials, say so once and keep checking instead of stopping "
    "(the demo: notifications stay readable in the app's inbox).",
)
def send_command(loop: bool, interval: float, wait_for_credentials: bool) -> None:
    """Push pending notifications to phones with FCM (once, or continuously with --loop)."""
    told = False
    while True:
        try:
            report = deliver_all()
        except PushNotConfigured as error:
            if not (loop and wait_for_credentials):
                raise click.ClickException(str(error))
            if not told:
                click.echo(f"{error} Until then notifications are only in the app's inbox.", err=True)
                told = True
            time.sleep(interval)
            continue
        if report.handled or not loop:
            click.echo(
                f"{report.sent} sent, {report.retrying} to retry, {report.failed} failed, "
                f"{report.no_device} without a phone, {report.dropped_tokens} dead tokens dropped."
            )
            for error in report.errors:
                click.echo(f"  {error}", err=True)
        if not loop:
            return
        time.sleep(interval)

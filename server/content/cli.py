import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from .files import ContentInvalid, default_root, read_content
from .loader import load_content

content_cli = AppGroup("content", help="Tutorial posters and the service catalogue (content/).")


def _location() -> tuple[Path, Path]:
    """POSTERS_DIR names the posters folder; services.toml and images/ are in its parent."""
    posters_dir = current_app.config.get("POSTERS_DIR")
    root = default_root(posters_dir)
    return root, Path(posters_dir).resolve() if posters_dir else root / "posters"


def _read():
    root, posters_dir = _location()
    try:
        return read_content(root, posters_dir)
    except ContentInvalid as invalid:
        click.echo(
            f"Content in {root} is not valid ({len(invalid.problems)} problem(s)); nothing was loaded:", err=True
        )
        for problem in invalid.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)


@content_cli.command("check")
def check_command() -> None:
    """Validate services.toml, images/ and every poster without touching the database."""
    content = _read()
    click.echo(
        f"OK: {len(content.services)} services, {len(content.images)} images, "
        f"{len(content.posters)} posters in {_location()[0]}."
    )


@content_cli.command("load")
def load_command() -> None:
    """Validate, then load everything in one transaction (idempotent: unchanged posters keep their version)."""
    content = _read()
    report = load_content(content)
    db.session.commit()
    click.echo(str(report))

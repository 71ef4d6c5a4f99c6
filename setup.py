"""The wheel carries everything ToSo needs at run time, outside a checkout: the templates, static files
and fonts (package data in setup.cfg), the message catalogues compiled here, and the posters and
migrations, which live at the top of the checkout and are bundled under server/bundled/."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("content", "migrations")  # server/resources.py finds them in the wheel or the checkout


class BuildWithData(build_py):
    def run(self):
        super().run()
        package = Path(self.build_lib) / "server"
        _compile_catalogues(package / "translations")
        for name in BUNDLED:
            target = package / "bundled" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(ROOT / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "tools"))


def _compile_catalogues(directory: Path) -> None:
    """messages.po → messages.mo, as `pybabel compile` does (a clean checkout has no .mo files)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in directory.glob("*/LC_MESSAGES/*.po"):
        with po.open("rb") as source:
            catalogue = read_po(source, locale=po.parts[-3])
        with po.with_suffix(".mo").open("wb") as target:
            write_mo(target, catalogue)


setup(cmdclass={"build_py": BuildWithData})

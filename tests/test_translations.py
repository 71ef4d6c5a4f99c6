"""Vietnamese is the default language: every message users can see must have a translation."""

import inspect
from pathlib import Path

import marshmallow.fields
import marshmallow.validate
from babel.messages import pofile
from babel.messages.frontend import CommandLineInterface

from server.validation_messages import _patterns

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "server" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"


def _extract(tmp_path) -> set[str]:
    output = tmp_path / "messages.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "N_",
            "-k",
            "_l",
            "-o",
            str(output),
            str(ROOT),
        ]
    )
    with output.open("rb") as handle:
        return {m.id for m in pofile.read_po(handle) if m.id}


def test_every_message_in_the_code_has_a_vietnamese_translation(tmp_path):
    with CATALOGUE.open("rb") as handle:
        catalogue = pofile.read_po(handle)
    translated = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
    missing = _extract(tmp_path) - translated
    assert not missing, f"add Vietnamese for: {sorted(missing)} (make messages, then edit {CATALOGUE})"


def test_the_compiled_catalogue_is_current():
    compiled = CATALOGUE.with_suffix(".mo")
    assert compiled.exists(), "run `make translations`"
    assert compiled.stat().st_mtime >= CATALOGUE.stat().st_mtime, "run `make translations`"


def test_every_marshmallow_message_is_translatable():
    """marshmallow formats messages in English; each must match a template we translate."""
    messages = set()
    for _name, cls in inspect.getmembers(marshmallow.fields, inspect.isclass):
        messages |= set(getattr(cls, "default_error_messages", {}).values())
    samples = {
        message.format(
            min=1,
            max=5,
            equal=3,
            choices="a, b",
            other="x",
            values="a",
            input="x",
            obj_type="datetime",
            awareness="aware",
        )
        for message in messages
    }
    samples |= {"Must be greater than or equal to 1 and less than or equal to 500.", "Must be less than or equal to 9."}
    unmatched = {s for s in samples if not any(p.match(s) for p, _t in _patterns())}
    assert not unmatched

"""Criteria come from one TOML file; a province may set its own weights; a wrong file is refused."""

import pytest
from flask import current_app

from server.coverage.periods import parse_period
from server.emulation.criteria import DEFAULT_PATH, CriteriaInvalid, load_criteria
from server.emulation.ranking import rank
from server.units.services import get_unit
from tests.factories import COMMUNE_A, COMMUNE_B

PROVINCE_WEIGHTS = (
    DEFAULT_PATH.read_text(encoding="utf-8")
    + """
[province."08".weights]
days_active = 40
people_helped = 0
"""
)


def test_defaults_add_up_to_100_and_have_both_languages():
    criteria = load_criteria(str(DEFAULT_PATH))
    assert sum(c.weight for c in criteria.criteria) == 100
    assert all(c.labels.get("vi") and c.labels.get("en") for c in criteria.criteria)
    assert criteria.service_weight("dichvucong") == 3 and criteria.service_weight("zalo") == 1


def test_a_province_sets_its_own_weights(app_context, tmp_path, monkeypatch):
    path = tmp_path / "emulation.toml"
    path.write_text(PROVINCE_WEIGHTS, encoding="utf-8")
    monkeypatch.setitem(current_app.config, "EMULATION_CRITERIA", str(path))
    in_08 = {c.code: c.weight for c in rank(get_unit(COMMUNE_A), parse_period("2026-11"), "members").criteria}
    in_01 = {c.code: c.weight for c in rank(get_unit(COMMUNE_B), parse_period("2026-11"), "members").criteria}
    assert in_08["days_active"] == 40 and in_08["people_helped"] == 0 and in_08["trainings"] == 10
    assert in_01["days_active"] == 10 and in_01["people_helped"] == 30


@pytest.mark.parametrize(
    "text",
    [
        '[[criterion]]\ncode = "likes"\nweight = 5\n',
        '[[criterion]]\ncode = "rating"\nweight = -1\n',
        '[province."08".weights]\nlikes = 3\n',
    ],
)
def test_a_wrong_file_is_refused(tmp_path, text):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CriteriaInvalid):
        load_criteria(str(path))

"""The emulation criteria, read from one TOML file (content/emulation.toml, or EMULATION_CRITERIA).

The file chooses weights, labels and parameters; the codes are fixed because each one has a
calculation in server/emulation/ranking.py."""

import tomllib
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app
from flask_babel import get_locale

from ..resources import resource_dir

CODES = ("people_helped", "people_per_100", "requests_on_time", "rating", "days_active", "trainings", "pursued")
DEFAULT_PATH = resource_dir("content") / "emulation.toml"  # in the checkout, or bundled in the wheel
FORMULA = {
    "vi": "điểm = trọng số × giá trị ÷ giá trị cao nhất của bảng; tổng điểm = cộng điểm các tiêu chí",
    "en": "points = weight × value ÷ the best value in this ranking; score = the sum of the points",
}


class CriteriaInvalid(ValueError):
    """The criteria file is wrong; the message lists what."""


@dataclass(frozen=True)
class Criterion:
    code: str
    weight: float
    labels: dict

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels.get("vi") or self.code


@dataclass(frozen=True)
class Criteria:
    criteria: tuple[Criterion, ...]
    service_weights: dict
    min_ratings: int
    skill_min_successes: int
    provinces: dict  # province code -> {criterion code: weight}

    def for_unit_path(self, codes: list[str]) -> tuple[Criterion, ...]:
        """The criteria with the weights of the province the unit lies in, if it set its own."""
        for code in codes:
            weights = self.provinces.get(code)
            if weights:
                return tuple(Criterion(c.code, float(weights.get(c.code, c.weight)), c.labels) for c in self.criteria)
        return self.criteria

    def service_weight(self, service: str) -> float:
        return float(self.service_weights.get(service, self.service_weights.get("default", 1)))


def current_criteria() -> Criteria:
    return load_criteria(str(current_app.config.get("EMULATION_CRITERIA") or DEFAULT_PATH))


def formula_text() -> str:
    return FORMULA.get(str(get_locale()), FORMULA["vi"])


@lru_cache(maxsize=8)
def load_criteria(path: str) -> Criteria:
    with open(path, "rb") as file:
        data = tomllib.load(file)
    problems = []
    criteria, min_ratings = [], 3
    for entry in data.get("criterion", []):
        code, weight = entry.get("code"), entry.get("weight")
        if code not in CODES:
            problems.append(f"unknown criterion {code!r} (known: {', '.join(CODES)})")
            continue
        if not isinstance(weight, int | float) or weight < 0:
            problems.append(f"{code}: weight must be a number ≥ 0")
            continue
        if code == "rating":
            min_ratings = int(entry.get("min_ratings", min_ratings))
        criteria.append(Criterion(code, float(weight), dict(entry.get("label", {}))))
    if len({c.code for c in criteria}) != len(criteria):
        problems.append("a criterion is declared twice")
    provinces = {}
    for province, settings in data.get("province", {}).items():
        weights = settings.get("weights", {})
        unknown = set(weights) - set(CODES)
        if unknown:
            problems.append(f"province {province}: unknown criteria {', '.join(sorted(unknown))}")
        provinces[str(province)] = weights
    if problems:
        raise CriteriaInvalid(f"{path}: " + "; ".join(problems))
    return Criteria(
        tuple(criteria),
        dict(data.get("service_weights", {"default": 1})),
        min_ratings,
        int(data.get("skill_min_successes", 5)),
        provinces,
    )

"""Coverage denominators from a CSV: code,population[,households] (a header row is required)."""

import csv

from sqlalchemy import select

from ..extensions import db
from ..signals import units_changed
from .models import Unit


class PopulationImportError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def import_population(stream) -> int:
    reader = csv.DictReader(stream)
    if not reader.fieldnames or not {"code", "population"} <= {f.strip() for f in reader.fieldnames}:
        raise PopulationImportError(["the first row must name the columns: code,population[,households]"])
    rows, problems = [], []
    for line, row in enumerate(reader, start=2):
        row = {key.strip(): (value or "").strip() for key, value in row.items() if key}
        values = {}
        for field in ("population", "households"):
            raw = row.get(field, "")
            if raw == "":
                continue
            if not raw.isdigit() or int(raw) > 200_000_000:
                problems.append(f"line {line}: {field} must be a whole number, not {raw!r}")
            else:
                values[field] = int(raw)
        rows.append((line, row.get("code", ""), values))
    units = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.in_([code for _l, code, _v in rows])))}
    for line, code, _values in rows:
        if code not in units:
            problems.append(f"line {line}: no unit has the code {code!r}")
    if problems:
        raise PopulationImportError(problems)
    for _line, code, values in rows:
        for field, value in values.items():
            setattr(units[code], field, value)
    db.session.flush()
    units_changed.send(__name__, paths=[units[code].path for _line, code, _values in rows])
    return len(rows)

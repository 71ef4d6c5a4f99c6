"""The bulk write helpers give the same answers whether the rows travel as arrays (a few) or are
staged by COPY (many, on PostgreSQL): the keys they inserted, amounts added, rows replaced."""

import pytest
from sqlalchemy import select

from server.coverage.models import CoverageCounter, CoverageMark
from server.dbutil import STAGED_FROM, add_to_rows, insert_new_rows, replace_rows
from server.extensions import db

SIZES = [3, STAGED_FROM + 50]


def _marks(count: int, start: int = 0) -> list[dict]:
    return [
        {"indicator": "people_helped", "period": "2026-11", "subject": f"r:{n:05d}", "village_path": f"/VN/08/{n}/"}
        for n in range(start, start + count)
    ]


@pytest.mark.parametrize("count", SIZES)
def test_insert_new_rows_stores_the_missing_and_names_only_them(app_context, count):
    key = ("indicator", "period", "subject")
    first = _marks(count)
    assert insert_new_rows(CoverageMark.__table__, first, key) == {tuple(r[k] for k in key) for r in first}
    again = _marks(count, start=count // 2)  # half stored already
    inserted = insert_new_rows(CoverageMark.__table__, again, key)
    assert inserted == {tuple(r[k] for k in key) for r in again[count - count // 2 :]}
    stored = db.session.execute(select(CoverageMark.subject, CoverageMark.village_path)).all()
    assert sorted(stored) == sorted((r["subject"], r["village_path"]) for r in _marks(count + count // 2))


@pytest.mark.parametrize("count", SIZES)
def test_add_to_rows_adds_to_stored_amounts_and_creates_the_missing(app_context, count):
    key = ("unit_code", "period", "indicator")
    rows = [{"unit_code": f"U{n}", "period": "2026", "indicator": "records", "value": n + 1} for n in range(count)]
    add_to_rows(CoverageCounter.__table__, rows[: count // 2], key, "value")
    add_to_rows(CoverageCounter.__table__, rows, key, "value")
    values = dict(db.session.execute(select(CoverageCounter.unit_code, CoverageCounter.value)).all())
    assert values == {f"U{n}": (n + 1) * (2 if n < count // 2 else 1) for n in range(count)}


@pytest.mark.parametrize("count", SIZES)
def test_replace_rows_overwrites_the_other_columns(app_context, count):
    key = ("indicator", "period", "subject")
    replace_rows(CoverageMark.__table__, _marks(count), key)
    moved = [dict(row, village_path="/VN/01/") for row in _marks(count)]
    replace_rows(CoverageMark.__table__, moved, key)
    assert set(db.session.scalars(select(CoverageMark.village_path))) == {"/VN/01/"}
    assert db.session.query(CoverageMark).count() == count

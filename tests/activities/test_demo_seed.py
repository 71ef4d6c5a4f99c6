from sqlalchemy import func, select

from server.activities.models import Activity
from server.demo.emulation import EXTRA_MEMBERS
from server.demo.seed import seed_demo
from server.extensions import db
from server.residents.models import Resident
from server.residents.services import possible_duplicates


def test_demo_seed_adds_residents_and_records_once(app_context):
    report = seed_demo()
    db.session.commit()
    assert "400 assistance records" in report
    extra = sum(records for *_person, records in EXTRA_MEMBERS)  # the emulation demo's members
    assert db.session.scalar(select(func.count()).select_from(Activity)) == 400 + extra
    residents = db.session.scalar(select(func.count()).select_from(Resident))
    flagged = [r for r in db.session.scalars(select(Resident)) if possible_duplicates(r)]
    assert flagged, "the demo shows a likely duplicate for the leader to merge"
    assert "already there" in seed_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Activity)) == 400 + extra
    assert db.session.scalar(select(func.count()).select_from(Resident)) == residents

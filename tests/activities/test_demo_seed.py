from sqlalchemy import func, select

from server.activities.models import Activity
from server.demo.seed import seed_demo
from server.extensions import db
from server.residents.models import Resident
from server.residents.services import possible_duplicates


def test_demo_seed_adds_residents_and_records_once(app_context):
    report = seed_demo()
    db.session.commit()
    assert "400 assistance records" in report
    assert db.session.scalar(select(func.count()).select_from(Activity)) == 400
    residents = db.session.scalar(select(func.count()).select_from(Resident))
    flagged = [r for r in db.session.scalars(select(Resident)) if possible_duplicates(r)]
    assert flagged, "the demo shows a likely duplicate for the leader to merge"
    assert "already there" in seed_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Activity)) == 400
    assert db.session.scalar(select(func.count()).select_from(Resident)) == residents

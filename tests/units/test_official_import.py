"""`units import`: idempotent, and a later package version that renames, moves or drops units
updates them in place so that nothing pointing at them breaks."""

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from server.extensions import db
from server.teams.models import Team
from server.units.models import Unit
from server.units.official import OfficialUnit, import_official_units
from server.units.services import get_unit
from tests.conftest import dispose, make_test_app
from tests.factories import make_unit

BEFORE = [
    OfficialUnit("01", "Thành phố Hà Nội", "province", "thành phố trung ương", "VN"),
    OfficialUnit("08", "Tỉnh Tuyên Quang", "province", "tỉnh", "VN"),
    OfficialUnit("00715", "Xã Lũng Cú", "commune", "xã", "08"),
    OfficialUnit("00004", "Phường Ba Đình", "commune", "phường", "01"),
    OfficialUnit("00008", "Phường Ngọc Hà", "commune", "phường", "01"),
]


@pytest.fixture
def fresh(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path}/import.sqlite3")
    with app.app_context():
        upgrade()
        yield app
    dispose(app)


def test_reimport_changes_nothing(fresh):
    first = import_official_units(BEFORE)
    db.session.commit()
    stamps = {u.code: u.updated_at for u in db.session.scalars(select(Unit))}
    again = import_official_units(BEFORE)
    db.session.commit()
    assert (first.created, again.created, again.updated, again.abolished) == (6, 0, 0, 0)
    assert {u.code: u.updated_at for u in db.session.scalars(select(Unit))} == stamps


def test_rename_move_and_abolish_keep_references(fresh):
    import_official_units(BEFORE)
    village = make_unit("00715", "Thôn Lô Lô Chải")
    team = Team(unit_id=village.id, name="Tổ CNS")
    db.session.add(team)
    db.session.commit()
    commune_id = get_unit("00715").id

    after = [
        BEFORE[0],
        OfficialUnit("08", "Tỉnh Tuyên Quang", "province", "tỉnh", "VN"),
        OfficialUnit("00715", "Xã Lũng Cú Mới", "commune", "xã", "01"),  # renamed and moved
        BEFORE[3],
    ]  # 00008 merged away
    report = import_official_units(after)
    db.session.commit()
    assert (report.updated, report.abolished) == (1, 1)

    commune = get_unit("00715")
    assert commune.id == commune_id and commune.name == "Xã Lũng Cú Mới" and commune.search_name == "xa lung cu moi"
    assert commune.path == "/VN/01/00715/"
    moved_village = db.session.get(Unit, village.id)
    assert moved_village.path == f"/VN/01/00715/{village.code}/"
    assert db.session.get(Team, team.id).unit_id == village.id
    assert get_unit("00008").abolished_at is not None

    restored = import_official_units(BEFORE)
    db.session.commit()
    assert get_unit("00008").abolished_at is None and restored.updated == 2


def test_real_package_import_counts(fresh):
    report = import_official_units()
    db.session.commit()
    assert report.created == 1 + 34 + 3321
    assert get_unit("VN").name == "Việt Nam"

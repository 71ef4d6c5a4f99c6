"""Loading: idempotent, versioned by content, removals kept, and all-or-nothing."""

import shutil
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from server.content.loader import load_content_from
from server.content.models import Poster
from server.extensions import db
from tests.content.conftest import REAL_CONTENT

POSTER = "vneid-install-level1"
LATER = datetime(2030, 1, 1, tzinfo=UTC)


def _catalogue() -> dict[str, tuple]:
    return {p.slug: (p.version, p.updated_at, p.content_hash, p.removed_at) for p in db.session.scalars(select(Poster))}


def test_loading_the_same_content_again_changes_nothing(app_context):
    before = _catalogue()
    report = load_content_from(REAL_CONTENT, now=LATER)
    assert report.created == report.updated == report.removed == []
    assert len(report.unchanged) == len(before)
    assert _catalogue() == before


def test_only_a_changed_poster_gets_a_new_version(app_context, content_copy, restore_real_content):
    before = _catalogue()
    path = content_copy / "posters" / POSTER / "en.toml"
    path.write_text("# a comment and blank lines are not content\n\n" + path.read_text())
    assert load_content_from(content_copy, now=LATER).updated == []

    path.write_text(path.read_text().replace("Search for “VNeID”", "Search for “VNeID” (blue icon)"))
    report = load_content_from(content_copy, now=LATER)
    assert report.updated == [POSTER]
    after = _catalogue()
    assert after[POSTER][0] == before[POSTER][0] + 1
    assert after[POSTER][1] == LATER
    assert {slug: row for slug, row in after.items() if slug != POSTER} == {
        slug: row for slug, row in before.items() if slug != POSTER
    }


def test_a_changed_step_image_is_a_content_change(app_context, content_copy, restore_real_content):
    shutil.copy(content_copy / "images" / "passcode-lock.png", content_copy / "images" / "face-scan.png")
    report = load_content_from(content_copy, now=LATER)
    assert POSTER in report.updated  # its face-scan step now points at a new image URL


def test_a_deleted_poster_is_marked_removed_and_can_come_back(app_context, content_copy, restore_real_content):
    shutil.rmtree(content_copy / "posters" / POSTER)
    report = load_content_from(content_copy, now=LATER)
    assert report.removed == [POSTER]
    poster = db.session.scalar(select(Poster).where(Poster.slug == POSTER))
    assert poster.removed_at == LATER and poster.updated_at == LATER

    report = load_content_from(REAL_CONTENT)
    assert report.updated == [POSTER]
    assert poster.removed_at is None


def test_refused_content_leaves_the_catalogue_untouched(app, content_copy):
    shutil.rmtree(content_copy / "posters" / "health-book")
    (content_copy / "posters" / POSTER / "en.toml").unlink()
    (content_copy / "posters" / "vneid-level2" / "vi.toml").write_text('title = "x"\n')
    with app.app_context():
        before = _catalogue()
    result = _run_cli(app, ["content", "load"], content_copy)
    assert result.exit_code == 1
    assert f"posters/{POSTER}/en.toml: file is missing" in result.output
    assert "posters/vneid-level2/vi.toml: summary: Missing data for required field." in result.output
    assert "nothing was loaded" in result.output
    with app.app_context():
        assert _catalogue() == before


def test_check_validates_without_loading(app, content_copy):
    (content_copy / "posters" / "new-poster").mkdir()
    shutil.copytree(content_copy / "posters" / POSTER, content_copy / "posters" / "new-poster", dirs_exist_ok=True)
    result = _run_cli(app, ["content", "check"], content_copy)
    assert result.exit_code == 0, result.output
    assert "18 posters" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Poster).where(Poster.slug == "new-poster")) == 0


def test_load_command_reports_what_it_did(app, content_copy, restore_real_content):
    path = content_copy / "posters" / POSTER / "vi.toml"
    path.write_text(path.read_text().replace("Nhớ kỹ mật khẩu", "Ghi nhớ kỹ mật khẩu"))
    result = _run_cli(app, ["content", "load"], content_copy)
    assert result.exit_code == 0, result.output
    assert "1 updated" in result.output and f"updated: {POSTER}" in result.output


def _run_cli(app, args, root):
    """Run a content command with POSTERS_DIR pointing at `root`/posters, as an operator would."""
    previous = app.config["POSTERS_DIR"]
    app.config["POSTERS_DIR"] = str(root / "posters")
    try:
        return app.test_cli_runner().invoke(args=args)
    finally:
        app.config["POSTERS_DIR"] = previous


@pytest.mark.parametrize("command", ["check", "load"])
def test_real_content_passes_the_commands(app, command):
    result = app.test_cli_runner().invoke(args=["content", command])
    assert result.exit_code == 0, result.output

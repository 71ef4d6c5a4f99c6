import shutil

import pytest

from server.content.files import default_root
from server.extensions import db
from tests.conftest import load_real_content

REAL_CONTENT = default_root(None)


@pytest.fixture
def content_copy(tmp_path):
    """A copy of the real content/ folder for a test to edit."""
    root = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, root, ignore=shutil.ignore_patterns("tools"))
    return root


@pytest.fixture
def restore_real_content(app):
    """For tests that load other content into the session database: put the real posters back."""
    yield
    with app.app_context():
        db.session.rollback()
        load_real_content()
        db.session.commit()

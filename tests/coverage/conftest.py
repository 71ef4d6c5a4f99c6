import pytest

from tests.clock import MID_MONTH, frozen_at


@pytest.fixture(autouse=True)
def mid_month():
    """Every coverage figure depends on the period "now" falls in: the clock is frozen for all of
    them; boundary tests travel further themselves."""
    with frozen_at(MID_MONTH):
        yield

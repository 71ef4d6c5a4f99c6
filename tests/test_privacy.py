import pytest

from server.privacy import mask_citizen_ids


@pytest.mark.parametrize("text, expected", [
    ("CCCD 001203004567 bị khóa", "CCCD *********567 bị khóa"),
    ("số cmnd 123456789.", "số cmnd ******789."),
    ("0012 0300 4567", "*********567"),
    ("001 203 004 567", "*********567"),
    ("gọi 0912345678 hoặc +84912345678", "gọi 0912345678 hoặc +84912345678"),  # phone numbers stay
    ("nợ 100.000.000 đồng", "nợ 100.000.000 đồng"),  # amounts stay
    ("mã 1234567890123", "mã 1234567890123"),  # 13 digits is not an ID
    ("", ""),
    (None, None),
])
def test_citizen_id_like_numbers_are_masked(text, expected):
    assert mask_citizen_ids(text) == expected

import pytest

from server.privacy import is_citizen_id_field, looks_like_citizen_id, mask_citizen_ids


@pytest.mark.parametrize("text", ["001234567890", "CCCD: 001 234 567 890", "cmnd 123456789", "số 123-456-789 nhé"])
def test_citizen_id_shapes_are_recognised(text):
    assert looks_like_citizen_id(text)


@pytest.mark.parametrize(
    "text",
    ["0912 345 678", "+84912345678", "150.000.000 đồng", "sinh năm 1962", "12/05/1950", "", None, "0012345678901"],
)
def test_phones_money_dates_and_longer_numbers_are_not(text):
    assert not looks_like_citizen_id(text)


def test_masking_keeps_the_rest_of_the_note():
    assert mask_citizen_ids("Bà Hoa 001 234 567 890, gọi 0912345678") == "Bà Hoa *** *** *** ***, gọi 0912345678"


def test_field_names_for_identity_numbers():
    assert is_citizen_id_field("CCCD") and is_citizen_id_field("so-cmnd") and not is_citizen_id_field("name")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("CCCD 001203004567 bị khóa", "CCCD ************ bị khóa"),
        ("số cmnd 123456789.", "số cmnd *********."),
        ("0012 0300 4567", "**** **** ****"),
        ("001 203 004 567", "*** *** *** ***"),
        ("gọi 0912345678 hoặc +84912345678", "gọi 0912345678 hoặc +84912345678"),  # phone numbers stay
        ("nợ 100.000.000 đồng", "nợ 100.000.000 đồng"),  # amounts stay
        ("mã 1234567890123", "mã 1234567890123"),  # 13 digits is not an ID
        ("", ""),
        (None, None),
    ],
)
def test_citizen_id_like_numbers_are_masked_whole(text, expected):
    """No digit of an identity number is kept: ToSo never needs any of it."""
    assert mask_citizen_ids(text) == expected

import pytest

from server.privacy import is_citizen_id_field, looks_like_citizen_id, mask_citizen_ids


@pytest.mark.parametrize("text", ["001234567890", "CCCD: 001 234 567 890", "cmnd 123456789", "số 123-456-789 nhé"])
def test_citizen_id_shapes_are_recognised(text):
    assert looks_like_citizen_id(text)


@pytest.mark.parametrize("text", ["0912 345 678", "+84912345678", "150.000.000 đồng", "sinh năm 1962",
                                  "12/05/1950", "", None, "0012345678901"])
def test_phones_money_dates_and_longer_numbers_are_not(text):
    assert not looks_like_citizen_id(text)


def test_masking_keeps_the_rest_of_the_note():
    assert mask_citizen_ids("Bà Hoa 001 234 567 890, gọi 0912345678") == "Bà Hoa *** *** *** ***, gọi 0912345678"


def test_field_names_for_identity_numbers():
    assert is_citizen_id_field("CCCD") and is_citizen_id_field("so-cmnd") and not is_citizen_id_field("name")

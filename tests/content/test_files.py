"""Validation of the content folder: every problem is named, with its poster and file."""

import io

import pytest
from PIL import Image as PILImage

from server.content.files import MAX_IMAGE_BYTES, ContentInvalid, read_content
from tests.content.conftest import REAL_CONTENT

POSTER = "vneid-install-level1"


def test_the_real_content_is_valid():
    content = read_content(REAL_CONTENT)
    assert len(content.posters) >= 15
    assert len(content.services) >= 10
    for poster in content.posters:
        assert {"vi", "en"} <= set(poster.translations), poster.slug
        for lang, text in poster.translations.items():
            assert all(step["text"] for step in text["steps"]), (poster.slug, lang)


def problems_of(root) -> list[str]:
    with pytest.raises(ContentInvalid) as raised:
        read_content(root)
    return [str(problem) for problem in raised.value.problems]


def _edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _png(size=(48, 32)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "white").save(buffer, "PNG")
    return buffer.getvalue()


def break_missing_english(root):
    (root / "posters" / POSTER / "en.toml").unlink()
    return f"posters/{POSTER}/en.toml: file is missing"


def break_step_without_text(root):
    _edit(root / "posters" / POSTER / "vi.toml", 'text = "Mở VNeID.', 'warning = "Mở VNeID.')
    return f"posters/{POSTER}/vi.toml: steps[2].text: Missing data for required field."


def break_unknown_image(root):
    _edit(root / "posters" / POSTER / "en.toml", 'image = "face-scan"', 'image = "selfie"')
    return f"posters/{POSTER}/en.toml: steps[5].image: no image named 'selfie' in images/"


def break_unknown_service(root):
    _edit(root / "posters" / POSTER / "poster.toml", 'service = "vneid"', 'service = "vneid2"')
    return f"posters/{POSTER}/poster.toml: service: 'vneid2' is not a code in services.toml"


def break_toml_syntax(root):
    _edit(root / "posters" / POSTER / "vi.toml", 'title = "', "title = ")
    return f"posters/{POSTER}/vi.toml: not valid TOML"


def break_misspelt_key(root):
    _edit(root / "posters" / POSTER / "en.toml", "warning = ", "warnign = ")
    return f"posters/{POSTER}/en.toml: steps[1].warnign: Unknown field."


def break_quoted_date(root):
    _edit(root / "posters" / POSTER / "poster.toml", "reviewed = 2026-11-23", 'reviewed = "2026-11-23"')
    return f"posters/{POSTER}/poster.toml: reviewed: Must be a TOML date"


def break_step_count(root):
    path = root / "posters" / POSTER / "en.toml"
    text = path.read_text()
    path.write_text(text[: text.rindex("[[steps]]")])
    return f"posters/{POSTER}/en.toml: has 7 steps but vi.toml has 8"


def break_bad_slug(root):
    (root / "posters" / POSTER).rename(root / "posters" / "VNeID_Install")
    return "posters/VNeID_Install: folder name (the slug) must be lowercase"


def break_huge_image(root):
    (root / "images" / "face-scan.png").write_bytes(_png() + b"\0" * MAX_IMAGE_BYTES)
    return "images/face-scan.png: 150 KB is over the 150 KB limit"


def break_image_format(root):
    (root / "images" / "face-scan.png").write_bytes(b"GIF89a not really")
    return "images/face-scan.png: not a readable image"


def break_duplicate_service(root):
    path = root / "services.toml"
    text = path.read_text()
    first = text.index("[[service]]")
    path.write_text(text + "\n" + text[first : text.index("[[service]]", first + 1)])
    return "services.toml: service code 'vneid' is used twice"


def break_service_without_english(root):
    _edit(root / "services.toml", 'en = "Zalo"\n', "")
    return "services.toml: service[8].name: Missing language(s): en."


BREAKAGES = [value for name, value in globals().items() if name.startswith("break_")]


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda f: f.__name__[6:])
def test_each_problem_is_reported_with_its_place(content_copy, breakage):
    expected = breakage(content_copy)
    problems = problems_of(content_copy)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_all_problems_are_listed_at_once(content_copy):
    expected = [
        break_missing_english(content_copy),
        break_unknown_service(content_copy),
        break_huge_image(content_copy),
    ]
    problems = problems_of(content_copy)
    for message in expected:
        assert any(problem.startswith(message) for problem in problems), (message, problems)


def test_a_new_language_needs_no_code(content_copy):
    folder = content_copy / "posters" / POSTER
    (folder / "tay.toml").write_text((folder / "vi.toml").read_text().replace("Cài VNeID", "Cài VNeID (Tày)"))
    poster = next(p for p in read_content(content_copy).posters if p.slug == POSTER)
    assert sorted(poster.translations) == ["en", "tay", "vi"]


def test_text_is_stored_in_nfc(content_copy):
    """Some keyboards type Vietnamese decomposed (NFD); search and PDFs need one form."""
    import unicodedata

    path = content_copy / "posters" / POSTER / "vi.toml"
    path.write_text(unicodedata.normalize("NFD", path.read_text()))
    poster = next(p for p in read_content(content_copy).posters if p.slug == POSTER)
    assert poster.translations["vi"]["title"].startswith("Cài VNeID và đăng ký")

"""Printable posters: one A4 page, Vietnamese text intact, and a QR code a phone can read."""

import pypdfium2 as pdfium
import pytest
import zxingcpp

from tests.factories import COMMUNE_A, make_team, make_unit

POSTER = "vneid-install-level1"


class RenderedPdf:
    def __init__(self, data: bytes):
        self.document = pdfium.PdfDocument(data)

    def close(self):
        self.document.close()

    @property
    def pages(self) -> int:
        return len(self.document)

    def text(self) -> str:
        page = self.document[0]
        textpage = page.get_textpage()
        try:
            return " ".join(textpage.get_text_range().split())
        finally:
            textpage.close()
            page.close()

    def qr_codes(self) -> list[str]:
        page = self.document[0]
        try:
            picture = page.render(scale=2).to_pil()
        finally:
            page.close()
        return [code.text for code in zxingcpp.read_barcodes(picture) if code.format == zxingcpp.BarcodeFormat.QRCode]


@pytest.fixture
def pdf_of(client):
    opened = []

    def fetch(path):
        response = client.get(f"/api/v1{path}")
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.mimetype == "application/pdf"
        opened.append(RenderedPdf(response.get_data()))
        return opened[-1]

    yield fetch
    for document in opened:
        document.close()


@pytest.fixture
def village(app):
    with app.app_context():
        from server.extensions import db

        unit = make_unit(COMMUNE_A, "Thôn Lô Lô Chải")
        make_team(unit.code, "Tổ công nghệ số thôn Lô Lô Chải")
        db.session.commit()
        return unit.code


def test_the_qr_code_opens_the_poster_for_this_village(pdf_of, village, app):
    document = pdf_of(f"/posters/{POSTER}.pdf?unit={village}")
    base = app.config["PUBLIC_BASE_URL"].rstrip("/")
    assert document.qr_codes() == [f"{base}/p/{POSTER}?unit={village}"]


def test_the_qr_code_keeps_the_language(pdf_of, village, app):
    document = pdf_of(f"/posters/{POSTER}.pdf?unit={village}&lang=en")
    assert document.qr_codes() == [f"{app.config['PUBLIC_BASE_URL'].rstrip('/')}/p/{POSTER}?unit={village}&lang=en"]
    assert "Install VNeID and register a level-1 electronic ID account" in document.text()
    assert "Need help? Scan the code" in document.text()


def test_vietnamese_text_and_the_village_are_printed(pdf_of, village):
    text = pdf_of(f"/posters/{POSTER}.pdf?unit={village}").text()
    for phrase in (
        "Cài VNeID và đăng ký tài khoản định danh điện tử mức 1",
        "Quét chip trên thẻ căn cước",
        "Cần giúp? Quét mã này",
        "Tổ công nghệ số thôn Lô Lô Chải — Thôn Lô Lô Chải, Xã Lũng Cú, Tỉnh Tuyên Quang",
    ):
        assert phrase in text, phrase


def test_every_poster_fits_on_one_page(pdf_of, as_phone):
    slugs = [item["slug"] for item in as_phone(None).get("/posters").get_json()["items"]]
    for slug in slugs:
        for lang in ("vi", "en"):
            assert pdf_of(f"/posters/{slug}.pdf?unit={COMMUNE_A}&lang={lang}").pages == 1, (slug, lang)


def test_an_unknown_unit_or_poster_is_a_404_problem(client):
    for path in (f"/posters/{POSTER}.pdf?unit=99999999", f"/posters/no-such-poster.pdf?unit={COMMUNE_A}"):
        response = client.get(f"/api/v1{path}")
        assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_the_unit_is_required(client):
    response = client.get(f"/api/v1/posters/{POSTER}.pdf")
    assert response.status_code == 422 and "unit" in response.get_json()["errors"]


def test_the_poster_fonts_have_every_character_of_the_content():
    """The PDF uses DejaVu cut down to Latin and symbols; a new language must not lose letters."""
    from fontTools.ttLib import TTFont

    from server.content.files import read_content
    from server.content.pdf import poster_font
    from tests.content.conftest import REAL_CONTENT

    content = read_content(REAL_CONTENT)
    texts = [value for service in content.services for value in service["name"].values()]
    for poster in content.posters:
        for text in poster.translations.values():
            texts += [text["title"], text["summary"], text["help"]]
            texts += [step[key] for step in text["steps"] for key in ("text", "warning") if step[key]]
    characters = {ord(char) for text in texts for char in text} - {ord("\n")}
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        with TTFont(poster_font(name)) as font:
            missing = characters - set(font.getBestCmap())
        assert not missing, (name, "".join(map(chr, sorted(missing))))

"""A4 printable posters for the village notice board (fpdf2, DejaVu fonts, a segno QR code).

Everything is drawn as vectors except the step pictures, so the sheet prints crisply; the
text is scaled down just enough for the whole poster to fit on one page."""

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import segno
from flask_babel import force_locale
from flask_babel import gettext as _
from fontTools import subset as font_subset
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from ..bounded_cache import BoundedCache
from ..teams.contact import nearest_team
from ..units.models import Unit
from ..units.services import ancestors_of, get_unit
from .links import poster_link
from .services import LocalisedPoster, get_poster

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
# Latin with every Vietnamese letter (precomposed and combining), punctuation, currency, arrows and
# symbols: what Vietnamese, English and the Latin-script minority languages (Tày, H'Mông…) use.
FONT_RANGES = (
    "U+0020-007E,U+00A0-024F,U+0300-036F,U+1E00-1EFF,U+2000-206F,U+20A0-20CF,U+2190-21FF,"
    "U+2200-22FF,U+25A0-25FF,U+2600-27BF"
)
PAGE_W, PAGE_H, MARGIN = 210, 297, 14
CONTENT_W = PAGE_W - 2 * MARGIN
NUMBER_W = 13  # the column of step numbers
IMAGE_W = 40  # step pictures are 3:2
IMAGE_H = IMAGE_W * 2 / 3
FOOTER_H = 50  # help box with QR code, plus the unit line
SCALES = (1.0, 0.96, 0.92, 0.88, 0.84, 0.8, 0.76, 0.72, 0.68, 0.64, 0.6)

BLUE, DARK, GREY = (29, 78, 216), (31, 41, 55), (75, 85, 99)
LIGHT_BLUE, AMBER_BG, AMBER = (219, 234, 254), (254, 243, 199), (146, 64, 14)


RENDERED_KEPT = 64  # a sheet is ~100 KB: bounded, so a worker's memory stays flat
_rendered = BoundedCache(RENDERED_KEPT)


@dataclass
class PosterPdf:
    data: bytes
    lang: str
    tag: str  # names everything the bytes were made from: the same tag, the same bytes


def render_poster_pdf(slug: str, unit_code: str, lang: str) -> PosterPdf:
    """Raises NotFound for an unknown poster or unit.

    Rendering takes a few hundred milliseconds; the bytes are kept per worker, keyed by everything
    drawn on the sheet (poster version and language, its pictures, the unit's place and team, the
    link), which a few small queries read afresh on every call, so a change is never served stale."""
    poster = get_poster(slug, lang)
    unit = get_unit(unit_code)
    link = poster_link(slug, unit.code, lang)
    drawn = (
        slug,
        poster.poster.version,
        poster.poster.updated_at,
        poster.lang,
        poster.text.title,
        tuple(step["image"].sha256 if step.get("image") else None for step in poster.steps),
        unit.code,
        place_and_team(unit),
        link,
    )
    tag = hashlib.blake2b(repr(drawn).encode(), digest_size=16).hexdigest()
    data = _rendered.get(tag)
    if data is None:
        with force_locale(poster.lang if poster.lang in ("vi", "en") else "vi"):
            data = bytes(_PosterSheet(poster, unit).render(link))
        _rendered.put(tag, data)
    return PosterPdf(data, poster.lang, tag)


@lru_cache(maxsize=4)
def poster_font(name: str) -> str:
    """DejaVu cut down to FONT_RANGES, made once per process into a temporary file: a third of the
    glyphs, so each render parses and subsets it ~2.5× faster (fpdf2 reads fonts from a path)."""
    source = FONTS / name
    digest = hashlib.sha256(source.read_bytes() + FONT_RANGES.encode()).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / f"toso-{digest}-{name}"
    if not target.exists():
        options = font_subset.Options(
            notdef_outline=True,
            layout_features=["*"],
            name_IDs=["*"],
            drop_tables=font_subset.Options().drop_tables + ["FFTM"],
        )
        font = TTFont(source)
        subsetter = font_subset.Subsetter(options)
        subsetter.populate(unicodes=font_subset.parse_unicodes(FONT_RANGES))
        subsetter.subset(font)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        font.save(partial)
        os.replace(partial, target)  # atomic: workers starting together never read half a file
    return str(target)


def place_and_team(unit: Unit) -> tuple[str, str | None]:
    """ "Thôn Lô Lô Chải, Xã Lũng Cú, Tuyên Quang" and the name of the team nearest to it."""
    units = [u for u in ancestors_of(unit) if u.level != "nation"] + [unit]
    team = nearest_team(unit)
    return ", ".join(u.name for u in reversed(units)), team.name if team else None


class _PosterSheet:
    def __init__(self, poster: LocalisedPoster, unit: Unit):
        self.poster, self.unit = poster, unit
        pdf = self.pdf = FPDF(format="A4", unit="mm")
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(False)
        pdf.add_font(FONT, "", poster_font("DejaVuSans.ttf"))
        pdf.add_font(FONT, "B", poster_font("DejaVuSans-Bold.ttf"))
        pdf.set_title(poster.text.title)
        pdf.set_lang(poster.lang)
        pdf.set_creator("ToSo")
        pdf.set_creation_date(poster.poster.updated_at)

    def render(self, link: str) -> bytearray:
        pdf = self.pdf
        pdf.add_page()
        top = self._header()
        available = PAGE_H - MARGIN - FOOTER_H - top - 4
        scale = self._fitting_scale(available)
        self._steps(top, scale, available)
        self._footer(link)
        return pdf.output()

    # -- text helpers --------------------------------------------------------------------------

    def _text(self, x, y, w, text, size, style="", color=DARK, line=1.3, dry=False, align="L"):
        pdf = self.pdf
        pdf.set_font(FONT, style, size)
        pdf.set_text_color(*color)
        pdf.set_xy(x, y)
        height = size * 0.3528 * line  # points → mm, with leading
        return pdf.multi_cell(
            w,
            height,
            text,
            align=align,
            dry_run=dry,
            output=MethodReturnValue.HEIGHT,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )

    # -- header ------------------------------------------------------------------------------

    def _header(self) -> float:
        pdf, poster = self.pdf, self.poster
        pdf.set_fill_color(*BLUE)
        pdf.rect(0, 0, PAGE_W, 11, style="F")
        self._text(
            MARGIN,
            3,
            CONTENT_W,
            _("COMMUNITY DIGITAL TECHNOLOGY TEAM").upper()
            + "  ·  "
            + poster.poster.service.localised("names", poster.lang),
            9,
            "B",
            (255, 255, 255),
        )
        y = 17
        y += self._text(MARGIN, y, CONTENT_W, poster.text.title, 21, "B", BLUE, line=1.15)
        y += 2
        y += self._text(MARGIN, y, CONTENT_W, poster.text.summary, 11.5, color=GREY)
        pdf.set_draw_color(*LIGHT_BLUE)
        pdf.set_line_width(0.6)
        pdf.line(MARGIN, y + 3, PAGE_W - MARGIN, y + 3)
        return y + 6

    # -- steps -------------------------------------------------------------------------------

    def _step_parts(self, step: dict, scale: float, x: float, y: float, dry: bool) -> float:
        text_w = CONTENT_W - NUMBER_W - (IMAGE_W + 4 if step["image"] else 0)
        height = self._text(x, y, text_w, step["text"], 12.5 * scale, dry=dry)
        if step.get("warning"):
            warning = "⚠ " + step["warning"]
            box_h = self._text(x + 2, y, text_w - 4, warning, 10.5 * scale, dry=True) + 3
            if not dry:
                self.pdf.set_fill_color(*AMBER_BG)
                self.pdf.rect(x, y + height + 1.5, text_w, box_h, style="F", round_corners=True, corner_radius=1.5)
                self._text(x + 2, y + height + 3, text_w - 4, warning, 10.5 * scale, color=AMBER)
            height += box_h + 1.5
        image_h = IMAGE_H * min(1.0, scale + 0.15) if step["image"] else 0
        return max(height, image_h, 9 * scale)

    def _fitting_scale(self, available: float) -> float:
        """The largest of SCALES at which the steps fit (a binary search: heights shrink with scale)."""
        low, high = 0, len(SCALES) - 1  # SCALES[high] is used even if nothing fits
        while low < high:
            middle = (low + high) // 2
            if self._steps_height(SCALES[middle]) <= available:
                high = middle
            else:
                low = middle + 1
        return SCALES[low]

    def _steps_height(self, scale: float) -> float:
        gap = 3.5 * scale
        return sum(self._step_parts(step, scale, MARGIN + NUMBER_W, 0, dry=True) + gap for step in self.poster.steps)

    def _steps(self, y: float, scale: float, available: float) -> None:
        pdf = self.pdf
        # Spread the leftover room between steps rather than leaving a hole above the footer.
        spare = max(0.0, available - self._steps_height(scale))
        gap = 3.5 * scale + min(spare / max(len(self.poster.steps), 1), 8)
        for number, step in enumerate(self.poster.steps, start=1):
            radius = 4.2 * scale
            pdf.set_fill_color(*BLUE)
            pdf.circle(x=MARGIN + radius, y=y + radius, radius=radius, style="F")
            self._text(
                MARGIN,
                y + radius - 2.4 * scale,
                2 * radius,
                str(number),
                13 * scale,
                "B",
                (255, 255, 255),
                line=1.0,
                align="C",
            )
            height = self._step_parts(step, scale, MARGIN + NUMBER_W, y, dry=False)
            if step["image"]:
                width = IMAGE_W * min(1.0, scale + 0.15)
                pdf.image(io.BytesIO(step["image"].data), x=PAGE_W - MARGIN - width, y=y, w=width)
            y += height + gap

    # -- footer ------------------------------------------------------------------------------

    def _footer(self, link: str) -> None:
        pdf, poster = self.pdf, self.poster
        top = PAGE_H - MARGIN - FOOTER_H
        box_h = FOOTER_H - 12
        pdf.set_fill_color(*LIGHT_BLUE)
        pdf.rect(MARGIN, top, CONTENT_W, box_h, style="F", round_corners=True, corner_radius=3)
        qr_size = box_h - 8
        self._qr(link, MARGIN + 4, top + 4, qr_size)
        x = MARGIN + qr_size + 10
        width = PAGE_W - MARGIN - 4 - x
        y = top + 4
        y += self._text(x, y, width, _("Need help? Scan the code"), 14, "B", BLUE) + 1
        y += self._text(x, y, width, poster.text.help, 10, color=DARK) + 1
        self._text(x, y, width, link, 8, color=GREY)

        place, team = place_and_team(self.unit)
        line = f"{team} — {place}" if team else place
        size = 12
        pdf.set_font(FONT, "B", size)
        while size > 8 and pdf.get_string_width(line) > CONTENT_W:  # keep the place on one line
            size -= 0.5
            pdf.set_font(FONT, "B", size)
        self._text(MARGIN, PAGE_H - MARGIN - 9, CONTENT_W, line, size, "B", DARK)
        self._text(
            MARGIN,
            PAGE_H - MARGIN - 3.5,
            CONTENT_W,
            _(
                "Checked %(date)s · version %(version)s · ToSo",
                date=poster.poster.reviewed.strftime("%d/%m/%Y"),
                version=poster.poster.version,
            ),
            8,
            color=GREY,
        )

    def _qr(self, link: str, x: float, y: float, size: float) -> None:
        """The QR code as filled rectangles (one per run of dark modules), with its quiet zone."""
        qr = segno.make(link, error="m", micro=False)
        rows = [list(row) for row in qr.matrix]
        modules = len(rows) + 8  # 4 modules of quiet zone each side
        step = size / modules
        pdf = self.pdf
        pdf.set_fill_color(255, 255, 255)
        pdf.rect(x, y, size, size, style="F")
        pdf.set_fill_color(0, 0, 0)
        for r, row in enumerate(rows):
            c = 0
            while c < len(row):
                if row[c]:
                    start = c
                    while c < len(row) and row[c]:
                        c += 1
                    pdf.rect(x + (start + 4) * step, y + (r + 4) * step, (c - start) * step, step * 1.0, style="F")
                else:
                    c += 1

"""The ranking as an A4 landscape PDF (fpdf2, the posters' DejaVu fonts): title, period, criteria
and formula, the table (repeated header on every page), a bar chart of the best scores, and the
signature lines of the commune's chairperson and the team leader."""

from datetime import datetime

from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from ..content.pdf import FONT, poster_font
from ..coverage.periods import VIETNAM
from .criteria import formula_text
from .report import CHART_ENTRIES, criteria_lines, header, period_line, rows, title_of

PAGE_W, MARGIN = 297, 12
CONTENT_W = PAGE_W - 2 * MARGIN
BLUE, DARK, GREY, LIGHT = (29, 78, 216), (31, 41, 55), (75, 85, 99), (219, 234, 254)


class RankingSheet:
    def __init__(self, ranking):
        self.ranking = ranking
        pdf = self.pdf = FPDF(orientation="L", format="A4", unit="mm")
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(True, MARGIN)
        pdf.add_font(FONT, "", poster_font("DejaVuSans.ttf"))
        pdf.add_font(FONT, "B", poster_font("DejaVuSans-Bold.ttf"))
        pdf.set_title(title_of(ranking))
        pdf.set_creation_date(datetime(2000, 1, 1, tzinfo=VIETNAM))  # the same ranking gives the same bytes

    def render(self) -> bytes:
        pdf = self.pdf
        pdf.add_page()
        self._heading()
        self._criteria()
        self._table()
        self._chart()
        self._signatures()
        return bytes(pdf.output())

    def _text(self, text: str, size: float = 10, style: str = "", color=DARK, align="L", height=None) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, style, size)
        pdf.set_text_color(*color)
        pdf.multi_cell(CONTENT_W, height or size * 0.5, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _heading(self) -> None:
        self._text(_("SOCIALIST REPUBLIC OF VIETNAM — Independence – Freedom – Happiness"), 9, "B", GREY, "C")
        self.pdf.ln(3)
        self._text(title_of(self.ranking).upper(), 15, "B", BLUE, "C", 8)
        self._text(period_line(self.ranking), 11, "", DARK, "C")
        self.pdf.ln(3)

    def _criteria(self) -> None:
        self._text(_("Criteria"), 11, "B")
        for line in criteria_lines(self.ranking):
            self._text(line, 9)
        self._text(_("Formula: %(formula)s", formula=formula_text()), 9, "", GREY)
        self.pdf.ln(3)

    def _widths(self) -> list[float]:
        criteria = len(self.ranking.criteria)
        fixed = [14, 62, 52, 20]
        rest = (CONTENT_W - sum(fixed)) / max(criteria, 1)
        return fixed + [rest] * criteria

    def _table_header(self) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "B", 8)
        pdf.set_fill_color(*LIGHT)
        pdf.set_text_color(*DARK)
        # The criteria columns carry the numbers of the criteria listed above the table.
        texts = header(self.ranking)[:4] + [str(i) for i in range(1, len(self.ranking.criteria) + 1)]
        for width, text in zip(self._widths(), texts, strict=True):
            pdf.cell(width, 7, text, border=1, fill=True, align="C")
        pdf.ln(7)

    def _table(self) -> None:
        pdf = self.pdf
        self._table_header()
        if not self.ranking.items:
            self._text(_("No members or teams in this area."), 9, "", GREY)
            return
        for values in rows(self.ranking):
            if pdf.will_page_break(6):
                pdf.add_page()
                self._table_header()
            pdf.set_font(FONT, "", 8)
            for index, (width, value) in enumerate(zip(self._widths(), values, strict=True)):
                text = _number(value) if not isinstance(value, str) else value
                align = "L" if index in (1, 2) else "R"
                pdf.cell(width, 6, _fit(pdf, text, width - 2), border=1, align=align)
            pdf.ln(6)
        pdf.ln(4)

    def _chart(self) -> None:
        """Horizontal bars of the best scores: who leads, and by how much, at a glance."""
        pdf = self.pdf
        entries = self.ranking.items[:CHART_ENTRIES]
        if not entries:
            return
        bar_h, label_w = 5, 70
        if pdf.will_page_break(10 + bar_h * len(entries)):
            pdf.add_page()
        self._text(_("Scores of the first %(count)s", count=len(entries)), 11, "B")
        best = max(e.score for e in entries) or 1
        top = pdf.get_y() + 2
        width = CONTENT_W - label_w - 20
        pdf.set_font(FONT, "", 8)
        for i, entry in enumerate(entries):
            y = top + i * bar_h
            pdf.set_xy(MARGIN, y)
            pdf.set_text_color(*DARK)
            pdf.cell(label_w, bar_h - 1, _fit(pdf, f"{entry.rank}. {entry.ref['name']}", label_w - 2))
            pdf.set_fill_color(*BLUE)
            pdf.rect(MARGIN + label_w, y + 0.5, max(width * entry.score / best, 0.3), bar_h - 2, style="F")
            pdf.set_xy(MARGIN + label_w + width * entry.score / best + 1, y)
            pdf.cell(18, bar_h - 1, _number(entry.score))
        pdf.set_xy(MARGIN, top + len(entries) * bar_h + 4)

    def _signatures(self) -> None:
        pdf = self.pdf
        if pdf.will_page_break(40):
            pdf.add_page()
        half = CONTENT_W / 2
        y = pdf.get_y() + 4
        for column, (role, note) in enumerate(
            (
                (_("Team leader"), _("(signature and full name)")),
                (_("Chairperson of the commune People's Committee"), _("(signature, full name and seal)")),
            )
        ):
            pdf.set_xy(MARGIN + column * half, y)
            pdf.set_font(FONT, "B", 10)
            pdf.set_text_color(*DARK)
            pdf.cell(half, 6, role, align="C")
            pdf.set_xy(MARGIN + column * half, y + 6)
            pdf.set_font(FONT, "", 8)
            pdf.set_text_color(*GREY)
            pdf.cell(half, 5, note, align="C")
            pdf.set_draw_color(*GREY)
            pdf.line(MARGIN + column * half + half * 0.2, y + 32, MARGIN + column * half + half * 0.8, y + 32)


def _number(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return str(value)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """Cut a long name with an ellipsis rather than spill into the next column."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"

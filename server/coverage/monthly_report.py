"""The monthly report a commune or province sends upward (today by Zalo and Excel), as one
printable A4 PDF: the indicators against their targets, the twelve-month chart, the drill-down
into the units below, and the gaps. Written in the caller's language, Vietnamese by default."""

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import Align, TableCellFillMode, XPos, YPos
from fpdf.fonts import FontFace

from ..content.catalogue import service_names
from ..content.pdf import FONT, poster_font
from ..errors import InvalidInput
from ..formatting import local_date, local_datetime, number, percent
from ..types import utcnow
from ..units.models import Unit
from ..units.services import ancestors_of
from . import services
from .indicators import BY_CODE
from .labels import blocker_label, indicator_label, period_label
from .periods import Period

MARGIN, PAGE_W = 14, 210
CONTENT_W = PAGE_W - 2 * MARGIN
BLUE, DARK, GREY, RED, GREEN = (29, 78, 216), (31, 41, 55), (107, 114, 128), (220, 38, 38), (22, 163, 74)
HEADINGS = FontFace(emphasis="BOLD", fill_color=(219, 234, 254))
LISTED = 40  # rows of each gap list printed; the count says how many there are
DRILL_INDICATOR = "people_helped"


@dataclass
class MonthlyReport:
    data: bytes
    filename: str


def monthly_report(scope, code: str, period_key: str, lang: str) -> MonthlyReport:
    """Raises NotFound outside the caller's area, InvalidInput unless the period is a month."""
    unit = services.readable_unit(scope, code)
    period = services.period_or_error(period_key)
    if period.kind != "month":
        message = _("A monthly report covers one month, e.g. 2026-11.")
        raise InvalidInput(message, {"period": [message]})
    data = _ReportSheet(unit, period, lang).render()
    return MonthlyReport(bytes(data), f"report-{unit.code}-{period.key}.pdf")


class _ReportSheet:
    def __init__(self, unit: Unit, period: Period, lang: str):
        self.unit, self.period, self.lang = unit, period, lang
        pdf = self.pdf = FPDF(format="A4", unit="mm")
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(True, margin=MARGIN + 4)
        pdf.add_font(FONT, "", poster_font("DejaVuSans.ttf"))
        pdf.add_font(FONT, "B", poster_font("DejaVuSans-Bold.ttf"))
        self.title = _("Monthly report of %(unit)s, %(period)s", unit=unit.name, period=period_label(period.key))
        pdf.set_title(self.title)
        pdf.set_lang(lang)
        pdf.set_creator("ToSo")
        pdf.set_creation_date(utcnow())
        footer_text = f"{unit.name} · {period_label(period.key)}"

        def footer():
            pdf.set_y(-MARGIN)
            pdf.set_font(FONT, "", 8)
            pdf.set_text_color(*GREY)
            pdf.cell(0, 5, f"{footer_text} · {pdf.page_no()}/{{nb}}", align=Align.R)

        pdf.footer = footer

    def render(self) -> bytearray:
        unit, period = self.unit, self.period
        coverage = services.coverage_of(unit, period)
        self.pdf.add_page()
        self._heading(coverage)
        self._indicators(coverage)
        self._chart(services.series_of(unit, BY_CODE[DRILL_INDICATOR], until=period.end - timedelta(seconds=1)))
        self._drill_down(services.children_of(unit, BY_CODE[DRILL_INDICATOR], period))
        self._gaps(services.gaps_of(unit), coverage.blockers)
        return self.pdf.output()

    # -- helpers --------------------------------------------------------------------------------

    def _write(self, text: str, size: float = 10, style: str = "", color=DARK, height: float | None = None):
        pdf = self.pdf
        pdf.set_font(FONT, style, size)
        pdf.set_text_color(*color)
        pdf.multi_cell(CONTENT_W, height or size * 0.45, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _section(self, title: str):
        self.pdf.ln(4)
        if self.pdf.will_page_break(30):
            self.pdf.add_page()
        self._write(title, 13, "B", BLUE)
        self.pdf.ln(1)

    def _subheading(self, title: str):
        """A gap list's title, never left alone at the foot of a page."""
        self.pdf.ln(3)
        if self.pdf.will_page_break(22):
            self.pdf.add_page()
        self._write(title, 10, "B")

    def _table(self, header: list[str], rows: list[list[str]], widths: tuple, numeric_from: int = 1):
        pdf = self.pdf
        pdf.set_font(FONT, "", 9)
        pdf.set_text_color(*DARK)
        pdf.set_draw_color(229, 231, 235)
        pdf.set_fill_color(243, 244, 246)  # the alternate rows' shade
        with pdf.table(
            col_widths=widths,
            width=CONTENT_W,
            headings_style=HEADINGS,
            line_height=5,
            padding=1,
            cell_fill_color=(243, 244, 246),
            cell_fill_mode=TableCellFillMode.ROWS,
            text_align=tuple("LEFT" if i < numeric_from else "RIGHT" for i in range(len(widths))),
        ) as table:
            table.row(header)
            for values in rows:
                table.row([str(value) for value in values])

    # -- sections -------------------------------------------------------------------------------

    def _heading(self, coverage):
        place = ", ".join(u.name for u in reversed([*ancestors_of(self.unit), self.unit]) if u.level != "nation")
        pdf = self.pdf
        pdf.set_fill_color(*BLUE)
        pdf.rect(0, 0, PAGE_W, 9, style="F")
        pdf.set_xy(MARGIN, 2)
        pdf.set_font(FONT, "B", 8.5)
        pdf.set_text_color(255, 255, 255)
        pdf.cell(CONTENT_W, 5, _("COMMUNITY DIGITAL TECHNOLOGY TEAMS").upper())
        pdf.set_xy(MARGIN, 14)
        self._write(self.title, 17, "B", BLUE, height=8)
        self._write(place, 10, color=GREY)
        population = number(coverage.population) if coverage.population is not None else _("not known")
        self._write(
            _(
                "Population: %(population)s · Generated at %(moment)s",
                population=population,
                moment=local_datetime(utcnow()),
            ),
            9,
            color=GREY,
        )

    def _indicators(self, coverage):
        self._section(_("Indicators against targets"))
        rows = []
        for figure in coverage.items:
            target = figure.target or {}
            if figure.indicator == "median_resolution_hours":
                rows.append(
                    [indicator_label(figure.indicator), f"{number(figure.rate, 1)} {_('hours')}", "—", "—", "—", ""]
                )
                continue
            state = ""
            if target and figure.rate is not None:
                state = _("on track") if figure.rate >= target["rate"] else _("behind")
            rows.append(
                [
                    indicator_label(figure.indicator),
                    number(figure.numerator),
                    number(figure.denominator),
                    percent(figure.rate),
                    f"{percent(target['rate'])} · {local_date(target['deadline'])}" if target else "—",
                    state,
                ]
            )
        self._table(
            [_("Indicator"), _("Reached"), _("Out of"), _("Rate"), _("Target"), ""], rows, (56, 18, 22, 18, 42, 26)
        )

    def _chart(self, series: list[dict]):
        self._section(_("By month: %(indicator)s", indicator=indicator_label(DRILL_INDICATOR)))
        pdf = self.pdf
        height, label_h = 38, 5
        if pdf.will_page_break(height + label_h + 6):
            pdf.add_page()
        top = pdf.get_y() + 4
        peak = max((p["numerator"] for p in series), default=0) or 1
        slot = CONTENT_W / max(len(series), 1)
        pdf.set_draw_color(156, 163, 175)
        pdf.line(MARGIN, top + height, MARGIN + CONTENT_W, top + height)
        pdf.set_font(FONT, "", 7)
        for index, point in enumerate(series):
            bar = height * point["numerator"] / peak
            x = MARGIN + index * slot + slot * 0.15
            pdf.set_fill_color(*(BLUE if point["period"] == self.period.key else (147, 197, 253)))
            if bar:
                pdf.rect(x, top + height - bar, slot * 0.7, bar, style="F")
                pdf.set_text_color(*DARK)
                pdf.set_xy(x - 2, top + height - bar - 4)
                pdf.cell(slot * 0.7 + 4, 4, number(point["numerator"]), align=Align.C)
            pdf.set_text_color(*GREY)
            pdf.set_xy(x - 2, top + height + 1)
            pdf.cell(slot * 0.7 + 4, label_h - 1, f"{point['period'][5:]}/{point['period'][2:4]}", align=Align.C)
        pdf.set_xy(MARGIN, top + height + label_h + 2)

    def _drill_down(self, rows: list[dict]):
        """Every unit below, the most helped first (a stable sort keeps the names' order among equals)."""
        if not rows:
            return
        self._section(
            _("%(indicator)s in the units of %(unit)s", indicator=indicator_label(DRILL_INDICATOR), unit=self.unit.name)
        )
        self._table(
            [_("Unit"), _("Reached"), _("Out of"), _("Rate")],
            [
                [r["unit"].name, number(r["numerator"]), number(r["denominator"]), percent(r["rate"])]
                for r in sorted(rows, key=lambda r: -r["numerator"])
            ],
            (94, 30, 32, 26),
        )

    def _gaps(self, gaps: dict, blockers: list[dict]):
        self._section(_("Gaps"))
        quiet, idle, overdue = gaps["quiet_villages"], gaps["idle_teams"], gaps["overdue_requests"]
        self._subheading(_("Villages with no assistance in the last 30 days") + f" ({number(len(quiet))})")
        if quiet:
            self._table(
                [_("Village"), _("Last assistance")],
                [
                    [v["unit"]["name"], local_date(v["last_activity"]) if v["last_activity"] else _("never")]
                    for v in quiet[:LISTED]
                ],
                (132, 50),
                numeric_from=2,
            )
            self._more(len(quiet))
        self._subheading(_("Teams with no active member in the last 30 days") + f" ({number(len(idle))})")
        if idle:
            self._table(
                [_("Team"), _("Unit")],
                [[t["name"], t["unit"]["name"]] for t in idle[:LISTED]],
                (91, 91),
                numeric_from=2,
            )
            self._more(len(idle))
        self._subheading(_("Overdue help requests") + f" ({number(len(overdue))})")
        if overdue:
            names = service_names(self.lang)
            self._table(
                [_("Reference"), _("Village"), _("Service"), _("Due")],
                [
                    [r.reference, r.unit.name, names.get(r.service, r.service), local_datetime(r.resolution_due_at)]
                    for r in overdue[:LISTED]
                ],
                (34, 56, 56, 36),
                numeric_from=4,
            )
        self._subheading(_("What blocked people"))
        if blockers:
            self._table(
                [_("Blocker"), _("Records")],
                [[blocker_label(b["blocker"]), number(b["count"])] for b in blockers],
                (140, 42),
            )
        else:
            self._write(_("None."), 9)

    def _more(self, total: int):
        if total > LISTED:
            self._write(_("… and %(count)s more.", count=number(total - LISTED)), 8.5, color=GREY)

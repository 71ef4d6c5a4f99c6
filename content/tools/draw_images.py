"""Draw the word-free pictograms used on ToSo's tutorial posters.

Every picture is built from a few flat shapes with Pillow so it stays readable
when printed small in black and white, carries no text in any language (the
same image serves Vietnamese, English and minority-language posters) and is
byte-for-byte reproducible.  Run from the repository root:

    /work/venv/bin/python content/tools/draw_images.py

Output: ``content/images/<name>.png`` for every entry of ``DRAWINGS``.
"""

import hashlib
import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = ROOT / "content" / "images"
FONT_PATH = ROOT / "server" / "content" / "fonts" / "DejaVuSans-Bold.ttf"

W, H = 480, 320  # logical canvas; everything below is in these units
SCALE = 2  # drawn at 2x then downscaled for smooth edges
STROKE = 6  # default outline width

BG = "#FFFFFF"
BLUE = "#1D4ED8"
LIGHT_BLUE = "#DBEAFE"
RED = "#DC2626"
GREEN = "#16A34A"
AMBER = "#F59E0B"
DARK = "#1F2937"
GREY = "#9CA3AF"
LIGHT_GREY = "#E5E7EB"
WHITE = "#FFFFFF"
SLATE = "#374151"
DARK_GREEN = "#15803D"
ORANGE = "#EA580C"
BROWN = "#B45309"
CREAM = "#FDE68A"
PALETTE = (BG, BLUE, LIGHT_BLUE, RED, GREEN, AMBER, DARK, GREY, LIGHT_GREY, SLATE, DARK_GREEN, ORANGE, BROWN, CREAM)
BLEND_STEPS = (0.25, 0.5, 0.75)  # anti-aliasing shades kept between two colours


class Canvas:
    """A Pillow drawing surface that takes logical coordinates and round caps."""

    def __init__(self):
        self.img = Image.new("RGB", (W * SCALE, H * SCALE), BG)
        self.draw = ImageDraw.Draw(self.img)
        self._fonts = {}

    @staticmethod
    def _s(values):
        """Scale a flat sequence of logical numbers to pixels."""
        return [round(v * SCALE) for v in values]

    def _pts(self, points):
        return [tuple(self._s(p)) for p in points]

    def rect(self, box, fill=None, outline=DARK, width=STROKE, radius=10):
        """Rounded rectangle; ``outline=None`` draws the fill only."""
        self.draw.rounded_rectangle(
            self._s(box),
            radius=radius * SCALE,
            fill=fill,
            outline=outline,
            width=round(width * SCALE) if outline else 0,
        )

    def circle(self, cx, cy, r, fill=None, outline=DARK, width=STROKE):
        """Circle centred on (cx, cy)."""
        self.ellipse((cx - r, cy - r, cx + r, cy + r), fill, outline, width)

    def ellipse(self, box, fill=None, outline=DARK, width=STROKE):
        """Ellipse inside ``box``."""
        self.draw.ellipse(self._s(box), fill=fill, outline=outline, width=round(width * SCALE) if outline else 0)

    def dot(self, x, y, r, color):
        """Filled disc without outline (also used for round line caps)."""
        self.circle(x, y, r, fill=color, outline=None)

    def line(self, points, color=DARK, width=STROKE, closed=False):
        """Polyline with round joints and round end caps."""
        points = list(points) + ([points[0], points[1]] if closed else [])
        self.draw.line(self._pts(points), fill=color, width=round(width * SCALE), joint="curve")
        for x, y in points if closed else (points[0], points[-1]):
            self.dot(x, y, width / 2, color)

    def polygon(self, points, fill, outline=DARK, width=STROKE):
        """Filled polygon whose outline has rounded corners."""
        self.draw.polygon(self._pts(points), fill=fill)
        if outline:
            self.line(points, outline, width, closed=True)

    def arc(self, cx, cy, r, start, end, color=DARK, width=STROKE):
        """Circular arc (degrees, clockwise from 3 o'clock) with round caps."""
        self.line(arc_points(cx, cy, r, start, end), color, width)

    def pieslice(self, box, start, end, fill):
        """Filled pie slice of the ellipse inside ``box``."""
        self.draw.pieslice(self._s(box), start, end, fill=fill)

    def glyph(self, text, cx, cy, size, color=DARK):
        """A symbol (never a word) centred on (cx, cy) in DejaVu Sans Bold."""
        px = round(size * SCALE)
        if px not in self._fonts:
            self._fonts[px] = ImageFont.truetype(str(FONT_PATH), px)
        self.draw.text(tuple(self._s((cx, cy))), text, fill=color, font=self._fonts[px], anchor="mm")

    def finish(self):
        """Downscale and map onto a fixed palette of the flat colours used.

        An adaptive palette drops small features (a gold star on a red flag),
        so the palette is the drawing's own flat colours plus a few blends
        between each pair of them for smooth anti-aliased edges.
        """
        counts = dict((rgb, n) for n, rgb in self.img.getcolors(W * H * SCALE * SCALE))
        used = [rgb for rgb in map(hex_rgb, PALETTE) if counts.get(rgb, 0) >= 20]
        small = self.img.resize((W, H), Image.Resampling.LANCZOS)
        return small.quantize(palette=palette_image(used), dither=Image.Dither.NONE)


# ---------------------------------------------------------------- geometry


def hex_rgb(color):
    """'#RRGGBB' -> (r, g, b)."""
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


def palette_image(colors):
    """Palette image holding ``colors`` and the blends between every pair."""
    entries = list(dict.fromkeys(colors))
    for i, a in enumerate(colors):
        for b in colors[i + 1 :]:
            entries += [tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True)) for t in BLEND_STEPS]
    entries = list(dict.fromkeys(entries))[:256]
    entries += [entries[0]] * (256 - len(entries))
    pal = Image.new("P", (1, 1))
    pal.putpalette([v for rgb in entries for v in rgb])
    return pal


def arc_points(cx, cy, r, start, end, steps=None):
    """Points along a circular arc, angles in degrees clockwise from east."""
    steps = steps or max(8, int(abs(end - start) / 4))
    return [
        (
            cx + r * math.cos(math.radians(start + (end - start) * i / steps)),
            cy + r * math.sin(math.radians(start + (end - start) * i / steps)),
        )
        for i in range(steps + 1)
    ]


def star_points(cx, cy, r, inner=0.42):
    """Five-pointed star, one tip up."""
    return [
        (
            cx + (r if i % 2 == 0 else r * inner) * math.cos(math.radians(-90 + 36 * i)),
            cy + (r if i % 2 == 0 else r * inner) * math.sin(math.radians(-90 + 36 * i)),
        )
        for i in range(10)
    ]


# --------------------------------------------------------- symbol helpers


def check_mark(c, cx, cy, size, color=GREEN, width=None):
    """Tick centred on (cx, cy)."""
    c.line(
        [(cx - size * 0.45, cy), (cx - size * 0.12, cy + size * 0.32), (cx + size * 0.48, cy - size * 0.32)],
        color,
        width or size * 0.2,
    )


def cross_mark(c, cx, cy, size, badge=True):
    """Red 'not allowed' mark: a white-ringed red disc with a white X, or a bare X."""
    if badge:
        c.circle(cx, cy, size / 2 + 5, fill=WHITE, outline=None)
        c.circle(cx, cy, size / 2, fill=RED, outline=None)
        strokes, arm = [(WHITE, size * 0.13)], size * 0.26
    else:  # white halo keeps the X readable over other shapes
        strokes, arm = [(WHITE, size * 0.12 + 10), (RED, size * 0.12)], size * 0.5
    for color, width in strokes:
        for sy in (-1, 1):
            c.line([(cx - arm, cy - sy * arm), (cx + arm, cy + sy * arm)], color, width)


def warning_triangle(c, cx, cy, size):
    """Red rounded triangle with a white exclamation mark."""
    h = size * 0.87
    pts = [(cx, cy - h / 2), (cx + size / 2, cy + h / 2), (cx - size / 2, cy + h / 2)]
    c.line(pts, WHITE, size * 0.22, closed=True)  # white halo
    c.polygon(pts, RED, outline=RED, width=size * 0.12)
    c.line([(cx, cy - h * 0.15), (cx, cy + h * 0.18)], WHITE, size * 0.11)
    c.dot(cx, cy + h * 0.36, size * 0.065, WHITE)


def asterisk(c, cx, cy, r, color, width):
    """Six-armed '*' as used for hidden codes."""
    for ang in (90, 30, 150):
        dx, dy = r * math.cos(math.radians(ang)), r * math.sin(math.radians(ang))
        c.line([(cx - dx, cy - dy), (cx + dx, cy + dy)], color, width)


def hidden_code(c, cx, cy, count=5, spacing=34, r=11, color=WHITE):
    """A row of asterisks standing for a secret code (OTP, PIN)."""
    x0 = cx - spacing * (count - 1) / 2
    for i in range(count):
        asterisk(c, x0 + i * spacing, cy, r, color, r * 0.5)


def dots_row(c, cx, cy, count, spacing, r, color):
    """A row of filled dots (typing indicator, passcode)."""
    x0 = cx - spacing * (count - 1) / 2
    for i in range(count):
        c.dot(x0 + i * spacing, cy, r, color)


def arrow(c, start, end, color=BLUE, width=16, head=None, halo=False):
    """Straight arrow with a rounded triangular head ending at ``end``."""
    head = head or width * 2.2
    (x0, y0), (x1, y1) = start, end
    ang = math.atan2(y1 - y0, x1 - x0)
    _arrow_parts(c, (x0, y0), (x1, y1), ang, color, width, head, halo)


def _arrow_parts(c, start, tip, ang, color, width, head, halo):
    """Shaft from ``start`` plus a head at ``tip`` pointing along ``ang``."""
    x1, y1 = tip
    base = (x1 - head * 0.8 * math.cos(ang), y1 - head * 0.8 * math.sin(ang))
    wing = [
        (base[0] + head * 0.6 * math.cos(ang + s * math.pi / 2), base[1] + head * 0.6 * math.sin(ang + s * math.pi / 2))
        for s in (1, -1)
    ]
    pts = [(x1, y1), wing[0], wing[1]]
    if halo:
        c.line([start, base], WHITE, width + 12)
        c.line(pts, WHITE, 12 + width * 0.4, closed=True)
    if start is not None:
        c.line([start, base], color, width)
    c.polygon(pts, color, outline=color, width=width * 0.4)


def curved_arrow(c, cx, cy, r, start, end, color=GREEN, width=16):
    """Arc arrow running clockwise from ``start`` to ``end`` degrees."""
    head = width * 2.2
    trim = math.degrees(head * 0.7 / r)
    c.arc(cx, cy, r, start, end - trim, color, width)
    tip = (cx + r * math.cos(math.radians(end)), cy + r * math.sin(math.radians(end)))
    _arrow_parts(c, None, tip, math.radians(end + 90 - trim / 2), color, width, head, False)


def contactless_waves(c, cx, cy, direction, color=BLUE, count=3, gap=20, width=9):
    """Concentric arcs radiating towards ``direction`` degrees (NFC, ringing)."""
    for i in range(count):
        c.arc(cx, cy, gap * (i + 1), direction - 40, direction + 40, color, width)


def wifi_symbol(c, cx, cy, size, color=DARK):
    """Wi-Fi fan: a dot and three arcs opening upwards from (cx, cy)."""
    c.dot(cx, cy, size * 0.1, color)
    for i in range(1, 4):
        c.arc(cx, cy, size * 0.28 * i, 225, 315, color, size * 0.1)


def qr_pattern(c, box, seed, modules=21):
    """A QR-looking square: three finder patterns and fixed pseudo-random cells."""
    x0, y0, x1, _ = box
    cell = (x1 - x0) / modules
    bits = "".join(f"{b:08b}" for b in hashlib.sha256(seed.encode()).digest() * 2)
    c.rect(box, fill=WHITE, outline=None, radius=0)
    finders = [(0, 0), (modules - 7, 0), (0, modules - 7)]

    def in_finder(col, row):
        return any(fx - 1 <= col <= fx + 7 and fy - 1 <= row <= fy + 7 for fx, fy in finders)

    for row in range(modules):
        for col in range(modules):
            if not in_finder(col, row) and bits[(row * modules + col) % len(bits)] == "1":
                c.rect(
                    (x0 + col * cell, y0 + row * cell, x0 + (col + 1) * cell, y0 + (row + 1) * cell),
                    fill=DARK,
                    outline=None,
                    radius=0,
                )
    for fx, fy in finders:
        fx0, fy0 = x0 + fx * cell, y0 + fy * cell
        c.rect((fx0, fy0, fx0 + 7 * cell, fy0 + 7 * cell), fill=DARK, outline=None, radius=0)
        c.rect((fx0 + cell, fy0 + cell, fx0 + 6 * cell, fy0 + 6 * cell), fill=WHITE, outline=None, radius=0)
        c.rect((fx0 + 2 * cell, fy0 + 2 * cell, fx0 + 5 * cell, fy0 + 5 * cell), fill=DARK, outline=None, radius=0)


def scan_brackets(c, box, color=BLUE, width=8, length=26):
    """Four corner brackets framing ``box`` (camera / face scan)."""
    x0, y0, x1, y1 = box
    for x, y, sx, sy in ((x0, y0, 1, 1), (x1, y0, -1, 1), (x0, y1, 1, -1), (x1, y1, -1, -1)):
        c.line([(x, y + sy * length), (x, y), (x + sx * length, y)], color, width)


def text_lines(c, x, y, widths, gap=22, color=GREY, width=9):
    """Grey bars standing in for text (no words on the pictures)."""
    for i, w in enumerate(widths):
        c.line([(x, y + i * gap), (x + w, y + i * gap)], color, width)


def medical_cross(c, cx, cy, size, color=GREEN):
    """Plus-shaped medical cross."""
    t = size / 3
    for hw, hh in ((t / 2, size / 2), (size / 2, t / 2)):
        c.rect((cx - hw, cy - hh, cx + hw, cy + hh), fill=color, outline=None, radius=3)


def state_emblem(c, cx, cy, r):
    """Red disc with a gold star, as on Vietnamese official documents."""
    c.circle(cx, cy, r, fill=RED, outline=DARK, width=max(3, r * 0.12))
    c.polygon(star_points(cx, cy, r * 0.62), AMBER, outline=None)


def coin(c, cx, cy, r, face=True):
    """Gold coin seen from the front (with ₫) or, with ``face=False``, edge-on."""
    if face:
        c.circle(cx, cy, r, fill=AMBER, outline=DARK)
        c.glyph("₫", cx, cy + r * 0.05, r * 1.15, DARK)
    else:
        c.ellipse((cx - r, cy - r * 0.35, cx + r, cy + r * 0.35), fill=AMBER, outline=DARK)


# --------------------------------------------------------- object helpers


def phone(c, box, screen=WHITE, body=DARK):
    """Smartphone front; returns the screen box for drawing content into."""
    x0, y0, x1, y1 = box
    c.rect(box, fill=body, outline=body, radius=22)
    c.line([((x0 + x1) / 2 - 14, y0 + 11), ((x0 + x1) / 2 + 14, y0 + 11)], GREY, 4)
    scr = (x0 + 9, y0 + 22, x1 - 9, y1 - 22)
    c.rect(scr, fill=screen, outline=None, radius=6)
    c.dot((x0 + x1) / 2, y1 - 11, 5, GREY)
    return scr


def phone_back(c, box):
    """Smartphone seen from behind: dark body and a camera block."""
    x0, y0, x1, y1 = box
    c.rect(box, fill=SLATE, outline=DARK, radius=22)
    c.rect((x0 + 14, y0 + 14, x0 + 62, y0 + 78), fill=DARK, outline=None, radius=12)
    for cy in (y0 + 31, y0 + 61):
        c.circle(x0 + 38, cy, 10, fill=DARK, outline=GREY, width=3)


def card(c, box, fill=LIGHT_BLUE, band=None, radius=14):
    """Plastic card; ``band`` colours a stripe along its top edge."""
    x0, y0, x1, y1 = box
    c.rect(box, fill=fill, outline=None, radius=radius)
    if band:
        band_h = (y1 - y0) * 0.2
        c.rect((x0, y0, x1, y0 + band_h + radius), fill=band, outline=None, radius=radius)
        c.rect((x0, y0 + band_h, x1, y0 + band_h + radius), fill=fill, outline=None, radius=0)
    c.rect(box, outline=DARK, radius=radius)


def chip(c, box):
    """Gold smart-card chip with contact lines."""
    x0, y0, x1, y1 = box
    c.rect(box, fill=AMBER, outline=DARK, width=4, radius=6)
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    c.line([(x0, my), (x1, my)], DARK, 3)
    c.line([(mx, y0 + (y1 - y0) * 0.25), (mx, y1 - (y1 - y0) * 0.25)], DARK, 3)
    for x in (x0 + (x1 - x0) * 0.33, x1 - (x1 - x0) * 0.33):
        c.line([(x, y0), (x, y1)], DARK, 3)


def bust(c, cx, top, size, color=BLUE, outline=DARK):
    """Head-and-shoulders silhouette ``size`` tall."""
    r = size * 0.25
    sh = (cx - size * 0.45, top + size * 0.58, cx + size * 0.45, top + size * 1.42)
    if outline:
        c.pieslice((sh[0] - 4, sh[1] - 4, sh[2] + 4, sh[3] + 4), 180, 360, outline)
        c.circle(cx, top + r, r + 4, fill=outline, outline=None)
    c.pieslice(sh, 180, 360, color)
    c.circle(cx, top + r, r, fill=color, outline=None)


def photo(c, box, color=GREY):
    """ID photo: a framed bust."""
    x0, y0, x1, y1 = box
    c.rect(box, fill=WHITE, outline=None, radius=6)
    size = (y1 - y0) * 0.75
    bust(c, (x0 + x1) / 2, y1 - size * 1.0 - 2, size, color, outline=None)
    c.rect(box, outline=DARK, width=4, radius=6)


def face(c, cx, cy, r, skin=AMBER):
    """Smiling round face."""
    c.circle(cx, cy, r, fill=skin, outline=DARK)
    for sx in (-1, 1):
        c.dot(cx + sx * r * 0.35, cy - r * 0.18, r * 0.11, DARK)
    c.arc(cx, cy + r * 0.05, r * 0.5, 30, 150, DARK, max(3, r * 0.09))


def figure(c, cx, ground, color, hands=((-40, 95), (40, 95)), lean=0, height=1.0):
    """Standing pictogram person; ``hands`` are hand offsets from the shoulder."""
    k = height
    hip = (cx, ground - 90 * k)
    neck = (cx + lean, ground - 165 * k)
    shoulder = (neck[0], neck[1] + 14 * k)
    for fx in (-24, 24):
        c.line([hip, (cx + fx * k, ground)], color, 20 * k)
    for hx, hy in hands:
        c.line([shoulder, (shoulder[0] + hx * k, shoulder[1] + hy * k)], color, 17 * k)
    c.line([neck, hip], color, 40 * k)
    c.circle(neck[0] + lean * 0.3, neck[1] - 36 * k, 24 * k, fill=color, outline=None)
    return shoulder


def speech_bubble(c, box, fill=BLUE, tail=(-1, 1), outline=DARK):
    """Rounded speech bubble; ``tail`` picks the corner (x, y signs) it points from."""
    x0, y0, x1, y1 = box
    tx = x0 + 34 if tail[0] < 0 else x1 - 34
    ty = y1 if tail[1] > 0 else y0
    tip = (tx - 2 * tail[0], ty + 26 * tail[1])
    pts = [(tx - 14, ty), (tx + 14, ty), tip]
    if outline:
        c.polygon(pts, outline, outline=outline, width=STROKE * 2)
    c.rect(box, fill=fill, outline=outline, radius=22)
    c.polygon([(tx - 14, ty - 4 * tail[1]), (tx + 14, ty - 4 * tail[1]), tip], fill, outline=None)


def bill(c, box, accent=BLUE):
    """Paper bill with a zig-zag bottom edge, text bars and a big ₫."""
    x0, y0, x1, y1 = box
    teeth = 6
    tw = (x1 - x0) / teeth
    zig = [(x1 - i * tw / 2, y1 - (12 if i % 2 else 0)) for i in range(teeth * 2 + 1)]
    c.polygon([(x0, y0), (x1, y0)] + zig, WHITE)
    c.rect((x0 + 20, y0 + 20, x0 + 58, y0 + 58), fill=accent, outline=None, radius=8)
    text_lines(c, x0 + 72, y0 + 28, [(x1 - x0) - 100, (x1 - x0) - 130])
    text_lines(c, x0 + 22, y0 + 86, [(x1 - x0) - 44, (x1 - x0) - 70])
    c.glyph("₫", (x0 + x1) / 2, y1 - 72, 76, DARK)


def building(c, box, roof=BLUE, columns=4, wall=LIGHT_BLUE):
    """Public building: pediment roof, columns, steps; returns the roof apex."""
    x0, y0, x1, y1 = box
    roof_h = (y1 - y0) * 0.32
    apex = ((x0 + x1) / 2, y0)
    c.rect((x0 + 10, y0 + roof_h, x1 - 10, y1 - 18), fill=wall, outline=DARK, radius=4)
    span = (x1 - x0 - 60) / (columns - 1)
    for i in range(columns):
        x = x0 + 30 + i * span
        c.line([(x, y0 + roof_h + 22), (x, y1 - 30)], WHITE if wall != WHITE else GREY, 16)
    c.polygon([apex, (x1, y0 + roof_h), (x0, y0 + roof_h)], roof)
    c.rect((x0 - 6, y1 - 22, x1 + 6, y1), fill=GREY, outline=DARK, radius=4)
    return apex


def flag(c, x, y, pole=70, color=RED):
    """Flag with a gold star on a pole standing at (x, y)."""
    c.line([(x, y), (x, y - pole)], DARK, 6)
    c.rect((x + 2, y - pole, x + 70, y - pole + 46), fill=color, outline=DARK, width=4, radius=3)
    c.polygon(star_points(x + 36, y - pole + 23, 15), AMBER, outline=None)


def cloud(c, cx, cy, w, fill=LIGHT_BLUE, outline=DARK, width=STROKE):
    """Flat cloud (union of circles over a rounded base), outlined."""
    parts = [(-0.26, 0.06, 0.22), (0.02, -0.1, 0.3), (0.28, 0.08, 0.2)]
    base = (cx - w * 0.45, cy + w * 0.02, cx + w * 0.45, cy + w * 0.28)
    for grow, color in ((width, outline), (0, fill)):
        c.rect(
            (base[0] - grow, base[1] - grow, base[2] + grow, base[3] + grow),
            fill=color,
            outline=None,
            radius=w * 0.13 + grow,
        )
        for dx, dy, r in parts:
            c.circle(cx + dx * w, cy + dy * w, r * w + grow, fill=color, outline=None)


def key(c, cx, cy, length, color=AMBER):
    """Horizontal key with its ring on the left, centred on (cx, cy)."""
    r = length * 0.22
    ring = cx - length / 2 + r
    end = cx + length / 2
    for stroke, width in ((DARK, 22), (color, 12)):  # outlined shaft and teeth
        c.line([(ring, cy), (end, cy)], stroke, width)
        for x in (end - 8, end - 36):
            c.line([(x, cy), (x, cy + 26)], stroke, width)
    c.circle(ring, cy, r, fill=color, outline=DARK)
    c.circle(ring - r * 0.3, cy, r * 0.32, fill=WHITE, outline=DARK, width=4)


def signal_bars(c, x0, bottom, active=0, bar_w=38, gap=18, step=42):
    """Four rising signal bars; the first ``active`` are filled."""
    for i in range(4):
        x = x0 + i * (bar_w + gap)
        c.rect(
            (x, bottom - step * (i + 1), x + bar_w, bottom), fill=DARK if i < active else WHITE, outline=DARK, radius=6
        )


def shield(c, cx, top, w, h, fill=BLUE):
    """Heraldic shield: flat top, curved sides meeting in a point."""
    side = [(cx + w / 2 * (1 - t**2.2), top + h * 0.3 + (h * 0.7) * t) for t in [i / 12 for i in range(13)]]
    pts = [(cx - w / 2, top), (cx + w / 2, top)] + side[:-1] + [(2 * cx - x, y) for x, y in reversed(side)]
    c.polygon(pts, fill, width=8)


# --------------------------------------------------------------- pictures


def phone_install_app(c):
    """Smartphone with a download arrow coming down into it."""
    scr = phone(c, (170, 70, 310, 306))
    cx = (scr[0] + scr[2]) / 2
    c.rect((cx - 34, scr[3] - 84, cx + 34, scr[3] - 16), fill=AMBER, outline=DARK, radius=14)
    c.polygon(star_points(cx, scr[3] - 50, 20), WHITE, outline=None)
    arrow(c, (cx, 12), (cx, scr[3] - 96), GREEN, 22, halo=True)
    for sx in (-1, 1):  # motion ticks either side of the arrow
        c.line([(cx + sx * 50, 30), (cx + sx * 50, 62)], LIGHT_BLUE, 8)


def phone_otp_sms(c):
    """Phone receiving a text message that holds a hidden ***** code."""
    scr = phone(c, (60, 30, 200, 296))
    text_lines(c, scr[0] + 16, scr[1] + 30, [70, 90, 50], gap=26)
    speech_bubble(c, (180, 110, 450, 200), BLUE, tail=(-1, 1))
    hidden_code(c, 315, 155, count=5, spacing=44, r=15)


def id_card_chip(c):
    """Vietnamese chip citizen ID card: emblem, photo, gold chip, QR."""
    card(c, (50, 45, 430, 280))
    state_emblem(c, 100, 92, 26)
    photo(c, (68, 132, 160, 258))
    chip(c, (190, 130, 262, 184))
    qr_pattern(c, (348, 64, 410, 126), "id-card")
    text_lines(c, 190, 212, [200, 150], gap=28)
    text_lines(c, 150, 84, [160], color=BLUE)


def nfc_card_phone(c):
    """ID card held against the back of a phone, with contactless waves."""
    phone_back(c, (250, 20, 400, 300))
    card(c, (60, 150, 320, 300))
    chip(c, (88, 190, 150, 236))
    photo(c, (238, 174, 300, 260))
    contactless_waves(c, 214, 150, 225, BLUE, gap=26, width=10)


def face_scan(c):
    """Phone camera framing a face for identity verification."""
    scr = phone(c, (150, 20, 330, 306), screen=LIGHT_BLUE)
    cx, cy = (scr[0] + scr[2]) / 2, (scr[1] + scr[3]) / 2 - 6
    face(c, cx, cy, 52)
    scan_brackets(c, (cx - 74, cy - 84, cx + 74, cy + 84), BLUE, 9)
    c.line([(cx - 66, cy - 36), (cx + 66, cy - 36)], GREEN, 5)


def police_station(c):
    """Small official building with a star emblem and flag on top."""
    apex = building(c, (90, 96, 390, 300), roof=BLUE)
    state_emblem(c, apex[0], apex[1] + 40, 20)
    flag(c, apex[0], apex[1] + 2, pole=84)
    c.rect((214, 236, 266, 282), fill=DARK, outline=DARK, radius=6)


def vneid_documents(c):
    """Phone holding a stack of digital document cards."""
    scr = phone(c, (40, 30, 180, 296))
    cx = (scr[0] + scr[2]) / 2
    state_emblem(c, cx, scr[1] + 62, 36)
    text_lines(c, scr[0] + 20, scr[1] + 130, [82, 60], gap=24)
    for i, color in enumerate((AMBER, GREEN, LIGHT_BLUE)):
        x, y = 250 - i * 25, 40 + i * 62
        card(c, (x, y, x + 200, y + 122), fill=color)
        photo(c, (x + 16, y + 18, x + 66, y + 82))
        text_lines(c, x + 82, y + 30, [90, 70, 100], gap=22, color=DARK, width=7)
    arrow(c, (150, 165), (212, 165), BLUE, 14, halo=True)


def health_insurance_card(c):
    """Health insurance card marked with a medical cross."""
    card(c, (50, 55, 430, 275), band=BLUE)
    c.rect((78, 124, 186, 232), fill=WHITE, outline=DARK, radius=14)
    medical_cross(c, 132, 178, 76, GREEN)
    text_lines(c, 214, 140, [180, 150, 190], gap=30)


def public_portal_form(c):
    """Browser window with a form and a submit button with a check."""
    c.rect((40, 22, 440, 300), fill=WHITE, outline=DARK, radius=16)
    c.rect((40, 22, 440, 66), fill=LIGHT_GREY, outline=DARK, radius=16)
    c.rect((43, 50, 437, 66), fill=LIGHT_GREY, outline=None, radius=0)
    c.line([(40, 66), (440, 66)], DARK, STROKE)
    for i, color in enumerate((RED, AMBER, GREEN)):
        c.dot(70 + i * 26, 44, 8, color)
    c.rect((160, 34, 420, 54), fill=WHITE, outline=GREY, width=3, radius=10)
    for i in range(3):
        y = 90 + i * 52
        c.line([(70, y + 18), (130, y + 18)], GREY, 9)
        c.rect((150, y, 410, y + 36), fill=WHITE, outline=DARK, width=4, radius=8)
    c.rect((250, 248, 410, 288), fill=GREEN, outline=DARK, width=4, radius=12)
    check_mark(c, 330, 268, 36, WHITE, 8)


def qr_pay(c):
    """Phone camera scanning a printed QR code to pay."""
    c.rect((30, 60, 210, 256), fill=WHITE, outline=DARK, radius=14)
    qr_pattern(c, (50, 80, 190, 220), "qr-pay-stand")
    c.rect((82, 256, 158, 290), fill=BLUE, outline=DARK, radius=6)
    scr = phone(c, (280, 28, 420, 300))
    qr_pattern(c, (scr[0] + 22, scr[1] + 40, scr[2] - 22, scr[1] + 40 + (scr[2] - scr[0] - 44)), "qr-pay-stand")
    scan_brackets(c, (scr[0] + 12, scr[1] + 30, scr[2] - 12, scr[1] + 40 + scr[2] - scr[0] - 34), BLUE, 7, 20)
    c.line([(scr[0] + 16, scr[1] + 92), (scr[2] - 16, scr[1] + 92)], RED, 5)
    c.glyph("₫", (scr[0] + scr[2]) / 2, scr[3] - 34, 46, GREEN)
    for y in (110, 160, 210):
        c.line([(222, y), (262, y)], GREY, 8)


def lightbulb(c, cx, cy, r):
    """Lit bulb with rays (electricity)."""
    for ang in range(200, 345, 35):
        a = math.radians(ang)
        c.line(
            [
                (cx + (r + 12) * math.cos(a), cy + (r + 12) * math.sin(a)),
                (cx + (r + 30) * math.cos(a), cy + (r + 30) * math.sin(a)),
            ],
            AMBER,
            8,
        )
    c.rect((cx - r * 0.42, cy + r * 0.6, cx + r * 0.42, cy + r * 1.45), fill=GREY, outline=DARK, radius=6)
    c.circle(cx, cy, r, fill=AMBER, outline=DARK)
    c.line([(cx - r * 0.42, cy + r * 1.0), (cx + r * 0.42, cy + r * 1.0)], DARK, 4)
    c.line([(cx - r * 0.3, cy + r * 0.1), (cx, cy + r * 0.35), (cx + r * 0.3, cy + r * 0.1)], DARK, 4)


def water_drop(c, cx, cy, r, color=BLUE):
    """Teardrop with its round bottom centred on (cx, cy)."""
    tip = (cx, cy - r * 2.2)
    side = arc_points(cx, cy, r, -28, 208)
    c.polygon([tip] + side, color)
    c.arc(cx, cy, r * 0.62, 110, 170, WHITE, 7)


def bill_electricity_water(c):
    """Electricity and water next to a bill in dong."""
    lightbulb(c, 92, 118, 48)
    water_drop(c, 196, 232, 42)
    bill(c, (262, 28, 442, 300))


def school(c, box):
    """Schoolhouse: red pitched roof, bell, windows, door."""
    x0, y0, x1, y1 = box
    mid = (x0 + x1) / 2
    c.rect((x0 + 12, y0 + 70, x1 - 12, y1), fill=LIGHT_BLUE, outline=DARK, radius=4)
    c.polygon([(mid, y0), (x1, y0 + 76), (x0, y0 + 76)], RED)
    c.circle(mid, y0 + 46, 16, fill=AMBER, outline=DARK, width=4)
    for wx in (x0 + 30, x1 - 70):
        for wy in (y0 + 98, y0 + 160):
            c.rect((wx, wy, wx + 40, wy + 38), fill=WHITE, outline=DARK, width=4, radius=4)
    c.rect((mid - 24, y1 - 70, mid + 24, y1), fill=DARK, outline=DARK, radius=4)
    c.line([(x0 - 10, y1), (x1 + 10, y1)], DARK, 8)


def school_fee(c):
    """School building and a fee bill in dong."""
    school(c, (30, 80, 240, 296))
    flag(c, 135, 82, pole=66)
    bill(c, (272, 28, 446, 300), accent=RED)


def mobile_money(c):
    """Phone wallet with dong on screen, coins and a SIM card."""
    for i in range(4):
        coin(c, 86, 270 - i * 22, 50, face=False)
    coin(c, 86, 150, 44)
    scr = phone(c, (160, 26, 310, 300))
    cx = (scr[0] + scr[2]) / 2
    c.rect((scr[0] + 14, scr[1] + 30, scr[2] - 14, scr[1] + 112), fill=GREEN, outline=None, radius=12)
    c.glyph("₫", cx, scr[1] + 71, 62, WHITE)
    dots_row(c, cx, scr[1] + 150, 3, 32, 10, GREY)
    dots_row(c, cx, scr[1] + 190, 3, 32, 10, GREY)
    sim = [(340, 100), (412, 100), (440, 128), (440, 230), (340, 230)]
    c.polygon(sim, BLUE)
    chip(c, (360, 140, 420, 200))


def health_book(c):
    """Health booklet with a medical cross and a heartbeat line."""
    c.rect((140, 22, 356, 300), fill=GREEN, outline=DARK, radius=14)
    c.rect((140, 22, 172, 300), fill=DARK_GREEN, outline=DARK, radius=10)
    for y in (40, 282):
        c.line([(350, y), (372, y)], DARK, 1)
    c.rect((350, 34, 372, 290), fill=WHITE, outline=DARK, radius=6)
    c.circle(264, 112, 52, fill=WHITE, outline=DARK)
    medical_cross(c, 264, 112, 64, RED)
    c.line([(190, 222), (226, 222), (242, 190), (262, 256), (280, 206), (292, 222), (336, 222)], WHITE, 9)


def chat_group(c):
    """Three people, each with a speech bubble: a group chat."""
    for i, (color, dy) in enumerate(((BLUE, 0), (GREEN, 32), (AMBER, 0))):
        cx = 90 + i * 150
        speech_bubble(c, (cx - 68, 24 + dy, cx + 68, 104 + dy), color, tail=(-1, 1))
        dots_row(c, cx, 64 + dy, 3, 30, 9, WHITE)
        bust(c, cx - 30, 184, 96, color)


def video_call(c):
    """Phone screen showing a video call between two faces."""
    scr = phone(c, (140, 14, 340, 306), screen=LIGHT_BLUE)
    cx = (scr[0] + scr[2]) / 2
    face(c, cx - 10, scr[1] + 92, 58)
    c.rect((scr[2] - 82, scr[3] - 136, scr[2] - 12, scr[3] - 52), fill=WHITE, outline=DARK, width=4, radius=8)
    face(c, scr[2] - 47, scr[3] - 94, 25, skin=CREAM)
    c.circle(cx - 32, scr[3] - 28, 22, fill=RED, outline=None)
    handset(c, cx - 32, scr[3] - 27, 32)
    c.rect((cx + 4, scr[3] - 40, cx + 36, scr[3] - 12), fill=GREEN, outline=None, radius=6)
    c.polygon([(cx + 36, scr[3] - 26), (cx + 50, scr[3] - 38), (cx + 50, scr[3] - 14)], GREEN, outline=None)


def scam_warning(c):
    """Phone flagged with a warning while a code must not be shared."""
    scr = phone(c, (40, 30, 180, 296))
    text_lines(c, scr[0] + 16, scr[1] + 150, [80, 96, 60], gap=24)
    warning_triangle(c, 110, 114, 110)
    speech_bubble(c, (214, 110, 454, 200), LIGHT_GREY, tail=(-1, 1))
    hidden_code(c, 334, 155, count=5, spacing=42, r=14, color=DARK)
    cross_mark(c, 334, 155, 150, badge=False)


def handset(c, cx, cy, size, color=WHITE):
    """Telephone handset: a curved grip with an ear and a mouth piece."""
    ox, oy, r = cx + size * 0.28, cy - size * 0.28, size * 0.62
    c.arc(ox, oy, r, 100, 170, color, size * 0.2)
    for ang in (96, 174):
        a = math.radians(ang)
        c.line(
            [(ox + r * math.cos(a), oy + r * math.sin(a)), (ox + r * 0.62 * math.cos(a), oy + r * 0.62 * math.sin(a))],
            color,
            size * 0.3,
        )


def fake_call(c):
    """Ringing phone with an unknown caller, crossed out in red."""
    scr = phone(c, (160, 30, 300, 296))
    cx = (scr[0] + scr[2]) / 2
    bust(c, cx, scr[1] + 30, 80, GREY, outline=None)
    c.glyph("?", cx, scr[1] + 56, 34, WHITE)
    c.circle(cx, scr[3] - 48, 28, fill=GREEN, outline=None)
    handset(c, cx, scr[3] - 46, 36)
    contactless_waves(c, 140, 150, 180, DARK, gap=22, width=8)
    contactless_waves(c, 320, 150, 0, DARK, gap=22, width=8)
    cross_mark(c, 340, 240, 110)


def chain_link(c, p1, p2, r, color, width=18, part=None):
    """Oval chain link (stadium outline) between two centre points.

    ``part`` = (start, end) fraction redraws only that stretch of the outline,
    used to weave one link back over the other.
    """
    ang = math.degrees(math.atan2(p2[1] - p1[1], p2[0] - p1[0]))
    pts = arc_points(*p2, r, ang - 90, ang + 90, 24) + arc_points(*p1, r, ang + 90, ang + 270, 24)
    if part:
        pts = pts[int(part[0] * len(pts)) : int(part[1] * len(pts))]
    c.line(pts, DARK, width + 10, closed=not part)
    c.line(pts, color, width, closed=not part)


def fake_link(c):
    """Chain link (a web link) with a red cross over it."""
    lower, upper = ((60, 260), (140, 180)), ((166, 154), (246, 74))
    chain_link(c, *lower, 36, BLUE)
    chain_link(c, *upper, 36, BLUE)
    chain_link(c, *lower, 36, BLUE, part=(0.08, 0.3))
    cross_mark(c, 360, 214, 140)


def passcode_lock(c):
    """Padlock whose body shows a six-dot passcode."""
    c.arc(240, 134, 78, 180, 360, DARK, 30)
    c.line([(162, 134), (162, 152)], DARK, 30)
    c.line([(318, 134), (318, 152)], DARK, 30)
    c.rect((120, 140, 360, 300), fill=BLUE, outline=DARK, radius=24)
    dots_row(c, 240, 220, 6, 34, 11, WHITE)


def account_recovery(c):
    """Circular arrow around a key: getting back into an account."""
    curved_arrow(c, 240, 160, 124, -60, 250, GREEN, 18)
    key(c, 240, 150, 170)


def basket(c, box):
    """Woven basket full of fruit and vegetables."""
    x0, y0, x1, y1 = box
    carrot_top = (x1 - 44, y0 - 90)
    c.polygon([carrot_top, (x1 - 14, y0 + 6), (x1 - 70, y0 + 6)], ORANGE)
    for dx in (-16, 0, 16):
        c.line([carrot_top, (carrot_top[0] + dx, carrot_top[1] - 26)], GREEN, 8)
    for fx, fy, r, col in ((x0 + 46, y0 - 14, 36, RED), (x0 + 110, y0 - 30, 40, AMBER), (x0 + 150, y0 - 4, 30, GREEN)):
        c.circle(fx, fy, r, fill=col, outline=DARK)
        c.line([(fx, fy - r + 2), (fx + 6, fy - r - 12)], DARK, 6)
    c.polygon([(x0, y0), (x1, y0), (x1 - 26, y1), (x0 + 26, y1)], BROWN)
    for i in range(1, 3):
        y = y0 + (y1 - y0) * i / 3
        c.line([(x0 + 10 + i * 8, y), (x1 - 10 - i * 8, y)], CREAM, 6)


def produce_shop(c):
    """Basket of produce next to a phone showing an online shop."""
    basket(c, (30, 170, 250, 296))
    scr = phone(c, (300, 24, 440, 300))
    n = 4
    sw = (scr[2] - scr[0]) / n
    for i in range(n):
        x = scr[0] + i * sw
        c.rect((x, scr[1], x + sw, scr[1] + 34), fill=RED if i % 2 == 0 else WHITE, outline=None, radius=0)
        c.pieslice((x, scr[1] + 18, x + sw, scr[1] + 50), 0, 180, RED if i % 2 == 0 else LIGHT_GREY)
    for row in range(2):
        for col in range(2):
            x = scr[0] + 12 + col * 54
            y = scr[1] + 64 + row * 62
            c.rect((x, y, x + 46, y + 50), fill=LIGHT_GREY, outline=None, radius=8)
            c.circle(x + 23, y + 25, 14, fill=(RED, AMBER, GREEN, ORANGE)[row * 2 + col], outline=None)
    c.rect((scr[0] + 14, scr[3] - 44, scr[2] - 14, scr[3] - 12), fill=GREEN, outline=None, radius=10)
    check_mark(c, (scr[0] + scr[2]) / 2, scr[3] - 28, 24, WHITE, 6)


def parcel(c, box):
    """Cardboard parcel with tape."""
    x0, y0, x1, y1 = box
    c.rect(box, fill=AMBER, outline=DARK, radius=8)
    c.rect(((x0 + x1) / 2 - 16, y0, (x0 + x1) / 2 + 16, y1), fill=CREAM, outline=DARK, width=4, radius=0)
    c.line([(x0, y0 + (y1 - y0) * 0.25), (x1, y0 + (y1 - y0) * 0.25)], DARK, 4)
    c.rect((x0 + 14, y1 - 46, x0 + 52, y1 - 16), fill=WHITE, outline=DARK, width=4, radius=3)


def truck(c, x0, ground):
    """Small delivery truck facing right."""
    c.rect((x0, ground - 130, x0 + 140, ground - 30), fill=BLUE, outline=DARK, radius=8)
    c.polygon(
        [
            (x0 + 140, ground - 100),
            (x0 + 186, ground - 100),
            (x0 + 214, ground - 66),
            (x0 + 214, ground - 30),
            (x0 + 140, ground - 30),
        ],
        LIGHT_BLUE,
    )
    c.polygon(
        [(x0 + 154, ground - 90), (x0 + 182, ground - 90), (x0 + 200, ground - 66), (x0 + 154, ground - 66)],
        WHITE,
        width=4,
    )
    for wx in (x0 + 42, x0 + 172):
        c.circle(wx, ground - 26, 22, fill=DARK, outline=DARK)
        c.dot(wx, ground - 26, 8, GREY)
    for y in (ground - 110, ground - 80, ground - 50):
        c.line([(x0 - 48, y), (x0 - 18, y)], GREY, 7)


def package_delivery(c):
    """Parcel box and the truck that brings it."""
    parcel(c, (24, 150, 174, 290))
    truck(c, 240, 284)
    c.line([(20, 296), (460, 296)], LIGHT_GREY, 6)


def small_phone(c, cx, cy, w=44, h=76):
    """Tiny phone used as a prop in people scenes."""
    phone_rect = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
    c.rect(phone_rect, fill=DARK, outline=DARK, radius=8)
    c.rect((cx - w / 2 + 5, cy - h / 2 + 9, cx + w / 2 - 5, cy + h / 2 - 9), fill=LIGHT_BLUE, outline=None, radius=3)


def elderly_helper(c):
    """Young helper pointing at the phone an older person with a cane holds."""
    shoulder = figure(c, 150, 300, GREY, hands=((-52, 70), (66, 30)), lean=18, height=1.0)
    c.line([(shoulder[0] - 52, shoulder[1] + 70), (shoulder[0] - 52, 300)], DARK, 9)
    c.arc(shoulder[0] - 38, shoulder[1] + 70, 14, 180, 360, DARK, 9)
    small_phone(c, 248, 166)
    figure(c, 350, 300, BLUE, hands=((-62, 12), (-26, 92)), lean=-4, height=1.08)


def log_assistance(c):
    """Clipboard with ticked rows beside a phone: logging help given."""
    c.rect((50, 40, 250, 300), fill=BROWN, outline=DARK, radius=14)
    c.rect((68, 66, 232, 284), fill=WHITE, outline=None, radius=6)
    c.rect((110, 24, 190, 60), fill=GREY, outline=DARK, radius=10)
    for i in range(3):
        y = 110 + i * 60
        check_mark(c, 98, y, 38, GREEN, 8)
        c.line([(128, y), (212, y)], GREY, 10)
    scr = phone(c, (300, 60, 430, 300))
    bust(c, (scr[0] + scr[2]) / 2, scr[1] + 26, 80, BLUE, outline=None)
    c.circle((scr[0] + scr[2]) / 2, scr[3] - 40, 24, fill=GREEN, outline=None)
    c.line([((scr[0] + scr[2]) / 2 - 12, scr[3] - 40), ((scr[0] + scr[2]) / 2 + 12, scr[3] - 40)], WHITE, 6)
    c.line([((scr[0] + scr[2]) / 2, scr[3] - 52), ((scr[0] + scr[2]) / 2, scr[3] - 28)], WHITE, 6)


def no_signal(c):
    """Mobile signal bars, empty, with a red cross: no coverage."""
    signal_bars(c, 100, 290, active=1, bar_w=44, gap=20, step=56)
    cross_mark(c, 360, 96, 130)


def sync_later(c):
    """Cloud with up/down arrows over a wifi symbol: sync when online."""
    cloud(c, 240, 124, 270)
    arrow(c, (206, 184), (206, 72), BLUE, 16)
    arrow(c, (274, 72), (274, 184), GREEN, 16)
    wifi_symbol(c, 240, 298, 90)


def help_team(c):
    """Three people, the middle one raising a hand to offer help."""
    figure(c, 110, 306, GREY, height=0.92)
    figure(c, 370, 306, GREY, height=0.92)
    figure(c, 240, 306, BLUE, hands=((-40, 95), (40, -90)), height=1.06)


def social_insurance(c):
    """Protective shield holding a membership card."""
    shield(c, 240, 18, 270, 290)
    card(c, (150, 86, 330, 200), fill=WHITE)
    photo(c, (164, 102, 212, 166), GREY)
    text_lines(c, 226, 118, [86, 60, 80], gap=22, width=8)
    check_mark(c, 240, 240, 54, WHITE, 12)


DRAWINGS = {
    "phone-install-app": phone_install_app,
    "phone-otp-sms": phone_otp_sms,
    "id-card-chip": id_card_chip,
    "nfc-card-phone": nfc_card_phone,
    "face-scan": face_scan,
    "police-station": police_station,
    "vneid-documents": vneid_documents,
    "health-insurance-card": health_insurance_card,
    "public-portal-form": public_portal_form,
    "qr-pay": qr_pay,
    "bill-electricity-water": bill_electricity_water,
    "school-fee": school_fee,
    "mobile-money": mobile_money,
    "health-book": health_book,
    "chat-group": chat_group,
    "video-call": video_call,
    "scam-warning": scam_warning,
    "fake-call": fake_call,
    "fake-link": fake_link,
    "passcode-lock": passcode_lock,
    "account-recovery": account_recovery,
    "produce-shop": produce_shop,
    "package-delivery": package_delivery,
    "elderly-helper": elderly_helper,
    "log-assistance": log_assistance,
    "no-signal": no_signal,
    "sync-later": sync_later,
    "help-team": help_team,
    "social-insurance": social_insurance,
}


def render(draw_fn):
    """Run one pictogram function on a fresh canvas and return the PNG image."""
    canvas = Canvas()
    draw_fn(canvas)
    return canvas.finish()


def main():
    """Draw every pictogram into content/images/."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name, draw_fn in DRAWINGS.items():
        path = OUT_DIR / f"{name}.png"
        render(draw_fn).save(path, optimize=True)
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size / 1024:.1f} KB")


if __name__ == "__main__":
    main()

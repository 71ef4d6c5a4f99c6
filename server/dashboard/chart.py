"""A bar chart drawn as inline SVG on the server: no JavaScript library, nothing to download."""

from dataclasses import dataclass

WIDTH, HEIGHT, TOP, BOTTOM = 600, 200, 16, 24


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


def bar_chart(series: list[dict]) -> dict:
    """Bars for [{period, numerator}], scaled to the largest value (an empty series draws nothing)."""
    peak = max((point["numerator"] for point in series), default=0) or 1
    slot = WIDTH / max(len(series), 1)
    usable = HEIGHT - TOP - BOTTOM
    bars = []
    for index, point in enumerate(series):
        height = usable * point["numerator"] / peak
        bars.append(
            Bar(
                x=index * slot + slot * 0.15,
                y=TOP + usable - height,
                width=slot * 0.7,
                height=height,
                label=point["period"][5:] + "/" + point["period"][2:4],
                value=point["numerator"],
            )
        )
    return {"width": WIDTH, "height": HEIGHT, "baseline": HEIGHT - BOTTOM, "bars": bars}

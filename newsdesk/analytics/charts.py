"""A server-rendered SVG bar chart of reads over time: no JavaScript, no chart library, with a text summary."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from .selectors import Point

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 28


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    reads: int


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


def bar_chart(points: list[Point], *, daily: bool) -> dict:
    """Geometry for templates/analytics/_chart.svg.html: bars, a few time ticks and the scale's top."""
    peak = max((p.reads for p in points), default=0)
    scale = max(peak, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(points), 1)
    bars, ticks = [], []
    every = max(1, len(points) // 8)
    for i, point in enumerate(points):
        local = timezone.localtime(point.start)
        label = f"{local:%d %b}" if daily else f"{local:%d %b %H:00}"
        height = plot_h * point.reads / scale
        bars.append(
            Bar(LEFT + i * step + step * 0.1, TOP + plot_h - height, step * 0.8, height, label, point.reads)
        )
        if i % every == 0:
            ticks.append(Tick(LEFT + i * step + step / 2, f"{local:%d %b}" if daily else f"{local:%H:00}"))
    return {
        "bars": bars, "ticks": ticks, "peak": peak, "total": sum(p.reads for p in points),
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "base": TOP + plot_h, "top": TOP, "right": WIDTH - RIGHT,
        "tick_y": HEIGHT - 8,
    }  # fmt: skip

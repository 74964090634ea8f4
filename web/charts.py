"""Server-rendered SVG charts: bars (stacked or single), lines, horizontal bars.

Why hand-written SVG and no chart library: the workbench's Content-Security-Policy allows no inline
script or style, a page must work without JavaScript, and the charts are simple; an SVG drawn on the
server with presentation attributes (``fill=``, ``stroke=``) and CSS classes from
``web/static/dashboard.css`` renders in every browser, prints into the PDF report, and is tested by
counting its ``<rect class="bar">`` / ``<circle class="point">`` elements. Every chart has a
``<title>`` and a ``<desc>`` and every mark its own ``<title>`` (screen readers, hover); the page
puts a plain table of the same numbers next to it.

Every label is escaped here (``markupsafe.escape``): labels may hold seller names (hostile text).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from markupsafe import Markup, escape

PALETTE = ("#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c", "#319795", "#b7791f", "#718096")
WIDTH, HEIGHT = 640, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 12, 16, 48


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


def _nice_max(value: float) -> float:
    """The top of the y axis: the smallest 1, 2, 2.5 or 5 × a power of ten at or above ``value``."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= value)


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def _frame(title: str, desc: str, kind: str, top: float, width: int = WIDTH, height: int = HEIGHT) -> list[str]:
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{escape(title)}">', f"<title>{escape(title)}</title>", f"<desc>{escape(desc)}</desc>"]
    plot_h = height - _TOP - _BOTTOM
    for i in range(5):  # horizontal grid lines and y-axis ticks
        y = _TOP + plot_h * i / 4
        parts.append(f'<line class="grid" x1="{_LEFT}" x2="{width - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     'stroke="#e2e8f0" stroke-width="1"/>')
        parts.append(f'<text class="tick" x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
                     f'fill="#4a5568">{_number(top * (4 - i) / 4)}</text>')
    parts.append(f'<line class="axis" x1="{_LEFT}" x2="{width - _RIGHT}" y1="{_TOP + plot_h}" y2="{_TOP + plot_h}" '
                 'stroke="#4a5568" stroke-width="1"/>')
    return parts


def _x_labels(labels: Sequence[str], slot: float, width: int = WIDTH, height: int = HEIGHT) -> list[str]:
    every = max(1, len(labels) // 12)  # at most ~12 labels under the axis
    parts = []
    for i, label in enumerate(labels):
        if i % every:
            continue
        x = _LEFT + slot * (i + 0.5)
        parts.append(f'<text class="xlabel" x="{x:.1f}" y="{height - _BOTTOM + 16}" text-anchor="middle" '
                     f'font-size="11" fill="#4a5568">{escape(label)}</text>')
    return parts


def _legend(series: Sequence[Series], width: int = WIDTH, height: int = HEIGHT) -> list[str]:
    parts, x = [], _LEFT
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        parts.append(f'<g class="legend-item"><rect x="{x}" y="{height - 18}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{x + 14}" y="{height - 9}" font-size="11" fill="#1a202c">{escape(s.name)}</text></g>')
        x += 24 + 7 * max(len(s.name), 2) + 6 * sum(ord(c) > 0x2E80 for c in s.name)
    return parts


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series], desc: str = "",
              stacked: bool = True) -> Markup:
    """Vertical bars, one slot per label; several series are stacked (or side by side).

    Each bar with a value above 0 is a ``<rect class="bar" data-series=… data-label=… data-value=…>``."""
    plot_w, plot_h = WIDTH - _LEFT - _RIGHT, HEIGHT - _TOP - _BOTTOM
    if stacked:
        peak = max((sum(s.values[i] for s in series) for i in range(len(labels))), default=0)
    else:
        peak = max((v for s in series for v in s.values), default=0)
    top = _nice_max(peak)
    parts = _frame(title, desc, "bar", top)
    slot = plot_w / max(len(labels), 1)
    gap = slot * 0.15
    for i, label in enumerate(labels):
        base = 0.0
        for j, s in enumerate(series):
            value = float(s.values[i])
            if value <= 0:
                continue
            h = plot_h * value / top
            if stacked:
                x, w, y = _LEFT + slot * i + gap, slot - 2 * gap, _TOP + plot_h - plot_h * base / top - h
                base += value
            else:
                w = (slot - 2 * gap) / len(series)
                x, y = _LEFT + slot * i + gap + w * j, _TOP + plot_h - h
            parts.append(f'<rect class="bar" data-series="{escape(s.name)}" data-label="{escape(label)}" '
                         f'data-value="{_number(value)}" x="{x:.1f}" y="{y:.1f}" width="{max(w, 1):.1f}" '
                         f'height="{h:.1f}" fill="{PALETTE[j % len(PALETTE)]}">'
                         f'<title>{escape(label)} · {escape(s.name)}: {_number(value)}</title></rect>')
    parts += _x_labels(labels, slot)
    if len(series) > 1 or (series and series[0].name):
        parts += _legend(series)
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(title: str, labels: Sequence[str], series: Sequence[Series], desc: str = "",
               top: float | None = None) -> Markup:
    """Lines over the labels; each point a ``<circle class="point" data-value=…>`` (a None value
    breaks the line and draws no point)."""
    plot_w, plot_h = WIDTH - _LEFT - _RIGHT, HEIGHT - _TOP - _BOTTOM
    peak = max((v for s in series for v in s.values if v is not None), default=0)
    top = top if top is not None else _nice_max(peak)
    parts = _frame(title, desc, "line", top)
    slot = plot_w / max(len(labels), 1)
    for j, s in enumerate(series):
        colour = PALETTE[j % len(PALETTE)]
        points = []
        for i, value in enumerate(s.values):
            if value is None:
                continue
            x, y = _LEFT + slot * (i + 0.5), _TOP + plot_h - plot_h * float(value) / top
            points.append((x, y, labels[i], float(value)))
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
            parts.append(f'<polyline class="line" points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y, label, value in points:
            parts.append(f'<circle class="point" data-series="{escape(s.name)}" data-label="{escape(label)}" '
                         f'data-value="{_number(value)}" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                         f'<title>{escape(label)} · {escape(s.name)}: {_number(value)}</title></circle>')
    parts += _x_labels(labels, slot)
    if len(series) > 1 or (series and series[0].name):
        parts += _legend(series)
    parts.append("</svg>")
    return Markup("".join(parts))


def hbar_chart(title: str, labels: Sequence[str], values: Sequence[float], desc: str = "",
               unit: str = "") -> Markup:
    """Horizontal bars, one row per label (long labels such as seller names fit); ``rect.bar``."""
    row = 22
    height = _TOP + row * max(len(labels), 1) + 8
    label_w = 200
    plot_w = WIDTH - label_w - 60
    top = max(values, default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-hbar" viewBox="0 0 {WIDTH} {height}" '
             f'role="img" aria-label="{escape(title)}">', f"<title>{escape(title)}</title>", f"<desc>{escape(desc)}</desc>"]
    for i, (label, value) in enumerate(zip(labels, values)):
        y = _TOP + row * i
        shown = label if len(label) <= 24 else label[:23] + "…"
        parts.append(f'<text class="ylabel" x="{label_w - 6}" y="{y + 14}" text-anchor="end" font-size="11" '
                     f'fill="#1a202c">{escape(shown)}</text>')
        w = plot_w * float(value) / top
        parts.append(f'<rect class="bar" data-label="{escape(label)}" data-value="{_number(value)}" x="{label_w}" '
                     f'y="{y + 3}" width="{max(w, 1):.1f}" height="{row - 8}" fill="{PALETTE[0]}">'
                     f'<title>{escape(label)}: {_number(value)}{escape(unit)}</title></rect>')
        parts.append(f'<text class="value" x="{label_w + w + 4:.1f}" y="{y + 14}" font-size="11" '
                     f'fill="#4a5568">{_number(value)}{escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))

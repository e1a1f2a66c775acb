"""Checks over the ``boxes`` a display harness reports: every visible text, its box in window pixels and the
size its whole text needs."""

from __future__ import annotations

import itertools
from typing import Any

SLACK = 1.0  # pixels: Kivy rounds positions


def overlap(a: list[float], b: list[float]) -> float:
    """The overlapping width and height of two boxes (x, y, w, h) beyond the rounding slack; 0 when apart."""
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return 0.0 if width <= SLACK or height <= SLACK else width * height


def layout_problems(reply: dict[str, Any]) -> list[str]:
    """Every pair of visible texts whose boxes overlap, every text cut or larger than its box, every text
    (partly) off screen."""
    screen_w, screen_h = reply["window"]
    boxes = reply["boxes"]
    problems: list[str] = []
    for item in boxes:
        x, y, w, h = item["box"]
        if x < -SLACK or y < -SLACK or x + w > screen_w + SLACK or y + h > screen_h + SLACK:
            problems.append(f"off screen: {item['text']!r} at {item['box']} ({item['path']})")
        need_w, need_h = item["needs"]
        if need_w > item["size"][0] + SLACK or need_h > item["size"][1] + SLACK:
            problems.append(f"cut: {item['text']!r} needs {item['needs']} in {item['size']} ({item['path']})")
    for a, b in itertools.combinations(boxes, 2):
        if overlap(a["box"], b["box"]):
            problems.append(f"overlap: {a['text']!r} {a['box']} and {b['text']!r} {b['box']}")
    return problems

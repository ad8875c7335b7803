"""Static SVG images of the charts of linked things: treemap, network and Sankey diagram.

Drawn on the server for the markdown report, like the charts of ``svg_more.py``: plain,
deterministic, and None rather than an exception for data that cannot be drawn sensibly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from pixie_web.exports.svg import (
    BOTTOM,
    HEIGHT,
    LEFT,
    RIGHT,
    TOP,
    WIDTH,
    colour,
    document,
    finite_number,
    short_label,
    text,
)

MAX_NODES = 400


def _sizes(nodes: Sequence[Mapping[str, Any]]) -> tuple[dict[str, list[str]], dict[str, float]]:
    """Children by parent ("" is the root) and each node's size: its value or its children's sum."""
    children: dict[str, list[str]] = {}
    for node in nodes:
        children.setdefault(node["parent"], []).append(node["id"])
    own = {node["id"]: max(0.0, finite_number(node["value"]) or 0.0) for node in nodes}
    size: dict[str, float] = {}

    def total(ident: str, seen: frozenset[str]) -> float:
        if ident not in size:
            kids = [k for k in children.get(ident, []) if k not in seen]
            size[ident] = max(own[ident], sum(total(k, seen | {k}) for k in kids))
        return size[ident]

    for node in nodes:
        total(node["id"], frozenset({node["id"]}))
    return children, size


def treemap_chart(data: Mapping[str, Any], title: str) -> str | None:
    """Slice-and-dice rectangles (split across, then down, by depth) sized by value, with labels."""
    nodes = data["nodes"][:MAX_NODES]
    names = {n["id"]: str(n["label"]) for n in nodes}
    known = set(names)
    nodes = [{**n, "parent": n["parent"] if n["parent"] in known else ""} for n in nodes]
    children, size = _sizes(nodes)
    roots = children.get("", [])
    if not roots or sum(size[r] for r in roots) <= 0:
        return None
    body: list[str] = []
    drawn: set[str] = set()

    def lay(
        idents: Sequence[str], box: tuple[float, float, float, float], depth: int, hue: int | None
    ) -> None:
        x, y, w, h = box
        idents = [i for i in idents if size[i] > 0 and i not in drawn]
        whole = sum(size[i] for i in idents)
        offset = 0.0
        for position, ident in enumerate(idents):
            drawn.add(ident)
            share = size[ident] / whole
            across = depth % 2 == 0
            cell = (x + offset * w, y, share * w, h) if across else (x, y + offset * h, w, share * h)
            offset += share
            tint = position if hue is None else hue
            cx, cy, cw, ch = cell
            body.append(
                f'<rect class="node" x="{cx:.1f}" y="{cy:.1f}" width="{max(cw, 0.1):.1f}" '
                f'height="{max(ch, 0.1):.1f}" fill="{colour(tint)}" '
                f'fill-opacity="{max(0.25, 0.85 - 0.2 * depth):.2f}" stroke="#ffffff"/>'
            )
            if cw > 36 and ch > 16:
                body.append(text(cx + 4, cy + 13, short_label(names[ident], int(cw / 7)), "start"))
            kids = children.get(ident, [])
            if kids and cw > 8 and ch > 24:
                lay(kids, (cx + 2, cy + 18, cw - 4, ch - 20), depth + 1, tint)

    lay(roots, (float(LEFT), float(TOP), WIDTH - RIGHT - LEFT, HEIGHT - BOTTOM - TOP), 0, None)
    return document(title, body, [], HEIGHT - BOTTOM)


def network_chart(data: Mapping[str, Any], title: str) -> str | None:
    """Nodes evenly round a circle, edges as straight lines between them, each node labelled."""
    nodes = data["nodes"][:MAX_NODES]
    if not nodes:
        return None
    cx, cy = WIDTH / 2, (TOP + HEIGHT - BOTTOM) / 2 + 8
    radius = (HEIGHT - BOTTOM - TOP) / 2 - 20
    place = {}
    for index, node in enumerate(nodes):
        angle = -math.pi / 2 + 2 * math.pi * index / len(nodes)
        place[node["id"]] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle), angle)
    body: list[str] = []
    for edge in data["edges"]:
        if edge["source"] in place and edge["target"] in place:
            (x1, y1, _), (x2, y2, _) = place[edge["source"]], place[edge["target"]]
            body.append(
                f'<line class="edge" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                f'stroke="#9ca3af" stroke-opacity="0.8"/>'
            )
    small = len(nodes) > 40
    for index, node in enumerate(nodes):
        x, y, angle = place[node["id"]]
        body.append(
            f'<circle class="node" cx="{x:.1f}" cy="{y:.1f}" r="{3 if small else 7}" fill="{colour(index)}"/>'
        )
        lx, ly = x + 14 * math.cos(angle), y + 14 * math.sin(angle) + 4
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        body.append(text(lx, ly, short_label(node["label"], 16), anchor, ' font-size="10"' if small else ""))
    return document(title, body, [], HEIGHT - BOTTOM)


def sankey_chart(data: Mapping[str, Any], title: str) -> str | None:
    """Nodes in columns by depth (longest path from a source), links as curved bands as wide as
    their value; a cycle is cut off at the last column."""
    nodes = data["nodes"][:MAX_NODES]
    ids = [n["id"] for n in nodes]
    known = set(ids)
    links = [
        (k["source"], k["target"], max(0.0, finite_number(k["value"]) or 0.0))
        for k in data["links"]
        if k["source"] in known and k["target"] in known
    ]
    if not nodes or not links:
        return None
    depth = dict.fromkeys(ids, 0)
    for _ in range(len(ids)):
        changed = False
        for source, target, _value in links:
            want = min(len(ids) - 1, depth[source] + 1)
            if source != target and want > depth[target]:
                depth[target], changed = want, True
        if not changed:
            break
    into = dict.fromkeys(ids, 0.0)
    out = dict.fromkeys(ids, 0.0)
    for source, target, value in links:
        out[source] += value
        into[target] += value
    value_of = {i: max(into[i], out[i]) for i in ids}
    columns: dict[int, list[str]] = {}
    for ident in ids:
        columns.setdefault(depth[ident], []).append(ident)
    order = sorted(columns)
    top, bottom, bar = float(TOP), HEIGHT - BOTTOM + 20.0, 14.0
    gap = min(10.0, (bottom - top) / (4 * max(len(column) for column in columns.values())))
    left, right = float(LEFT) - 40, WIDTH - RIGHT - 40.0 - bar
    fits = [
        (bottom - top - gap * (len(columns[c]) - 1)) / total
        for c in order
        if (total := sum(value_of[i] for i in columns[c])) > 0
    ]
    scale = max(0.0, min(fits)) if fits else 0.0
    box: dict[str, tuple[float, float, float]] = {}
    for rank, col in enumerate(order):
        x = left + (right - left) * (rank / (len(order) - 1) if len(order) > 1 else 0.5)
        y = top
        for ident in columns[col]:
            height = max(2.0, value_of[ident] * scale)
            box[ident] = (x, y, height)
            y += height + gap
    sent = dict.fromkeys(ids, 0.0)
    received = dict.fromkeys(ids, 0.0)
    body: list[str] = []
    for index, (source, target, value) in enumerate(links):
        width = value * scale
        sx, sy, _ = box[source]
        tx, ty, _ = box[target]
        y0, y1 = sy + sent[source] + width / 2, ty + received[target] + width / 2
        sent[source] += width
        received[target] += width
        x0, x1 = sx + bar, tx
        middle = (x0 + x1) / 2
        body.append(
            f'<path class="link" d="M{x0:.1f},{y0:.1f} C{middle:.1f},{y0:.1f} {middle:.1f},{y1:.1f} '
            f'{x1:.1f},{y1:.1f}" fill="none" stroke="{colour(ids.index(source))}" stroke-opacity="0.35" '
            f'stroke-width="{max(width, 1.0):.1f}"><title>{index + 1}</title></path>'
        )
    last = order[-1]
    for index, node in enumerate(nodes):
        x, y, height = box[node["id"]]
        body.append(
            f'<rect class="node" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" '
            f'fill="{colour(index)}"/>'
        )
        end = depth[node["id"]] == last and len(order) > 1
        body.append(
            text(
                x - 4 if end else x + bar + 4,
                y + height / 2 + 4,
                short_label(node["label"], 20),
                "end" if end else "start",
            )
        )
    return document(title, body, [], HEIGHT - BOTTOM + 20)

"""Charts of nodes and links: Sankey, treemap and network.

Every link end must name a node, by its id or (as Plotly's Sankey does) by its position in the
node list, and ids must be unique; otherwise a band or an edge would silently go missing from
the drawing. Ids compare as the text the dashboard shows, so ``1`` and ``"1"`` are one id.

One rule is stricter than the dashboard's reader: a treemap node's ``value`` must not be
negative. The dashboard accepts it, but an area cannot be negative, so the chart cannot be drawn
as the tool meant it (the pie and Sankey readers already refuse negatives).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pixie_launcher.validation.shapes.base import (
    Found,
    a_list,
    at,
    field,
    first,
    got,
    is_list,
    is_number,
    need,
    number_at,
    text_of,
)
from shared.toolspec import OutputSpec
from shared.toolspec.wording import OUTPUT_NAMES, brief


def node_ids(raw: object, found: Found) -> list[str] | None:
    """The id of each node (objects with "id"/"name"/"label", or bare ids), or None when
    ``nodes`` is not a list. A node without a usable id, and a repeated id, are reported."""
    items = a_list(raw, "nodes", found)
    if items is None:
        return None
    ids: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        ident = item if isinstance(item, str) or is_number(item) else None
        if isinstance(item, Mapping):
            ident = first(item, "id", "name", "label")
        if not (isinstance(ident, str) or is_number(ident)):
            found.add(
                at("nodes", index), f'must be an object with an "id" (a string or a number), {got(item)}'
            )
            continue
        node_id = text_of(ident, "")
        if node_id in seen:
            found.add(at("nodes", index), f"repeats the node id {brief(node_id)}")
        seen.add(node_id)
        ids.append(node_id)
    return ids


def _end(ref: object, ids: list[str], known: set[str], where: str, found: Found) -> None:
    if isinstance(ref, str) or is_number(ref):
        if text_of(ref, "") in known:
            return
        if isinstance(ref, int) and not isinstance(ref, bool) and 0 <= ref < len(ids):
            return
    found.add(where, f'names node {brief(ref)}, which is not in "nodes" (by id or by position)')


def links(raw: object, ids: list[str] | None, name: str, found: Found, *, weighted: bool) -> None:
    """Each link ``{"source", "target"}`` (or ``[source, target, value?]``), resolved against the
    nodes; a weighted link's ``value`` is a number of 0 or more."""
    known = set(ids or ())
    for index, item in enumerate(a_list(raw, name, found) or ()):
        where = at(name, index)
        if is_list(item) and len(item) in (2, 3):
            item = dict(zip(("source", "target", "value"), item, strict=False))
        if not (isinstance(item, Mapping) and "source" in item and "target" in item):
            found.add(where, f'must be an object with "source" and "target", {got(item)}')
            continue
        if ids is not None:
            for end in ("source", "target"):
                _end(item[end], ids, known, field(where, end), found)
        if weighted and number_at(item.get("value"), field(where, "value"), found) and item["value"] < 0:
            found.add(field(where, "value"), f"is {item['value']}; a flow cannot be negative")


def sankey(spec: OutputSpec, value: Any, found: Found) -> None:
    chart = need(value, ("nodes", "links"), OUTPUT_NAMES["chart_sankey"], found)
    if chart is not None:
        links(chart["links"], node_ids(chart["nodes"], found), "links", found, weighted=True)


def network(spec: OutputSpec, value: Any, found: Found) -> None:
    """``{"nodes", "edges"}``; ``links`` stands in for ``edges`` when there is no ``edges``."""
    name = "links" if isinstance(value, Mapping) and "edges" not in value and "links" in value else "edges"
    chart = need(value, ("nodes", name), OUTPUT_NAMES["chart_network"], found)
    if chart is not None:
        links(chart[name], node_ids(chart["nodes"], found), name, found, weighted=False)


def treemap(spec: OutputSpec, value: Any, found: Found) -> None:
    """``{"nodes": [{"id", "parent"?, "value"?}]}`` or the bare list: parents must be nodes, and a
    value, when given, a number of 0 or more (null: the sum of the node's children)."""
    chart = need(
        {"nodes": value} if is_list(value) else value, ("nodes",), OUTPUT_NAMES["chart_treemap"], found
    )
    if chart is None:
        return
    ids = node_ids(chart["nodes"], found)
    if ids is None:
        return
    known = set(ids)
    for index, item in enumerate(chart["nodes"]):
        extra: Mapping[str, Any] = item if isinstance(item, Mapping) else {}
        where = at("nodes", index)
        amount = extra.get("value")
        if amount is not None and number_at(amount, field(where, "value"), found) and amount < 0:
            found.add(field(where, "value"), f"is {amount}; a treemap area cannot be negative")
        parent = extra.get("parent")
        if parent not in (None, "") and text_of(parent, "") not in known:
            found.add(field(where, "parent"), f"names {brief(parent)}, which is not a node in the treemap")

"""Charts of nodes and links: Sankey, treemap and network.

Every link is checked against the node list here, so a typo in a node id shows up as a sentence
on the card rather than as a silently missing band or edge in the drawing. Node ids are strings
in the normalised form; a link may name a node by its id or, as Plotly's Sankey does, by its
position in the node list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pixie_web.outputs.charts import need
from pixie_web.outputs.shape import Problem, colour, expect_list, first, is_number, label, number
from shared.toolspec.wording import OUTPUT_NAMES, brief, kind


def _nodes(raw: object, what: str) -> list[dict[str, Any]]:
    """``[{"id", "label"}]`` from node objects or bare ids; ids must be unique."""
    nodes: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(expect_list(raw, f'"nodes" of {what}')):
        if isinstance(item, str) or is_number(item):
            item = {"id": item}
        ident = first(item, "id", "name", "label") if isinstance(item, Mapping) else None
        if not isinstance(item, Mapping) or not (isinstance(ident, str) or is_number(ident)):
            raise Problem(f'Expected node {index + 1} of {what} to be an object with "id", got {kind(item)}.')
        node_id = label(ident, "")
        if node_id in seen:
            raise Problem(f'Node id "{node_id}" appears more than once in {what}.')
        seen.add(node_id)
        node: dict[str, Any] = {"id": node_id, "label": label(first(item, "label", "name"), node_id)}
        if colour(item):
            node["colour"] = colour(item)
        nodes.append(node)
    return nodes


def _resolve(ref: object, nodes: list[dict[str, Any]], where: str, what: str) -> str:
    """The id a link end names: an id, or else a 0-based position in the node list."""
    if isinstance(ref, str) or is_number(ref):
        text = label(ref, "")
        if any(node["id"] == text for node in nodes):
            return text
        if isinstance(ref, int) and not isinstance(ref, bool) and 0 <= ref < len(nodes):
            return str(nodes[ref]["id"])
    raise Problem(f'{where} points at node {brief(ref)}, which is not in the "nodes" of {what}.')


def _links(
    raw: object, nodes: list[dict[str, Any]], what: str, noun: str, weighted: bool
) -> list[dict[str, Any]]:
    links = []
    for index, item in enumerate(expect_list(raw, f'"{noun}s" of {what}')):
        if isinstance(item, list | tuple) and len(item) in (2, 3):
            item = dict(zip(("source", "target", "value"), item, strict=False))
        if not (isinstance(item, Mapping) and "source" in item and "target" in item):
            raise Problem(
                f'Expected {noun} {index + 1} of {what} to be an object with "source" and "target", '
                f"got {kind(item)}."
            )
        where = f"{noun.capitalize()} {index + 1}"
        link: dict[str, Any] = {
            "source": _resolve(item["source"], nodes, f"{where}'s source", what),
            "target": _resolve(item["target"], nodes, f"{where}'s target", what),
        }
        if weighted:
            amount = number(item.get("value"), f'"value" of {noun} {index + 1}')
            if amount < 0:
                raise Problem(f"{where} of {what} has a negative value ({brief(amount)}).")
            link["value"] = amount
        links.append(link)
    return links


def sankey(spec: object, value: Any) -> dict[str, Any]:
    """``{"nodes": [{"id", "label"}], "links": [{"source": id, "target": id, "value"}]}``."""
    what = OUTPUT_NAMES["chart_sankey"]
    chart = need(value, ("nodes", "links"), what)
    nodes = _nodes(chart["nodes"], what)
    return {"nodes": nodes, "links": _links(chart["links"], nodes, what, "link", weighted=True)}


def network(spec: object, value: Any) -> dict[str, Any]:
    """``{"nodes": [{"id", "label"}], "edges": [{"source": id, "target": id}]}``; ``links`` is
    read where ``edges`` is missing. Positions are left to the client's layout."""
    what = OUTPUT_NAMES["chart_network"]
    if isinstance(value, Mapping) and "edges" not in value and "links" in value:
        value = {**value, "edges": value["links"]}
    chart = need(value, ("nodes", "edges"), what)
    nodes = _nodes(chart["nodes"], what)
    return {"nodes": nodes, "edges": _links(chart["edges"], nodes, what, "edge", weighted=False)}


def treemap(spec: object, value: Any) -> dict[str, Any]:
    """``{"nodes": [{"id", "label", "parent", "value"}]}``; ``parent`` is "" for a top-level node
    and ``value`` may be None for a node whose size is the sum of its children."""
    what = OUTPUT_NAMES["chart_treemap"]
    if isinstance(value, list | tuple):
        value = {"nodes": value}
    chart = need(value, ("nodes",), what)
    raw = expect_list(chart["nodes"], f'"nodes" of {what}')
    nodes = _nodes(raw, what)
    for index, (node, item) in enumerate(zip(nodes, raw, strict=True)):
        extra: Mapping[str, Any] = item if isinstance(item, Mapping) else {}
        parent = extra.get("parent")
        node["parent"] = "" if parent in (None, "") else label(parent, "")
        amount = extra.get("value")
        node["value"] = (
            None if amount is None else number(amount, f'"value" of node {index + 1} ("{node["id"]}")')
        )
    ids = {node["id"] for node in nodes}
    for node in nodes:
        if node["parent"] and node["parent"] not in ids:
            raise Problem(
                f'Node "{node["id"]}" names the parent "{node["parent"]}", which is not in the treemap.'
            )
    return {"nodes": nodes}

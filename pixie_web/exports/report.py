"""``report.md`` for a run: what a reader needs to follow the run without Pixie.

The report is built as a generator: each asset (an image, a chart's SVG and CSV, a copied file)
is handed to the caller as soon as it is made, to be written into the zip and dropped, while the
markdown text, which is small, accumulates in ``lines``. Outputs are normalised first with the
same code the cards use, so numbers read as on screen and a malformed value becomes a note.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pixie_web.exports import mdtext
from pixie_web.exports.chartdata import chart_csv, csv_bytes
from pixie_web.exports.files import kept_files, locate, run_relative
from pixie_web.exports.media import MediaFiles
from pixie_web.exports.names import ZipNames
from pixie_web.exports.svg import DRAWN, render_chart
from pixie_web.exports.svg_more import MORE_DRAWN, render_more
from pixie_web.exports.zipstream import Asset
from pixie_web.outputs.fallback import cell, tabulate
from pixie_web.outputs.normalise import normalise
from pixie_web.outputs.shape import Shown
from shared.timestamps import readable_duration
from shared.toolspec import OutputSpec, ToolSpec
from shared.toolspec.wording import OUTPUT_NAMES

TABLE_ROWS = 50
"""Rows of a table shown in the report; the whole table is in a CSV beside it."""
INPUT_TEXT_MAX = 500


class Report:
    def __init__(
        self,
        record: Mapping[str, Any],
        spec: ToolSpec | None,
        artefacts: Sequence[Mapping[str, Any]],
        root: Path,
    ) -> None:
        self.record = record
        self.spec = spec
        self.artefacts = list(artefacts)
        self.root = root
        self.names = ZipNames()
        self.names.claim("report.md")
        self.lines: list[str] = []
        self.media = MediaFiles(self.names, {int(a["id"]): a for a in self.artefacts if "id" in a}, root)

    def markdown(self) -> bytes:
        return ("\n".join(self.lines).rstrip() + "\n").encode()

    def _add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def build(self) -> Iterator[Asset]:
        """Yield every asset; ``lines`` holds the whole report once this is exhausted."""
        record, spec = self.record, self.spec
        title = spec.name if spec else str(record.get("tool_id"))
        self._add(f"# {mdtext.escape_inline(title)}", "")
        if spec and spec.description:
            self._add(mdtext.escape_inline(spec.description.strip()), "")
        yield from self._summary()
        self._add("## Outputs", "")
        outputs: Mapping[str, Any] = record.get("outputs") or {}
        if not outputs:
            self._add("_This run returned no outputs._", "")
        declared = list(spec.outputs) if spec else []
        for output in declared:
            yield from self._output(output, outputs.get(output.key), output.key in outputs)
        extra = [key for key in outputs if key not in {o.key for o in declared}]
        for key in extra:
            self._add(f"### {mdtext.escape_inline(key)}", "")
            note = "not declared in tool.json" if spec else "the tool is no longer installed"
            self._add(f"_Shown as the tool returned it ({note})._", "")
            self._add(*mdtext.fence(json.dumps(outputs[key], indent=2, ensure_ascii=False), "json"), "")
        yield from self._files()

    def _summary(self) -> Iterator[Asset]:
        record, spec = self.record, self.spec
        facts = [("Run", f"`{record.get('id')}`"), ("Status", str(record.get("status")))]
        version = record.get("tool_version") or (spec.version if spec else None)  # the one that ran
        if version:
            facts.append(("Tool version", mdtext.escape_inline(str(version))))
        facts.append(("Started", _when(record.get("started_at"))))
        if record.get("finished_at"):
            facts.append(("Finished", _when(record.get("finished_at"))))
        if isinstance(record.get("duration_ms"), int | float):
            facts.append(("Took", readable_duration(record["duration_ms"])))
        self._add(*(f"- **{name}:** {value}" for name, value in facts), "")
        if record.get("error"):
            self._add("> " + mdtext.escape_inline(str(record["error"])), "")
        self._add("## Inputs", "")
        inputs: Mapping[str, Any] = record.get("inputs") or {}
        if not inputs:
            self._add("_No inputs._", "")
            return
        labels = {i.key: i.label for i in spec.inputs} if spec else {}
        order = [key for key in labels if key in inputs] + [key for key in inputs if key not in labels]
        rows = []
        for key in order:
            text, assets = self._input_text(key, inputs[key])
            yield from assets
            rows.append([labels.get(key, key), text])
        self._add(*mdtext.table(["Input", "Value"], rows), "")

    def _input_text(self, key: str, value: Any) -> tuple[str, list[Asset]]:
        """The cell for an input, and the files it needs: an upload (or several) is saved under
        ``assets/inputs/`` and linked rather than printed as base64."""
        uploads = value if isinstance(value, list) else [value]
        if uploads and all(isinstance(item, str) and item.startswith("data:") for item in uploads):
            links, assets = [], []
            for item in uploads:
                found = self.media.data_url(item, f"inputs/{key}")
                if found is None:
                    break
                links.append(f"[{found.name.rsplit('/', 1)[-1]}]({mdtext.link_target(found.name)})")
                if found.asset is not None:
                    assets.append(found.asset)
            else:
                return ", ".join(links), assets
        text = self._readable(key, value)
        if len(text) > INPUT_TEXT_MAX:
            text = text[:INPUT_TEXT_MAX] + f"… ({len(text):,} characters in all; see inputs.json)"
        return text, []

    def _readable(self, key: str, value: Any) -> str:
        """An input's value as the form showed it: an option by its label, a checkbox as Yes or
        No, a list of simple values joined."""
        spec = next((item for item in self.spec.inputs if item.key == key), None) if self.spec else None
        labels = {str(o.value): o.label for o in (spec.options or [])} if spec is not None else {}
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
            return ", ".join(labels.get(str(item), cell(item)) for item in value)
        if isinstance(value, str | int | float) and str(value) in labels:
            return labels[str(value)]
        return cell(value)

    def _output(self, spec: OutputSpec, value: Any, present: bool) -> Iterator[Asset]:
        self._add(f"### {mdtext.escape_inline(spec.label)}", "")
        if spec.description:
            self._add(f"_{mdtext.escape_inline(spec.description)}_", "")
        shown = normalise(spec, value, present=present)
        if shown.state == "empty":
            self._add("_No value._", "")
            return
        if shown.state == "problem":
            self._add(f"> Pixie could not show this output: {mdtext.escape_inline(shown.problem or '')}", "")
            return
        yield from self._value(spec, shown)
        if spec.caption:
            self._add(f"_{mdtext.escape_inline(spec.caption)}_", "")
        self._add("")

    def _value(self, spec: OutputSpec, shown: Shown) -> Iterator[Asset]:
        kind, data = shown.type, shown.data
        if kind in ("text", "stream_text"):
            # Plain text as written: its line breaks kept, nothing in it read as markdown.
            self._add(*mdtext.fence(data["text"], "text"))
        elif kind == "markdown":
            self._add(mdtext.demote_headings(data["source"], 3))  # under the output's ### heading
        elif kind == "latex":
            self._add(data["source"])
        elif kind == "code":
            self._add(*mdtext.fence(data["source"], data["language"]))
        elif kind in ("number", "boolean"):
            self._add(f"**{mdtext.escape_inline(data['text'])}**")
        elif kind == "progress":
            amount = data["text"] or "in progress"
            self._add(
                f"**{amount}**" + (f" · {mdtext.escape_inline(data['label'])}" if data["label"] else "")
            )
        elif kind == "table":
            yield from self._table(spec, data)
        elif kind == "kv":
            pairs = [[p["key"], p["value"]] for p in data["pairs"]]
            self._add(*(mdtext.table(["Key", "Value"], pairs) if pairs else ["_No entries._"]))
        elif kind == "log":
            lines = (
                " ".join(p for p in (ln["t"], ln["level"].upper(), ln["message"]) if p)
                for ln in data["lines"]
            )
            self._add(*mdtext.fence("\n".join(lines), "text"))
        elif kind == "diff":
            body = "\n".join(line["text"] for line in data["lines"])
            self._add(*(mdtext.fence(body, "diff") if data["changed"] else ["_No differences._"]))
        elif kind == "tree":
            self._tree(data["nodes"], 0)
        elif kind == "timeline":
            for event in data["events"]:
                when = f"**{mdtext.escape_inline(event['t'])}** " if event["t"] else ""
                about = f": {mdtext.escape_inline(event['description'])}" if event["description"] else ""
                self._add(f"- {when}{mdtext.escape_inline(event['title'])}{about}")
        elif kind == "gantt":
            rows = [[t["name"], t["start_text"], t["end_text"], t["label"] or ""] for t in data["tasks"]]
            self._add(*mdtext.table(["Task", "Start", "End", "Label"], rows))
        elif kind.startswith(("chart_", "map_")):
            yield from self._chart(spec, shown)
        else:
            yield from self.media.output(spec, shown, self.lines)

    def _table(self, spec: OutputSpec, data: Mapping[str, Any]) -> Iterator[Asset]:
        headers = [c["label"] for c in data["columns"]]
        rows = data["rows"]
        if not headers or not rows:
            self._add("_No rows._")
            return
        self._add(*mdtext.table(headers, ([c["text"] for c in row] for row in rows[:TABLE_ROWS])))
        if len(rows) > TABLE_ROWS:
            name = self.names.claim(f"{spec.key}.csv", "assets")
            raw = ([c["text"] if c["value"] is None else c["value"] for c in row] for row in rows)
            yield Asset(name, csv_bytes(headers, raw))
            self._add(
                "",
                f"_The first {TABLE_ROWS} of {len(rows):,} rows; every row is in "
                f"{mdtext.link(name.rsplit('/', 1)[-1], name)}._",
            )

    def _tree(self, nodes: Sequence[Mapping[str, Any]], depth: int) -> None:
        for node in nodes:
            meta = f" ({mdtext.escape_inline(node['meta'])})" if node["meta"] else ""
            self._add(f"{'  ' * depth}- {mdtext.escape_inline(node['text'])}{meta}")
            self._tree(node["children"], depth + 1)

    def _chart(self, spec: OutputSpec, shown: Shown) -> Iterator[Asset]:
        data = shown.data
        drawing = render_chart(shown.type, data, spec.label) if shown.type in DRAWN else None
        if shown.type in MORE_DRAWN:
            drawing = render_more(shown.type, data, spec.label)
        if drawing is not None:
            name = self.names.claim(f"{spec.key}.svg", "assets")
            yield Asset(name, drawing.encode())
            self._add(mdtext.image(spec.label, name), "")
        else:
            what = OUTPUT_NAMES.get(shown.type, "this output")
            self._add(f"_The report has no picture of {what}; its data follows._", "")
            summary = tabulate(shown.type, data)
            if summary is not None:
                self._add(*mdtext.table(summary.headers, summary.rows), "")
                if summary.cut:
                    self._add(f"_The first {len(summary.rows)} of {summary.total:,} rows._", "")
        content = chart_csv(shown.type, data)
        if content is not None:
            name = self.names.claim(f"{spec.key}.csv", "assets")
            yield Asset(name, content)
            self._add(f"Data: {mdtext.link(name.rsplit('/', 1)[-1], name)}")

    def _files(self) -> Iterator[Asset]:
        files = kept_files(self.artefacts, self.record.get("outputs"))
        if not files:
            return
        self._add("## Files", "", "Files the run wrote:", "")
        for item in files:
            name = self.media.copied.get(int(item["id"]))
            path = locate(self.root, item)
            if name is None and path is not None:
                name = self.names.claim(run_relative(item, str(self.record.get("id"))), "assets/files")
                self.media.copied[int(item["id"])] = name
                yield Asset(name, path=path)
            label = str(item.get("filename"))
            if name is None:
                self._add(f"- {mdtext.escape_inline(label)} (missing from the artefacts folder)")
            else:
                self._add(f"- {mdtext.link(label, name)}")
        self._add("")


def _when(stamp: object) -> str:
    return str(stamp)[:19].replace("T", " ") if stamp else "unknown"

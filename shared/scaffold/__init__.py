"""``pixie new``: starting a tool from a template that already passes every validator check.

A template is a complete, working tool stored as package data under ``templates/<name>/``, with
``__TOOL_ID__`` and ``__TOOL_NAME__`` where the new tool's id and name go (and ``main.py`` kept as
``main.py-tpl``; ``create.py`` says why). Starting from something that runs, has a lock and has
reference fixtures means an author changes a working tool step by step instead of debugging
the contract from scratch:

* ``form``: a loan calculator (numbers, a chart and a table);
* ``chat``: the chat layout, with a reply streamed word by word;
* ``stream``: outputs streamed through ``/stream`` while the run goes on;
* ``files``: a file written to the run's artefacts folder and returned as a ``file`` output.

``python -m shared.scaffold.relock`` regenerates the templates' ``uv.lock`` files.
"""

from __future__ import annotations

from shared.scaffold.create import TEMPLATES, create_tool
from shared.scaffold.ids import TOOL_ID_RULE, check_tool_id

__all__ = ["TEMPLATES", "TOOL_ID_RULE", "check_tool_id", "create_tool"]

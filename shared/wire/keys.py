"""The keys of the launcher's published state, shared by the launcher and its mirrors.

``tool/<id>``: what discovery found (tool.json included); changes only with the tool's files.
``runtime/<id>``: what its process is doing; changes on every start, stop and lease.
``validation/<id>``: its latest validation verdict, whether that is stale, and whether a
validation is queued or running. ``pool``: the warm pool's size and cap. ``validations``: the
validator's queue as a whole.
"""

from __future__ import annotations

TOOL_KEY_PREFIX = "tool/"
RUNTIME_KEY_PREFIX = "runtime/"
VALIDATION_KEY_PREFIX = "validation/"
POOL_KEY = "pool"
VALIDATIONS_KEY = "validations"

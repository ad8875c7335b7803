"""PX1, the one wire protocol between Pixie's processes (see docs/architecture.md).

Request/reply runs over ROUTER/DEALER (``RpcServer``/``RpcClient``); replicated state runs over
PUB/SUB with snapshots (``StatePublisher``/``StateMirror``). Socket files live in a private run
directory per data directory (``Endpoints``), guarded by an ``InstanceLock``.
"""

from shared.wire.args import Args
from shared.wire.client import RpcClient
from shared.wire.endpoints import Endpoints, InstanceLock, StartupError
from shared.wire.errors import ErrorCode, WireError, bad_request, conflict, not_found
from shared.wire.frames import Reply, Request
from shared.wire.server import RpcServer
from shared.wire.state import StateMirror, StatePublisher

__all__ = [
    "Args",
    "Endpoints",
    "ErrorCode",
    "InstanceLock",
    "Reply",
    "Request",
    "RpcClient",
    "RpcServer",
    "StartupError",
    "StateMirror",
    "StatePublisher",
    "WireError",
    "bad_request",
    "conflict",
    "not_found",
]

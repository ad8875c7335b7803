"""Typed access to the web process's shared objects from inside a request."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from quart import Quart, current_app

from pixie_web.bodies import PixieRequest
from pixie_web.peers import Peers
from pixie_web.shell import Shell
from shared.config import Settings

if TYPE_CHECKING:
    from pixie_web.runs.runner import Runner
    from pixie_web.runs.streaming import StreamRun


@dataclass
class WebState:
    settings: Settings
    peers: Peers
    runner: Runner
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    streams: dict[str, StreamRun] = field(default_factory=dict)
    shell: Shell = field(init=False)

    def __post_init__(self) -> None:
        self.shell = Shell(self.peers)


class PixieApp(Quart):
    pixie: WebState
    request_class = PixieRequest


def state() -> WebState:
    return cast(PixieApp, current_app).pixie

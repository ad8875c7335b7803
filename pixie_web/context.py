"""Typed access to the web process's shared objects from inside a request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from quart import Quart, current_app

from pixie_web.peers import Peers
from shared.config import Settings


@dataclass
class WebState:
    settings: Settings
    peers: Peers


class PixieApp(Quart):
    pixie: WebState


def state() -> WebState:
    return cast(PixieApp, current_app).pixie

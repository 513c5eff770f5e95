"""Typed results of bridge calls."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class LoginResult:
    """A silent login: the one-time ``code`` the server exchanges for the player's tokens."""

    code: str


@dataclass(frozen=True, slots=True)
class AdResult:
    """A rewarded ad that was shown: ``rewarded`` only when the player watched it to the end."""

    rewarded: bool


@dataclass(frozen=True, slots=True)
class BalanceResult:
    """Whether the player's Beans cover an amount."""

    is_sufficient: bool


@dataclass(frozen=True, slots=True)
class LaunchOptions:
    """How the game was started: TikTok's scene id and the query of the launch link."""

    scene: str = ""
    query: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """An HTTP response as the bridge delivers it: the body is always text."""

    status: int
    headers: dict[str, str]
    body: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        """The body decoded as JSON (raises ``ValueError`` when it is not JSON)."""
        return json.loads(self.body)


@dataclass(frozen=True, slots=True)
class BridgeEvent:
    """Something the platform told the game: ``hide``, ``show``, ``ad_open``, ``ad_close``, ...."""

    type: str
    data: dict[str, Any] = field(default_factory=dict)

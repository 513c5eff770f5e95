"""The platform seam: TikTok's TTMinis.game for Python, over JS in a browser or a simulator natively.

Imports nothing heavy: httpx is loaded only by the native transport, when it is first used.
"""

from bridge.api import Bridge
from bridge.errors import BridgeError, ErrorCode
from bridge.results import (
    AdResult,
    BalanceResult,
    BridgeEvent,
    HttpResponse,
    LaunchOptions,
    LoginResult,
)

__all__ = [
    "AdResult",
    "BalanceResult",
    "Bridge",
    "BridgeError",
    "BridgeEvent",
    "ErrorCode",
    "HttpResponse",
    "LaunchOptions",
    "LoginResult",
]

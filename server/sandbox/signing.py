"""TikTok's webhook signature: ``TikTok-Signature: t=<unix>,s=<hex hmac-sha256>``.

The signed payload is ``f"{t}.{raw_body}"``, keyed with the app's client secret. Signing only:
the server verifies independently.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "TikTok-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``{timestamp}.{body}`` keyed with ``secret``."""
    payload = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """The value of the ``TikTok-Signature`` header for ``body`` sent at ``timestamp``."""
    return f"t={timestamp},s={signature(secret, timestamp, body)}"

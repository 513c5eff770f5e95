"""The sandbox's configuration: one dataclass, passed to ``create_app``."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

DEV_CLIENT_KEY = "sbx_beanhop_client_key"
DEV_CLIENT_SECRET = "sbx_beanhop_client_secret"  # noqa: S105 - the documented dev placeholder


@dataclass(frozen=True)
class RetrySchedule:
    """Webhook retries: attempt n (from 1) waits ``base_delay * factor ** (n - 1)`` after n's failure.

    TikTok retries for 72 hours; the default compresses the whole schedule into about a minute
    (0.5 + 1 + 2 + ... + 32 s over 8 attempts).
    """

    base_delay: float = 0.5
    factor: float = 2.0
    max_attempts: int = 8

    def __post_init__(self) -> None:
        assert self.base_delay >= 0, "base_delay must not be negative"
        assert self.factor >= 1, "factor must be at least 1"
        assert self.max_attempts >= 1, "max_attempts must be at least 1"

    def delay_after(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        return float(self.base_delay * self.factor ** (attempt - 1))


@dataclass(frozen=True)
class SandboxConfig:
    """Everything the sandbox needs; every field has a development default."""

    client_key: str = DEV_CLIENT_KEY
    client_secret: str = DEV_CLIENT_SECRET
    webhook_url: str | None = None
    retry: RetrySchedule = field(default_factory=RetrySchedule)
    code_ttl: int = 300
    access_token_ttl: int = 86_400
    refresh_token_ttl: int = 365 * 86_400
    client_token_ttl: int = 7_200
    # TikTok's documented limit for /v2/user/info/: requests per minute per user.
    user_info_per_minute: int = 600
    webhook_timeout: float = 10.0
    # How long the ``timeout`` Open API fault holds a request: longer than any sane client timeout.
    api_timeout_seconds: float = 120.0
    db_path: str | None = None
    now: Callable[[], float] = time.time

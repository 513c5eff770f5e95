"""What the service functions need, built once by `create_app` and kept on `app.state.services`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from server.catalog import Catalog, load_catalog
from server.crypto import TokenBox
from server.db import Database
from server.sessions import SessionTokens
from server.settings import Settings
from server.tiktok import TikTokClient


@dataclass
class Services:
    settings: Settings
    db: Database
    catalog: Catalog
    tiktok: TikTokClient
    sessions: SessionTokens
    box: TokenBox
    clock: Callable[[], datetime]

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        http: httpx.AsyncClient,
        secret: str,
        clock: Callable[[], datetime] | None = None,
    ) -> Services:
        """Everything from the settings; `http` talks to TikTok, `secret` signs sessions."""
        return cls(
            settings=settings,
            db=Database(settings.database_url),
            catalog=load_catalog(),
            tiktok=TikTokClient(
                http,
                base_url=settings.effective_api_base,
                client_key=settings.tiktok_client_key,
                client_secret=settings.tiktok_client_secret,
                timeout=settings.tiktok_timeout_seconds,
            ),
            sessions=SessionTokens(secret or "unused", ttl_seconds=settings.session_ttl_seconds),
            box=TokenBox.from_secret(secret, settings.token_encryption_key),
            clock=clock or (lambda: datetime.now(UTC)),
        )

    @property
    def base_url(self) -> str:
        return self.settings.base_url

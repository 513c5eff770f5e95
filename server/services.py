"""What the service functions need, built once by `create_app` and kept on `app.state.services`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from server.catalog import Catalog
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

    @property
    def base_url(self) -> str:
        return self.settings.base_url

"""The server's configuration: read once from the environment (and `.env`), typed, validated.

Nothing here reads the environment at import time: `Settings()` is built by the command line (or a
test) and handed to `create_app(settings)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_CLIENT_KEY = "sbx_beanhop_client_key"
PLACEHOLDER_CLIENT_SECRET = "sbx_beanhop_client_secret"  # noqa: S105 - a documented dev placeholder
PLACEHOLDER_SESSION_SECRETS = frozenset({"", "change-me", "changeme", "secret", "dev"})


class Settings(BaseSettings):
    """Every knob of the server; the environment variable is the field name in upper case."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    environment: Literal["development", "production", "test"] = "development"
    tiktok_client_key: str = PLACEHOLDER_CLIENT_KEY
    tiktok_client_secret: str = Field(default=PLACEHOLDER_CLIENT_SECRET, repr=False)
    # The previous client secret, accepted for webhook signatures while a rotation is under way.
    tiktok_client_secret_previous: str | None = Field(default=None, repr=False)
    tiktok_api_base: str = "https://open.tiktokapis.com"
    tiktok_timeout_seconds: float = Field(default=8.0, gt=0)
    database_url: str = f"sqlite:///{ROOT / 'var' / 'beanhop.db'}"
    session_secret: str | None = Field(default=None, repr=False)
    session_ttl_seconds: int = Field(default=7 * 24 * 3600, gt=0)
    # Fernet key (urlsafe base64, 32 bytes) for TikTok tokens at rest; derived from
    # SESSION_SECRET when unset.
    token_encryption_key: str | None = Field(default=None, repr=False)
    webhook_tolerance_seconds: int = Field(default=300, gt=0)
    sandbox: bool = False
    public_base_url: str | None = None
    web_dir: Path | None = None
    assets_dir: Path = ROOT / "assets"
    cors_origins: str = ""
    ad_reward_cooldown_seconds: int = Field(default=30, ge=0)
    ad_reward_daily_cap: int = Field(default=20, ge=0)
    ad_reward_free_coins: int = Field(default=25, ge=0)
    max_body_bytes: int = Field(default=65536, gt=0)
    webhook_max_body_bytes: int = Field(default=1048576, gt=0)
    session_rate_limit: str = "60/minute"
    run_max_score: int = Field(default=1_000_000, gt=0)
    run_max_coins: int = Field(default=500, ge=0)
    order_query_interval_seconds: float = Field(default=3.0, ge=0)
    reconcile_interval_seconds: float = Field(default=60.0, gt=0)
    log_level: str = "INFO"
    # Verified runs (docs/server.md): coins all of a player's runs may grant per UTC day, and the
    # slack allowed between a run's steps (1/60 s each) and the time since the server started it.
    run_daily_coin_cap: int = Field(default=1000, ge=0)
    run_time_tolerance_seconds: float = Field(default=5.0, ge=0)

    @field_validator("tiktok_api_base", "public_base_url")
    @classmethod
    def _strip_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite://", "postgresql://", "postgresql+psycopg://")):
            raise ValueError("DATABASE_URL must start with sqlite:/// or postgresql://")
        return value

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    @property
    def base_url(self) -> str:
        """The server's own public URL (image and order URLs, the sandbox's webhook target)."""
        return self.public_base_url or "http://127.0.0.1:8000"

    @property
    def effective_api_base(self) -> str:
        """Where TikTok's Open API is: the mounted sandbox when SANDBOX=1."""
        return f"{self.base_url}/sandbox" if self.sandbox else self.tiktok_api_base

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def production_problems(self) -> list[str]:
        """Messages naming each variable that still holds a placeholder (empty when fine)."""
        problems = []
        if (self.session_secret or "").strip().lower() in PLACEHOLDER_SESSION_SECRETS:
            problems.append(
                "SESSION_SECRET is unset or a placeholder: set it to a long random value"
            )
        elif len(self.session_secret or "") < 16:
            problems.append("SESSION_SECRET is too short: use at least 16 random characters")
        if self.tiktok_client_secret in ("", PLACEHOLDER_CLIENT_SECRET):
            problems.append(
                "TIKTOK_CLIENT_SECRET is the sandbox placeholder: set your app's client secret"
            )
        if self.tiktok_client_key in ("", PLACEHOLDER_CLIENT_KEY):
            problems.append(
                "TIKTOK_CLIENT_KEY is the sandbox placeholder: set your app's client key"
            )
        if self.sandbox:
            problems.append("SANDBOX=1 is for development: unset it in production")
        return problems

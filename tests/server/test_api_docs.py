"""/docs, /redoc and /openapi.json (issue 15): on by default in development, off in production
unless API_DOCS=1; the API itself answers either way."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest

from server.settings import Settings
from tests.server.conftest import start_api

DOCS = ("/docs", "/redoc", "/openapi.json")
PRODUCTION = {
    "environment": "production",
    "tiktok_client_key": "real_client_key",
    "tiktok_client_secret": "real-client-secret-0123456789",
}


async def docs_statuses(settings: Settings) -> set[int]:
    async with contextlib.aclosing(start_api(settings)) as running:
        async for api in running:
            assert (await api.client.get("/healthz")).status_code == 200
            return {(await api.client.get(path)).status_code for path in DOCS}
    raise AssertionError("the app did not start")


@pytest.mark.parametrize(
    ("overrides", "served"),
    [
        ({"environment": "development"}, True),
        ({"environment": "test"}, True),
        ({"environment": "development", "api_docs": False}, False),
        (PRODUCTION, False),
        ({**PRODUCTION, "api_docs": True}, True),
    ],
)
async def test_api_docs_are_opt_in_in_production(
    settings_for: Callable[..., Settings], overrides: dict[str, object], served: bool
) -> None:
    settings = settings_for(**overrides)
    assert settings.serves_api_docs is served
    assert await docs_statuses(settings) == ({200} if served else {404})


def test_the_setting_is_read_from_api_docs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    assert Settings(_env_file=None).serves_api_docs is False  # type: ignore[call-arg]
    monkeypatch.setenv("API_DOCS", "1")
    assert Settings(_env_file=None).serves_api_docs is True  # type: ignore[call-arg]
    monkeypatch.setenv("ENVIRONMENT", "development")
    monkeypatch.setenv("API_DOCS", "0")
    assert Settings(_env_file=None).serves_api_docs is False  # type: ignore[call-arg]

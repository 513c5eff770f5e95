"""Fixtures of the sandbox tests: a running webhook target and a sandbox delivering to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from server.sandbox import RetrySchedule, SandboxConfig

from .helpers import Target, sandbox_client, serve

FAST_RETRY = RetrySchedule(base_delay=0.01, factor=2.0, max_attempts=4)


@pytest.fixture
def target() -> Target:
    return Target()


@pytest.fixture
async def target_url(target: Target) -> AsyncIterator[str]:
    async with serve(target.app()) as base:
        yield f"{base}/webhooks/tiktok"


@pytest.fixture
async def client(target_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A sandbox on a real socket that delivers webhooks to ``target`` with tiny retry delays."""
    async with sandbox_client(SandboxConfig(webhook_url=target_url, retry=FAST_RETRY)) as c:
        yield c

"""A faithful stand-in for TikTok's Open API and payment webhooks, for development and tests.

``from server.sandbox import create_app, SandboxConfig``; see ``docs/sandbox.md``.
"""

from .app import create_app
from .config import RetrySchedule, SandboxConfig
from .core import Sandbox

__all__ = ["RetrySchedule", "Sandbox", "SandboxConfig", "create_app"]

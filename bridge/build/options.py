"""What a build is asked to do, checked once, and the one error a build raises."""

from __future__ import annotations

import argparse
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_CDN = "https://pygame-web.github.io/cdn/0.9.3/"
PYGBAG_VERSION = "0.9.3"
PYODIDE_VERSION = "0.27.7"
DEFAULT_CLIENT_KEY = "sbx_beanhop_client_key"
APP_NAME = "beanhop"
TITLE = "Bean Hop"
# The game's logical surface is portrait 9:16; the page letterboxes it.
WIDTH, HEIGHT = 360, 640

MODES = ("dev", "release")
NATIVE = "tiktok-native"
TARGETS = ("web", "tiktok", NATIVE)
RUNTIMES = ("pygbag", "pyodide")


class BuildError(RuntimeError):
    """A build that cannot go on; the message says what to do. Printed without a traceback."""


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    out: Path
    mode: str = "dev"
    target: str = "web"
    runtime: str = "pygbag"
    runtime_dir: Path | None = None
    cdn: str = DEFAULT_CDN
    wheel: Path | None = None
    eval_free: bool = False
    bytecode: bool = True  # Pyodide: ship compiled .pyc (bridge/build/bytecode.py)
    server_origin: str | None = None
    client_key: str = DEFAULT_CLIENT_KEY
    appid: str | None = None  # TikTok's app id, for the native package's project.config.json
    npm_cache: Path = field(default_factory=lambda: Path.home() / ".cache" / "beanhop")
    timeout: float = 120.0
    load_timeout_ms: int = 30000

    @property
    def dev(self) -> bool:
        return self.mode == "dev"

    @property
    def simulator(self) -> bool:
        """The TTMinis simulator: development web builds only (TikTok brings the real SDK)."""
        return self.dev and self.target == "web"

    @property
    def native(self) -> bool:
        return self.target == NATIVE

    @property
    def self_contained(self) -> bool:
        return self.runtime == "pyodide" or self.runtime_dir is not None

    def validate(self) -> None:
        """Raises BuildError for combinations that cannot work, before anything is written."""
        assert self.mode in MODES and self.target in TARGETS and self.runtime in RUNTIMES
        if self.native:
            self._validate_native()
            return
        if self.eval_free and self.runtime != "pyodide":
            raise BuildError("--eval-free needs --runtime pyodide (pygbag's runtime uses eval)")
        if self.runtime == "pyodide" and self.wheel is None:
            raise BuildError(
                "--runtime pyodide needs the pygame-ce wasm wheel: pass --wheel PATH or set "
                "PYGAME_WASM_WHEEL (pygame_ce-...-cp312-cp312-wasm32_bi_emscripten.whl from "
                "pygbag's package index, see docs/web.md)"
            )
        if self.wheel is not None and not self.wheel.is_file():
            raise BuildError(f"the wheel {self.wheel} does not exist")
        if self.wheel is not None and not (
            self.wheel.name.endswith(".whl") and zipfile.is_zipfile(self.wheel)
        ):
            raise BuildError(f"{self.wheel} is not a wheel (a .whl zip archive)")
        if self.runtime_dir is not None and self.runtime != "pygbag":
            raise BuildError("--runtime-dir holds pygbag's runtime; it needs --runtime pygbag")
        if self.runtime_dir is not None and not self.runtime_dir.is_dir():
            raise BuildError(f"--runtime-dir {self.runtime_dir} is not a directory")
        if not self.cdn.endswith("/"):
            raise BuildError(f"--cdn must end with '/': {self.cdn}")
        if self.target == "tiktok":
            origin = urlsplit(self.server_origin or "")
            if origin.scheme != "https" or not origin.hostname or origin.path not in ("", "/"):
                raise BuildError(
                    "--target tiktok needs the server's https origin for minigame.config.json: "
                    "--server-origin https://your.server (or env PUBLIC_BASE_URL)"
                )


    def _validate_native(self) -> None:
        if self.runtime_dir is not None:
            raise BuildError("--runtime-dir is pygbag's; --target tiktok-native runs Pyodide")
        if self.wheel is None:
            raise BuildError(
                "--target tiktok-native needs the pygame-ce wasm wheel: pass --wheel PATH or set "
                "PYGAME_WASM_WHEEL (pygame_ce-...-cp312-cp312-wasm32_bi_emscripten.whl from "
                "pygbag's package index, see docs/native.md)"
            )
        if not (self.wheel.is_file() and zipfile.is_zipfile(self.wheel)):
            raise BuildError(f"{self.wheel} is not a wheel (a .whl zip archive)")
        origin = urlsplit(self.server_origin or "")
        https = "https" if not self.dev else "http(s)"
        if (
            origin.scheme not in ("https", "http" if self.dev else "https")
            or not origin.hostname
            or origin.path not in ("", "/")
            or origin.query
        ):
            raise BuildError(
                f"--target tiktok-native needs the game server's {https} origin, where the game "
                "sends its requests: --server-origin https://your.server (or env PUBLIC_BASE_URL)"
                + ("" if self.dev else "; a release talks to an https server only")
            )
        if not self.dev and not (self.appid or "").strip():
            raise BuildError(
                "a release of the native package needs TikTok's app id for project.config.json: "
                "--appid ID or env TIKTOK_APP_ID (the developer portal shows it under the app)"
            )


def add_runtime_arguments(parser: argparse.ArgumentParser, root: Path) -> None:
    """The options `python -m bridge.build` and `python -m bridge.dev` share."""
    parser.add_argument(
        "--runtime",
        choices=RUNTIMES,
        default="pygbag",
        help="the Python runtime in the browser (default pygbag)",
    )
    parser.add_argument(
        "--runtime-dir",
        type=Path,
        metavar="DIR",
        help="copy pygbag's runtime and the pygame-ce wheel from DIR "
        "(its CDN layout) into a self-contained bundle",
    )
    parser.add_argument(
        "--cdn",
        default=DEFAULT_CDN,
        help=f"where the page loads pygbag's runtime (default {DEFAULT_CDN})",
    )
    wheel = os.environ.get("PYGAME_WASM_WHEEL")
    parser.add_argument(
        "--wheel",
        type=Path,
        metavar="PATH",
        default=Path(wheel) if wheel else None,
        help="pygame-ce wasm wheel for --runtime pyodide (env PYGAME_WASM_WHEEL)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=root / "dist" / "web",
        help="output directory, replaced (default dist/web)",
    )
    parser.add_argument("--root", type=Path, default=root, help=argparse.SUPPRESS)

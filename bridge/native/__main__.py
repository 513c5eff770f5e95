"""python -m bridge.native DIR [--port P] [--server URL] [--state DIR]: run a native package."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from bridge.build import BuildError
from bridge.dev import choose_port
from bridge.native.package import load
from bridge.native.state import default_state_dir

EPILOG = """\
The package runs in a web worker with no DOM and no browser API, as in TikTok's native runtime;
the page beside it has the TTMinis simulator's panel (login, ads, Beans payments against the
sandbox), the runtime's console and the API calls seen. See docs/native.md.

Without --server, the emulator starts the game server itself (python -m server with SANDBOX=1
and SQLite in var/native.db) on a free port and stops it on the way out.
exit status: 0 stopped with Ctrl-C, 1 the server could not start, 2 bad arguments.
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bridge.native",
        description="Run a TikTok native-runtime package in the desktop emulator.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "directory", type=Path, help="the package: game.js, game.json, project.config.json"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=int,
        default=8100,
        help="port (default 8100; another free one if taken; 0: any)",
    )
    parser.add_argument(
        "--server",
        metavar="URL",
        help="the game server the package's requests go to (default: start one with the sandbox)",
    )
    parser.add_argument(
        "--state",
        type=Path,
        metavar="DIR",
        help="where storage and ttfile://user files are kept (default ~/.cache/beanhop/native/<appid>)",
    )
    parser.add_argument(
        "--download-kbps",
        type=float,
        default=0,
        metavar="N",
        help="simulated download speed of subpackages in KB/s (default 0: as fast as it goes)",
    )
    return parser


def _missing_directory(directory: Path) -> str:
    hint = "pass the folder that holds game.js, game.json and project.config.json"
    if directory.as_posix().rstrip("/").endswith("dist/tiktok-native"):
        hint = (
            "build the game's native package first: python -m bridge.build --target tiktok-native "
            "--wheel PATH --server-origin URL"
        )
    return f"error: {directory} is not a directory ({hint})"


def _report_package(directory: Path) -> str | None:
    package = load(directory)
    print(f"- package {directory}: {package.summary()}", flush=True)
    for warning in package.warnings:
        print(f"  warning: TikTok's review scan would reject: {warning}", flush=True)
    for refusal in package.refusals:
        print(f"  refused: {refusal}", flush=True)
    if package.refusals:
        print(
            "  the page shows why and does not start it; fix the package and press Reload",
            flush=True,
        )
    return package.layout.appid


def _server_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/healthz", timeout=3) as response:  # noqa: S310
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


@contextlib.contextmanager
def _game_server(url: str | None) -> Iterator[str]:
    if url is not None:
        if not url.startswith(("http://", "https://")):
            raise BuildError(f"--server must be an http(s) URL, got {url!r}")
        if not _server_answers(url):
            print(
                f"warning: {url}/healthz does not answer: requests and the sandbox will fail until it does",
                flush=True,
            )
        yield url.rstrip("/")
        return
    from bridge.dev import ROOT, free_port, running_server

    print(
        "- starting the game server with the TikTok sandbox (SQLite in var/native.db)", flush=True
    )
    log = ROOT / "var" / "native-server.log"  # not into the emulator's own output
    host = "127.0.0.1"
    with running_server(ROOT, host, free_port(host), database="native.db", log=log) as base:
        print(f"- game server at {base} (log: {log})", flush=True)
        yield base


def _serve(app: object, host: str, port: int) -> None:
    import uvicorn

    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")  # type: ignore[arg-type]
    uvicorn.Server(config).run()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    directory: Path = args.directory
    if not directory.is_dir():
        print(_missing_directory(directory), file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        appid = _report_package(directory)
        state = args.state or default_state_dir(appid)
        port = choose_port(args.host, args.port)
        with _game_server(args.server) as server:
            from bridge.native.server import create_app

            app = create_app(directory, server, state, args.download_kbps)
            url = f"http://{args.host}:{port}/"
            print(f"- storage and user files: {state}", flush=True)
            print(f"\nThe emulator is running: open {url} in a desktop browser.", flush=True)
            print("  Reload package: the button on the page. Ctrl-C stops everything.", flush=True)
            _serve(app, args.host, port)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

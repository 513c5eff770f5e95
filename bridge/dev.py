"""python -m bridge.dev (what ``make dev`` runs): build, serve, watch, rebuild.

Builds the development bundle (skipped when game/, bridge/ and assets/ have not changed since the
last build), starts ``python -m server`` with SQLite under var/, ``SANDBOX=1`` and
``WEB_DIR=dist/web`` on one origin, waits for /healthz, prints the URL and what to do next, then
rebuilds on every change until Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from bridge.build import BuildError, BuildOptions, build, stamp_path
from bridge.build.options import add_runtime_arguments
from bridge.build.stage import input_files

ROOT = Path(__file__).resolve().parent.parent
WATCHED = ("game", "rules", "bridge", "assets")
HEALTH_TIMEOUT = 60.0


def inputs_hash(root: Path, options: BuildOptions) -> str:
    """Content hash of everything a build reads, and of the options it was asked for."""
    digest = hashlib.sha256()
    settings = {"mode": options.mode, "runtime": options.runtime, "cdn": options.cdn,
                "runtime_dir": str(options.runtime_dir), "wheel": str(options.wheel),
                "eval_free": options.eval_free}  # fmt: skip
    digest.update(json.dumps(settings, sort_keys=True).encode())
    for path in input_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def rebuild_if_changed(options: BuildOptions) -> bool:
    """Builds unless the inputs match the last build's; returns whether it built."""
    stamp = stamp_path(options.out)
    digest = inputs_hash(options.root, options)
    built = (options.out / "index.html").is_file() and stamp.is_file()
    if built and stamp.read_text().strip() == digest:
        print(f"- {options.out} is up to date (inputs unchanged): no rebuild", flush=True)
        return False
    build(options)
    stamp.write_text(digest + "\n")
    return True


def cdn_reachable(cdn: str, timeout: float = 3.0) -> bool:
    """A quick HEAD of pygbag's loader on the CDN."""
    if not cdn.startswith(("http://", "https://")):
        return True  # a relative or local runtime: nothing to reach
    request = urllib.request.Request(cdn + "pythons.js", method="HEAD")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout):  # noqa: S310
            return True
    except (urllib.error.URLError, OSError, ValueError):
        return False


def cdn_warning(cdn: str) -> str:
    return (
        f"warning: pygbag's CDN ({cdn}) cannot be reached from here: the page will say so instead\n"
        "of loading. Alternatives without that CDN:\n"
        "  python -m bridge.dev --runtime-dir DIR        (pygbag's runtime files, see docs/web.md)\n"
        "  python -m bridge.dev --runtime pyodide --wheel PATH   (Pyodide from npm + pygame-ce wheel)"
    )


def port_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def choose_port(host: str, wanted: int) -> int:
    if wanted == 0:
        return free_port(host)
    if port_free(host, wanted):
        return wanted
    port = free_port(host)
    print(f"- port {wanted} is taken: using {port} instead", flush=True)
    return port


def server_env(
    root: Path, web_dir: Path | None, base_url: str, database: str | Path = "dev.db"
) -> dict[str, str]:
    """The environment of a dev server: the sandbox, SQLite in var/<database> (an absolute path
    as it is) unless DATABASE_URL is set, the page if any."""
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{root / 'var' / database}")
    env.update(SANDBOX="1", PUBLIC_BASE_URL=base_url)
    if web_dir is None:
        env.pop("WEB_DIR", None)
    else:
        env["WEB_DIR"] = str(web_dir)
    env.setdefault("ENVIRONMENT", "development")
    return env


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BuildError(f"the server exited with status {process.returncode}; see above")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise BuildError(f"the server did not answer {url}/healthz within {timeout:.0f} s")


@contextlib.contextmanager
def running_server(
    root: Path,
    host: str,
    port: int,
    *,
    web_dir: Path | None = None,
    database: str | Path = "dev.db",
    log: Path | None = None,
) -> Iterator[str]:
    """Runs ``python -m server`` with the sandbox until the block ends; yields its URL.

    Its output goes to ``log`` when given (the end of it is in the error when it does not start),
    else to this terminal. Used by ``make dev`` and by the native emulator without ``--server``.
    """
    base_url = f"http://{host}:{port}"
    (root / "var").mkdir(exist_ok=True)
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(log.open("wb")) if log is not None else None
        process = subprocess.Popen(  # noqa: S603 (our own argv, no shell)
            [sys.executable, "-m", "server", "--host", host, "--port", str(port)],
            cwd=root,
            env=server_env(root, web_dir, base_url, database),
            stdout=out,
            stderr=subprocess.STDOUT if out is not None else None,
        )
        try:
            try:
                wait_healthy(base_url, process, HEALTH_TIMEOUT)
            except BuildError as exc:
                if log is None:
                    raise
                tail = log.read_text(errors="replace")[-2000:]
                raise BuildError(f"{exc}\n--- {log} (end) ---\n{tail}") from exc
            yield base_url
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def next_steps(url: str) -> str:
    return f"""
Bean Hop is running: open {url}/ in a desktop browser.
  - the phone frame runs the game; the TTMinis simulator's panel beside it plays TikTok
    (login, rewarded ads, Beans payments against the sandbox at {url}/sandbox)
  - drive the sandbox by hand: python -m server.sandbox --help
  - the game natively, against this server: python -m game --server {url}
Editing game/, rules/, bridge/ or assets/ rebuilds the page (reload the browser). Ctrl-C stops everything.
""".rstrip()


def watch(options: BuildOptions) -> None:
    """Rebuilds on every change under game/, rules/, bridge/, assets/ until interrupted."""
    from watchfiles import watch as watch_changes

    paths = [options.root / name for name in WATCHED if (options.root / name).is_dir()]
    for changes in watch_changes(*paths, raise_interrupt=True):
        names = sorted({Path(p).relative_to(options.root).as_posix() for _, p in changes})
        started = time.monotonic()
        print(f"- change in {', '.join(names[:3])}{' ...' if len(names) > 3 else ''}", flush=True)
        try:
            built = rebuild_if_changed(options)
        except BuildError as exc:
            print(f"error: rebuild failed, still serving the last good build:\n{exc}", flush=True)
            continue
        if built:
            print(f"- rebuilt in {time.monotonic() - started:.1f} s: reload the page", flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bridge.dev",
        description="Build the web game, serve it with the server and the TikTok sandbox, "
        "rebuild on changes (what `make dev` runs).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=int,
        default=8000,
        help="port (default 8000; another free one if taken; 0: any)",
    )
    add_runtime_arguments(parser, ROOT)
    parser.add_argument("--no-watch", action="store_true", help="do not rebuild on changes")
    return parser


def _options(args: argparse.Namespace) -> BuildOptions:
    return BuildOptions(
        root=args.root.resolve(),
        out=args.out.resolve(),
        mode="dev",
        runtime=args.runtime,
        runtime_dir=args.runtime_dir,
        cdn=args.cdn,
        wheel=args.wheel,
    )


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)  # stop the server too when terminated
    options = _options(args)
    try:
        rebuild_if_changed(options)
        uses_cdn = options.runtime == "pygbag" and options.runtime_dir is None
        if uses_cdn and not cdn_reachable(options.cdn):
            print(cdn_warning(options.cdn), flush=True)
        port = choose_port(args.host, args.port)
        print(f"- starting the server (SQLite, SANDBOX=1) on {args.host}:{port}", flush=True)
        with running_server(options.root, args.host, port, web_dir=options.out) as url:
            print(next_steps(url), flush=True)
            if args.no_watch:
                while True:
                    time.sleep(3600)
            watch(options)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

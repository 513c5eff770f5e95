"""The web build: ``python -m bridge.build`` turns game/, bridge/ and assets/ into dist/web/.

Steps: stage the app folder (main.py, game/, the bridge's Python, assets/) in a temporary
directory; for pygbag run ``pygbag --build`` on it with this project's page and favicon (fully
offline), for Pyodide zip it and copy the npm runtime and the pygame-ce wheel; add the page's
static files and the bridge JS; for ``--target tiktok`` write minigame.config.json and run the
package checker, whose violations fail the build.
"""

from __future__ import annotations

import gzip
import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bridge.build import bytecode, native, page, runtimes
from bridge.build.compress import gzip_siblings, is_sibling
from bridge.build.options import (
    APP_NAME,
    PYGBAG_VERSION,
    BuildError,
    BuildOptions,
)
from bridge.build.stage import stage_app, zip_app
from bridge.build.stdlib import discover, pyodide_keep, trim_zip
from bridge.check import check

__all__ = ["BuildError", "BuildOptions", "BuildResult", "build"]


@dataclass
class BuildResult:
    out: Path
    app_files: list[str] = field(default_factory=list)
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)  # raw, gzipped

    @property
    def total(self) -> tuple[int, int]:
        return sum(s[0] for s in self.sizes.values()), sum(s[1] for s in self.sizes.values())


def stamp_path(out: Path) -> Path:
    """Where ``python -m bridge.dev`` keeps the inputs' hash of the bundle in ``out``."""
    return out.parent / f".{out.name}-inputs.sha256"


def _say(message: str) -> None:
    print(message, flush=True)


def _copy_bridge_js(options: BuildOptions, out: Path) -> None:
    names = ["ttbridge.js"] + (["ttminis-sim.js"] if options.simulator else [])
    for name in names:
        source = options.root / "bridge" / "js" / name
        if not source.is_file():
            raise BuildError(f"{source} is missing: the page needs the bridge's JavaScript")
        (out / "js").mkdir(exist_ok=True)
        shutil.copyfile(source, out / "js" / name)


def _write_static(options: BuildOptions, out: Path, cdn: str, wheel: str) -> None:
    static = out / "static"
    static.mkdir(parents=True, exist_ok=True)
    for name in page.static_files(options):
        shutil.copyfile(page.WEB / name, static / name)
    text = page.boot_config_js(options, cdn, wheel=wheel)
    (static / "boot-config.js").write_text(text, encoding="utf-8")
    if options.target == "tiktok":
        text = page.tiktok_init_js()
        (static / "tt-init.js").write_text(text, encoding="utf-8")


def minigame_config(options: BuildOptions) -> dict[str, object]:
    """TikTok's settings for this game (the file's exact schema is not published)."""
    origin = urlsplit(options.server_origin or "")
    return {
        "orientation": "portrait",
        "trustedDomains": [f"https://{origin.netloc}"],
        "clientKey": options.client_key,
    }


def _pygbag(options: BuildOptions, app: Path, work: Path, out: Path) -> str:
    cdn = options.cdn
    if options.runtime_dir is not None:
        _say(f"- copying pygbag's runtime from {options.runtime_dir}")
        runtimes.copy_pygbag_runtime(options.runtime_dir, out)
        cdn = f"runtime/{PYGBAG_VERSION}/"
    template = work / "page.tmpl"
    template.write_text(page.render(options), encoding="utf-8")
    _say(f"- pygbag --build (runtime from {cdn})")
    web = runtimes.run_pygbag(app, template, page.WEB / "favicon.png", cdn, options.timeout)
    for name in ("index.html", f"{APP_NAME}.apk", f"{APP_NAME}.tar.gz", "favicon.png"):
        shutil.copyfile(web / name, out / name)
    return cdn


def _pyodide(options: BuildOptions, app: Path, out: Path) -> str:
    assert options.wheel is not None
    _say(f"- Pyodide from npm (cache {options.npm_cache})")
    package = runtimes.npm_pyodide(options.npm_cache, options.timeout)
    (out / "static").mkdir(parents=True, exist_ok=True)
    runtimes.copy_pyodide_runtime(package, options.wheel, out, eval_free=options.eval_free)
    _trim_stdlib(app, out / "runtime" / "python_stdlib.zip", options.timeout)
    if options.bytecode:
        _bytecode(options, package, app, out)
    zip_app(app, out / runtimes.archive_name(), stored=True)
    (out / "index.html").write_text(page.render(options), encoding="utf-8")
    shutil.copyfile(page.WEB / "favicon.png", out / "favicon.png")
    return ""


def _trim_stdlib(app: Path, archive: Path, timeout: float) -> None:
    """Pyodide's python_stdlib.zip cut down to what the app and Pyodide need (bridge.build.stdlib)."""
    _say("- finding the standard-library modules the app needs (a headless run)")
    keep = pyodide_keep(discover(app, timeout), archive)
    full = archive.stat().st_size
    kept = trim_zip(archive, archive.with_name("trimmed.zip"), keep, stored=True)
    archive.with_name("trimmed.zip").replace(archive)
    _say(f"  python_stdlib.zip: {len(kept)} modules, {full // 1024} KB -> {archive.stat().st_size // 1024} KB")


def _bytecode(options: BuildOptions, package: Path, app: Path, out: Path) -> None:
    """Python compiled ahead of time: nothing is compiled in the browser while the game starts."""
    assert options.wheel is not None
    _say("- compiling the standard library, pygame-ce's and the game's modules (Pyodide in node)")
    cache, timeout = options.npm_cache, options.timeout
    stdlib = out / "runtime" / "python_stdlib.zip"
    bytecode.compile_zip(
        stdlib, package, cache, timeout, root=bytecode.STDLIB_ROOT, keep_sources=False, stored=True
    )
    wheel = out / "runtime" / options.wheel.name
    bytecode.compile_zip(
        wheel, package, cache, timeout, root=bytecode.SITE_PACKAGES, keep_sources=False, stored=True
    )
    modules = bytecode.add_app_bytecode(app, package, cache, timeout, keep_sources=False)
    _say(f"  {modules} modules of the game")


def _sizes(out: Path) -> dict[str, tuple[int, int]]:
    """Each file's size, raw and gzipped at level 6 (the gzip copies beside them left out)."""
    sizes = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file() and not is_sibling(p)):
        data = path.read_bytes()
        sizes[path.relative_to(out).as_posix()] = (len(data), len(gzip.compress(data, 6)))
    return sizes


def _check(options: BuildOptions, out: Path) -> None:
    _say("- checking the package against TikTok's rules")
    report = check(out, target="native" if options.native else "html")
    if not report.ok:
        lines = "\n".join(f"  {v}" for v in report.violations)
        raise BuildError(
            f"the package breaks TikTok's rules ({len(report.violations)} violation(s)):\n{lines}"
        )


def build(options: BuildOptions) -> BuildResult:
    """Builds the bundle into ``options.out`` (replaced); raises BuildError with what to do."""
    options.validate()
    mode = f"{options.mode} build, target {options.target}, runtime {options.runtime}"
    _say(f"Building Bean Hop ({mode}{', eval-free' if options.eval_free else ''})")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="beanhop-build-") as tmp:
        work = Path(tmp)
        app = work / APP_NAME
        out = work / "out"
        out.mkdir()
        _say(f"- staging the app: game/, rules/, bridge/, assets/ from {options.root}")
        files = stage_app(options.root, app)
        _say(f"  {len(files)} files")
        if options.native:
            native.assemble(options, app, out)
        else:
            _web(options, app, work, out)
        if options.target == "tiktok":
            config = json.dumps(minigame_config(options), indent=2) + "\n"
            (out / "minigame.config.json").write_text(config, encoding="utf-8")
        if options.target != "web":
            _check(options, out)
        stamp_path(options.out).unlink(missing_ok=True)  # bridge.dev's "up to date" no longer holds
        if options.out.exists():
            shutil.rmtree(options.out)
        options.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(out, options.out)
    result = BuildResult(options.out, files, _sizes(options.out))
    _say(native.summary(options.out) if options.native else summary(result))
    _say(f"Done in {time.monotonic() - started:.1f} s.")
    return result


def _web(options: BuildOptions, app: Path, work: Path, out: Path) -> None:
    """The browser bundle: the page, its static files, the runtime and the bridge's JS."""
    _copy_bridge_js(options, out)
    if options.runtime == "pygbag":
        cdn = _pygbag(options, app, work, out)
        wheel = ""
    else:
        assert options.wheel is not None
        cdn, wheel = _pyodide(options, app, out), options.wheel.name
    _write_static(options, out, cdn, wheel)
    if options.target == "web":
        count = gzip_siblings(out, options.npm_cache)
        _say(f"- gzip copies of {count} files, for servers that send them (docs/web.md, hosting)")


def summary(result: BuildResult) -> str:
    """The size table printed at the end of a build."""
    width = max([44, *(len(name) for name in result.sizes)])
    lines = [f"Built {result.out}:", f"  {'file':<{width}} {'size':>10} {'gzipped':>10}"]
    for name, (raw, packed) in sorted(result.sizes.items(), key=lambda kv: -kv[1][0]):
        lines.append(f"  {name:<{width}} {_kb(raw):>10} {_kb(packed):>10}")
    raw, packed = result.total
    total = f"total ({len(result.sizes)} files)"
    lines.append(f"  {total:<{width}} {_kb(raw):>10} {_kb(packed):>10}")
    return "\n".join(lines)


def _kb(size: int) -> str:
    return f"{size / 1024:.1f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.2f} MB"

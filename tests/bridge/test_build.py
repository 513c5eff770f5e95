"""python -m bridge.build: offline bundles of the real game, runtime options, TikTok builds."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from bridge.build import BuildError, BuildOptions, build
from bridge.build.options import PYGBAG_VERSION, PYODIDE_VERSION
from bridge.build.runtimes import PYGBAG_RUNTIME_FILES, PYODIDE_FILES
from bridge.build.sidemodule import SIDE_MODULE as SIDE
from bridge.build.stage import main_py as main_py_text
from bridge.build.wasm import first_section
from bridge.check import check

ROOT = Path(__file__).resolve().parents[2]
FAKE_WHEEL_NAME = "pygame_ce-2.5.7.dev1-cp312-cp312-wasm32_bi_emscripten.whl"


def project_ready() -> None:
    missing = [p for p in ("game/main.py", "bridge/js/ttbridge.js", "bridge/js/ttminis-sim.js")
               if not (ROOT / p).is_file()]  # fmt: skip
    if missing:
        pytest.skip(f"not in the project yet: {', '.join(missing)}")


def make_project(root: Path) -> Path:
    """A small stand-in project: the build's behaviour without depending on the real game."""
    (root / "game").mkdir(parents=True)
    (root / "game" / "__init__.py").write_text('"""game"""\n')
    (root / "game" / "main.py").write_text("async def main(options=None):\n    return None\n")
    # The entry the stdlib discovery runs headless (bridge/build/stage.py DISCOVERY_ENTRY).
    (root / "game" / "__main__.py").write_text("import json\n\ndef run(argv):\n    return 0\n")
    (root / "game" / "__pycache__").mkdir()
    (root / "game" / "__pycache__" / "main.cpython-311.pyc").write_bytes(b"junk")
    (root / "assets" / "sprites").mkdir(parents=True)
    (root / "assets" / "sprites" / "bean.png").write_bytes(b"\x89PNG fake")
    (root / "bridge" / "js").mkdir(parents=True)
    (root / "bridge" / "__init__.py").write_text('"""bridge"""\n')
    (root / "bridge" / "api.py").write_text("X = 1\n")
    (root / "bridge" / "dev.py").write_text("DEV = 1\n")
    (root / "bridge" / "build").mkdir()
    (root / "bridge" / "build" / "__init__.py").write_text("BUILD = 1\n")
    (root / "bridge" / "js" / "ttbridge.js").write_text("window.TTBridge = {};\n")
    (root / "bridge" / "js" / "ttminis-sim.js").write_text("window.TTMinisSim = {};\n")
    return root


def fake_pygbag_runtime(directory: Path) -> Path:
    """Placeholder files in pygbag's CDN layout (tests only: the real ones are not here)."""
    for name in PYGBAG_RUNTIME_FILES:
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"/* placeholder {name} */\n")
    wheel = directory / "cp312" / FAKE_WHEEL_NAME
    wheel.parent.mkdir(parents=True, exist_ok=True)
    wheel.write_bytes(b"PK placeholder wheel")
    return directory


# A few members of Pyodide's python_stdlib.zip: the build keeps what the app and Pyodide need.
FAKE_STDLIB = (
    "os.py", "json/__init__.py", "json/decoder.py", "statistics.py", "this.py",
    "pyodide/__init__.py", "_pyodide/__init__.py", "encodings/__init__.py", "encodings/utf_8.py",
)  # fmt: skip


def fake_npm_cache(cache: Path) -> Path:
    """A Pyodide 'already installed' in the build's npm cache, with eval sites to splice."""
    package = cache / f"pyodide-{PYODIDE_VERSION}" / "node_modules" / "pyodide"
    package.mkdir(parents=True)
    for name in PYODIDE_FILES:
        (package / name).write_text(f"/* {name} */\n")
    (package / "pyodide.asm.js").write_text(fake_runtime_js())
    lock = {"info": {"version": PYODIDE_VERSION}, "packages": {"numpy": {"name": "numpy"}}}
    (package / "pyodide-lock.json").write_text(json.dumps(lock))
    with zipfile.ZipFile(package / "python_stdlib.zip", "w") as stdlib:
        for member in FAKE_STDLIB:
            stdlib.writestr(member, f"# {member}\n" + "x = 1\n" * 200)
    return cache


def options(root: Path, out: Path, **kwargs: object) -> BuildOptions:
    return BuildOptions(root=root, out=out, **kwargs)  # type: ignore[arg-type]


def page_scripts(html: str) -> list[str]:
    """The src of every <script>, asserting there is no inline JavaScript."""
    sources = []
    for tag, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S):
        src = re.search(r'src="([^"]+)"', tag)
        assert src, f"inline script without src: {tag} {body[:80]}"
        if body.strip():
            assert 'type="module"' in tag and "pythons.js" in src.group(1), "only pygbag's tag"
        sources.append(src.group(1))
    return sources


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The real project built in dev and release mode, offline (pygbag with a local template)."""
    project_ready()
    out = tmp_path_factory.mktemp("bundles")
    built = {}
    for mode in ("dev", "release"):
        result = subprocess.run(
            [sys.executable, "-m", "bridge.build", f"--{mode}", "--out", str(out / mode),
             "--cdn", "http://127.0.0.1:9/cdn/"],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        assert "pygbag --build" in result.stdout and "gzipped" in result.stdout
        built[mode] = out / mode
    return built


def test_real_bundles_hold_the_page_the_game_and_its_assets(bundles: dict[str, Path]) -> None:
    for mode, web in bundles.items():
        html = (web / "index.html").read_text()
        scripts = page_scripts(html)
        assert scripts[:2] == ["static/boot-config.js", "static/loading.js"]
        assert "js/ttbridge.js" in scripts
        assert ("js/ttminis-sim.js" in scripts) == (mode == "dev")
        assert (web / "js" / "ttminis-sim.js").exists() == (mode == "dev")
        assert scripts[-2:] == ["static/pygbag-boot.js", "http://127.0.0.1:9/cdn/pythons.js"]
        assert 'id="canvas"' in html and 'id="loading"' in html and 'id="progress"' in html
        assert ('id="tt-sim-panel"' in html) == (mode == "dev")
        assert "minis.js" not in html and "{{cookiecutter" not in html
        site = html.split('id="site"', 1)[1].split(">", 1)[1].split("</script>", 1)[0]
        compile(site, "pygbag-site", "exec")  # pygbag runs this Python before the game
        assert (web / "favicon.png").read_bytes() == (ROOT / "bridge/web/favicon.png").read_bytes()
        with zipfile.ZipFile(web / "beanhop.apk") as apk:
            names = set(apk.namelist())
            main_py = apk.read("assets/main.py").decode()
        assert main_py == main_py_text()
        assert "assets/game/main.py" in names and "assets/bridge/__init__.py" in names
        assets = {
            p.relative_to(ROOT).as_posix() for p in (ROOT / "assets").rglob("*") if p.is_file()
        }
        assert assets and {f"assets/{a}" for a in assets} <= names
        assert not any("/build/" in n or n.endswith("bridge/dev.py") or ".pyc" in n for n in names)
        with tarfile.open(web / "beanhop.tar.gz") as tar:
            assert "assets/game/main.py" in tar.getnames()


def test_the_projects_own_files_in_a_bundle_pass_the_checker(bundles: dict[str, Path]) -> None:
    for web in bundles.values():
        report = check(web)
        # The only finding: the runtime itself comes from pygbag's CDN (a --runtime-dir fixes it).
        assert [(v.path, v.rule) for v in report.violations] == [("index.html", "remote-script")]


def test_stand_in_project_staging(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    result = build(options(root, tmp_path / "web", mode="release"))
    assert "game/main.py" in result.app_files and "assets/sprites/bean.png" in result.app_files
    assert "bridge/api.py" in result.app_files
    assert not [f for f in result.app_files if f.startswith(("bridge/build", "bridge/js"))]
    assert "bridge/dev.py" not in result.app_files and not any(
        ".pyc" in f for f in result.app_files
    )
    assert set(result.sizes) >= {"index.html", "beanhop.apk", "static/boot-config.js"}
    boot = (tmp_path / "web" / "static" / "boot-config.js").read_text()
    assert '"mode": "release"' in boot and '"user_canvas_managed": 1' in boot
    config = json.loads(boot.split("window.config = ", 1)[1].rstrip().rstrip(";"))
    cdn = "https://pygame-web.github.io/cdn/0.9.3/"
    assert config["cdn"] == cdn and config["can_close"] == 1  # no "Leave site?" prompt
    assert config["pydigits"] == "312" and config["executable"] == cdn + "cpython312/main.js"
    assert '"packageIndex": "https://pygame-web.github.io/cdn/"' in boot  # PYGPI
    assert (tmp_path / "web" / "static" / "pygbag-boot.js").is_file()


def test_a_missing_game_is_a_clear_error(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    (root / "game" / "main.py").unlink()
    with pytest.raises(BuildError, match=r"game/main.py is missing"):
        build(options(root, tmp_path / "web"))


def test_runtime_dir_missing_files_are_listed(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    runtime = tmp_path / "runtime"
    (runtime / PYGBAG_VERSION).mkdir(parents=True)
    (runtime / PYGBAG_VERSION / "pythons.js").write_text("/* only this one */\n")
    (runtime / f"index-{PYGBAG_VERSION}-cp312.json").write_text("")  # empty counts as missing
    result = subprocess.run(
        [sys.executable, "-m", "bridge.build", "--root", str(root), "--out", str(tmp_path / "w"),
         "--runtime-dir", str(runtime)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr
    listed = [line.strip() for line in result.stderr.splitlines() if line.startswith("  ")]
    expected = [str(runtime / n) for n in PYGBAG_RUNTIME_FILES if not n.endswith("pythons.js")]
    assert listed == [
        *expected,
        str(runtime / "cp312/pygame_ce-*-cp312-cp312-wasm32_bi_emscripten.whl"),
    ]
    assert "--runtime pyodide" in result.stderr
    assert not (tmp_path / "w").exists()


def test_runtime_dir_makes_a_self_contained_tiktok_bundle(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    runtime = fake_pygbag_runtime(tmp_path / "runtime")
    web = tmp_path / "web"
    build(options(root, web, mode="dev", target="tiktok", runtime_dir=runtime,
                  server_origin="https://api.beanhop.example"))  # fmt: skip
    for name in PYGBAG_RUNTIME_FILES:
        assert (web / "runtime" / name).read_bytes() == (runtime / name).read_bytes()
    assert (web / "runtime" / "cp312" / FAKE_WHEEL_NAME).is_file()
    scripts = page_scripts((web / "index.html").read_text())
    assert scripts[0] == "https://developers.tiktok.com/js/minis.js"
    assert scripts[1] == "static/tt-init.js"
    assert scripts[-1] == f"runtime/{PYGBAG_VERSION}/pythons.js"
    # The bridge calls TTMinis.game.init once, from the client key in boot-config.js.
    assert "TTMinis.game.init" not in (web / "static" / "tt-init.js").read_text()
    assert '"clientKey": ' in (web / "static" / "boot-config.js").read_text()
    assert "ttminis-sim.js" not in scripts and not (web / "js" / "ttminis-sim.js").exists()
    boot = (web / "static" / "boot-config.js").read_text()
    assert '"packageIndex": "runtime/"' in boot and '"selfContained": true' in boot
    assert f'"executable": "runtime/{PYGBAG_VERSION}/cpython312/main.js"' in boot
    config = json.loads((web / "minigame.config.json").read_text())
    assert config["orientation"] == "portrait"
    assert config["trustedDomains"] == ["https://api.beanhop.example"]
    assert check(web).ok


def test_a_tiktok_build_fails_on_violations(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    common = {"target": "tiktok", "server_origin": "https://api.beanhop.example"}
    # From the CDN: the runtime is a remote script.
    with pytest.raises(BuildError, match=r"index.html:\d+: remote-script"):
        build(options(root, tmp_path / "a", **common))
    # Our own code breaking a rule fails too, with its file and line.
    (root / "bridge" / "js" / "ttbridge.js").write_text("ok();\nsetTimeout('x()', 1);\n")
    runtime = fake_pygbag_runtime(tmp_path / "runtime")
    with pytest.raises(BuildError, match=r"js/ttbridge.js:2: string-timer"):
        build(options(root, tmp_path / "b", runtime_dir=runtime, **common))
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"target": "tiktok"}, "https origin"),
        ({"target": "tiktok", "server_origin": "http://insecure.example"}, "https origin"),
        ({"eval_free": True}, "--eval-free needs --runtime pyodide"),
        ({"runtime": "pyodide"}, "PYGAME_WASM_WHEEL"),
        ({"runtime": "pyodide", "wheel": Path("/nonexistent.whl")}, "does not exist"),
        ({"runtime": "pyodide", "wheel": Path(__file__)}, "is not a wheel"),
        ({"runtime_dir": Path("/nonexistent")}, "is not a directory"),
        ({"cdn": "https://cdn.example"}, "must end with '/'"),
    ],
)
def test_bad_option_combinations(tmp_path: Path, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(BuildError, match=re.escape(message)):
        build(options(make_project(tmp_path / "p"), tmp_path / "web", **kwargs))


def test_pyodide_eval_free_bundle(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    cache = fake_npm_cache(tmp_path / "cache")
    wheel = fake_wheel(tmp_path / FAKE_WHEEL_NAME)
    web = tmp_path / "web"
    build(
        options(
            root,
            web,
            mode="release",
            target="tiktok",
            runtime="pyodide",
            wheel=wheel,
            eval_free=True,
            npm_cache=cache,
            server_origin="https://api.beanhop.example",
            bytecode=False,
        )
    )  # fmt: skip (bytecode needs the real Pyodide: test_bytecode.py)
    html = (web / "index.html").read_text()
    assert page_scripts(html)[-4:] == [
        "runtime/pyodide.js",
        "static/keyboard-shim.js",
        "static/unzip.js",
        "static/pyodide-boot.js",
    ]
    preloads = re.findall(r'<link rel="preload" href="([^"]+)" as="(\w+)" crossorigin>', html)
    assert preloads == [
        ("runtime/pyodide.asm.js", "script"),
        ("runtime/pyodide.asm.wasm", "fetch"),
        ("runtime/pygame-base.wasm", "fetch"),
        ("runtime/python_stdlib.zip", "fetch"),
        ("runtime/pyodide-lock.json", "fetch"),
        (f"runtime/{FAKE_WHEEL_NAME}", "fetch"),
        ("beanhop.zip", "fetch"),
    ]
    assert all((web / href).is_file() for href, _ in preloads), "each preload is in the bundle"
    for name in (*PYODIDE_FILES, FAKE_WHEEL_NAME, "pygame-base.wasm"):
        assert (web / "runtime" / name).is_file()
    # pygame-ce: its side module beside the runtime (compiled while Pyodide starts), a stub in
    # the wheel; the page unzips stored archives only (bridge/web/unzip.js).
    assert (web / "runtime" / "pygame-base.wasm").read_bytes() == side_module()
    with zipfile.ZipFile(web / "runtime" / FAKE_WHEEL_NAME) as stub_wheel:
        assert stub_wheel.read(SIDE) == first_section(side_module())
        assert stub_wheel.read("pygame/__init__.py") == b""
        assert {i.compress_type for i in stub_wheel.infolist()} == {zipfile.ZIP_STORED}
    for name in ("beanhop.zip", "runtime/python_stdlib.zip"):
        with zipfile.ZipFile(web / name) as stored:
            assert {i.compress_type for i in stored.infolist()} == {zipfile.ZIP_STORED}, name
    lock = json.loads((web / "runtime" / "pyodide-lock.json").read_text())
    assert lock == {"info": {"version": PYODIDE_VERSION}, "packages": {}}, "nothing to install"
    config = (web / "static" / "boot-config.js").read_text()
    assert '"sideModule": "pygame-base.wasm"' in config
    assert f'"sideModulePath": "{SIDE}"' in config
    assert '"sitePackages": "/lib/python3.12/site-packages"' in config
    asm = (web / "runtime" / "pyodide.asm.js").read_text()
    assert "eval(" not in asm and "ASM_CONSTS[start]=__beanhopEmAsm(func)" in asm
    with zipfile.ZipFile(web / "beanhop.zip") as archive:
        assert {"main.py", "game/main.py", "assets/sprites/bean.png"} <= set(archive.namelist())
        assert not [n for n in archive.namelist() if "__pycache__" in n]  # the discovery ran it
    with zipfile.ZipFile(web / "runtime" / "python_stdlib.zip") as stdlib:
        kept = set(stdlib.namelist())
    # The app's json (game/__main__.py imports it), Pyodide's own packages, the codecs; not the
    # rest (os is frozen into the interpreter: its source is not read).
    assert kept == {"json/__init__.py", "json/decoder.py", "pyodide/__init__.py",
                    "_pyodide/__init__.py", "encodings/__init__.py", "encodings/utf_8.py"}  # fmt: skip
    assert asm.count("=> {") >= len(ASM_BODIES) and "package rules (navigation)" in asm
    assert check(web).ok, [str(v) for v in check(web).violations]
    assert not list(web.rglob("*.gz")), "a TikTok upload carries no copies for a web server"


def test_pyodide_without_eval_free_reports_the_runtime(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project")
    cache = fake_npm_cache(tmp_path / "cache")
    wheel = fake_wheel(tmp_path / FAKE_WHEEL_NAME)
    web = tmp_path / "web"
    result = build(
        options(root, web, runtime="pyodide", wheel=wheel, npm_cache=cache, bytecode=False)
    )
    assert "__beanhopEmAsm" not in (web / "runtime" / "pyodide.asm.js").read_text()
    # A web bundle carries gzip copies for its server (server/static.py); the size table and
    # the checker count each file once.
    copies = sorted(p.relative_to(web).as_posix() for p in web.rglob("*.gz"))
    assert "runtime/python_stdlib.zip.gz" in copies and "beanhop.zip.gz" in copies
    for name in copies:
        original = (web / name).with_suffix("")
        assert gzip.decompress((web / name).read_bytes()) == original.read_bytes(), name
    assert not [n for n in result.sizes if n.endswith(".gz")]
    found = [v for v in check(web).violations if v.rule == "eval"]
    assert found and all(v.path == "runtime/pyodide.asm.js" for v in found)
    assert all("--eval-free" in v.message for v in found)


def test_help_explains_the_options() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bridge.build", "--help"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0
    for option in ("--runtime-dir", "--runtime", "--wheel", "--eval-free", "--target", "--cdn"):
        assert option in result.stdout


def test_the_npm_cache_is_outside_the_project(tmp_path: Path) -> None:
    assert not BuildOptions(root=ROOT, out=tmp_path).npm_cache.is_relative_to(ROOT)


# --- eval-free: a synthetic side module, the table, the splice --------------------------------


def _uleb(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _sleb(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        done = (n == 0 and not byte & 0x40) or (n == -1 and byte & 0x40)
        out.append(byte | (0 if done else 0x80))
        if done:
            return bytes(out)


def _name(text: str) -> bytes:
    return _uleb(len(text.encode())) + text.encode()


def _section(kind: int, items: list[bytes]) -> bytes:
    body = _uleb(len(items)) + b"".join(items)
    return bytes([kind]) + _uleb(len(body)) + body


ASM_BODIES = [
    "return $0 + $1;",
    "",  # padding between snippets: the runtime builds a function for it too
    "{ globalThis.beanhopTouched = UTF8ToString($0); }",
    "window.open(UTF8ToString($0), '_blank')",
]
EM_JS = ("beanhop_add", "(int a, char* b)", "{ return a + 100; }")


def side_module() -> bytes:
    """A minimal PIC side module: EM_ASM strings in data, an EM_JS export, 32 bytes of padding."""
    data = b"\0" * 32 + b"".join(body.encode() + b"\0" for body in ASM_BODIES)
    start, stop = 32, len(data)
    em_js = len(data) + 200
    data += b"\0" * 200 + f"{EM_JS[1]}<::>{EM_JS[2]}".encode() + b"\0"
    imports = [_name("env") + _name("__memory_base") + bytes([3, 0x7F, 0])]
    values = [start, stop, em_js]
    globals_ = [bytes([0x7F, 0, 0x41]) + _sleb(v) + b"\x0b" for v in values]
    exports = [
        _name(n) + bytes([3]) + _uleb(i + 1)
        for i, n in enumerate(("__start_em_asm", "__stop_em_asm", f"__em_js__{EM_JS[0]}"))
    ]
    segment = [_uleb(0) + bytes([0x23, 0, 0x0B]) + _uleb(len(data)) + data]
    return (
        b"\0asm\x01\0\0\0"
        + _section(2, imports)
        + _section(6, globals_)
        + _section(7, exports)
        + _section(11, segment)
    )


def fake_wheel(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr("pygame/base.cpython-312-wasm32-emscripten.so", side_module())
        wheel.writestr("pygame/__init__.py", "")
    return path


def fake_runtime_js() -> str:
    """The parts of pyodide.asm.js the eval-free build rewrites, as Emscripten writes them."""
    return (
        "function addEmAsm(addr,body){var func=`(${args}) => { ${body} };`;"
        "ASM_CONSTS[start]=eval(func)}"
        "function addEmJs(name,cSig,body){var func=`(${jsArgs}) => ${body};`;"
        "moduleExports[name]=eval(func)}\n"
        "function _emscripten_run_script(ptr){eval(UTF8ToString(ptr))}\n"
        "if(ENVIRONMENT_IS_WORKER){scriptDirectory=self.location.href}\n"
        "var _emscripten_vibrate=msecs=>{if(!navigator.vibrate)return-1;navigator.vibrate(msecs)};\n"
    )


def test_side_module_sources_match_what_emscripten_evaluates() -> None:
    from bridge.build.emasm import asm_source, js_source, module_sources
    from bridge.build.wasm import parse

    sources = module_sources(parse(side_module()))
    assert sources == [
        "($0,$1) => { return $0 + $1; };",
        "() => {  };",
        "($0) => { { globalThis.beanhopTouched = UTF8ToString($0); } };",
        "($0) => { window.open(UTF8ToString($0), '_blank') };",
        "(a,b) => { return a + 100; };",
    ]
    assert asm_source("$1 only") == "() => { $1 only };"  # Emscripten stops at the first gap
    assert js_source("(void)", "{ f(); }") == "() => { f(); };"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_table_answers_the_runtimes_lookups_in_its_scope(tmp_path: Path) -> None:
    from bridge.build.emasm import table_js, wheel_sources

    sources = wheel_sources(fake_wheel(tmp_path / FAKE_WHEEL_NAME))
    # As in the runtime: names the snippets use live in the enclosing scope, not on globalThis.
    scope = "function scope() {\n  var UTF8ToString = (p) => 'str' + p;\n"
    (tmp_path / "table.js").write_text(
        scope + table_js(sources) + "  return __beanhopEmAsm;\n}\nmodule.exports = scope();\n"
    )
    script = f"""
      const get = require({json.dumps(str(tmp_path / "table.js"))});
      const s = {json.dumps(sources)};
      const out = {{ add: get(s[0])(2, 3), emjs: get(s[4])(1, 0), size: BeanhopEmAsm.size }};
      get(s[2])(7); out.touched = globalThis.beanhopTouched;
      out.open = get(s[3])(1);  // disabled by the package rules: logs instead
      try {{ get("(x) => {{ alert(x) }};"); }} catch (e) {{ out.missing = e.message; }}
      out.hits = BeanhopEmAsm.hits;
      console.log(JSON.stringify(out));
    """
    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["add"] == 5 and out["emjs"] == 101 and out["touched"] == "str7"
    assert out["size"] == 5 and out["hits"] == 4 and out.get("open") is None
    assert "not in the table" in out["missing"]
    assert "package rules" in result.stderr + result.stdout


def test_the_splice_removes_every_eval_and_needs_both_sites() -> None:
    from bridge.build.emasm import EmAsmError, splice_runtime
    from bridge.check.rules import scan_text

    spliced = splice_runtime(fake_runtime_js(), ["() => { f() };"])
    assert scan_text(spliced, "pyodide.asm.js") == []
    assert "ASM_CONSTS[start]=__beanhopEmAsm(func)" in spliced
    assert "moduleExports[name]=__beanhopEmAsm(func)" in spliced
    assert spliced.index("var __beanhopEmAsm") < spliced.index("function addEmAsm(")
    for broken in ("ASM_CONSTS[start]=eval(func)", "function addEmAsm("):
        with pytest.raises(EmAsmError, match="not supported by --eval-free"):
            splice_runtime(fake_runtime_js().replace(broken, ""), [])

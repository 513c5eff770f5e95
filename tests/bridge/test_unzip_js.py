"""bridge/web/unzip.js under node: the page's reader of the stored zips the build writes.

The archives are made by Python's zipfile, as the build makes them (bridge.build.stage.zip_app,
bridge.build.sidemodule.stub_wheel); the real page boots on them in tests/bridge/
test_page_pyodide.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNZIP_JS = ROOT / "bridge" / "web" / "unzip.js"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")

# node <this> <zip>: prints the entries, or the error, and what extract() wrote into a fake FS.
RUNNER = """
const unzip = require(process.argv[2]);
const bytes = require("fs").readFileSync(process.argv[3]);
const written = {}, dirs = [];
const FS = {
  mkdirTree: (d) => dirs.push(d),
  writeFile: (p, data) => { written[p] = Buffer.from(data).toString("latin1"); },
};
try {
  const entries = unzip.entries(bytes).map((e) => [e.name, Buffer.from(e.data).toString("latin1")]);
  const count = unzip.extract(FS, bytes, "/home/app/");
  console.log(JSON.stringify({ entries, count, written, dirs }));
} catch (error) {
  console.log(JSON.stringify({ error: String(error.message) }));
}
"""


def read(tmp_path: Path, archive: Path) -> dict:
    runner = tmp_path / "run.js"
    runner.write_text(RUNNER)
    done = subprocess.run(
        ["node", str(runner), str(UNZIP_JS), str(archive)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def make(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        archive.writestr("game/", b"")  # a folder entry, as zip tools write them
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_stored_zip_is_read_member_by_member_and_written_under_its_folder(
    tmp_path: Path,
) -> None:
    members = {
        "main.pyc": bytes(range(256)),
        "game/scenes/play.pyc": b"\x00" * 70_000,
        "assets/ui/caf\u00e9.png": b"\x89PNG",
    }
    seen = read(tmp_path, make(tmp_path / "app.zip", members))
    assert "error" not in seen, seen
    got = {name: data.encode("latin1") for name, data in seen["entries"]}
    assert got == members, "folders are left out, bytes and UTF-8 names arrive unchanged"
    assert seen["count"] == 3
    assert set(seen["written"]) == {f"/home/app/{name}" for name in members}
    assert "/home/app/game/scenes" in seen["dirs"] and "/home/app/assets/ui" in seen["dirs"]


def test_a_zip_with_a_comment_is_read(tmp_path: Path) -> None:
    archive = make(tmp_path / "c.zip", {"a.txt": b"a"})
    with zipfile.ZipFile(archive, "a") as z:
        z.comment = b"x" * 1000
    assert read(tmp_path, archive)["count"] == 1


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("deflated", "a.txt is compressed (method 8); the page reads stored zips only"),
        ("traversal", "unsafe member name in zip archive: ../evil.txt"),
        ("absolute", "unsafe member name in zip archive: /etc/evil.txt"),
        ("not a zip", "not a zip archive"),
        ("truncated", "damaged zip archive"),
    ],
)
def test_what_it_cannot_read_is_refused_with_the_reason(
    tmp_path: Path, kind: str, message: str
) -> None:
    archive = tmp_path / "bad.zip"
    if kind == "deflated":
        make(archive, {"a.txt": b"a" * 1000}, zipfile.ZIP_DEFLATED)
    elif kind == "traversal":
        make(archive, {"../evil.txt": b"x"})
    elif kind == "absolute":
        make(archive, {"/etc/evil.txt": b"x"})
    elif kind == "not a zip":
        archive.write_bytes(b"just some bytes that are not an archive at all")
    else:
        data = make(tmp_path / "ok.zip", {"a.txt": b"a" * 100}).read_bytes()
        cut = data.index(b"PK\x01\x02")  # the central directory: keep its end record, lose it
        archive.write_bytes(data[:cut] + b"\0" * 10 + data[data.index(b"PK\x05\x06") :])
    seen = read(tmp_path, archive)
    assert "error" in seen and message in seen["error"], seen
    assert "count" not in seen, "nothing is written from an archive that is refused"

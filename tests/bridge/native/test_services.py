"""The emulator's services: request to the dev server, storage and files across reloads, audio."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.bridge.native.conftest import (
    ROOT,
    console,
    emulator,
    open_page,
    package,
    status,
    wait_console,
    wait_state,
)

pytestmark = [pytest.mark.browser]
NO_SERVER = "http://127.0.0.1:9"


def test_request_reaches_the_dev_server_and_the_bridge_runs_on_it(
    browser: Any, game_server: str, tmp_path: Path
) -> None:
    root = package("request", tmp_path)
    shutil.copy(ROOT / "bridge" / "js" / "ttbridge.js", root / "ttbridge.js")
    with emulator(root, game_server, tmp_path) as emu:
        page = open_page(browser, emu.url)
        state = wait_state(page, "running", "failed")
        assert state["state"] == "running", state["errors"]
        catalog = wait_console(page, "catalog ")
        assert catalog.startswith("catalog 200 items ") and "json object" in catalog
        assert "application/json" in catalog
        assert wait_console(page, "bad session ").startswith("bad session 4")
        assert wait_console(page, "aborted") == "aborted: request:fail abort"
        assert wait_console(page, "ftp: ").startswith("ftp: request:fail invalid url")
        # ttbridge.js in the native runtime: login by the simulator, http over request().
        assert wait_console(page, "bridge login") == "bridge login ok=true"
        assert wait_console(page, "bridge session") == "bridge session 200 player yes"
        assert wait_console(page, "inventory ").startswith("inventory 200 coins ")
        assert "aborted request answered" not in console(page)
        assert status(page)["errors"] == []
        page.close()


def test_a_server_that_does_not_answer_is_a_request_failure(browser: Any, tmp_path: Path) -> None:
    root = package("request", tmp_path)
    shutil.copy(ROOT / "bridge" / "js" / "ttbridge.js", root / "ttbridge.js")
    with emulator(root, NO_SERVER, tmp_path) as emu:
        page = open_page(browser, emu.url)
        line = wait_console(page, "catalog failed")
        assert "request:fail network error" in line and "does not answer" in line
        page.close()


def test_storage_and_user_files_survive_reloads(browser: Any, tmp_path: Path) -> None:
    with emulator(package("storage", tmp_path), NO_SERVER, tmp_path) as emu:
        page = open_page(browser, emu.url)
        state = wait_state(page, "running", "failed")
        assert state["state"] == "running", state["errors"]
        assert (
            wait_console(page, "boot 1 ")
            == 'boot 1 profile {"name":"Bean","best":10} log before []'
        )
        assert "first boot: readFileSync:fail no such file or directory" in wait_console(
            page, "first boot"
        )
        assert wait_console(page, "missing key") == 'missing key ""'
        assert (
            wait_console(page, "getStorage missing")
            == "getStorage missing: getStorage:fail data not found, key == never-set"
        )
        assert wait_console(page, "package text") == "package text: hello from the package"
        assert wait_console(page, "package bytes") == "package bytes: true 23"
        assert (
            wait_console(page, "write package")
            == "write package: writeFile:fail permission denied, open data/hello.txt"
        )
        assert wait_console(page, "missing: ").startswith(
            "missing: readFile:fail no such file or directory"
        )
        assert wait_console(page, "user bytes") == "user bytes: 1,2,3,250"
        assert wait_console(page, "listing") == "listing: boots.log,bytes.bin"

        page.evaluate("() => window.nativeEmulator.reload()")  # what the Reload button does
        page.wait_for_function("() => window.nativeEmulator.status.boots === 2")
        assert (
            wait_console(page, "boot 2 ")
            == 'boot 2 profile {"name":"Bean","best":20} log before [boot 1;]'
        )

        page.reload()  # the whole page, as a person pressing F5
        assert wait_console(page, "boot 3 ").endswith("log before [boot 1;boot 2;]")
        page.close()
    assert (emu.state / "user" / "boots.log").read_text() == "boot 1;boot 2;boot 3;"


def test_audio_plays_a_package_sound_through_the_page(browser: Any, tmp_path: Path) -> None:
    root = package("audio", tmp_path)
    (root / "sounds").mkdir()
    shutil.copy(ROOT / "assets" / "sounds" / "coin.ogg", root / "sounds" / "coin.ogg")
    with emulator(root, NO_SERVER, tmp_path) as emu:
        page = open_page(browser, emu.url)
        wait_state(page, "running")
        assert wait_console(page, "audio play") == "audio play paused=false"
        assert wait_console(page, "audio ended") == "audio ended duration>0=true"
        assert "audio canplay" in console(page)
        assert wait_console(page, "missing audio") == "missing audio: 10003"
        page.close()

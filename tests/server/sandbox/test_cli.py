"""``python -m server.sandbox``: serve, and the client commands, run against a real sandbox."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.sandbox.cli import main

from .helpers import KEY, SECRET

ROOT = Path(__file__).resolve().parents[3]


def run_cli(
    *args: str, url: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "server.sandbox", *args]
    if url:
        command += ["--url", url]
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=60, env=env or dict(os.environ)
    )


def start_server(*extra: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "server.sandbox",
            "serve",
            "--port",
            "0",
            "--log-level",
            "warning",
            *extra,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("TikTok sandbox listening on http://127.0.0.1:"), first
    return process, first.split(" on ", 1)[1].strip()


def stop_server(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.wait(timeout=20)
    if process.stdout:
        process.stdout.close()


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    process, url = start_server()
    try:
        yield url
    finally:
        stop_server(process)


def new_order(url: str, order_id: str) -> str:
    with httpx.Client(base_url=url) as http:
        code = http.post("/control/login_codes", json={}).json()["code"]
        form = {"client_key": KEY, "client_secret": SECRET, "code": code}
        tokens = http.post(
            "/v2/oauth/token/", data=form | {"grant_type": "authorization_code"}
        ).json()
        body = {
            "token_type": "BEANS",
            "token_amount": 100,
            "order_info": {"order_id": order_id, "product_name": "Starter bundle"},
        }
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        created = http.post("/v2/minis/trade_order/create/", headers=headers, json=body)
        trade_order_id: str = created.json()["data"]["trade_order_id"]
        return trade_order_id


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["serve"],
        ["orders"],
        ["deliveries"],
        ["faults"],
        ["login-code"],
        ["trigger"],
        ["trigger", "pay"],
        ["trigger", "refund"],
        ["trigger", "replay"],
    ],
)
def test_every_command_has_help(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*args, "--help"])
    assert exit_.value.code == 0
    assert "usage: python -m server.sandbox" in capsys.readouterr().out


def test_help_runs_as_a_module() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("serve", "trigger", "orders", "deliveries", "faults", "login-code"):
        assert command in result.stdout


def test_orders_and_trigger_pay_as_subprocesses(sandbox_url: str) -> None:
    trade_order_id = new_order(sandbox_url, "cli-ord-1")
    listed = run_cli("orders", url=sandbox_url)
    assert listed.returncode == 0, listed.stderr
    header, rule, *rows = listed.stdout.splitlines()
    assert header.split()[:2] == ["trade_order_id", "order_id"]
    assert set(rule.replace(" ", "")) == {"-"}
    row = next(r for r in rows if r.startswith(trade_order_id))
    assert "PENDING" in row.split()
    paid = run_cli("trigger", "pay", trade_order_id, url=sandbox_url)
    assert paid.returncode == 0, paid.stderr
    assert f"order {trade_order_id} (cli-ord-1): SUCCESS" in paid.stdout
    assert "deliveries: dlv_" in paid.stdout
    again = run_cli("trigger", "pay", trade_order_id, url=sandbox_url)
    assert again.returncode == 1
    assert (
        again.stderr.strip() == f"error: already_paid: trade order {trade_order_id} is already paid"
    )


def test_refund_replay_deliveries_faults_and_login_code(
    sandbox_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    trade_order_id = new_order(sandbox_url, "cli-ord-2")
    assert main(["trigger", "pay", trade_order_id, "--url", sandbox_url]) == 0
    assert main(["trigger", "refund", trade_order_id, "--amount", "30", "--url", sandbox_url]) == 0
    assert "refunded 30 of 100 Beans" in capsys.readouterr().out
    assert main(["deliveries", "--url", sandbox_url]) == 0
    table = capsys.readouterr().out
    assert "refund_traceback" in table and "success" in table
    delivery_id = next(line.split()[0] for line in table.splitlines() if trade_order_id in line)
    assert main(["trigger", "replay", delivery_id, "--url", sandbox_url]) == 0
    assert f"replaying {delivery_id} as dlv_" in capsys.readouterr().out
    assert main(["faults", "--set", "duplicate=2", "--set", "drop=true", "--url", sandbox_url]) == 0
    shown = capsys.readouterr().out
    assert '"duplicate": 2' in shown and '"drop": true' in shown
    order_faults = ["faults", "--order", trade_order_id, "--set", "stale_timestamp=true"]
    assert main([*order_faults, "--url", sandbox_url]) == 0
    assert '"stale_timestamp": true' in capsys.readouterr().out
    assert main(["faults", "--clear", "--url", sandbox_url]) == 0
    assert '"drop": false' in capsys.readouterr().out
    assert main(["faults", "--set", "nonsense=1", "--url", sandbox_url]) == 1
    assert "unknown fault switch" in capsys.readouterr().err
    assert main(["login-code", "--name", "Cli", "--url", sandbox_url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("code sbxcode.") and lines[1].startswith("open_id ")
    assert main(["users", "--url", sandbox_url]) == 0
    assert "Cli" in capsys.readouterr().out


def test_sandbox_url_comes_from_the_environment(sandbox_url: str) -> None:
    result = run_cli("orders", env=dict(os.environ, SANDBOX_URL=sandbox_url))
    assert result.returncode == 0, result.stderr


def test_refused_connection_says_what_to_start() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run_cli("orders", url=f"http://127.0.0.1:{port}")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "python -m server.sandbox serve" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_arguments_are_explained() -> None:
    result = run_cli("trigger", "refund", "TOID1")
    assert result.returncode == 2
    assert "--amount" in result.stderr and "Traceback" not in result.stderr


def test_state_survives_a_restart_with_db(tmp_path: Path) -> None:
    db = str(tmp_path / "sandbox.db")
    process, url = start_server("--db", db)
    try:
        trade_order_id = new_order(url, "cli-persist")
        assert run_cli("trigger", "pay", trade_order_id, url=url).returncode == 0
    finally:
        stop_server(process)
    process, url = start_server("--db", db)
    try:
        with httpx.Client(base_url=url) as http:
            order = http.get(f"/control/orders/{trade_order_id}").json()
        assert order["status"] == "SUCCESS"
        assert order["order_id"] == "cli-persist"
    finally:
        stop_server(process)

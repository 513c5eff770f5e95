"""FakeTransport: scripted answers first in first out, handlers, not_supported, events."""

from __future__ import annotations

from bridge.transports import FakeTransport


async def test_scripted_answers_come_in_order_then_the_handler() -> None:
    fake = FakeTransport()
    fake.script("pay", fake.err("cancelled", "no"), fake.ok())
    fake.set_handler("pay", lambda args: fake.ok({"handled": args["trade_order_id"]}))
    assert (await fake.call("pay", {"trade_order_id": "a"}))["error"]["code"] == "cancelled"
    assert await fake.call("pay", {"trade_order_id": "b"}) == {"ok": True, "data": {}}
    assert await fake.call("pay", {"trade_order_id": "c"}) == {"ok": True, "data": {"handled": "c"}}
    unscripted = await fake.call("login", {})
    assert unscripted["ok"] is False and unscripted["error"]["code"] == "not_supported"
    assert [c[1].get("trade_order_id") for c in fake.calls] == ["a", "b", "c", None]


async def test_events_drain_once() -> None:
    fake = FakeTransport()
    fake.push_event("show", query={"x": "1"})
    assert fake.drain_events() == [{"type": "show", "data": {"query": {"x": "1"}}}]
    assert fake.drain_events() == []
    await fake.aclose()
    assert fake.closed

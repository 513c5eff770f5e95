"""The native simulator's Beans wallet: TikTok's pay sheet with the player's balance, recharges.

The balance is the sandbox user's ``beans``, the number the browser simulator's pay sheet and
panel show and ``python -m server.sandbox users`` lists. The pay sheet pays with
``require_balance``, so the sandbox debits the order's Beans. A player short of Beans is sent to
recharge first, as in TikTok: the simulated player recharges the difference, then pays, or closes
the sheet, which answers ``insufficient_balance``.
"""

from __future__ import annotations

from bridge.transports.base import Envelope, err, ok
from bridge.transports.sandbox import SandboxControl, path_part, platform, refusal

RECHARGE_BEANS = 100  # what one simulated recharge adds: the sandbox sells no real tiers
INSUFFICIENT = 10014  # the simulators' own platform code (TikTok publishes none)


def insufficient(detail: str) -> Envelope:
    message = f"insufficient balance: {detail}"
    return err("insufficient_balance", message, platform(INSUFFICIENT, message))


async def pay_sheet(sandbox: SandboxControl, trade_order_id: str, *, recharge: bool) -> Envelope:
    """The player confirms the pay sheet of ``trade_order_id``; short of Beans, they recharge
    the difference first (``recharge``) or close the sheet."""
    order_path = f"/control/orders/{path_part(trade_order_id)}"
    order = await sandbox.expect("pay", "GET", order_path)
    if order.get("status") == "SUCCESS":
        message = "this trade order is already paid"
        return err("platform_error", message, platform("already_paid", message))
    price, open_id = order.get("token_amount"), order.get("open_id")
    if not isinstance(price, int) or not isinstance(open_id, str):
        return refusal("pay", 200, {"error": {"message": "an order without price or player"}})
    user = await sandbox.user(open_id)
    if user["beans"] < price:
        if not recharge:
            return insufficient(
                f"{user['beans']} Beans, the order needs {price}, and the player closed the pay"
                " sheet instead of recharging (BEANHOP_SIM_RECHARGE=no)"
            )
        await sandbox.set_beans(open_id, price)  # recharged exactly the difference
    status, body = await sandbox.request("POST", f"{order_path}/pay", {"require_balance": True})
    if status == 402:  # the balance changed under the sheet (someone set it meanwhile)
        error = body.get("error")
        return insufficient(str(error.get("message", "")) if isinstance(error, dict) else "")
    return ok() if status == 200 else refusal("pay", status, body)


async def add_beans(sandbox: SandboxControl, open_id: str, beans: int = RECHARGE_BEANS) -> Envelope:
    """A recharge: ``beans`` more on the player's balance."""
    user = await sandbox.user(open_id)
    await sandbox.set_beans(open_id, user["beans"] + beans)
    return ok()

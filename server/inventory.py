"""The player's inventory: reading it, consuming from it, buying cosmetics with coins."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from server import ledger
from server.catalog import CONSUMABLE_STOCKS, Catalog
from server.errors import BadRequest, Conflict, NotEnough, NotFound
from server.ledger import COINS, LedgerReason
from server.players import lock_player
from server.services import Services

MAX_CONSUME = 1000


def view(session: Session, *, player_id: int) -> dict[str, Any]:
    """`{"items": {stock: n}, "coins": n}`: the contract's shape."""
    stocks = ledger.inventory(session, player_id=player_id)
    coins = stocks.pop(COINS, 0)
    return {"items": stocks, "coins": coins}


def consume(ctx: Services, *, player_id: int, item_id: str, quantity: int) -> dict[str, Any]:
    """Take `quantity` of a consumable; all or nothing (409 `not_enough` when short)."""
    if item_id not in CONSUMABLE_STOCKS:
        raise BadRequest(f"{item_id!r} is not a consumable item", code="not_consumable")
    if not 1 <= quantity <= MAX_CONSUME:
        raise BadRequest(f"quantity must be between 1 and {MAX_CONSUME}", code="invalid_quantity")
    with ctx.db.transaction() as session:
        lock_player(session, player_id=player_id)
        try:
            ledger.append(
                session,
                player_id=player_id,
                stock_id=item_id,
                delta=-quantity,
                reason=LedgerReason.CONSUME,
                idempotency_key=f"consume:{player_id}:{uuid.uuid4().hex}",
                now=ctx.clock(),
            )
        except NotEnough as exc:
            raise NotEnough(f"not enough {item_id} to use {quantity}") from exc
        return view(session, player_id=player_id)


def buy_with_coins(
    ctx: Services, *, catalog: Catalog, player_id: int, item_id: str
) -> dict[str, Any]:
    """Buy a coin-priced cosmetic once: coins down and the skin up in one transaction."""
    item = catalog.coin_item(item_id)
    if item is None:
        raise NotFound(f"no coin item {item_id!r}", code="unknown_item")
    with ctx.db.transaction() as session:
        lock_player(session, player_id=player_id)  # one purchase at a time per player
        if any(ledger.balance(session, player_id=player_id, stock_id=s) > 0 for s in item.grants):
            raise Conflict(f"you already own {item.title}", code="already_owned")
        key = f"coins:{player_id}:{item.id}"
        try:
            ledger.append(
                session,
                player_id=player_id,
                stock_id=COINS,
                delta=-item.price_coins,
                reason=LedgerReason.COIN_PURCHASE,
                idempotency_key=f"{key}:pay:{uuid.uuid4().hex}",
                note=item.id,
                now=ctx.clock(),
            )
        except NotEnough as exc:
            raise NotEnough(f"{item.title} costs {item.price_coins} coins") from exc
        for stock, amount in sorted(item.grants.items()):
            ledger.append(
                session,
                player_id=player_id,
                stock_id=stock,
                delta=amount,
                reason=LedgerReason.COIN_PURCHASE,
                idempotency_key=f"{key}:grant:{stock}:{uuid.uuid4().hex}",
                note=item.id,
                now=ctx.clock(),
            )
        return view(session, player_id=player_id)

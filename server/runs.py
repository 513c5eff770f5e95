"""Finished runs: the best score and the coins collected (capped: the client is not trusted)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from server import ledger
from server.errors import BadRequest
from server.inventory import view
from server.ledger import COINS, LedgerReason
from server.models import Player, Run
from server.players import lock_player
from server.services import Services


def record(ctx: Services, *, player_id: int, score: int, coins: int) -> dict[str, Any]:
    """Store a run, raise the best score, grant its coins (at most RUN_MAX_COINS)."""
    if score < 0 or coins < 0:
        raise BadRequest("score and coins must not be negative", code="invalid_run")
    score = min(score, ctx.settings.run_max_score)
    granted = min(coins, ctx.settings.run_max_coins)
    now = ctx.clock()
    with ctx.db.transaction() as session:
        lock_player(session, player_id=player_id)
        run = Run(player_id=player_id, score=score, coins=granted, created_at=now)
        session.add(run)
        session.flush()
        if granted:
            ledger.append(
                session,
                player_id=player_id,
                stock_id=COINS,
                delta=granted,
                reason=LedgerReason.RUN,
                idempotency_key=f"run:{run.id}",
                now=now,
            )
        session.execute(
            update(Player)
            .where(Player.id == player_id, Player.best_score < score)
            .values(best_score=score)
        )
        best = session.scalar(select(Player.best_score).where(Player.id == player_id))
        return {
            "run_id": run.id,
            "best_score": int(best or 0),
            "coins_granted": granted,
            "inventory": view(session, player_id=player_id),
        }

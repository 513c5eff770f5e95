"""Runs the server starts and verifies by replaying them: a client cannot mint coins.

`start` issues a run (an id and the seed of its world); `revive` records the run's one revive,
paid with a revive token or counted as a rewarded ad; `finish` replays the run's input log with
the game's own rules (`rules.replay`) and grants, once, the score and coins the replay computes,
within the per-run and per-day caps. A result whose steps could not have been played in the time
since the run started is rejected, and so is the run. Claimed numbers are only compared and logged.
"""

from __future__ import annotations

import asyncio
import logging
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from rules.log import STEPS_PER_SECOND, InputLog, LogError
from rules.replay import Outcome, replay
from server import ads, ledger
from server.errors import BadRequest, Conflict, NotEnough, NotFound, TooManyRequests, Unprocessable
from server.inventory import view
from server.ledger import COINS, LedgerReason
from server.models import LedgerEntry, Player, Run
from server.players import lock_player
from server.services import Services

log = logging.getLogger("server.runs")
OPEN_RUNS = 3  # a player's runs awaiting a result; starting another closes the oldest
SEED_RANGE = 2**31
REVIVE_PAYMENTS = ("ad", "token")
_CLOSED_BECAUSE = {
    "finished": "this run's result was already recorded",
    "rejected": "this run was rejected",
    "closed": "this run was replaced by a newer one",
}


@dataclass(frozen=True)
class Claim:
    """What the client says its run earned: logged when the replay disagrees, never granted."""

    score: int
    coins: int


def _day(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def _coins_left(ctx: Services, session: Session, player_id: int, now: datetime) -> int:
    """Coins the player's runs may still grant today (UTC)."""
    granted = session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.delta), 0)).where(
            LedgerEntry.player_id == player_id,
            LedgerEntry.reason == LedgerReason.RUN.value,
            LedgerEntry.created_at >= _day(now),
        )
    )
    return max(0, ctx.settings.run_daily_coin_cap - int(granted or 0))


def _own_run(session: Session, player_id: int, run_id: str) -> Run:
    """The player's run; 404 for a malformed id, a missing run and someone else's alike."""
    run = None
    if run_id.isascii() and run_id.isdigit() and len(run_id) <= 18:
        run = session.get(Run, int(run_id))
    if run is None or run.player_id != player_id:
        raise NotFound(f"no run {run_id[:40]!r}", code="unknown_run")
    return run


def _require_open(run: Run) -> None:
    if run.status != "open":
        raise Conflict(_CLOSED_BECAUSE.get(run.status, "this run is closed"), code="run_closed")


def start(ctx: Services, *, player_id: int) -> dict[str, Any]:
    """A new run: `{"run_id", "seed", "coins_left_today"}`; 429 once today's coins are earned."""
    now = ctx.clock()
    with ctx.db.transaction() as session:
        lock_player(session, player_id=player_id)
        left = _coins_left(ctx, session, player_id, now)
        if left <= 0:
            wait = math.ceil((_day(now) + timedelta(days=1) - now).total_seconds())
            raise TooManyRequests(
                "today's coins from runs are all earned: runs count again tomorrow (UTC)",
                retry_after=wait,
                code="run_daily_cap",
            )
        stale = session.scalars(
            select(Run.id)
            .where(Run.player_id == player_id, Run.status == "open")
            .order_by(Run.id.desc())
            .offset(OPEN_RUNS - 1)
        ).all()
        if stale:
            session.execute(
                update(Run)
                .where(Run.id.in_(stale))
                .values(status="closed", finished_at=now, detail="a newer run was started")
            )
        run = Run(player_id=player_id, seed=secrets.randbelow(SEED_RANGE), created_at=now)
        session.add(run)
        session.flush()
        return {"run_id": run.id, "seed": run.seed, "coins_left_today": left}


def revive(ctx: Services, *, player_id: int, run_id: str, paid_with: str) -> dict[str, Any]:
    """The run's one revive: a revive token spent (409 `not_enough` without one), or a rewarded ad
    counted against the ad caps (429 beyond them)."""
    if paid_with not in REVIVE_PAYMENTS:
        raise BadRequest("paid_with must be ad or token", code="invalid_revive")
    now = ctx.clock()
    with ctx.db.transaction() as session:
        lock_player(session, player_id=player_id)
        run = _own_run(session, player_id, run_id)
        _require_open(run)
        if run.revive is not None:
            raise Conflict("this run was already revived", code="already_revived")
        if paid_with == "token":
            try:
                ledger.append(
                    session,
                    player_id=player_id,
                    stock_id="revive",
                    delta=-1,
                    reason=LedgerReason.CONSUME,
                    idempotency_key=f"run:{run.id}:revive",
                    note=f"run={run.id}",
                    now=now,
                )
            except NotEnough as exc:
                raise NotEnough("no revive left") from exc
        else:
            note = f" run={run.id}"
            ads.claim_locked(
                ctx, session, player_id=player_id, placement="revive", now=now, note=note
            )
        run.revive = paid_with
        return {
            "run_id": run.id,
            "revive": paid_with,
            "inventory": view(session, player_id=player_id),
        }


async def finish(
    ctx: Services, *, player_id: int, run_id: str, log_json: object, claim: Claim
) -> dict[str, Any]:
    """Replay the run's log and grant what it earned, once (409 `run_closed` afterwards)."""
    try:
        inputs = InputLog.from_json(log_json)
    except LogError as exc:
        raise BadRequest(exc.message, code=exc.code) from exc
    run = await ctx.db.run(_open_run, ctx, player_id, run_id)
    elapsed = (ctx.clock() - run.created_at).total_seconds()
    if inputs.steps / STEPS_PER_SECOND > elapsed + ctx.settings.run_time_tolerance_seconds:
        detail = f"{inputs.steps} steps after {elapsed:.1f} s"
        await ctx.db.run(_reject, ctx, run.id, detail)
        raise Unprocessable(
            f"this run could not have been played so fast ({detail})", code="run_too_fast"
        )
    # CPU work (tens of ms): off the event loop, which SQLite's work shares
    outcome = await asyncio.to_thread(replay, run.seed, inputs, revive_paid=run.revive is not None)
    if (outcome.score, outcome.coins) != (claim.score, claim.coins):
        log.warning(
            "run %s of player %s: claimed score %s coins %s, the replay gives score %s coins %s",
            run.id, player_id, claim.score, claim.coins, outcome.score, outcome.coins,
        )  # fmt: skip
    return await ctx.db.run(_grant, ctx, player_id, run, outcome, claim)


def _open_run(ctx: Services, player_id: int, run_id: str) -> Run:
    with ctx.db.read() as session:
        run = _own_run(session, player_id, run_id)
        _require_open(run)
        return run


def _reject(ctx: Services, run_id: int, detail: str) -> None:
    with ctx.db.transaction() as session:
        session.execute(
            update(Run)
            .where(Run.id == run_id, Run.status == "open")
            .values(status="rejected", finished_at=ctx.clock(), detail=detail)
        )


def _grant(
    ctx: Services, player_id: int, run: Run, outcome: Outcome, claim: Claim
) -> dict[str, Any]:
    now = ctx.clock()
    settings = ctx.settings
    with ctx.db.transaction() as session:
        lock_player(session, player_id=player_id)
        left = _coins_left(ctx, session, player_id, now)
        coins = min(outcome.coins, settings.run_max_coins, left)
        score = min(outcome.score, settings.run_max_score)
        closed = session.execute(
            update(Run)
            .where(Run.id == run.id, Run.status == "open", _same_revive(run))
            .values(
                status="finished", finished_at=now, score=score, coins=coins,
                height=outcome.height, steps=outcome.steps, claimed_score=claim.score,
                claimed_coins=claim.coins,
            )
        )  # fmt: skip
        if closed.rowcount != 1:  # type: ignore[attr-defined]
            _require_open(session.get_one(Run, run.id, populate_existing=True))
            raise Conflict("the run's revive changed meanwhile: post again", code="run_busy")
        if coins:
            ledger.append(
                session,
                player_id=player_id,
                stock_id=COINS,
                delta=coins,
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
            "score": score,
            "coins": outcome.coins,
            "coins_granted": coins,
            "capped": coins < outcome.coins,
            "height": outcome.height,
            "steps": outcome.steps,
            "revived": outcome.revived,
            "best_score": int(best or 0),
            "inventory": view(session, player_id=player_id),
        }


def _same_revive(run: Run) -> Any:
    # the replay honoured the revive as it was read: a revive recorded since must replay again
    return Run.revive.is_(None) if run.revive is None else Run.revive == run.revive

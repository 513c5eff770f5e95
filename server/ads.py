"""Rewards for watched rewarded ads, capped because TikTok cannot verify a view server-side.

Each claim is one `ad_reward` ledger row (a zero-delta row for placements that grant nothing
persistent), so the cooldown and the daily cap are read from the ledger itself and hold across
replicas. The player's row is locked for the claim, and the row's key `ad:<player>:<day>:<n>` is
unique, so two concurrent claims can never both count as the n-th.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from server import ledger
from server.errors import BadRequest, Conflict, TooManyRequests
from server.inventory import view
from server.ledger import COINS, LedgerReason
from server.models import LedgerEntry, Run
from server.players import lock_player
from server.services import Services

PLACEMENTS = ("double_coins", "revive", "free_coins")


def _claims(session: Session, player_id: int, since: datetime) -> tuple[int, datetime | None]:
    """(claims since `since`, time of the latest claim ever)."""
    rows = LedgerEntry.player_id == player_id, LedgerEntry.reason == LedgerReason.AD_REWARD.value
    today = session.scalar(
        select(func.count()).select_from(LedgerEntry).where(*rows, LedgerEntry.created_at >= since)
    )
    latest = session.scalars(
        select(LedgerEntry.created_at).where(*rows).order_by(LedgerEntry.created_at.desc()).limit(1)
    ).first()
    return int(today or 0), latest


def _check_caps(ctx: Services, session: Session, player_id: int, now: datetime) -> int:
    """The number of today's claims so far; raises 429 when this claim is over a cap."""
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    count, latest = _claims(session, player_id, day)
    cooldown = timedelta(seconds=ctx.settings.ad_reward_cooldown_seconds)
    if latest is not None and now - latest < cooldown:
        wait = math.ceil((latest + cooldown - now).total_seconds())
        raise TooManyRequests(
            f"wait {wait} s before the next ad reward", retry_after=wait, code="ad_cooldown"
        )
    if count >= ctx.settings.ad_reward_daily_cap:
        wait = math.ceil((day + timedelta(days=1) - now).total_seconds())
        raise TooManyRequests(
            "daily ad reward limit reached", retry_after=wait, code="ad_daily_cap"
        )
    return count


def _double_coins(session: Session, player_id: int) -> int:
    """The coins the latest finished run granted, once; 409 when there is none left to double."""
    finished = Run.player_id == player_id, Run.status == "finished"
    run = session.scalars(
        select(Run).where(*finished).order_by(Run.finished_at.desc(), Run.id.desc()).limit(1)
    ).first()
    if run is None or run.coins_doubled or run.coins <= 0:
        raise Conflict("no run's coins left to double", code="nothing_to_double")
    session.execute(
        update(Run).where(Run.id == run.id, Run.coins_doubled.is_(False)).values(coins_doubled=True)
    )
    return run.coins


def _grant(ctx: Services, session: Session, player_id: int, placement: str) -> tuple[str, int]:
    if placement == "free_coins":
        return COINS, ctx.settings.ad_reward_free_coins
    if placement == "double_coins":
        return COINS, _double_coins(session, player_id)
    return "revive", 0  # a revive now, in the game: nothing persistent, still counted


def claim(ctx: Services, *, player_id: int, placement: str) -> dict[str, Any]:
    """Grant one rewarded ad's reward, within the cooldown and the daily cap."""
    if placement not in PLACEMENTS:
        raise BadRequest(
            f"placement must be one of {', '.join(PLACEMENTS)}", code="unknown_placement"
        )
    now = ctx.clock()
    with ctx.db.transaction() as session:
        lock_player(session, player_id=player_id)
        granted = claim_locked(ctx, session, player_id=player_id, placement=placement, now=now)
        return {
            "placement": placement,
            "granted": granted,
            "inventory": view(session, player_id=player_id),
        }


def claim_locked(
    ctx: Services,
    session: Session,
    *,
    player_id: int,
    placement: str,
    now: datetime,
    note: str = "",
) -> dict[str, int]:
    """One claim in the caller's transaction, the player's row already locked (runs' ad revives
    use it too); the granted stock, empty when nothing persistent."""
    count = _check_caps(ctx, session, player_id, now)
    stock, amount = _grant(ctx, session, player_id, placement)
    recorded = ledger.append(
        session,
        player_id=player_id,
        stock_id=stock,
        delta=amount,
        reason=LedgerReason.AD_REWARD,
        idempotency_key=f"ad:{player_id}:{now.date().isoformat()}:{count + 1}",
        note=f"placement={placement}{note}",
        now=now,
    )
    if not recorded:
        raise TooManyRequests("another ad reward is being claimed", code="ad_cooldown")
    return {stock: amount} if amount else {}

"""Players: the login exchange, their profile, and their TikTok tokens (kept fresh).

TikTok tokens live only here, encrypted; `with_access_token` hands a valid one to a TikTok call,
refreshing it shortly before it expires and once more when TikTok says `access_token_invalid`,
and always stores the newest refresh token TikTok hands back.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from server.errors import AccessTokenInvalid, InvalidGrant, Unauthorized
from server.models import Player
from server.services import Services
from server.tiktok import TokenSet

T = TypeVar("T")
REFRESH_MARGIN = timedelta(seconds=120)
_refresh_locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()


def gone() -> Unauthorized:
    # A valid session whose player is gone (a reset database): the client must log in again.
    return Unauthorized(
        "this session's player no longer exists: log in again", code="invalid_token"
    )


def _clean(text: str) -> str:
    return text.replace("\x00", "")


def public(player: Player) -> dict[str, Any]:
    return {
        "open_id": player.open_id,
        "display_name": player.display_name,
        "avatar_url": player.avatar_url,
    }


def _token_columns(ctx: Services, tokens: TokenSet, now: datetime) -> dict[str, Any]:
    columns: dict[str, Any] = {
        "access_token_enc": ctx.box.seal(tokens.access_token),
        "access_expires_at": now + timedelta(seconds=tokens.expires_in),
        "token_scope": tokens.scope,
        "tokens_revoked_at": None,
    }
    if tokens.refresh_token:  # TikTok may rotate it: always keep the newest
        columns["refresh_token_enc"] = ctx.box.seal(tokens.refresh_token)
        columns["refresh_expires_at"] = now + timedelta(seconds=tokens.refresh_expires_in)
    return columns


def _upsert(ctx: Services, tokens: TokenSet, profile: dict[str, str], now: datetime) -> Player:
    values = {**profile, **_token_columns(ctx, tokens, now), "last_login_at": now}
    with ctx.db.transaction() as session:
        insert = (postgresql.insert if not ctx.db.is_sqlite else sqlite.insert)(Player)
        stmt = insert.values(open_id=tokens.open_id, created_at=now, best_score=0, **values)
        stmt = stmt.on_conflict_do_update(index_elements=["open_id"], set_=values)
        session.execute(stmt)
        player = session.scalars(select(Player).where(Player.open_id == tokens.open_id)).one()
        return player


async def login(ctx: Services, *, code: str) -> Player:
    """Exchange a `TTMinis.game.login` code, fetch the profile, upsert the player."""
    tokens = await ctx.tiktok.exchange_code(code)
    user = await ctx.tiktok.user_info(tokens.access_token)
    profile = {  # TikTok's strings, made safe to store (PostgreSQL refuses NUL characters)
        "union_id": _clean(user.union_id)[:128] or None,
        "display_name": _clean(user.display_name)[:200],
        "avatar_url": _clean(user.avatar_url)[:2000],
    }
    return await ctx.db.run(_upsert, ctx, tokens, profile, ctx.clock())


def get_player(session: Session, *, player_id: int) -> Player:
    player = session.get(Player, player_id)
    if player is None:
        raise gone()
    return player


StoredTokens = tuple[str | None, datetime | None, str | None]


_PLAYERS = Player.__table__
_TOKENS = select(
    _PLAYERS.c.access_token_enc,
    _PLAYERS.c.access_expires_at,
    _PLAYERS.c.refresh_token_enc,
    _PLAYERS.c.tokens_revoked_at,
).where(_PLAYERS.c.id == bindparam("pid"))


def stored_tokens(
    ctx: Services, session: Session, *, player_id: int, with_refresh: bool = True
) -> StoredTokens:
    """(access token, its expiry, refresh token) as stored; Nones once TikTok revoked them.

    `with_refresh=False` skips decrypting the refresh token (None in its place).
    """
    row = session.connection().execute(_TOKENS, {"pid": player_id}).first()
    if row is None:
        raise gone()
    if row.tokens_revoked_at is not None:
        return None, None, None
    refresh = ctx.box.open(row.refresh_token_enc) if with_refresh else None
    return ctx.box.open(row.access_token_enc), row.access_expires_at, refresh


def _stored_tokens(ctx: Services, player_id: int) -> StoredTokens:
    with ctx.db.read() as session:
        return stored_tokens(ctx, session, player_id=player_id)


def _store_refreshed(ctx: Services, player_id: int, tokens: TokenSet, now: datetime) -> None:
    with ctx.db.transaction() as session:
        session.execute(
            update(Player).where(Player.id == player_id).values(**_token_columns(ctx, tokens, now))
        )


async def _refresh(ctx: Services, player_id: int, *, stale: str | None) -> str:
    lock = _refresh_locks.get(player_id)
    if lock is None:
        lock = _refresh_locks[player_id] = asyncio.Lock()
    async with lock:
        access, expires_at, refresh = await ctx.db.run(_stored_tokens, ctx, player_id)
        now = ctx.clock()
        fresh = expires_at is not None and expires_at - REFRESH_MARGIN > now
        if access and access != stale and fresh:  # someone refreshed while we waited
            return access
        if not refresh:
            raise AccessTokenInvalid("no TikTok authorization on file: log in again")
        try:
            tokens = await ctx.tiktok.refresh(refresh)
        except InvalidGrant as exc:
            raise AccessTokenInvalid("TikTok refused the refresh: log in again") from exc
        await ctx.db.run(_store_refreshed, ctx, player_id, tokens, now)
        return tokens.access_token


async def access_token(ctx: Services, *, player_id: int, stored: StoredTokens | None = None) -> str:
    """A valid TikTok access token for the player, refreshed when it is about to expire.

    `stored` saves a database read when the caller already has `stored_tokens`.
    """
    if stored is None:
        stored = await ctx.db.run(_stored_tokens, ctx, player_id)
    access, expires_at, _ = stored
    if access and expires_at is not None and expires_at - REFRESH_MARGIN > ctx.clock():
        return access
    return await _refresh(ctx, player_id, stale=access)


async def with_access_token(
    ctx: Services,
    *,
    player_id: int,
    call: Callable[[str], Awaitable[T]],
    stored: StoredTokens | None = None,
) -> T:
    """Run a TikTok call with the player's token; on `access_token_invalid`, refresh once and retry."""
    token = await access_token(ctx, player_id=player_id, stored=stored)
    try:
        return await call(token)
    except AccessTokenInvalid:
        token = await _refresh(ctx, player_id, stale=token)
        return await call(token)


def forget_tokens(session: Session, *, open_id: str, now: datetime) -> bool:
    """Drop a player's TikTok tokens (authorization.removed); True when the player exists."""
    result = session.execute(
        update(Player)
        .where(Player.open_id == open_id)
        .values(access_token_enc=None, refresh_token_enc=None, tokens_revoked_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def lock_player(session: Session, *, player_id: int) -> Player:
    """The player's row, locked until the transaction ends (SQLite's write lock already is)."""
    player = session.scalars(select(Player).where(Player.id == player_id).with_for_update()).first()
    if player is None:
        raise gone()
    return player

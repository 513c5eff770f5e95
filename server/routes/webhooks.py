"""POST /webhooks/tiktok: TikTok's signed payment (and other) events."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from server import deliveries, webhooks
from server.handlers import error_response
from server.routes.deps import services_of

router = APIRouter(tags=["webhooks"])


@router.post(
    "/webhooks/tiktok",
    responses={
        400: {"description": "signed, but not a TikTok webhook envelope (stored as malformed)"},
        401: {"description": "signature missing, malformed, wrong, stale or from the future"},
        413: {"description": "body over WEBHOOK_MAX_BODY_BYTES"},
        500: {"description": "processing failed (a bug): stored with outcome error"},
        503: {"description": "the database is unavailable: nothing stored, TikTok retries"},
    },
)
async def tiktok_webhook(request: Request) -> Any:
    """Verify, store and apply one delivery; 200 once its effect is committed (or was already)."""
    # No dependencies: the services come straight from the app (FastAPI's dependency solving
    # was a visible share of this hot route's CPU).
    ctx = services_of(request)
    raw_body = await request.body()
    settings = ctx.settings
    secrets = [settings.tiktok_client_secret, settings.tiktok_client_secret_previous or ""]
    try:
        signed_at = webhooks.verify(
            raw_body,
            request.headers,
            [s for s in secrets if s],
            now=ctx.clock().timestamp(),
            tolerance=settings.webhook_tolerance_seconds,
        )
    except webhooks.SignatureError as exc:
        return error_response(401, exc.code, exc.message)
    try:
        received = await deliveries.receive_async(
            ctx.db,
            ctx.catalog,
            client_key=settings.tiktok_client_key,
            raw_body=raw_body,
            headers=request.headers,
            signed_at=signed_at,
            now=ctx.clock(),
        )
    except webhooks.EnvelopeError as exc:
        return error_response(400, exc.code, exc.message)
    except deliveries.DeliveryFailed as exc:
        kept = exc.received.delivery_id
        return error_response(500, "internal_error", f"internal error (kept as delivery {kept})")
    return JSONResponse(
        {"ok": True, "delivery_id": received.delivery_id, "outcome": received.outcome}
    )

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema

from xuncha.accounts.scope import require
from xuncha.api.schemas import ErrorOut
from xuncha.audit import selectors
from xuncha.audit.services import record
from xuncha.audit.verify import verify_chain

router = Router(tags=["审计日志"])
ERRORS = {403: ErrorOut, 404: ErrorOut}


class EventOut(Schema):
    seq: int
    at: datetime
    actor_id: int | None
    actor_name: str
    unit_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, object]
    outcome: str
    ip: str | None
    hash: str


class EventPage(Schema):
    count: int
    items: list[EventOut]


class VerifyOut(Schema):
    ok: bool
    checked: int
    broken_seq: int | None
    broken_id: int | None
    message: str


@router.get("/events", response={200: EventPage, **ERRORS}, summary="审计事件（审计员）")
def list_events(
    request: HttpRequest, q: str = "", action: str = "", outcome: str = "", actor: str = "",
    since: datetime | None = None, until: datetime | None = None,
    limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0),
) -> dict[str, object]:
    require(request.user, "audit.view_auditevent")  # type: ignore[arg-type]
    qs = selectors.event_list(
        user=request.user,  # type: ignore[arg-type]
        q=q, action=action, outcome=outcome, actor=actor, since=since, until=until,
    )
    return {"count": qs.count(), "items": list(qs[offset: offset + limit])}


@router.post("/verify", response={200: VerifyOut, **ERRORS}, summary="核验审计链")
def verify(request: HttpRequest) -> dict[str, object]:
    require(request.user, "audit.view_auditevent")  # type: ignore[arg-type]
    result = verify_chain()
    record(actor=request.user, action="audit.verify", object_type="audit.chain",  # type: ignore[arg-type]
           object_repr="审计链",
           changes={"ok": result.ok, "checked": result.checked, "broken_seq": result.broken_seq,
                    "broken_id": result.broken_id, "reason": result.reason},
           request=request)
    return {"ok": result.ok, "checked": result.checked, "broken_seq": result.broken_seq,
            "broken_id": result.broken_id, "message": result.message()}

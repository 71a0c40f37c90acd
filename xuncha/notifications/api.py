from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema

from xuncha.accounts.scope import get_visible, visible
from xuncha.api.schemas import ErrorOut
from xuncha.notifications import services
from xuncha.notifications.models import Notification

router = Router(tags=["站内消息"])
ERRORS = {403: ErrorOut, 404: ErrorOut}


class NotificationOut(Schema):
    id: int
    category: str
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Schema):
    count: int
    unread: int
    items: list[NotificationOut]


@router.get("", response={200: NotificationPage, **ERRORS}, summary="我的消息")
def list_notifications(
    request: HttpRequest, unread_only: bool = False,
    limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0),
) -> dict[str, object]:
    qs = visible(request.user, Notification)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return {"count": qs.count(), "unread": services.unread_count(request.user),
            "items": list(qs[offset: offset + limit])}


@router.post("/{notification_id}/read", response={200: NotificationOut, **ERRORS},
             summary="标记已读")
def mark_read(request: HttpRequest, notification_id: int) -> object:
    n = get_visible(request.user, Notification, pk=notification_id)
    return services.notification_mark_read(actor=request.user, notification=n)


@router.post("/read-all", response={200: dict[str, int]}, summary="全部标记已读")
def mark_all_read(request: HttpRequest) -> dict[str, int]:
    return {"updated": services.notifications_mark_all_read(actor=request.user)}

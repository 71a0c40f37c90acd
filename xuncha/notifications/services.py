"""Sending and reading notifications."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from xuncha.notifications.models import Category, Notification

if TYPE_CHECKING:
    from xuncha.accounts.models import User


def notify(
    *,
    recipients: Iterable[User],
    title: str,
    body: str = "",
    link: str = "",
    category: str = Category.SYSTEM,
    dedupe_key: str = "",
) -> list[Notification]:
    """Puts a message in each recipient's inbox; with a ``dedupe_key`` a recipient gets it once.

    E-mail copies are queued for the worker when SMTP is configured, after the transaction commits.
    """
    created: list[Notification] = []
    for user in {u.pk: u for u in recipients if u.is_active}.values():
        if dedupe_key and Notification.objects.filter(
            recipient=user, dedupe_key=dedupe_key
        ).exists():
            continue
        try:
            with transaction.atomic():
                n = Notification.objects.create(
                    recipient=user, title=title[:200], body=body, link=link[:300],
                    category=category, dedupe_key=dedupe_key[:120],
                )
        except IntegrityError:  # a concurrent run sent the same reminder
            continue
        created.append(n)
    if settings.XUNCHA_EMAIL_ENABLED and created:
        from xuncha.notifications.tasks import email_notification

        ids = [n.pk for n in created if n.recipient.email]
        transaction.on_commit(lambda: [email_notification.enqueue(i) for i in ids])
    return created


def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, actor: User) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

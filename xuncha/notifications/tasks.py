"""Background work of the inbox: e-mail copies, sent by the worker (django.tasks)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.utils import timezone


@task()
def email_notification(notification_id: int) -> bool:
    from xuncha.notifications.models import Notification

    n = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if n is None or n.emailed_at is not None or not n.recipient.email:
        return False
    if not settings.XUNCHA_EMAIL_ENABLED:
        return False
    send_mail(
        subject=f"[巡察整改] {n.title}",
        message=n.body + (f"\n\n{n.link}" if n.link else ""),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[n.recipient.email],
    )
    Notification.objects.filter(pk=n.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return True

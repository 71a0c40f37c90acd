"""The inbox (站内消息): read, mark read, follow a message's link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.accounts.scope import get_visible, visible
from xuncha.notifications import services
from xuncha.notifications.models import Notification
from xuncha.web.forms import paginate
from xuncha.web.http import AuthedRequest


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    show_all = request.GET.get("show") == "all"
    mine = visible(request.user, Notification)
    qs = mine if show_all else mine.filter(read_at__isnull=True)
    return render(request, "notifications/inbox.html", {
        "page": paginate(request, qs.order_by("-created_at", "-id")),
        "show_all": show_all,
        "total": mine.count(),
    })


@require_POST
@login_required
def mark_read(request: AuthedRequest, notification_id: int) -> HttpResponse:
    n = get_visible(request.user, Notification, pk=notification_id)
    services.notification_mark_read(actor=request.user, notification=n)
    if request.htmx:  # type: ignore[attr-defined]
        # The row, and the header badge out of band (the shell context counts again).
        return render(request, "notifications/_mark_read.html", {"n": n, "oob": True})
    return redirect("notifications:inbox")


@require_POST
@login_required
def mark_all_read(request: AuthedRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(actor=request.user)
    if count:
        messages.success(request, _("已将 %(n)d 条消息标为已读。") % {"n": count})
    return redirect("notifications:inbox")


@login_required
def open_link(request: AuthedRequest, notification_id: int) -> HttpResponse:
    """Follows the message's link and marks it read; only links inside this site are followed."""
    n = get_visible(request.user, Notification, pk=notification_id)
    services.notification_mark_read(actor=request.user, notification=n)
    if n.link and url_has_allowed_host_and_scheme(n.link, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(n.link)
    return redirect("notifications:inbox")

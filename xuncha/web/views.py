"""The home page (我的待办) and the error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from xuncha.accounts import security
from xuncha.web.http import AuthedRequest
from xuncha.web.navigation import navigation_for
from xuncha.web.todo import Severity, figures_for, todos_for


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    todos = todos_for(user)
    shortcuts = [
        item for section in navigation_for(user) for item in section["items"]  # type: ignore[attr-defined]
        if item["url_name"] not in ("web:home", "notifications:inbox")
    ][:8]
    return render(request, "web/home.html", {
        "todos": todos,
        "figures": figures_for(user),
        "urgent": sum(1 for t in todos if t.severity != Severity.INFO),
        "today": timezone.localdate(),
        "shortcuts": shortcuts,
        "previous_login": user.last_login,
        "password_expires_at": security.password_expires_at(user),
    })


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception is not None and str(exception) else ""
    return render(request, "errors/app_error.html", {"status": 403, "message": message},
                  status=403)

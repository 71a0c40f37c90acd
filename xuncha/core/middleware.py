"""Maps the application error type to HTTP for pages (the API maps it in xuncha.api), and writes
every denial — ours and Django's own 403/404 — to the audit trail."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from xuncha.core.errors import AppError


class AppErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        from xuncha.audit.services import record_denial

        if isinstance(exc, DjangoPermissionDenied | Http404):
            record_denial(request, reason="forbidden" if isinstance(exc, DjangoPermissionDenied)
                          else "not_found")
            return None  # Django renders its handler403/handler404 pages
        if not isinstance(exc, AppError):
            return None
        if exc.status in (403, 404):
            record_denial(request, reason=exc.code)
        template = "errors/404.html" if exc.status == 404 else "errors/app_error.html"
        return render(request, template, {"error": exc}, status=exc.status)

"""Maps the application error type to HTTP for pages (the API maps it in xuncha.api)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xuncha.core.errors import AppError, NotFound


class AppErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, AppError):
            return None
        if isinstance(exc, NotFound | type(None)) or exc.status in (403, 404):
            from xuncha.audit.services import record_denial

            record_denial(request, reason=exc.code)
        template = "errors/404.html" if exc.status == 404 else "errors/app_error.html"
        return render(request, template, {"error": exc}, status=exc.status)

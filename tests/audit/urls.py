"""Test-only pages around the real URLconf: views that fail the ways real ones do."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from xuncha.audit.services import record
from xuncha.core.errors import NotFound, PermissionDenied
from xuncha.urls import handler403, handler404
from xuncha.urls import urlpatterns as real_patterns

__all__ = ["handler403", "handler404", "urlpatterns"]


def write_then_refuse(request: HttpRequest) -> HttpResponse:
    """A service that writes (and records the write) and then refuses inside its transaction."""
    with transaction.atomic():
        record(actor=request.user, action="unit.update",  # type: ignore[arg-type]
               object_type="organisations.unit", object_id=1, object_repr="半途而废")
        raise PermissionDenied("您的角色无权执行此操作。")


def doom_then_refuse(request: HttpRequest) -> HttpResponse:
    """A refusal that leaves the enclosing (request) transaction doomed to roll back."""
    with transaction.atomic(savepoint=False):
        record(actor=request.user, action="unit.update",  # type: ignore[arg-type]
               object_type="organisations.unit", object_id=1, object_repr="半途而废")
        raise PermissionDenied("您的角色无权执行此操作。")


def missing(request: HttpRequest) -> HttpResponse:
    raise NotFound()


def django_denied(request: HttpRequest) -> HttpResponse:
    raise DjangoPermissionDenied


def django_404(request: HttpRequest) -> HttpResponse:
    raise Http404


urlpatterns = [
    path("t/write-then-refuse/", write_then_refuse),
    path("t/doom-then-refuse/", doom_then_refuse),
    path("t/missing/", missing),
    path("t/django-denied/", django_denied),
    path("t/django-404/", django_404),
    *real_patterns,
]


# An API with the real AppError handler, for a refusal inside a doomed request transaction.
from ninja import NinjaAPI  # noqa: E402

from xuncha.api.main import _app_error  # noqa: E402
from xuncha.core.errors import AppError  # noqa: E402

test_api = NinjaAPI(urls_namespace="audit-test-api", auth=None, docs_url=None)
test_api.add_exception_handler(AppError, _app_error)


@test_api.get("/doom-then-refuse")
def api_doom_then_refuse(request: HttpRequest) -> dict[str, str]:
    doom_then_refuse(request)
    return {}


urlpatterns.insert(0, path("t/api/", test_api.urls))

"""The versioned JSON API: /api/v1/, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs.

Authentication: the browser's session (with CSRF) or a personal token
(``Authorization: Bearer xc_…``). Every error has one shape: ``{"code": …, "message": …}`` with a
Chinese message; routers call the same services and the same scope check as the pages.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from xuncha.core.errors import AppError


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from xuncha.accounts.security import needs_otp_setup, password_expired
        from xuncha.accounts.services import token_authenticate

        user = token_authenticate(token)
        if user is None:
            return None
        # A token does not bypass what the session would demand first: a pending password change
        # or an administrator's missing second factor.
        if user.must_change_password or password_expired(user) or needs_otp_setup(user):
            return None
        request.user = user
        return user


class ActiveSession(SessionAuth):
    """The browser session; the session middleware already applied timeouts and password rules."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


api = NinjaAPI(
    title="xuncha 巡察整改 API",
    version="1",
    description=_("巡察整改平台接口。所有接口与页面使用同一套服务和数据范围。"),
    urls_namespace="api-v1",
    auth=[ActiveSession(), TokenAuth()],
    docs_url="/docs",
)


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return body


@api.exception_handler(AppError)
def _app_error(request: HttpRequest, exc: AppError) -> HttpResponse:
    if exc.status in (403, 404):
        from xuncha.audit.services import record_denial

        record_denial(request, reason=exc.code)
    return api.create_response(
        request, error_body(exc.code, exc.message, exc.details), status=exc.status
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    if request.META.get("HTTP_AUTHORIZATION"):  # a token that did not work is a failed sign-in
        from xuncha.audit.services import record_denial

        record_denial(request, reason="bad_token")
    return api.create_response(
        request, error_body("unauthenticated", _("未登录或令牌无效。")), status=401
    )


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    def field_name(loc: list[object]) -> str:
        parts = [str(p) for p in loc]
        while parts and parts[0] in ("body", "query", "path", "payload", "form"):
            parts.pop(0)
        return ".".join(parts)

    details = [
        {"field": field_name(list(e.get("loc", []))), "message": e.get("msg", "")}
        for e in exc.errors
    ]
    fields = "、".join(d["field"] for d in details if d["field"]) or _("请求")
    return api.create_response(
        request,
        error_body("validation_failed", _("请求数据有误:%(f)s。") % {"f": fields}, details),
        status=422,
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {404: "not_found", 403: "forbidden", 405: "method_not_allowed"}.get(
        exc.status_code, "error"
    )
    message = _("对象不存在或无权访问。") if exc.status_code == 404 else str(exc.message)
    if exc.status_code in (403, 404):
        from xuncha.audit.services import record_denial

        record_denial(request, reason=code)
    return api.create_response(request, error_body(code, message), status=exc.status_code)


def _mount() -> None:
    from xuncha.accounts.api import router as accounts_router
    from xuncha.audit.api import router as audit_router
    from xuncha.dashboards.api import router as dashboards_router
    from xuncha.evaluation.api import router as evaluation_router
    from xuncha.findings.api import router as findings_router
    from xuncha.inspections.api import router as inspections_router
    from xuncha.leads.api import router as leads_router
    from xuncha.notifications.api import router as notifications_router
    from xuncha.organisations.api import router as organisations_router
    from xuncha.outcomes.api import router as outcomes_router
    from xuncha.rectification.api import router as rectification_router
    from xuncha.reporting.api import router as reporting_router
    from xuncha.reports.api import router as reports_router
    from xuncha.surveys.api import router as surveys_router

    api.add_router("/", accounts_router)
    api.add_router("/", organisations_router)
    api.add_router("/notifications", notifications_router)
    api.add_router("/audit", audit_router)
    api.add_router("/", inspections_router)
    api.add_router("/", findings_router)
    api.add_router("/", leads_router)
    api.add_router("/", reports_router)
    api.add_router("/", rectification_router)
    api.add_router("/", outcomes_router)
    api.add_router("/", reporting_router)
    api.add_router("/", evaluation_router)
    api.add_router("/", surveys_router)
    api.add_router("/", dashboards_router)


_mount()

__all__ = ["APIKeyHeader", "api", "error_body"]

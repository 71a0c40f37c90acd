"""Session policy (security.md): idle timeout 30 minutes, absolute 12 hours, forced password change
(first login of an admin-created account, or rotation), and the second factor when required.

While a step is pending (security.pending_step) the session reaches only that step's page and
logout: pages redirect there, htmx requests get ``HX-Redirect``, the JSON API answers
``403 {"code": "<step>", "message": …}``. An expired session answers 401 on the API.

This middleware sits before Django's MessageMiddleware and HtmxMiddleware in settings.MIDDLEWARE,
so it neither relies on ``request._messages`` nor on ``request.htmx``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts import security

LOGIN_AT = "xuncha_login_at"
LAST_SEEN = "xuncha_last_seen"

# Pages a pending step may still reach besides its own.
ALWAYS_ALLOWED = ("accounts:logout",)
STEP_PAGES = {
    security.OTP_REQUIRED: "accounts:otp_verify",
    security.PASSWORD_CHANGE_REQUIRED: "accounts:password_change",
    security.OTP_SETUP_REQUIRED: "accounts:otp_setup",
}


def step_message(step: str, user: Any) -> str:
    if step == security.OTP_REQUIRED:
        return _("请输入动态口令完成登录。")
    if step == security.OTP_SETUP_REQUIRED:
        return _("管理员账号须先绑定动态口令（手机验证器）后才能使用系统。")
    if security.password_change_reason(user) == "expired":
        return _("密码已超过 %(days)d 天未修改，请先修改密码。") % {
            "days": settings.PASSWORD_MAX_AGE_DAYS
        }
    if step == security.PASSWORD_CHANGE_REQUIRED:
        return _("首次登录或密码被重置后，须先修改密码。")
    return ""


def session_expiry_reason(session: Any, now: float) -> str:
    """``"idle"``, ``"absolute"``, ``"no_clock"`` when the session must end, else ``""``."""
    login_at = session.get(LOGIN_AT)
    if login_at is None:
        return "no_clock"
    last_seen = session.get(LAST_SEEN, login_at)
    if now - float(login_at) >= settings.SESSION_ABSOLUTE_SECONDS:
        return "absolute"
    if now - float(last_seen) >= settings.SESSION_COOKIE_AGE:
        return "idle"
    return ""


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            response = self._enforce(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _enforce(self, request: HttpRequest) -> HttpResponse | None:
        now = timezone.now().timestamp()
        session = request.session
        reason = session_expiry_reason(session, now)
        if reason:
            return self._expire(request, reason)
        session[LAST_SEEN] = now

        user = request.user
        step = security.pending_step(user)
        if not step:
            return None
        allowed = {reverse(STEP_PAGES[step]), *(reverse(n) for n in ALWAYS_ALLOWED)}
        if request.path in allowed or request.path.startswith("/static/"):
            return None
        return self._refuse(request, step_message(step, user), step, STEP_PAGES[step])

    def _expire(self, request: HttpRequest, reason: str) -> HttpResponse:
        from xuncha.audit.models import Outcome
        from xuncha.audit.services import record

        user = request.user
        record(actor=user, action="auth.session_expired", obj=user, request=request,  # type: ignore[arg-type]
               changes={"reason": reason}, outcome=Outcome.SUCCESS)
        logout(request)
        message = _("登录已超时，请重新登录。")
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "session_expired", "message": message}, status=401)
        if _is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("accounts:login")
        elif request.method == "GET":
            response = redirect_to_login(request.get_full_path())
        else:
            response = redirect("accounts:login")
        _flash(request, response, messages.INFO, message)
        return response

    def _refuse(self, request: HttpRequest, message: str, code: str, url_name: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"code": code, "message": message}, status=403)
        target = reverse(url_name)
        if _is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
        else:
            response = redirect(target)
        _flash(request, response, messages.WARNING, message)
        return response


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _flash(request: HttpRequest, response: HttpResponse, level: int, message: str) -> None:
    """Adds a flash message to a response this middleware answers itself (MessageMiddleware, which
    runs after this one, never sees those requests)."""
    storage = getattr(request, "_messages", None)
    if storage is not None:
        storage.add(level, message)
        return
    storage = default_storage(request)
    storage.add(level, message)
    storage.update(response)


def session_deadline_seconds() -> timedelta:
    return timedelta(seconds=settings.SESSION_COOKIE_AGE)

"""Session policy (security.md): idle timeout 30 minutes, absolute 12 hours, forced password change
(first login of an admin-created account, or rotation), and the second factor when required."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.security import needs_otp_setup, needs_otp_verification, password_expired

EXEMPT_PREFIXES = ("/static/", "/accounts/logout/", "/accounts/password/", "/accounts/otp/")


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
        login_at = session.get("xuncha_login_at")
        last_seen = session.get("xuncha_last_seen", login_at)
        idle = settings.SESSION_COOKIE_AGE
        absolute = settings.SESSION_ABSOLUTE_SECONDS
        if login_at is None or now - float(login_at) > absolute or (
            last_seen is not None and now - float(last_seen) > idle
        ):
            logout(request)
            return self._refuse(request, _("登录已超时,请重新登录。"), "session_expired",
                                "accounts:login", status=401)
        session["xuncha_last_seen"] = now
        path = request.path
        if path.startswith(EXEMPT_PREFIXES):
            return None
        user = request.user
        if needs_otp_verification(user):
            return self._refuse(request, _("请输入动态口令完成登录。"), "otp_required",
                                "accounts:otp_verify")
        if needs_otp_setup(user):
            return self._refuse(request, _("管理员账号须先绑定动态口令。"), "otp_setup_required",
                                "accounts:otp_setup")
        if user.must_change_password or password_expired(user):  # type: ignore[union-attr]
            return self._refuse(request, _("请先修改密码。"), "password_change_required",
                                "accounts:password_change")
        return None

    def _refuse(
        self, request: HttpRequest, message: str, code: str, url_name: str, status: int = 403
    ) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"code": code, "message": message}, status=status)
        if url_name != "accounts:login":
            messages.warning(request, message)
        else:
            messages.info(request, message)
        target = reverse(url_name)
        if request.htmx:  # type: ignore[attr-defined]
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)


def session_deadline_seconds() -> timedelta:
    return timedelta(seconds=settings.SESSION_COOKIE_AGE)

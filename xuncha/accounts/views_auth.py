"""Signing in and out, the password change and the second factor (TOTP).

Sign-in: username and password through ``authenticate(request, …)`` (django-axes counts every
failure and locks the account after 5 for 30 minutes; ``locked_out`` renders the page). After the
password, the session middleware sends the user through the pending steps in order: the code of a
confirmed device (``otp_verify``), a new password (first login, reset or rotation), binding a device
when administrators must (``otp_setup``). Then the user lands where they were going.
"""

from __future__ import annotations

import math
from base64 import b32encode
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from xuncha.accounts import security, services
from xuncha.accounts.forms_auth import LoginForm, OtpTokenForm, PasswordChangeForm
from xuncha.audit.models import Outcome
from xuncha.audit.services import record
from xuncha.core.errors import ValidationFailed

NEXT_KEY = "xuncha_next"
STEP_URLS = {
    security.OTP_REQUIRED: "accounts:otp_verify",
    security.PASSWORD_CHANGE_REQUIRED: "accounts:password_change",
    security.OTP_SETUP_REQUIRED: "accounts:otp_setup",
}


def _safe_next(request: HttpRequest, value: str | None) -> str | None:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return None


def _continue(request: HttpRequest) -> HttpResponse:
    """To the next pending step, or else where the user was going (kept across the steps)."""
    step = security.pending_step(request.user)
    if step:
        return redirect(STEP_URLS[step])
    target = _safe_next(request, request.session.pop(NEXT_KEY, None))
    return redirect(target or resolve_url(settings.LOGIN_REDIRECT_URL))


# --- Sign in, lockout, sign out ---


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return _continue(request)
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next")) or ""
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())
        if next_url:
            request.session[NEXT_KEY] = next_url
        return _continue(request)
    remaining = form.remaining_attempts() if form.is_bound else None
    return render(request, "accounts/login.html", {
        "form": form, "next": next_url, "remaining": remaining,
    })


def lockout_until(request: HttpRequest | None, username: str) -> datetime | None:
    """When the lock on ``username`` ends: the newest counted failure plus the cool-off (30 min).

    django-axes counts attempts made during the lock too (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_
    LOCKOUT, on by default), so every further attempt moves this time on.
    """
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt
    from django.db.models import Max

    cool_off = get_cool_off(request)
    if cool_off is None:
        return None
    last = None
    if username:
        last = AccessAttempt.objects.filter(username=username).aggregate(t=Max("attempt_time"))["t"]
    return (last or timezone.now()) + cool_off


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: django-axes calls it as (request, original_response, credentials)."""
    from axes.helpers import get_client_username

    username = get_client_username(request, credentials) or ""
    until = lockout_until(request, username)
    minutes = seconds = None
    if until is not None:
        # Shown to the minute, so rounded up: retrying at the shown time must not be too early.
        if until.second or until.microsecond:
            until = until.replace(second=0, microsecond=0) + timedelta(minutes=1)
        seconds = max(60, math.ceil((until - timezone.now()).total_seconds()))
        minutes = math.ceil(seconds / 60)
    response = render(request, "accounts/locked.html", {
        "username": username,
        "until": until,
        "minutes": minutes,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }, status=429)
    if until is not None:
        response["Retry-After"] = str(seconds)
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """POST only (a link or an image cannot sign anyone out); a GET gets 405 and changes nothing."""
    was_signed_in = request.user.is_authenticated
    logout(request)
    if was_signed_in:
        messages.info(request, _("您已安全退出。"))
    return redirect("accounts:login")


# --- Password ---


@sensitive_post_parameters()
@login_required
@never_cache
def password_change_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if security.needs_otp_verification(user):
        return redirect("accounts:otp_verify")
    reason = security.password_change_reason(user)
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                actor=user,  # type: ignore[arg-type]
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationFailed as exc:
            details = exc.details or [{"field": None, "message": exc.message}]
            for d in details:
                field = {"password": "new_password"}.get(d.get("field") or "", d.get("field"))
                form.add_error(field if field in form.fields else None, d.get("message") or "")
            if any(d.get("field") == "old_password" for d in details):
                # A wrong current password counts as a failed sign-in: someone at an unattended
                # desk cannot guess it without limit. The fifth one locks the account and ends
                # the session (AxesMiddleware then answers with the lockout page).
                user_login_failed.send(
                    sender=__name__, credentials={"username": user.get_username()},
                    request=request,
                )
                if getattr(request, "axes_locked_out", False):
                    logout(request)
        else:
            update_session_auth_hash(request, user)  # type: ignore[arg-type]
            messages.success(request, _("密码已修改。"))
            return _continue(request)
    expires_at = security.password_expires_at(user)
    return render(request, "accounts/password_change.html", {
        "form": form,
        "reason": reason,
        "rules": PasswordChangeForm.rules(),
        "max_age_days": settings.PASSWORD_MAX_AGE_DAYS,
        "expires_at": expires_at,
    })


# --- Second factor ---


def _throttle_message(device: Any) -> str | None:
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    until = (info or {}).get("locked_until")
    if until is not None:
        local = timezone.localtime(until)
        return _("动态口令错误次数过多，请于 %(t)s 后再试。") % {"t": local.strftime("%H:%M:%S")}
    return _("动态口令错误次数过多，请稍后再试。")


def _check_code(user: Any, device: Any, token: str) -> tuple[bool, str]:
    """Verifies ``token`` on ``device`` (locked against concurrent use; a used code is refused)."""
    import django_otp

    throttled = _throttle_message(device)
    if throttled:
        return False, throttled
    if django_otp.verify_token(user, device.persistent_id, token) is not None:
        return True, ""
    return False, _("动态口令不正确或已使用过，请等待验证器显示新的口令后再输入。")


@sensitive_post_parameters()
@login_required
@never_cache
def otp_verify_view(request: HttpRequest) -> HttpResponse:
    """The second sign-in step for users with a confirmed device."""
    import django_otp

    user = request.user
    devices = security.confirmed_devices(user)
    if not devices or security.is_verified(user):
        return _continue(request)
    device = devices[0]
    form = OtpTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        ok, error = _check_code(user, device, form.cleaned_data["token"])
        if ok:
            with transaction.atomic():
                record(actor=user, action="auth.otp_verify", obj=user, request=request)  # type: ignore[arg-type]
            django_otp.login(request, device)
            request.session.cycle_key()
            return _continue(request)
        with transaction.atomic():
            record(actor=user, action="auth.otp_failed", obj=user, request=request,  # type: ignore[arg-type]
                   outcome=Outcome.FAILURE)
        form.add_error("token", error)
    return render(request, "accounts/otp_verify.html", {"form": form, "device": device})


def _pending_device(user: Any) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("手机验证器"), confirmed=False)
    return device


def _secret_for_display(device: Any) -> str:
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i: i + 4] for i in range(0, len(secret), 4))


@sensitive_post_parameters()
@login_required
@never_cache
def otp_setup_view(request: HttpRequest) -> HttpResponse:
    """Binds an authenticator app (QR code or the secret typed in), or removes the bound one.

    Both need a valid code; both are written to the audit trail in the same transaction.
    """
    user = request.user
    if security.needs_otp_verification(user):
        return redirect("accounts:otp_verify")
    action = request.POST.get("action", "") if request.method == "POST" else ""
    devices = security.confirmed_devices(user)
    form = OtpTokenForm(request.POST if action in ("confirm", "remove") else None)

    if devices:
        device = devices[0]
        if action == "remove" and form.is_valid():
            removed = _remove_device(request, device, form.cleaned_data["token"], form)
            if removed:
                messages.success(request, _("已解除动态口令绑定。"))
                return redirect("accounts:otp_setup")
        return render(request, "accounts/otp_setup.html", {
            "form": form, "device": device, "enabled": True,
            "required": security.otp_required(user),
        })

    if action == "regenerate":
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return redirect("accounts:otp_setup")
    device = _pending_device(user)
    if (
        action == "confirm" and form.is_valid()
        and _confirm_device(request, device, form.cleaned_data["token"], form)
    ):
        messages.success(request, _("动态口令已启用，以后登录时需输入验证器上的口令。"))
        return _continue(request)
    import segno

    qr = segno.make(device.config_url).svg_inline(
        scale=4, light="#fff", title=_("动态口令绑定二维码")  # white behind it, whatever the theme
    )
    return render(request, "accounts/otp_setup.html", {
        "form": form, "device": device, "enabled": False,
        "required": security.otp_required(user),
        "qr_svg": mark_safe(qr),  # noqa: S308 - segno's own SVG; the URL inside is escaped by segno
        "secret": _secret_for_display(device),
    })


def _confirm_device(request: HttpRequest, pending: Any, token: str, form: OtpTokenForm) -> bool:
    import django_otp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=pending.pk, user=user).first()
        if device is None:
            form.add_error(None, _("绑定已过期，请重新扫描二维码。"))
            return False
        throttled = _throttle_message(device)
        if throttled or not device.verify_token(token):
            form.add_error("token", throttled or _("动态口令不正确，请核对手机时间后重试。"))
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Only one device per account: any other unconfirmed one goes.
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        record(actor=user, action="otp.device_add", obj=device, request=request)  # type: ignore[arg-type]
    # The user has just shown the code: this session counts as verified.
    django_otp.login(request, device)
    request.session.cycle_key()
    return True


def _remove_device(request: HttpRequest, confirmed: Any, token: str, form: OtpTokenForm) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = request.user
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=confirmed.pk, user=user).first()
        if device is None:
            return True
        throttled = _throttle_message(device)
        if throttled or not device.verify_token(token):
            form.add_error("token", throttled or _("动态口令不正确，未解除绑定。"))
            return False
        record(actor=user, action="otp.device_remove", obj=device, request=request)  # type: ignore[arg-type]
        TOTPDevice.objects.filter(user=user).delete()
    return True

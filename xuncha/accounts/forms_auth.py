"""Forms for signing in, changing the password and the second factor (TOTP).

``xuncha.accounts.forms`` re-exports ``LoginForm`` and ``PasswordChangeForm`` for older imports.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Username and password. Authentication goes through ``authenticate(request, …)`` so that
    django-axes sees every attempt; the Django signals it fires write the audit trail."""

    error_messages = {
        "invalid_login": _("登录名或密码不正确。连续失败 5 次将锁定 30 分钟。"),
        "inactive": _("该账号已停用，请联系系统管理员。"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("登录名")
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].label = _("密码")
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError as exc:
            if getattr(exc, "code", None) == "invalid_login" and self._inactive_with_password():
                # The backend refuses inactive accounts without saying why; the owner, who has
                # just proved they know the password, is told the account is disabled.
                raise ValidationError(self.error_messages["inactive"], code="inactive") from None
            raise

    def _inactive_with_password(self) -> bool:
        if getattr(self.request, "axes_locked_out", False):
            return False
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return False
        user = get_user_model()._default_manager.filter(username=username, is_active=False).first()
        return user is not None and user.check_password(password)

    def remaining_attempts(self) -> int | None:
        """How many more failures before the lock, when axes has counted this one."""
        from django.conf import settings

        failures = getattr(self.request, "axes_failures_since_start", None)
        limit = settings.AXES_FAILURE_LIMIT
        if failures is None or not isinstance(limit, int):
            return None
        return max(limit - int(failures), 0)


class PasswordChangeForm(forms.Form):
    """The owner changes their own password; the rules are applied by services.password_change."""

    old_password = forms.CharField(
        label=_("原密码"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password = forms.CharField(
        label=_("新密码"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("再次输入新密码"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        return data

    @staticmethod
    def rules() -> list[str]:
        return [str(t) for t in password_validators_help_texts()]


class OtpTokenForm(forms.Form):
    """A six-digit code from the authenticator app."""

    token = forms.CharField(
        label=_("动态口令"), max_length=12,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]{6,8}",
            "autofocus": True,
        }),
        error_messages={"required": _("请输入 6 位动态口令。")},
    )

    def clean_token(self) -> str:
        token = "".join(str(self.cleaned_data["token"]).split())
        if not (token.isascii() and token.isdigit()) or len(token) not in (6, 8):
            raise ValidationError(_("动态口令是 6 位数字。"), code="otp_format")
        return token

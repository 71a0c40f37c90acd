"""Signal receivers of the accounts app: the session clock, and lockouts into the audit trail.

Logins, logouts and failed logins are written to the audit trail by xuncha.audit.signals.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone


@receiver(user_logged_in, dispatch_uid="xuncha_session_clock")
def _start_session_clock(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Starts the idle and absolute clocks read by middleware.SessionPolicyMiddleware."""
    if request is not None and hasattr(request, "session"):
        from xuncha.accounts.middleware import LAST_SEEN, LOGIN_AT

        now = timezone.now().timestamp()
        request.session[LOGIN_AT] = now
        request.session[LAST_SEEN] = now


@receiver(user_locked_out, dispatch_uid="xuncha_locked_out")
def _locked_out(sender: Any, request: Any = None, username: str | None = None, **kwargs: Any) -> None:
    """django-axes locked the account (5th failure) or refused an attempt while it is locked.

    The attempt itself is already in the trail as ``auth.login_failed``; this row says why.
    """
    from xuncha.accounts.views_auth import lockout_until
    from xuncha.audit.models import Outcome
    from xuncha.audit.services import record

    name = str(username or "")[:64]
    until = lockout_until(request, name)
    record(
        actor=None,
        actor_name=name,
        action="auth.locked_out",
        object_type="accounts.user",
        object_repr=name,
        changes={
            "failures": getattr(request, "axes_failures_since_start", None),
            "until": until.isoformat() if until else None,
        },
        outcome=Outcome.DENIED,
        request=request,
    )


def _after_migrate(sender: Any, **kwargs: Any) -> None:
    """After every migrate: all permissions exist, then the built-in roles are brought up to date."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from xuncha.accounts.roles import sync_builtin_roles

    using = kwargs.get("using", "default")
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_builtin_roles()

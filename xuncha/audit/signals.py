"""Logins, logouts and failed logins go into the audit trail; the request context for the rest."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.signals import request_finished, request_started
from django.dispatch import receiver

from xuncha.audit import context
from xuncha.audit.models import Outcome
from xuncha.audit.services import flush_pending_denials, record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(actor=user, action="auth.login", obj=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(actor=user, action="auth.logout", obj=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:64]
    record(
        actor=None,
        actor_name=username,
        action="auth.login_failed",
        object_type="accounts.user",
        object_repr=username,
        outcome=Outcome.FAILURE,
        request=request,
    )


# The client address for rows written by services during a request (xuncha.audit.context), and the
# denials that had to wait for a doomed transaction to end (services.record_denial).
request_started.connect(context.request_started, dispatch_uid="xuncha.audit.request_started")
request_finished.connect(flush_pending_denials, dispatch_uid="xuncha.audit.flush_denials")
request_finished.connect(context.request_finished, dispatch_uid="xuncha.audit.request_finished")

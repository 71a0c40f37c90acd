from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone


@receiver(user_logged_in)
def _start_session_clock(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session["xuncha_login_at"] = now
        request.session["xuncha_last_seen"] = now


def _after_migrate(sender: Any, **kwargs: Any) -> None:
    """After every migrate: all permissions exist, then the built-in roles are brought up to date."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from xuncha.accounts.roles import sync_builtin_roles

    using = kwargs.get("using", "default")
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_builtin_roles()

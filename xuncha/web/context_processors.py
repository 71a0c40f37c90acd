from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def shell(request: HttpRequest) -> dict[str, Any]:
    """The header and navigation: the user's unit, roles, unread count and menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from xuncha.notifications.services import unread_count
    from xuncha.web.navigation import navigation_for

    roles = [a.role.name for a in user.assignments.select_related("role").order_by("id")]
    unread = unread_count(user)
    sections = navigation_for(user, request.path)
    for section in sections:
        for item in section["items"]:  # type: ignore[attr-defined]
            if item["url_name"] == "notifications:inbox" and unread:
                item["badge"] = unread if unread < 100 else "99+"
    return {
        "nav_sections": sections,
        "shell_roles": list(dict.fromkeys(roles)),
        "shell_unread": unread,
    }

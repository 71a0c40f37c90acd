"""Small template helpers for the shell: icons (our own line drawings) and state badges."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# 24×24 line icons, drawn for this project (stroke = currentColor).
ICONS: dict[str, str] = {
    "home": "M3 11.5 12 4l9 7.5M5.5 10v10h5v-6h3v6h5V10",
    "inbox": "M3 13.5 6 5h12l3 8.5V19H3zM3 13.5h5l1.2 2.5h5.6l1.2-2.5h5",
    "tree": "M4 4h6v5H4zM14 4h6v5h-6zM14 15h6v5h-6zM10 6.5h4M7 9v8.5h7",
    "calendar": "M4 6h16v14H4zM4 10.5h16M8.5 3.5v5M15.5 3.5v5",
    "users": "M9 11a3.8 3.8 0 1 0 0-7.6A3.8 3.8 0 0 0 9 11zM2.5 20.5v-.8A5.7 5.7 0 0 1 8.2 14h1.6"
             "a5.7 5.7 0 0 1 5.7 5.7v.8M16 4a3.8 3.8 0 0 1 0 7M21.5 20.5v-.8a5.7 5.7 0 0 0-3.6-5.3",
    "shield": "M12 3 20 6v6c0 4.6-3.3 7.8-8 9-4.7-1.2-8-4.4-8-9V6zM8.8 12l2.2 2.2 4.2-4.4",
    "lock": "M5 11h14v10H5zM8 11V7.5a4 4 0 0 1 8 0V11M12 15v2.5",
    "log": "M6 3h9l4 4v14H6zM15 3v4h4M9 11.5h7M9 15h7M9 18h4",
    "user": "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4.5 20.5v-.5a6.5 6.5 0 0 1 6.5-6.5h2"
            "a6.5 6.5 0 0 1 6.5 6.5v.5",
    "key": "M8 12.5a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9zM11.2 11.2 20 20M16.5 16.5l2-2M14 14l2-2",
    "bell": "M6 16.5V11a6 6 0 0 1 12 0v5.5l1.8 1.8H4.2zM10 21h4",
    "menu": "M4 6.5h16M4 12h16M4 17.5h16",
    "logout": "M14 4h5v16h-5M10 8l-4 4 4 4M6 12h10",
    "chevron": "M9.5 6l6 6-6 6",
    "plus": "M12 5v14M5 12h14",
    "upload": "M12 15.5V4M7 8.5 12 4l5 4.5M4 15.5V20h16v-4.5",
    "download": "M12 4v11.5M7 11l5 4.5 5-4.5M4 15.5V20h16v-4.5",
    "search": "M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM16.2 16.2 21 21",
    "check": "M5 12.5l4.5 4.5L19 7.5",
    "edit": "M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4",
    "alert": "M12 3.5 21.5 20h-19zM12 10v4.5M12 17.3v.2",
    "clock": "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 7.5V12l3 3",
    "building": "M4 21V5.5L12 3v18M12 8.5h8V21M2.5 21h19M7 8h2M7 12h2M7 16h2M15 12h2M15 16h2",
    "close": "M6 6l12 12M18 6 6 18",
    "printer": "M7 9V3.5h10V9M7 17.5H4V10.5A1.5 1.5 0 0 1 5.5 9h13a1.5 1.5 0 0 1 1.5 1.5v7h-3"
               "M7 14h10v6.5H7z",
    "file": "M6 3h9l4 4v14H6zM15 3v4h4",
    "copy": "M8.5 8.5h11v11h-11zM15.5 8.5v-4h-11v11h4",
    "mail": "M3.5 5.5h17v13h-17zM3.5 6l8.5 7 8.5-7",
    "info": "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 11v5.5M12 7.8V8",
    "inbox_empty": "M3 13.5 6 5h12l3 8.5V19H3zM3 13.5h5l1.2 2.5h5.6l1.2-2.5h5",
}


@register.simple_tag
def icon(name: str, css: str = "") -> SafeString:
    path = ICONS.get(name, ICONS["info"])
    return format_html(
        '<svg class="icon{}" viewBox="0 0 24 24" aria-hidden="true" focusable="false">'
        '<path d="{}"/></svg>',
        f" {css}" if css else "", path,
    )


@register.simple_tag
def active_badge(value: bool) -> SafeString:
    """启用 / 停用 as a state badge."""
    from django.utils.translation import gettext

    if value:
        return format_html('<span class="badge badge-green">{}</span>', gettext("启用"))
    return format_html('<span class="badge badge-grey">{}</span>', gettext("停用"))


@register.filter
def indent(depth: int, base: int = 0) -> SafeString:
    """Full-width spaces for a tree shown in a <select>."""
    return mark_safe("\u3000" * max(int(depth) - int(base), 0))  # noqa: S308 - fixed characters


@register.simple_tag
def password_rules() -> list[str]:
    """The password rules in force, one sentence each (from AUTH_PASSWORD_VALIDATORS)."""
    from django.contrib.auth.password_validation import password_validators_help_texts

    return [str(t) for t in password_validators_help_texts() if t]

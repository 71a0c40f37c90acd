"""The client address of the request being served, for audit rows written by services.

Services receive the actor but not the request, yet every write must carry the client IP. The
address is taken when Django starts handling a request (``request_started``, sent by the WSGI and the
ASGI handler alike, with the WSGI environ or the ASGI scope) and forgotten when it finishes, so no
settings change is needed. Work outside a request (commands, background tasks) records no IP.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.ipv6 import clean_ipv6_address

_current_ip: ContextVar[str | None] = ContextVar("xuncha_audit_client_ip", default=None)


def normalise_ip(value: str | None) -> str | None:
    """The address as the database will store it (GenericIPAddressField normalises IPv6), so that
    the hash computed before saving matches the row read back; None when it is not an address."""
    if not value:
        return None
    value = value.strip()
    try:
        if ":" in value:
            return clean_ipv6_address(value)
        return str(ipaddress.IPv4Address(value))
    except (ValidationError, ValueError):
        return None


def ip_from_meta(meta: Mapping[str, Any]) -> str | None:
    """REMOTE_ADDR, or the address the configured number of trusted proxies saw
    (``AXES_IPWARE_PROXY_COUNT``, the same setting the login lockout uses)."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None) or 0
    if proxies:
        forwarded = str(meta.get("HTTP_X_FORWARDED_FOR", ""))
        parts = [p.strip() for p in forwarded.split(",") if p.strip()]
        if len(parts) >= proxies:
            return normalise_ip(parts[-proxies])
    return normalise_ip(meta.get("REMOTE_ADDR"))


def _meta_from_scope(scope: Mapping[str, Any]) -> dict[str, str]:
    meta: dict[str, str] = {}
    client = scope.get("client")
    if client:
        meta["REMOTE_ADDR"] = str(client[0])
    for name, value in scope.get("headers") or ():
        if name.lower() == b"x-forwarded-for":
            meta["HTTP_X_FORWARDED_FOR"] = value.decode("latin-1")
    return meta


def current_ip() -> str | None:
    return _current_ip.get()


def request_started(sender: Any, environ: Mapping[str, Any] | None = None,
                    scope: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
    if environ is not None:
        _current_ip.set(ip_from_meta(environ))
    elif scope is not None:
        _current_ip.set(ip_from_meta(_meta_from_scope(scope)))
    else:
        _current_ip.set(None)


def request_finished(sender: Any, **kwargs: Any) -> None:
    _current_ip.set(None)

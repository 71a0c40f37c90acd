"""One application error type, mapped to HTTP in one place (core.middleware and api.errors).

Services raise these; views and the API never build error responses of their own.
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """A refusal the user can act on. ``message`` is Chinese and says what is wrong and where."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.details = details


class NotFound(AppError):
    """Missing and not-yours look the same: both are 404 with the same message."""

    status = 404
    code = "not_found"

    def __init__(self, message: str = "", **kwargs: Any) -> None:
        from django.utils.translation import gettext

        super().__init__(message or gettext("对象不存在或无权访问。"), **kwargs)


class PermissionDenied(AppError):
    """The user is known to see the object but may not perform this action on it."""

    status = 403
    code = "forbidden"


class Conflict(AppError):
    """A stale edit (optimistic locking) or a state that no longer allows the action."""

    status = 409
    code = "conflict"


class ValidationFailed(AppError):
    """Bad input. ``details`` lists every problem: [{"field"|"sheet"/"row"/"column", "message"}]."""

    status = 422
    code = "validation_failed"

"""Shared API schemas."""

from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    details: list[dict[str, str]] | dict[str, object] | None = None

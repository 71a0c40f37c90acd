"""Helpers shared by the page forms: service refusals shown next to the field they name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.paginator import Page, Paginator
from django.utils.translation import gettext, gettext_lazy

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest

    from xuncha.core.errors import AppError, Conflict

PAGE_SIZE = 50


def apply_service_errors(form: forms.BaseForm, exc: AppError) -> None:
    """Puts each of ``exc.details`` on the form field it names; the rest above the form.

    Services report ``[{"field": ..., "message": ...}]``; an empty message means "the summary
    message is about this field".
    """
    details = exc.details if isinstance(exc.details, list) else []
    shown: set[str] = set()
    for d in details:
        if not isinstance(d, dict):
            continue
        field = d.get("field") or ""
        message = str(d.get("message") or exc.message)
        if field in form.fields:
            form.add_error(field, message)
            shown.add(message)
        elif message not in shown:
            form.add_error(None, message)
            shown.add(message)
    if not shown:
        form.add_error(None, exc.message)


def posted(request: HttpRequest) -> Any:
    """The submitted data, or None on GET. (``request.POST or None`` would treat an empty POST as
    a GET and show a blank form instead of "required".)"""
    return request.POST if request.method == "POST" else None


def uploaded(request: HttpRequest) -> Any:
    return request.FILES if request.method == "POST" else None


def paginate(request: HttpRequest, qs: QuerySet[Any] | list[Any], per_page: int = PAGE_SIZE) -> Page:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


class VersionField(forms.IntegerField):
    """The ``version`` the editor saw (optimistic locking), carried in a hidden input."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        stale = gettext_lazy("表单已失效，请重新打开页面后再保存。")
        kwargs.setdefault("error_messages", {"required": stale, "invalid": stale, "min_value": stale})
        super().__init__(**kwargs)


def conflict_context(
    exc: Conflict, form: Any, current: Any, fields: tuple[str, ...], typed: dict[str, Any]
) -> dict[str, Any]:
    """Someone saved first: keep what the user typed, show the saved values beside it, and let a
    second save knowingly replace them (the form now carries the current version)."""
    data = form.data.copy()
    data["version"] = str(current.version)
    form.data = data
    rows = []
    for f in fields:
        field = form.fields[f]
        saved, mine = getattr(current, f), typed.get(f)
        rows.append({
            "label": field.label, "saved": display_value(field, saved),
            "mine": display_value(field, mine), "changed": saved != mine,
        })
    return {"message": exc.message, "rows": rows}


def display_value(field: Any, value: Any) -> str:
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    choices = dict(getattr(field, "choices", []) or [])
    if value in choices:
        return str(choices[value])
    return "" if value is None else str(value)

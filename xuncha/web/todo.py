"""The home page's personal to-do list and key figures, as registries.

Each part of the product registers what a user has to do (``register_todo_provider``) and the figures
worth a card (``register_figure_provider``); the home page shows whatever applies to the user. A
provider reads only through the scope check (selectors / ``visible``) and returns nothing when the
user has no business with it. The foundation's own providers live in xuncha.web.providers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xuncha.accounts.models import User


class Severity(StrEnum):
    """How urgent an item is; the colours are the state colours of style.md."""

    INFO = "info"  # neutral: something to look at
    DUE_SOON = "due_soon"  # amber
    OVERDUE = "overdue"  # red: late, or blocking


@dataclass(frozen=True)
class TodoItem:
    title: str
    detail: str = ""
    url: str = ""
    due: date | None = None
    severity: Severity = Severity.INFO


@dataclass(frozen=True)
class Figure:
    """A key figure: a number the user can click through to the items behind it."""

    label: str
    value: int | str
    url: str = ""
    hint: str = ""
    severity: Severity | None = None


TodoProvider = Callable[["User"], list[TodoItem]]
FigureProvider = Callable[["User"], list[Figure]]

_TODO_PROVIDERS: list[TodoProvider] = []
_FIGURE_PROVIDERS: list[FigureProvider] = []

_ORDER = {Severity.OVERDUE: 0, Severity.DUE_SOON: 1, Severity.INFO: 2}


def register_todo_provider(provider: TodoProvider) -> TodoProvider:
    """Adds a provider (usable as a decorator); registering the same callable twice is a no-op."""
    if provider not in _TODO_PROVIDERS:
        _TODO_PROVIDERS.append(provider)
    return provider


def register_figure_provider(provider: FigureProvider) -> FigureProvider:
    if provider not in _FIGURE_PROVIDERS:
        _FIGURE_PROVIDERS.append(provider)
    return provider


def todos_for(user: User) -> list[TodoItem]:
    """Every provider's items for ``user``: the most urgent first, then by due date."""
    items: list[TodoItem] = []
    for provider in _TODO_PROVIDERS:
        items.extend(provider(user))
    return sorted(items, key=lambda i: (_ORDER[i.severity], i.due or date.max))


def figures_for(user: User) -> list[Figure]:
    figures: list[Figure] = []
    for provider in _FIGURE_PROVIDERS:
        figures.extend(provider(user))
    return figures

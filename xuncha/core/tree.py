"""Materialized-path helpers.

A unit's path is its ancestors' ids and its own, as ``/1/12/57/``. A subtree is every path that
starts with the prefix; it is queried as a *range* (``path >= '/1/12/' AND path < '/1/120'``) because
SQLite never uses an index for LIKE and PostgreSQL only does with text_pattern_ops
(docs/performance.md). Ids are digits and '/' sorts just before '0', so the range is exact.
"""

from __future__ import annotations

from django.db.models import Q


def path_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix``."""
    if not prefix.endswith("/"):
        raise ValueError("a path prefix ends with '/'")
    return prefix[:-1] + chr(ord("/") + 1)


def subtree_q(prefix: str, field: str = "path") -> Q:
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": path_upper_bound(prefix)})


def path_ids(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]

"""Authentication and permissions from role assignments (no groups, no per-user permissions)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from xuncha.accounts.scope import permissions_of


class RoleBackend(ModelBackend):
    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return set(permissions_of(user_obj))

"""Shared model building blocks."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from xuncha.core.errors import Conflict


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class Versioned(models.Model):
    """Optimistic locking: every edit names the version it was made against.

    ``save_versioned`` updates the row only where the version is still the one the editor saw, so a
    stale save raises Conflict instead of silently overwriting another person's change.
    """

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        abstract = True

    def save_versioned(self, *, expected_version: int, update_fields: list[str]) -> None:
        if self.pk is None:
            raise ValueError("save_versioned is for existing rows")
        values: dict[str, Any] = {f: getattr(self, f) for f in update_fields}
        for f in update_fields:
            field = self._meta.get_field(f)
            if getattr(field, "auto_now", False):
                values[f] = field.pre_save(self, add=False)  # type: ignore[attr-defined]
        if any(f.name == "updated_at" for f in self._meta.fields) and "updated_at" not in values:
            values["updated_at"] = self._meta.get_field("updated_at").pre_save(self, add=False)  # type: ignore[attr-defined]
        updated = type(self)._base_manager.filter(pk=self.pk, version=expected_version).update(
            version=models.F("version") + 1, **values
        )
        if not updated:
            current = type(self)._base_manager.filter(pk=self.pk).first()
            raise Conflict(
                _("该记录已被他人修改(当前版本 %(v)s),请查看最新内容后再保存。")
                % {"v": getattr(current, "version", "?")},
                details={"current_version": getattr(current, "version", None)},
            )
        self.version = expected_version + 1


# Registered here so that the core app owns its one table.
from xuncha.core.schedule import ScheduledRun  # noqa: E402,F401

"""The audit trail: append-only, each row chained to the previous one by SM3.

``hash = SM3(prev_hash || canonical(row))``; the head row remembers the last sequence number and
hash so that deleting the newest rows is detected too. The model refuses update and delete; on
PostgreSQL a trigger refuses them as well (migration 0002).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    DENIED = "denied", _("拒绝")
    FAILURE = "failure", _("失败")


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events are append-only")


class AuditEvent(models.Model):
    seq = models.BigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间(UTC)"), db_index=True)
    actor = models.ForeignKey(
        "accounts.User", verbose_name=_("操作人"), null=True, blank=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    actor_name = models.CharField(_("操作人"), max_length=120, blank=True)
    unit = models.ForeignKey(
        "organisations.Unit", verbose_name=_("单位"), null=True, blank=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    unit_name = models.CharField(_("单位"), max_length=120, blank=True)
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更摘要"), default=dict, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-seq"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")


class AuditHead(models.Model):
    """A single row: the chain's newest sequence number and hash, locked while appending."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single")]

    def __str__(self) -> str:
        return f"head #{self.last_seq} {self.last_hash[:12]}"

"""The in-app inbox (站内消息). Reminders from later parts of the product land here."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    SYSTEM = "system", _("系统")
    TASK = "task", _("待办")
    REMINDER = "reminder", _("提醒")
    WARNING = "warning", _("预警")


class Notification(models.Model):
    recipient = models.ForeignKey(
        "accounts.User", verbose_name=_("接收人"), on_delete=models.CASCADE,
        related_name="notifications",
    )
    category = models.CharField(
        _("类别"), max_length=10, choices=Category.choices, default=Category.SYSTEM
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    # Same key, same recipient → sent once: reminders run daily and must not repeat themselves.
    dedupe_key = models.CharField(max_length=120, blank=True, default="")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"], name="notif_unread",
                condition=Q(read_at__isnull=True),
            ),
            models.Index(fields=["recipient", "-created_at"], name="notif_inbox"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], condition=~Q(dedupe_key=""),
                name="notif_dedupe",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

"""Files attached to records: evidence of problems, progress reports, closures.

A file is stored outside static under MEDIA_ROOT with a random name, its type checked by content
(not by the name the uploader gave it), its size limited and its SM3 digest recorded. It is served
only through ``attachments:download``, which asks the scope check whether the user may see the
record the file belongs to.
"""

from __future__ import annotations

import uuid

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Attachment(models.Model):
    owner_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    owner_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("owner_type", "owner_id")
    # What the file is for within its owner ("evidence", "handover_form", …).
    purpose = models.CharField(_("用途"), max_length=30, default="evidence")
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=120)
    size = models.PositiveBigIntegerField(_("大小(字节)"))
    sm3 = models.CharField(_("SM3 摘要"), max_length=64, db_index=True)
    storage_name = models.CharField(max_length=200, editable=False)
    uploaded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="attachment_owner")]

    def __str__(self) -> str:
        return self.original_name

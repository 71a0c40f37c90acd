"""Storing and reading attachments.

Checks (security.md, "uploads"): the type is decided from the bytes (filetype), only an allow-list
of document and image types is accepted, the size is limited, the name the user gave is kept only
for display (the stored name is random, so no path trick reaches the disk), and the SM3 digest is
recorded so that a reused file shows up ("the same evidence pasted into many closures").
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.translation import gettext as _

from xuncha.attachments.models import Attachment
from xuncha.audit.chain import sm3_hex
from xuncha.audit.services import record
from xuncha.core.errors import ValidationFailed

if TYPE_CHECKING:
    from xuncha.accounts.models import User

ALLOWED_TYPES: dict[str, str] = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
}
TYPE_LABELS = "PDF、JPG、PNG、Word、Excel、PowerPoint"


def max_upload_bytes() -> int:
    return int(getattr(settings, "XUNCHA_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))


def clean_name(name: str) -> str:
    """Keeps a display name only: no directories, no control characters, bounded length."""
    base = os.path.basename(name.replace("\\", "/")).strip()
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = base.lstrip(".") or _("未命名文件")
    return base[:200]


def detect_type(head: bytes) -> str | None:
    kind = filetype.guess(head)
    if kind is None:
        return None
    mime = kind.mime
    # Old binary Office files are OLE containers; filetype names them by their first stream.
    if mime in ("application/x-ole-storage", "application/vnd.ms-office"):
        return "application/msword"
    return mime


def storage_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def attachment_add(
    *, actor: User, owner: models.Model, upload: UploadedFile, purpose: str = "evidence"
) -> Attachment:
    """Checks and stores one file for ``owner``. The caller has checked the actor may edit owner."""
    name = clean_name(upload.name or "")
    if upload.size is None or upload.size == 0:
        raise ValidationFailed(_("文件“%(n)s”是空的。") % {"n": name},
                               details=[{"field": "file", "message": _("文件为空。")}])
    if upload.size > max_upload_bytes():
        raise ValidationFailed(
            _("文件“%(n)s”大小 %(s).1f MB,超过上限 %(m).0f MB。")
            % {"n": name, "s": upload.size / 1048576, "m": max_upload_bytes() / 1048576},
            details=[{"field": "file", "message": _("文件过大。")}],
        )
    head = upload.read(8192)
    upload.seek(0)
    mime = detect_type(head)
    if mime not in ALLOWED_TYPES:
        raise ValidationFailed(
            _("文件“%(n)s”的内容不是允许的类型(只接受 %(t)s)。") % {"n": name, "t": TYPE_LABELS},
            details=[{"field": "file", "message": _("文件类型不允许。")}],
        )
    digest_src = b"".join(upload.chunks())
    upload.seek(0)
    digest = sm3_hex(digest_src)
    attachment = Attachment(
        owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk, purpose=purpose,
        original_name=name, content_type=mime, size=upload.size, sm3=digest, uploaded_by=actor,
    )
    attachment.storage_name = f"{attachment.key.hex[:2]}/{attachment.key.hex}{ALLOWED_TYPES[mime]}"
    path = storage_root() / attachment.storage_name
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(digest_src)
    try:
        with transaction.atomic():
            attachment.save()
            record(actor=actor, action="attachment.add", obj=owner,
                   changes={"file": [None, name], "sm3": [None, digest], "size": [None, upload.size]})
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return attachment


def attachments_of(owner: models.Model, purpose: str | None = None) -> models.QuerySet[Attachment]:
    qs = Attachment.objects.filter(
        owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk
    )
    if purpose:
        qs = qs.filter(purpose=purpose)
    return qs


def reused_elsewhere(attachment: Attachment) -> int:
    """How many other records carry a file with the same digest (a sign of paper rectification)."""
    return (
        Attachment.objects.filter(sm3=attachment.sm3)
        .exclude(owner_type=attachment.owner_type, owner_id=attachment.owner_id)
        .count()
    )


def open_file(attachment: Attachment):  # type: ignore[no-untyped-def]
    path = (storage_root() / attachment.storage_name).resolve()
    if storage_root().resolve() not in path.parents:
        raise FileNotFoundError(attachment.storage_name)
    return open(path, "rb")

"""Serving attachments only to those who may see the record they belong to."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest

from xuncha.accounts.scope import get_visible
from xuncha.attachments.models import Attachment
from xuncha.attachments.services import open_file
from xuncha.audit.services import record
from xuncha.core.errors import NotFound


@login_required
def download(request: HttpRequest, key: str) -> FileResponse:
    attachment = Attachment.objects.select_related("owner_type").filter(key=key).first()
    if attachment is None:
        raise NotFound()
    model = attachment.owner_type.model_class()
    if model is None:
        raise NotFound()
    owner = get_visible(request.user, model, pk=attachment.owner_id)  # 404 when not theirs
    record(actor=request.user, action="attachment.read", obj=owner,
           changes={"file": attachment.original_name}, request=request)
    try:
        fh = open_file(attachment)
    except FileNotFoundError:
        raise NotFound() from None
    response = FileResponse(fh, content_type=attachment.content_type)
    disposition = "inline" if attachment.content_type in ("application/pdf", "image/png",
                                                          "image/jpeg") else "attachment"
    response["Content-Disposition"] = (
        f"{disposition}; filename*=UTF-8''{quote(attachment.original_name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

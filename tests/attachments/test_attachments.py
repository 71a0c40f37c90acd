"""Uploads: type by content, size limit, no path tricks, served only to who may see the owner."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from xuncha.attachments.services import attachment_add, clean_name, reused_elsewhere
from xuncha.audit.chain import sm3_hex
from xuncha.core.errors import ValidationFailed

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504E470D0A1A0A0000000D4948445200000001000000010806000000")


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


def xlsx() -> bytes:
    buf = io.BytesIO()
    Workbook().save(buf)
    return buf.getvalue()


def test_pdf_is_stored_outside_static_with_its_sm3(world, media):
    a = attachment_add(actor=world.east_office, owner=world.units["east_town"],
                       upload=SimpleUploadedFile("整改方案.pdf", PDF))
    assert a.content_type == "application/pdf"
    assert a.sm3 == sm3_hex(PDF)
    stored = Path(media) / a.storage_name
    assert stored.read_bytes() == PDF
    assert Path(settings.STATIC_ROOT) not in stored.parents


@pytest.mark.parametrize(
    ("name", "data"),
    [("evil.pdf", b"MZ\x90\x00 this is an exe"), ("page.html", b"<html><script>x</script>"),
     ("notes.txt", b"just text"), ("fake.png", b"GIF89a....")],
)
def test_type_is_judged_by_content_not_by_name(world, name, data):
    with pytest.raises(ValidationFailed) as exc:
        attachment_add(actor=world.east_office, owner=world.units["east_town"],
                       upload=SimpleUploadedFile(name, data))
    assert "不是允许的类型" in exc.value.message


def test_office_and_images_are_accepted(world):
    for name, data in (("台账.xlsx", xlsx()), ("现场.png", PNG)):
        a = attachment_add(actor=world.east_office, owner=world.units["east_town"],
                           upload=SimpleUploadedFile(name, data))
        assert a.original_name == name


def test_oversized_and_empty_files_are_refused(world, settings):
    settings.XUNCHA_UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationFailed, match="超过上限"):
        attachment_add(actor=world.east_office, owner=world.units["east_town"],
                       upload=SimpleUploadedFile("a.pdf", PDF))
    with pytest.raises(ValidationFailed, match="空"):
        attachment_add(actor=world.east_office, owner=world.units["east_town"],
                       upload=SimpleUploadedFile("a.pdf", b""))


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\win.ini.pdf", "/abs/x.pdf",
                                  "a\x00b.pdf", "....pdf"])
def test_path_tricks_in_names_never_reach_the_disk(world, media, name):
    a = attachment_add(actor=world.east_office, owner=world.units["east_town"],
                       upload=SimpleUploadedFile(name, PDF))
    assert "/" not in a.original_name and "\\" not in a.original_name
    assert "\x00" not in a.original_name
    stored = (Path(media) / a.storage_name).resolve()
    assert Path(media).resolve() in stored.parents
    assert clean_name(name) == a.original_name


def test_download_is_served_to_who_may_see_the_owner_and_404_to_outsiders(world, client_for):
    a = attachment_add(actor=world.east_office, owner=world.units["east_town"],
                       upload=SimpleUploadedFile("方案.pdf", PDF))
    ok = client_for("east_director").get(f"/files/{a.key}/")
    assert ok.status_code == 200
    assert b"".join(ok.streaming_content) == PDF
    assert "sandbox" in ok["Content-Security-Policy"]
    assert client_for("west_office").get(f"/files/{a.key}/").status_code == 404
    assert client_for("auditor").get(f"/files/{a.key}/").status_code == 404


def test_the_same_file_on_two_records_is_noticed(world):
    a = attachment_add(actor=world.east_office, owner=world.units["east_town"],
                       upload=SimpleUploadedFile("a.pdf", PDF))
    attachment_add(actor=world.east_office, owner=world.units["east_village"],
                   upload=SimpleUploadedFile("b.pdf", PDF))
    assert reused_elsewhere(a) == 1

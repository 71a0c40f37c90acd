"""Leads after hand-over, built through the services, for the page tests: a lead about a town
official (东湖区青石镇) and one about a village cadre (escalated to the county by rule)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.inspections.helpers import on_site_inspection
from xuncha.leads import handling
from xuncha.leads.services import lead_register

NAME = "王建新"
POST = "青石镇财政所所长"
SUMMARY = "财政所长涉嫌违规发放补贴"
FACTS = "2022年青石镇财政所违规向班子成员发放加班补贴2.4万元,经手人为所长。"
NOTE = "核实发放清单与银行流水一致"
RESULT = "给予党内警告处分"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OUTSIDERS = ("west_director", "west_jiwei", "west_office", "west_leadership")


def html(response) -> str:
    return response.content.decode()


def pdf(name: str = "线索移交单.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def today():
    return timezone.localdate()


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def insp(world):
    return on_site_inspection(world)


@pytest.fixture
def lead(world, insp):
    """Registered by the team leader, not yet handed over."""
    return lead_register(actor=world.east_leader, inspection=insp, summary=SUMMARY, facts=FACTS,
                         persons=[{"name": NAME, "post": POST}])


@pytest.fixture
def village_lead(world):
    insp = on_site_inspection(world, "east_village")
    return lead_register(actor=world.east_leader, inspection=insp, summary="村支书虚报冒领补贴",
                         facts="村支书2023年虚报冒领耕地地力保护补贴3.2万元。",
                         persons=[{"name": "赵村干", "post": "村党支部书记",
                                   "is_village_cadre": True}])


@pytest.fixture
def transferred(world, lead):
    return handling.lead_transfer(actor=world.east_director, lead=lead)


@pytest.fixture
def received(world, transferred):
    return handling.lead_receive(actor=world.east_jiwei, lead=transferred)


def step(action: str, note: str = NOTE, result: str = "", on_date=None) -> dict[str, str]:
    return {"action": action, "on_date": (on_date or today()).isoformat(), "note": note,
            "result_summary": result}


def transfer_data(world, **extra) -> dict[str, object]:
    data: dict[str, object] = {
        "receiving_body": str(world.units["east_jiwei"].pk), "escalation": "",
        "escalation_reason": "", "priority": "on", "transferred_on": today().isoformat()}
    data.update(extra)
    return data

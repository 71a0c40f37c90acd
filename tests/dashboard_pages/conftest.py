"""A county with something behind every figure, built through the services: a plan of 东湖区青石镇
with a closed task, an overdue task and a not-started task (from an evaluation finding), a reported
evaluation, two concluded leads (one filed as a case), outcomes, a coverage plan and a monthly
return."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.evaluation.helpers import planned_evaluation
from tests.inspections.helpers import category, on_site_inspection
from xuncha.core import crypto
from xuncha.evaluation import services as evaluation
from xuncha.inspections import services as inspections
from xuncha.leads import handling
from xuncha.leads.services import lead_register
from xuncha.outcomes import services as outcomes
from xuncha.rectification import ledger
from xuncha.rectification.models import RectificationPlan, RectificationTask
from xuncha.reporting import services as reporting

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OUTSIDERS = ("auditor", "sysadmin", "secadmin")


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def keys(tmp_path, settings):
    settings.XUNCHA_SM4_KEY_FILE = str(tmp_path / "keys.json")
    crypto.reset_key_ring(None)
    yield
    crypto.reset_key_ring(None)


def _walk(world, lead, actions):
    today = timezone.localdate()
    for action in actions:
        extra = {"result_summary": "给予党内警告处分"} if action in ("conclude",
                                                                  "close_no_action") else {}
        lead = handling.lead_advance(actor=world.east_jiwei, lead=lead, action=action,
                                     on_date=today, note=f"{action} 办理情况", **extra)
    return lead


def build_scene(world) -> dict[str, int]:
    today = timezone.localdate()
    ev = planned_evaluation(world)
    plan = RectificationPlan.objects.get(inspection=ev.inspection)
    t1, t2 = list(plan.tasks.order_by("number"))
    evaluation.evaluation_notify(actor=world.east_office, evaluation=ev)
    ev = evaluation.evaluation_start(actor=world.east_jiwei, evaluation=ev)
    for item, s in zip(ev.items.order_by("number"), [90, 80, 50, 70, 60, 100, 40, 85],
                       strict=True):
        evaluation.item_score(actor=world.east_zzb, item=item, score=s, reason="依据现场核查情况评分")
    evaluation.evaluation_report(
        actor=world.east_office, evaluation=ev, summary="整改总体推进,但台账销号滞后。",
        findings=[{"category": category("0203"), "title": "组织生活会材料雷同",
                   "facts": "3名班子成员的对照检查材料内容雷同,存在抄袭现象。"}])
    t3 = RectificationTask.objects.get(problem__title="组织生活会材料雷同")
    # t1 closed after the visit (the rate moves), t2 overdue, t3 not started.
    ledger.progress_report(actor=world.east_contact, task=t1, text="已全部整改完成", percent=100,
                           files=[SimpleUploadedFile("a.pdf", PDF)])
    ledger.task_request_closure(actor=world.east_contact, task=t1, note="完成并有佐证")
    ledger.task_verify(actor=world.east_office, task=t1, method="document", result="passed",
                       note="材料齐全,予以销号")
    RectificationTask.objects.filter(pk=t2.pk).update(deadline=today - timedelta(days=5))
    RectificationTask.objects.filter(pk=t3.pk).update(deadline=today + timedelta(days=40))
    # Leads of a second round: one case, one closed without action.
    insp = on_site_inspection(world, "east_bureau")
    leads = [lead_register(actor=world.east_leader, inspection=insp, summary=f"违规发放补贴{i}",
                           facts="镇财政所2022年违规向班子成员发放补贴2.4万元。",
                           persons=[{"name": "李某某", "post": "财政所所长"}]) for i in (1, 2)]
    for i, lead in enumerate(leads):
        lead = handling.lead_transfer(actor=world.east_director, lead=lead)
        lead = handling.lead_receive(actor=world.east_jiwei, lead=lead)
        if i == 0:
            lead = _walk(world, lead, ["verify", "file_case", "to_trial", "sanction"])
            handling.lead_sanction_add(actor=world.east_jiwei, lead=lead,
                                       person=lead.persons.first(), kind="party",
                                       detail="党内警告", decided_on=today)
            _walk(world, lead, ["conclude"])
        else:
            _walk(world, lead, ["close_no_action"])
    problem = t1.problem
    outcomes.accountability_add(actor=world.east_office, unit=world.units["east_town"],
                                person_name="李四", post="党政办主任", responsibility="direct",
                                form="first", measure="批评教育", decided_on=date(2024, 6, 1),
                                deciding_body="镇纪委", problem=problem)
    outcomes.institution_add(actor=world.east_contact, unit=world.units["east_town"],
                             name="《公务接待管理办法》", issued_on=date(2024, 6, 1),
                             problems=[problem])
    outcomes.funds_add(actor=world.east_contact, unit=world.units["east_town"], amount="12800.50",
                       payer_or_payee="违规领取人员", recorded_on=date(2024, 6, 2), problem=problem)
    inspections.coverage_plan_build(actor=world.east_office, term=world.terms["east"],
                                    planned_rounds=6)
    month = today.replace(day=1) - timedelta(days=1)
    reporting.return_prepare(actor=world.east_office, reporter=world.units["east"], month=month)
    return {"plan": plan.pk, "closed": t1.pk, "overdue": t2.pk, "not_started": t3.pk,
            "evaluation": ev.pk}


@pytest.fixture
def scene(world, keys):
    return build_scene(world)


FIGURE_LINK = re.compile(
    r'<a [^>]*href="(?P<href>[^"]+)"[^>]*data-figure-link="(?P<key>[a-z_]+)"[^>]*'
    r'data-part="(?P<part>[a-z]+)"[^>]*data-value="(?P<value>[^"]*)"')


def figure_links(html: str) -> list[dict[str, str]]:
    return [{**m.groupdict(), "href": unescape(m.group("href"))} for m in FIGURE_LINK.finditer(html)]


def item_rows(html: str) -> int:
    return len(re.findall(r"<tr data-item=", html))


def page_count(html: str) -> int:
    return int(re.search(r'data-count="(\d+)"', html).group(1))

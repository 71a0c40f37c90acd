"""Every evaluation and survey page renders for a role that may use it and is refused (404/403)
to outsiders: the other county's office, discipline commission and unit, the auditor and the
system administrator. No page carries inline script or event-handler attributes (CSP)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from tests.evaluation_pages.conftest import OUTSIDERS, html
from xuncha.evaluation import inquiry
from xuncha.evaluation.models import Consequence


@pytest.fixture
def scene(world, on_site, survey):
    m = inquiry.meeting_record(actor=world.east_office, committee=world.units["east"],
                               held_on=timezone.localdate(), title="巡察整改质询会",
                               reporting_units=[world.units["east_town"]])
    c = Consequence.objects.create(evaluation=on_site, kind="briefing", person="东湖区青石镇党委书记",
                                   on_date=timezone.localdate(), reason="整改滞后",
                                   recorded_by=world.east_office)
    return {"e": on_site.pk, "s": survey.pk, "m": m.pk, "c": c.pk}


PAGES = [
    ("/evaluation/{e}/", "east_office"),
    ("/evaluation/{e}/", "east_jiwei"),
    ("/evaluation/{e}/check/", "east_zzb"),
    ("/evaluation/{e}/score/", "east_jiwei"),
    ("/evaluation/{e}/report/", "east_office"),
    ("/evaluation/{e}/consequences/", "east_office"),
    ("/evaluation/surveys/{s}/", "east_office"),
    ("/evaluation/surveys/{s}/codes/", "east_office"),
    ("/evaluation/surveys/{s}/paper/", "east_office"),
    ("/evaluation/surveys/{s}/results/", "east_jiwei"),
    ("/evaluation/meetings/{m}/", "east_office"),
]
LISTS = [("/evaluation/", "east_office"), ("/evaluation/", "east_zzb"),
         ("/evaluation/plan/", "east_office"), ("/evaluation/meetings/", "east_jiwei"),
         ("/evaluation/meetings/add/", "east_office"), ("/evaluation/rubric/", "east_office")]


@pytest.mark.parametrize(("path", "actor"), PAGES)
def test_page_renders_for_a_member_or_the_office(client_for, scene, path, actor):
    r = client_for(actor).get(path.format(**scene))
    assert r.status_code == 200, (path, r.status_code)
    assert "东湖区青石镇" in html(r)


@pytest.mark.parametrize(("path", "actor"), PAGES)
def test_page_is_refused_to_outsiders(client_for, scene, path, actor):
    for outsider in OUTSIDERS:
        r = client_for(outsider).get(path.format(**scene))
        assert r.status_code in (403, 404), (path, outsider, r.status_code)
        assert "东湖区青石镇" not in html(r)


@pytest.mark.parametrize("path", ["/evaluation/{e}/notify/", "/evaluation/{e}/start/",
                                  "/evaluation/{e}/check/1/", "/evaluation/{e}/consequences/{c}/done/",
                                  "/evaluation/{e}/surveys/open/", "/evaluation/surveys/{s}/close/"])
def test_posts_are_refused_to_outsiders(client_for, scene, path):
    for outsider in OUTSIDERS:
        r = client_for(outsider).post(path.format(**scene))
        assert r.status_code in (403, 404), (path, outsider, r.status_code)


@pytest.mark.parametrize(("path", "actor"), LISTS)
def test_lists_and_forms_render(client_for, scene, path, actor):
    assert client_for(actor).get(path).status_code == 200


@pytest.mark.parametrize("path", ["/evaluation/", "/evaluation/meetings/", "/evaluation/rubric/",
                                  "/evaluation/plan/", "/evaluation/meetings/add/"])
@pytest.mark.parametrize("outsider", ["auditor", "sysadmin"])
def test_lists_are_refused_to_the_separated_administrators(client_for, scene, path, outsider):
    assert client_for(outsider).get(path).status_code == 403


def test_planning_is_refused_to_reviewers_without_the_office_right(client_for, scene):
    assert client_for("east_jiwei").get("/evaluation/plan/").status_code == 403
    assert client_for("east_contact").get("/evaluation/plan/").status_code == 403


def test_lists_of_the_other_county_show_nothing_of_this_one(client_for, scene):
    for path in ("/evaluation/", "/evaluation/meetings/"):
        page = html(client_for("west_office").get(path))
        assert "东湖区青石镇" not in page and "巡察整改质询会" not in page


def test_the_unit_itself_does_not_see_its_evaluation(client_for, scene):
    """The evaluated unit is told by notice; the visit's workings are the reviewers'."""
    assert client_for("east_contact").get("/evaluation/{e}/".format(**scene)).status_code == 404


def test_navigation_shows_the_evaluation_section_to_the_office_only(client_for, scene):
    page = html(client_for("east_office").get("/evaluation/"))
    assert "评估计划" in page and "质询会" in page and "评分表模板" in page
    assert "评估计划" not in html(client_for("auditor").get("/"))


@pytest.mark.parametrize(("path", "actor"), PAGES + LISTS)
def test_pages_carry_no_inline_script_or_event_handler(client_for, scene, path, actor):
    r = client_for(actor).get(path.format(**scene))
    page = html(r)
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert "src=" in tag and "nonce=" in tag, tag
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", page)

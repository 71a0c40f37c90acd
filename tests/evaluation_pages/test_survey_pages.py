"""The survey pages: the printable code sheet, paper entry, results hidden below the minimum, and
the public answering page — no login, nothing written but the answer, no session."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.evaluation_pages.conftest import ANSWERS, html
from xuncha.audit.models import AuditEvent
from xuncha.surveys import services
from xuncha.surveys.models import SurveyCode, SurveyResponse


def public(survey) -> str:
    return f"/s/{survey.slug}/"


def test_code_sheet_has_one_qr_code_per_slip_and_says_codes_show_once(client_for, survey):
    r = client_for("east_office").post(f"/evaluation/surveys/{survey.pk}/codes/", {"count": "20"})
    page = html(r)
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    assert len(re.findall(r"<svg viewBox=[^>]*class=\"segno\"", page)) == 20
    assert page.count('class="ev-slip"') == 20 and page.count('class="ev-sheet"') == 2
    assert "只在本页显示这一次" in page
    codes = re.findall(r"<span>(\w{5})</span> <span>(\w{5})</span>", page)
    assert len(codes) == 20 and SurveyCode.objects.filter(survey=survey).count() == 20
    # The QR codes open the https answering address with the code.
    assert f"https://testserver/s/{survey.slug}/" in page
    assert not any(a + b in SurveyCode.objects.values_list("digest", flat=True) for a, b in codes)


def test_code_sheet_refuses_a_bad_count(client_for, survey):
    r = client_for("east_office").post(f"/evaluation/surveys/{survey.pk}/codes/", {"count": "0"})
    assert r.status_code == 422 and not SurveyCode.objects.exists()


def test_reviewers_without_the_office_right_cannot_print_codes(client_for, survey):
    assert client_for("east_jiwei").post(f"/evaluation/surveys/{survey.pk}/codes/",
                                         {"count": "3"}).status_code == 403


def test_public_page_needs_no_login_and_prefills_the_code(survey):
    r = Client().get(public(survey) + "?c=ABCDE23456")
    page = html(r)
    assert r.status_code == 200
    assert 'value="ABCDE23456"' in page
    for q in survey.questions:
        assert q["text"] in page
    assert not r.cookies and "csrfmiddlewaretoken" not in page


def test_public_answer_writes_no_audit_and_sets_no_session(world, survey):
    code = services.codes_issue(actor=world.east_office, survey=survey, count=1)[0]
    before = AuditEvent.objects.count()
    c = Client(enforce_csrf_checks=True)
    r = c.post(public(survey), {"code": code, **ANSWERS, "q7": "希望加强整改公开"})
    assert r.status_code == 302 and r["Location"] == f"/s/{survey.slug}/done/"
    assert AuditEvent.objects.count() == before
    assert "sessionid" not in r.cookies and not r.cookies
    assert SurveyResponse.objects.count() == 1
    r = c.get(r["Location"])
    assert "感谢您的参与" in html(r) and not r.cookies


def test_a_reused_code_is_refused(world, survey):
    code = services.codes_issue(actor=world.east_office, survey=survey, count=1)[0]
    Client().post(public(survey), {"code": code, **ANSWERS})
    r = Client().post(public(survey), {"code": code, **ANSWERS})
    assert r.status_code == 422
    assert "该测评码已经使用过,每个测评码只能提交一次。" in html(r)
    assert SurveyResponse.objects.count() == 1


def test_a_missing_answer_is_named_and_the_answers_kept(world, survey):
    code = services.codes_issue(actor=world.east_office, survey=survey, count=1)[0]
    answers = dict(ANSWERS)
    del answers["q3"]
    r = Client().post(public(survey), {"code": code, **answers, "q7": "多听群众意见"})
    page = html(r)
    assert r.status_code == 422
    assert "第 3 题未作答" in page and 'href="#q3"' in page
    assert re.search(r'value="比较满意"[^>]*checked', page)  # question 4 stays answered
    assert "多听群众意见" in page and f'value="{code}"' in page
    assert not SurveyCode.objects.get().used and not SurveyResponse.objects.exists()


def test_unknown_or_closed_survey_is_a_plain_404_without_audit(world, survey):
    before = AuditEvent.objects.count()
    assert Client().get("/s/no-such-survey/").status_code == 404
    services.survey_close(actor=world.east_office, survey=survey)
    after_close = AuditEvent.objects.count()
    assert Client().get(public(survey)).status_code == 404
    assert AuditEvent.objects.count() == after_close == before + 1  # only the office's close


@pytest.mark.parametrize(("answers", "visible"), [(4, False), (5, True)])
def test_results_are_hidden_below_the_minimum(world, client_for, survey, answers, visible):
    codes = services.codes_issue(actor=world.east_office, survey=survey, count=answers)
    for code in codes:
        services.answer_submit(slug=survey.slug, code=code,
                               answers={k[1:]: v for k, v in ANSWERS.items()})
    page = html(client_for("east_office").get(f"/evaluation/surveys/{survey.pk}/results/"))
    if visible:
        assert "各方面满意度" in page and "总体满意度" in page and "100.00%" in page
        assert re.search(r"<th scope=\"row\">满意</th>.*?<td class=\"num\">5</td>", page, re.S)
    else:
        assert "已收到 4 份,不足 5 份不显示结果" in page
        assert "满意度" not in page.split("已收到 4 份")[1]
        assert "比较满意" not in page


def test_paper_forms_are_typed_in_one_at_a_time(client_for, survey):
    c = client_for("east_office")
    r = c.post(f"/evaluation/surveys/{survey.pk}/paper/", {**ANSWERS, "q2": ""})
    assert r.status_code == 422 and "第 2 题未作答" in html(r)
    r = c.post(f"/evaluation/surveys/{survey.pk}/paper/", ANSWERS, follow=True)
    assert "已录入 1 份纸质测评表" in html(r) and "录入第 2 份纸质表" in html(r)
    assert SurveyResponse.objects.get().source == "paper"


def test_opening_a_survey_from_the_visit(world, client_for, planned):
    r = client_for("east_office").post(f"/evaluation/{planned.pk}/surveys/open/")
    assert r.status_code == 302 and "/evaluation/surveys/" in r["Location"]
    assert "巡察整改满意度测评" in html(client_for("east_office").get(r["Location"]))

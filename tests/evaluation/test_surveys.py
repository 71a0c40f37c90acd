"""Anonymity of the satisfaction survey: nothing links an answer to a code, user, request or time;
the order of answers cannot be recovered; results hidden below the minimum."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.db import connection

from tests.evaluation.helpers import planned_evaluation
from xuncha.core.errors import ValidationFailed
from xuncha.surveys import services
from xuncha.surveys.models import SurveyCode, SurveyResponse


@pytest.fixture
def survey(world):
    ev = planned_evaluation(world)
    return services.survey_open(actor=world.east_office, evaluation=ev)


def answers(overall: str = "满意", comment: str = "") -> dict[str, str]:
    a = {"1": "知道", "2": overall, "3": "满意", "4": "比较满意", "5": "基本满意", "6": "满意"}
    if comment:
        a["7"] = comment
    return a


def test_answer_table_has_no_column_linking_to_code_user_request_or_time(db):
    columns = {f.column for f in SurveyResponse._meta.concrete_fields}
    assert columns == {"id", "survey_id", "answers", "source"}
    code_columns = {f.column for f in SurveyCode._meta.concrete_fields}
    assert code_columns == {"id", "survey_id", "digest", "used"}
    with connection.cursor() as cur:
        desc = connection.introspection.get_table_description(cur, "surveys_surveyresponse")
    assert {c.name for c in desc} == {"id", "survey_id", "answers", "source"}


def test_each_code_works_once_and_codes_are_stored_hashed(world, survey):
    codes = services.codes_issue(actor=world.east_office, survey=survey, count=3)
    stored = set(SurveyCode.objects.values_list("digest", flat=True))
    assert not set(codes) & stored and all(len(d) == 64 for d in stored)
    for c in codes:
        services.answer_submit(slug=survey.slug, code=c, answers=answers())
    with pytest.raises(ValidationFailed, match="已经使用过"):
        services.answer_submit(slug=survey.slug, code=codes[0], answers=answers())
    with pytest.raises(ValidationFailed, match="无效"):
        services.answer_submit(slug=survey.slug, code="AAAAAAAAAA", answers=answers())
    assert SurveyResponse.objects.count() == 3


def test_answers_submitted_in_a_known_order_cannot_be_ordered_back(world, survey):
    codes = services.codes_issue(actor=world.east_office, survey=survey, count=12)
    order = [f"第{i}位" for i in range(12)]
    for c, marker in zip(codes, order, strict=True):
        services.answer_submit(slug=survey.slug, code=c, answers=answers(comment=marker))
    by_pk = [r.answers["7"] for r in SurveyResponse.objects.order_by("pk")]
    with connection.cursor() as cur:
        cur.execute("SELECT answers FROM surveys_surveyresponse")
        physical = [r[0] for r in cur.fetchall()]
    assert by_pk != order and sorted(by_pk) == sorted(order)
    physical_markers = [(json.loads(p) if isinstance(p, str) else p)["7"] for p in physical]
    assert physical_markers != order


def test_with_four_answers_results_show_nothing_with_five_they_show(world, survey):
    codes = services.codes_issue(actor=world.east_office, survey=survey, count=5)
    for c in codes[:4]:
        services.answer_submit(slug=survey.slug, code=c, answers=answers())
    r = services.results(survey)
    assert not r.visible and r.by_question == [] and r.satisfaction is None and r.count == 4
    services.answer_submit(slug=survey.slug, code=codes[4], answers=answers("不满意"))
    r = services.results(survey)
    assert r.visible and r.satisfaction == {"numerator": 4, "denominator": 5, "percent": 80.0}


def test_paper_forms_count_the_same_way(world, survey):
    for _ in range(5):
        services.paper_enter(actor=world.east_office, survey=survey, answers=answers())
    assert services.results(survey).satisfaction["denominator"] == 5


def test_unanswered_choice_is_named(world, survey):
    codes = services.codes_issue(actor=world.east_office, survey=survey, count=1)
    bad = answers()
    del bad["3"]
    with pytest.raises(ValidationFailed) as exc:
        services.answer_submit(slug=survey.slug, code=codes[0], answers=bad)
    assert exc.value.details[0]["field"] == "q3"
    assert not SurveyCode.objects.get().used  # nothing lost: the code still works


def test_submissions_write_no_audit_row(world, survey):
    from xuncha.audit.models import AuditEvent

    codes = services.codes_issue(actor=world.east_office, survey=survey, count=1)
    before = AuditEvent.objects.count()
    services.answer_submit(slug=survey.slug, code=codes[0], answers=answers())
    assert AuditEvent.objects.count() == before
    assert date.today() - timedelta(days=1)

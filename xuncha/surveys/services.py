"""Running an anonymous survey: codes, answering with no login, paper entry, results.

What is deliberately *not* done: an answer is not written to the audit trail (which records IP and
time), no session or cookie is tied to it, and nothing about the code survives except its "used"
flag. The office's actions around a survey (opening it, printing codes, typing in paper forms,
closing it) are audited as usual.
"""

from __future__ import annotations

import hmac
import random
import secrets
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.accounts import scope
from xuncha.audit.chain import sm3_hex
from xuncha.audit.services import record
from xuncha.core.errors import Conflict, ValidationFailed
from xuncha.organisations.rules import rules_for
from xuncha.surveys.models import (
    RATING_OPTIONS,
    SATISFIED,
    QuestionKind,
    Questionnaire,
    ResponseSource,
    Survey,
    SurveyCode,
    SurveyResponse,
    SurveyStatus,
    TemplateQuestion,
)

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.evaluation.models import Evaluation
    from xuncha.organisations.models import Unit

# No 0/O, 1/I/L: codes are read off paper slips.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10

DEFAULT_QUESTIONS: tuple[dict[str, Any], ...] = (
    {"text": "您是否知道本单位被巡察反馈的主要问题?", "kind": QuestionKind.CHOICE,
     "options": ["知道", "知道一部分", "不知道"], "area": ""},
    {"text": "您对本单位巡察整改工作的总体评价", "kind": QuestionKind.RATING,
     "options": RATING_OPTIONS, "area": "总体", "is_overall": True},
    {"text": "对政治建设方面问题的整改", "kind": QuestionKind.RATING, "options": RATING_OPTIONS,
     "area": "政治建设"},
    {"text": "对组织建设方面问题的整改", "kind": QuestionKind.RATING, "options": RATING_OPTIONS,
     "area": "组织建设"},
    {"text": "对作风建设方面问题的整改", "kind": QuestionKind.RATING, "options": RATING_OPTIONS,
     "area": "作风建设"},
    {"text": "对落实全面从严治党责任方面问题的整改", "kind": QuestionKind.RATING,
     "options": RATING_OPTIONS, "area": "全面从严治党责任"},
    {"text": "您对整改工作还有什么意见和建议?", "kind": QuestionKind.TEXT, "options": [], "area": ""},
)


def default_questionnaire(committee: Unit) -> Questionnaire:
    q = Questionnaire.objects.filter(committee=committee, is_default=True).first()
    if q is not None:
        return q
    q = Questionnaire.objects.create(committee=committee, name=_("巡察整改满意度测评表"),
                                     is_default=True)
    TemplateQuestion.objects.bulk_create([
        TemplateQuestion(questionnaire=q, number=i, text=d["text"], kind=d["kind"],
                         options=d["options"], area=d["area"],
                         is_overall=d.get("is_overall", False))
        for i, d in enumerate(DEFAULT_QUESTIONS, start=1)
    ])
    return q


def code_digest(survey: Survey, code: str) -> str:
    return sm3_hex((survey.salt + "|" + code.strip().upper().replace("-", "").replace(" ", ""))
                   .encode())


@transaction.atomic
def survey_open(*, actor: User, evaluation: Evaluation, questionnaire: Questionnaire | None = None,
                title: str = "") -> Survey:
    scope.require(actor, "surveys.manage_survey", evaluation.unit)
    from xuncha.organisations.rules import committee_of

    q = questionnaire or default_questionnaire(committee_of(evaluation.unit))
    questions = [{"number": t.number, "text": t.text, "kind": t.kind, "options": t.options,
                  "area": t.area, "is_overall": t.is_overall} for t in q.questions.all()]
    survey = Survey.objects.create(
        evaluation=evaluation, unit=evaluation.unit, questions=questions,
        title=title or _("%(u)s巡察整改满意度测评") % {"u": evaluation.unit.name},
        slug=secrets.token_urlsafe(9), salt=secrets.token_hex(32),
        min_answers=rules_for(evaluation.unit).survey_min_answers)
    record(actor=actor, action="survey.open", obj=survey, changes={"questions": len(questions)})
    return survey


@transaction.atomic
def codes_issue(*, actor: User, survey: Survey, count: int) -> list[str]:
    """Makes ``count`` one-time codes and returns them once, for the printed slips."""
    scope.require(actor, "surveys.manage_survey", survey.unit)
    if survey.status != SurveyStatus.OPEN:
        raise Conflict(_("测评已结束。"))
    if not 1 <= count <= 2000:
        raise ValidationFailed(_("一次可生成 1 至 2000 个测评码。"),
                               details=[{"field": "count", "message": ""}])
    codes: list[str] = []
    while len(codes) < count:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if code not in codes:
            codes.append(code)
    SurveyCode.objects.bulk_create([SurveyCode(survey=survey, digest=code_digest(survey, c))
                                    for c in codes])
    record(actor=actor, action="survey.codes", obj=survey, changes={"count": count})
    return codes


def _clean_answers(survey: Survey, raw: dict[str, Any]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    errors = []
    for q in survey.questions:
        key = str(q["number"])
        value = raw.get(key)
        value = value.strip() if isinstance(value, str) else value
        if q["kind"] == QuestionKind.TEXT:
            if value:
                answers[key] = str(value)[:1000]
            continue
        if not value:
            errors.append({"field": f"q{key}", "message": _("第 %(n)s 题未作答。") % {"n": key}})
        elif value not in q["options"]:
            errors.append({"field": f"q{key}", "message": _("第 %(n)s 题的选项无效。") % {"n": key}})
        else:
            answers[key] = value
    if errors:
        raise ValidationFailed(_("请完成所有选择题后再提交。"), details=errors)
    return answers


def _store(survey: Survey, answers: dict[str, Any], source: str) -> None:
    """Adds one answer and rewrites the survey's answers in a random order (see models)."""
    existing = list(SurveyResponse.objects.filter(survey=survey).values_list("answers", "source"))
    existing.append((answers, source))
    random.SystemRandom().shuffle(existing)
    SurveyResponse.objects.filter(survey=survey).delete()
    SurveyResponse.objects.bulk_create([SurveyResponse(survey=survey, answers=a, source=s)
                                        for a, s in existing])


@transaction.atomic
def answer_submit(*, slug: str, code: str, answers: dict[str, Any]) -> None:
    """Anonymous: no actor, no request, no audit row. A code works once."""
    survey = Survey.objects.select_for_update().filter(slug=slug).first()
    if survey is None or survey.status != SurveyStatus.OPEN:
        raise ValidationFailed(_("该测评不存在或已结束。"), details=[{"field": "code", "message": ""}])
    digest = code_digest(survey, code)
    row = SurveyCode.objects.select_for_update().filter(survey=survey, digest=digest).first()
    # Compare in constant time even though the lookup was by digest, so timing tells nothing.
    if row is None or not hmac.compare_digest(row.digest, digest):
        raise ValidationFailed(_("测评码无效,请核对纸条上的测评码。"),
                               details=[{"field": "code", "message": _("测评码无效。")}])
    if row.used:
        raise ValidationFailed(_("该测评码已经使用过,每个测评码只能提交一次。"),
                               details=[{"field": "code", "message": _("测评码已使用。")}])
    clean = _clean_answers(survey, answers)
    SurveyCode.objects.filter(pk=row.pk).update(used=True)
    _store(survey, clean, ResponseSource.ONLINE)


@transaction.atomic
def paper_enter(*, actor: User, survey: Survey, answers: dict[str, Any]) -> None:
    """Types in one paper form; counted the same way as online answers."""
    scope.require(actor, "surveys.manage_survey", survey.unit)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.OPEN:
        raise Conflict(_("测评已结束。"))
    _store(survey, _clean_answers(survey, answers), ResponseSource.PAPER)
    record(actor=actor, action="survey.paper_entry", obj=survey)


@transaction.atomic
def survey_close(*, actor: User, survey: Survey) -> Survey:
    scope.require(actor, "surveys.manage_survey", survey.unit)
    survey.status = SurveyStatus.CLOSED
    survey.save(update_fields=["status", "updated_at"])
    record(actor=actor, action="survey.close", obj=survey)
    return survey


@dataclass
class SurveyResults:
    visible: bool
    count: int
    min_answers: int
    codes_issued: int = 0
    codes_used: int = 0
    by_question: list[dict[str, Any]] = field(default_factory=list)
    satisfaction: dict[str, Any] | None = None
    comments: list[str] = field(default_factory=list)


def results(survey: Survey) -> SurveyResults:
    """Counts by option; nothing at all below the minimum number of answers."""
    rows = list(SurveyResponse.objects.filter(survey=survey).values_list("answers", flat=True))
    out = SurveyResults(visible=len(rows) >= survey.min_answers, count=len(rows),
                        min_answers=survey.min_answers,
                        codes_issued=survey.codes.count(),
                        codes_used=survey.codes.filter(used=True).count())
    if not out.visible:
        return out
    for q in survey.questions:
        key = str(q["number"])
        if q["kind"] == QuestionKind.TEXT:
            out.comments.extend(sorted(a[key] for a in rows if a.get(key)))
            continue
        counts = Counter(a.get(key) for a in rows if a.get(key))
        total = sum(counts.values())
        entry = {"number": q["number"], "text": q["text"], "area": q["area"],
                 "options": [{"option": o, "count": counts.get(o, 0)} for o in q["options"]],
                 "total": total}
        if q["kind"] == QuestionKind.RATING:
            satisfied = sum(counts.get(o, 0) for o in SATISFIED)
            entry["satisfied"] = satisfied
            entry["satisfaction"] = round(100 * satisfied / total, 2) if total else None
            if q.get("is_overall"):
                out.satisfaction = {"numerator": satisfied, "denominator": total,
                                    "percent": entry["satisfaction"]}
        out.by_question.append(entry)
    return out


def qr_svg(url: str) -> str:
    """The QR code of a slip, as inline SVG (segno; no image files, no scripts)."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=3)

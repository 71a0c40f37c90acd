"""The inspection work of the demo: the same for the same seed, every stage present, and the
figures agreeing with counts made here directly from the rows.

The demo is built twice for the whole module (about half the time of these tests): once to compare,
once to keep for the other tests; both builds are rolled back at the end.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.accounts.roles import BUILTIN_ROLES
from xuncha.attachments.services import reused_elsewhere
from xuncha.audit.verify import verify_chain
from xuncha.core import crypto
from xuncha.dashboards import figures
from xuncha.demo.generator import build_demo
from xuncha.demo.logins import logins_report
from xuncha.evaluation.models import (
    CheckMark,
    Consequence,
    ConsequenceKind,
    Evaluation,
    EvaluationStatus,
    InquiryQuestion,
)
from xuncha.evaluation.services import notify_due_visits
from xuncha.findings.models import Problem, ProblemOrigin, ProblemState
from xuncha.inspections.models import (
    ConflictOverride,
    Inspection,
    InspectionStatus,
    IntakeItem,
    Round,
    RoundKind,
)
from xuncha.inspections.selectors import KIND_GROUPS, coverage_summary
from xuncha.inspections.services import COVERED_KINDS
from xuncha.leads.models import Escalation, Lead, LeadSanction, LeadStage
from xuncha.organisations.models import Term, Unit, UnitLevel
from xuncha.outcomes.models import AccountabilityRecord, FundsRecovery, Institution
from xuncha.outcomes.services import accountability_warnings
from xuncha.rectification.models import (
    PlanReview,
    RectificationPlan,
    RectificationReport,
    RectificationTask,
    RectReportStatus,
    SampleDraw,
    TaskStatus,
    Verification,
)
from xuncha.reporting.models import AssignmentStatus, CityAssignment, MonthlyReturn, ReturnStatus
from xuncha.reports.models import FeedbackSignature, ReportStatus, ReportVersion
from xuncha.surveys.models import ResponseSource, SurveyResponse
from xuncha.surveys.services import results


def _snapshot() -> dict[str, object]:
    counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()
              if m.__module__.startswith("xuncha.")}
    return {
        "counts": counts,
        "units": list(Unit.objects.order_by("code").values_list("code", "name")),
        "users": list(User.objects.order_by("username").values_list("username", "name", "unit__code")),
        "rounds": list(Round.objects.order_by("term__unit__code", "number")
                       .values_list("term__unit__code", "number", "kind", "theme", "entry_date")),
        "problems": list(Problem.objects.order_by("unit__code", "inspection__round__number", "number")
                         .values_list("unit__code", "number", "title", "state")),
        "tasks": list(RectificationTask.objects.order_by("unit__code", "plan__inspection__round__number",
                                                         "number")
                      .values_list("unit__code", "number", "status", "deadline")),
        "leads": list(Lead.objects.order_by("unit__code", "number")
                      .values_list("unit__code", "number", "stage", "escalation")),
    }


class _Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    with django_db_blocker.unblock(), override_settings(
            MEDIA_ROOT=folder / "uploads", XUNCHA_SM4_KEY_FILE=str(folder / "keys.json")):
        crypto.reset_key_ring(None)
        try:
            with transaction.atomic():
                build_demo(seed=2026)
                first = _snapshot()
                raise _Rollback
        except _Rollback:
            pass
        outer = transaction.atomic()
        outer.__enter__()
        try:
            summary = build_demo(seed=2026)
            yield {"first": first, "second": _snapshot(), "summary": summary, "folder": folder}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            crypto.reset_key_ring(None)


def test_same_seed_gives_the_same_work(demo, db):
    first, second = demo["first"], demo["second"]
    assert first["counts"] == second["counts"]
    for key in ("units", "users", "rounds", "problems", "tasks", "leads"):
        assert first[key] == second[key], key
    assert second["counts"]["inspections.Inspection"] == 36


def test_summary_and_logins_after_the_full_build(demo, db):
    text = demo["summary"].describe()
    assert "巡察工作：轮次 8，巡察对象 36" in text
    report = logins_report()
    table = report.split("登录名", 1)[1]
    for role in BUILTIN_ROLES:
        assert f" {role.name} " in table, role.name
    assert "jiangcheng_jiwei" in report and "donghu_director" in report


def test_accounts_made_for_the_targets_follow_the_password_rules(demo, db):
    from django.contrib.auth.password_validation import validate_password

    from xuncha.demo.generator import DEMO_PASSWORD

    heads = User.objects.filter(assignments__role__code__in=["unit_head", "unit_contact"])
    assert heads.count() > 40
    for user in heads:
        assert not user.must_change_password
        validate_password(DEMO_PASSWORD, User(username=user.username, name=user.name))


def test_audit_chain_verifies(demo, db):
    result = verify_chain()
    assert result.ok, result.message()
    assert result.checked > 2000


def test_coverage_figures_match_a_direct_count(demo, db):
    for county in Unit.objects.filter(level=UnitLevel.COUNTY):
        term = Term.objects.filter(unit=county, coverage_plan__isnull=False).get()
        director = User.objects.get(username=f"{county.code.split('-')[1].lower()}_director")
        summary = coverage_summary(user=director, term=term)
        statuses: dict[int, set[str]] = {}
        for unit_id, status in Inspection.objects.filter(round__term=term).values_list(
                "unit_id", "status"):
            statuses.setdefault(unit_id, set()).add(status)
        expected = {}
        for label, kinds in KIND_GROUPS:
            units = [u for u in Unit.objects.filter(path__startswith=county.path, is_active=True,
                                                    kind__in=COVERED_KINDS)
                     if u.kind in kinds]
            covered = [u for u in units if statuses.get(u.pk, set()) - {InspectionStatus.PREPARING}]
            planned = [u for u in units if statuses.get(u.pk) == {InspectionStatus.PREPARING}]
            if units:
                expected[label] = (len(units), len(covered), len(planned))
        got = {r.label: (r.total, r.covered, r.planned) for r in summary.rows}
        assert got == expected
        assert sum(c for _t, c, _p in expected.values()) > 0
        assert summary.rounds_held == Round.objects.filter(term=term).count() == 4
        assert summary.remaining_rounds == 6
    # 西山县's fourth round is in 筹备: its targets are planned, not covered
    assert any(r.planned for r in coverage_summary(
        user=User.objects.get(username="xishan_director"),
        term=Term.objects.get(unit__name="西山县", coverage_plan__isnull=False)).rows)


def test_rectification_rate_matches_a_direct_count(demo, db):
    fed_back = rectified = 0
    for p in Problem.objects.select_related("inspection"):
        if p.state != ProblemState.ACTIVE or p.inspection.status not in (
                InspectionStatus.RECTIFYING, InspectionStatus.EVALUATING, InspectionStatus.ARCHIVED):
            continue
        fed_back += 1
        statuses = [t.status for t in p.tasks.all()]
        if statuses and all(s == TaskStatus.CLOSED for s in statuses):
            rectified += 1
    rate = figures.rectification_rate(Problem.objects.all())
    assert (rate.numerator, rate.denominator) == (rectified, fed_back)
    assert 0 < rectified < fed_back
    for county in Unit.objects.filter(level=UnitLevel.COUNTY):
        part = figures.rectification_rate(Problem.objects.filter(county=county))
        assert 0 < part.numerator < part.denominator


def test_every_lead_stage_appears(demo, db):
    assert set(Lead.objects.values_list("stage", flat=True)) == set(LeadStage.values)
    assert LeadSanction.objects.filter(lead__stage=LeadStage.SANCTIONED).exists()
    assert LeadSanction.objects.filter(lead__stage=LeadStage.CONCLUDED).exists()
    fast = Lead.objects.filter(fast_track=True)
    assert sum(1 for lead in fast if lead.is_overdue()) == 1
    assert sum(1 for lead in fast if not lead.is_overdue()) >= 1
    assert Lead.objects.filter(escalation=Escalation.COUNTY, persons__is_village_cadre=True).exists()
    city = Lead.objects.get(escalation=Escalation.CITY)
    assert city.escalation_reason and city.receiving_body.name == "江城市纪委监委"
    converted = Lead.objects.get(source_problem__isnull=False)
    assert converted.source_problem.state == ProblemState.CONVERTED
    assert "未成年人入党" in converted.source_problem.title
    for lead in Lead.objects.all():
        assert 1 <= lead.persons.count() <= 2
    assert FundsRecovery.objects.filter(lead__isnull=False).exists()
    assert figures.case_rate(Lead.objects.all()).numerator >= 1


def test_every_task_state_appears(demo, db):
    tasks = RectificationTask.objects.all()
    assert set(tasks.values_list("status", flat=True)) == set(TaskStatus.values)
    today = timezone.localdate()
    assert figures.overdue(tasks).exists()
    assert tasks.filter(deadline__gte=today, deadline__lte=today + timedelta(days=7)).exclude(
        status=TaskStatus.CLOSED).exists()
    relapse = tasks.get(is_relapse=True)
    assert relapse.status == TaskStatus.IN_PROGRESS and relapse.reopened_count == 1
    assert Verification.objects.filter(method="on_site").exists()
    assert Verification.objects.filter(method="document", result="returned").exists()
    assert SampleDraw.objects.count() == 2


def test_plans_reports_and_feedback(demo, db):
    returned = PlanReview.objects.filter(decision="return")
    assert returned.count() == 2 and all(r.body == "discipline" for r in returned)
    for review in returned:
        plan = review.snapshot.plan
        assert plan.status == "approved" and plan.snapshots.count() == 2
    assert not RectificationPlan.objects.exclude(status="approved").exists()
    assert ReportVersion.objects.filter(status=ReportStatus.RETURNED).count() == 2
    assert ReportVersion.objects.filter(status=ReportStatus.DRAFT).count() == 1
    statuses = set(Inspection.objects.values_list("status", flat=True))
    assert {InspectionStatus.PREPARING, InspectionStatus.ON_SITE, InspectionStatus.FEEDBACK,
            InspectionStatus.RECTIFYING} <= statuses
    waiting = Inspection.objects.get(status=InspectionStatus.FEEDBACK)
    sigs = FeedbackSignature.objects.filter(feedback__inspection=waiting)
    assert sigs.filter(voided_at__isnull=False).count() == 1
    assert sigs.filter(voided_at__isnull=True).count() == 1
    assert Round.objects.filter(kind=RoundKind.COORDINATED, coordinated_form="linked").exists()
    assert Round.objects.filter(kind=RoundKind.REVISIT).get().inspections.exclude(
        previous=None).count() == 4
    assert ConflictOverride.objects.count() == 1
    assert IntakeItem.objects.filter(status="found").exists()
    for insp in Inspection.objects.exclude(status=InspectionStatus.PREPARING):
        assert 5 <= insp.problems.filter(origin=ProblemOrigin.INSPECTION).count() <= 12


def test_evidence_files_and_the_same_file_warning(demo, db):
    from xuncha.attachments.models import Attachment

    files = Attachment.objects.all()
    assert files.filter(content_type="application/pdf").exists()
    assert files.filter(content_type="image/png").exists()
    reused = [a for a in files if reused_elsewhere(a)]
    assert len(reused) == 4  # one file on two closures, in each county
    for a in files[:5]:
        assert (demo["folder"] / "uploads" / a.storage_name).exists()


def test_outcomes_returns_and_assignments(demo, db):
    assert Institution.objects.exists() and FundsRecovery.objects.exists()
    warnings = accountability_warnings(Problem.objects.all())
    only_direct = [w for w in warnings if "只追究了直接责任" in w["message"]]
    assert len(only_direct) == 1  # the demo's one case of leadership left unexamined
    assert AccountabilityRecord.objects.filter(responsibility="leadership").exists()
    received = RectificationReport.objects.filter(status=RectReportStatus.RECEIVED)
    assert received.count() == 2
    for r in received:
        assert set(r.signoffs.values_list("body", flat=True)) == {"discipline", "organisation"}
    county_returns = MonthlyReturn.objects.filter(level="county")
    assert county_returns.filter(status=ReturnStatus.SUBMITTED, is_late=True).count() == 2
    assert county_returns.filter(status=ReturnStatus.SUBMITTED, is_late=False).count() == 2
    assert county_returns.filter(status=ReturnStatus.DRAFT).count() == 2
    assert MonthlyReturn.objects.filter(level="unit", status=ReturnStatus.SUBMITTED).count() == 1
    assert CityAssignment.objects.filter(status=AssignmentStatus.DONE).exclude(response="").exists()


def test_evaluations_survey_and_inquiry(demo, db):
    reported = Evaluation.objects.get(status=EvaluationStatus.REPORTED)
    assert reported.items.filter(score__isnull=True).count() == 0 and reported.items.count() == 8
    assert reported.grade and reported.total_score
    assert reported.inspection.plan.period_end < reported.visit_date
    kinds = set(Consequence.objects.filter(evaluation=reported).values_list("kind", flat=True))
    assert kinds == set(ConsequenceKind.values)
    assert Consequence.objects.get(kind=ConsequenceKind.TALK).content
    assert Problem.objects.filter(origin=ProblemOrigin.EVALUATION).get().tasks.exists()
    survey = reported.surveys.get()
    assert SurveyResponse.objects.filter(survey=survey).count() >= 8
    assert SurveyResponse.objects.filter(survey=survey, source=ResponseSource.PAPER).count() == 1
    assert results(survey).visible
    on_site = Evaluation.objects.get(status=EvaluationStatus.ON_SITE)
    assert CheckMark.objects.filter(evaluation=on_site).count() >= 3
    planned = Evaluation.objects.get(status=EvaluationStatus.PLANNED)
    assert planned.visit_date == timezone.localdate() + timedelta(days=1)
    assert notify_due_visits() == 1  # the day-before notice fires
    q = InquiryQuestion.objects.get(question__startswith="这条线索处理了直接责任人")
    assert q.question == "这条线索处理了直接责任人,对负有领导责任人员进行了责任倒查了么?"
    assert Problem.objects.filter(origin=ProblemOrigin.INQUIRY).get().tasks.exists()

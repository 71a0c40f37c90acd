"""Monthly returns (三本账) compiled by the system — no figure is typed by the reporting unit.

A county office's return to the city office covers: problems (fed back, rectified, rate, overdue),
leads, special-governance recommendations, and matters the city assigned. A unit's return to its
county covers its own ledger. The return is recompiled whenever it is opened and frozen on
submission (data and SM3 hash); a submission after the committee's due day is flagged late.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts import scope
from xuncha.audit.chain import sm3_hex
from xuncha.audit.services import record
from xuncha.core.errors import Conflict, ValidationFailed
from xuncha.core.tree import subtree_q
from xuncha.dashboards import figures
from xuncha.findings.models import Problem, Recommendation
from xuncha.leads.models import Lead
from xuncha.organisations.models import Unit, UnitLevel
from xuncha.organisations.rules import rules_for
from xuncha.outcomes.models import AccountabilityRecord, FundsRecovery, Institution
from xuncha.rectification.models import RectificationTask, TaskStatus
from xuncha.reporting.models import (
    AssignmentStatus,
    CityAssignment,
    MonthlyReturn,
    ReturnLevel,
    ReturnStatus,
)

if TYPE_CHECKING:
    from xuncha.accounts.models import User


def first_of_month(d: date) -> date:
    return d.replace(day=1)


def due_date(reporter: Unit, month: date) -> date:
    day = max(1, min(rules_for(reporter).monthly_due_day, 28))
    return first_of_month(month) + relativedelta(months=1) + timedelta(days=day - 1)


def compile_data(reporter: Unit, month: date, level: str) -> dict[str, Any]:
    """The figures of ``reporter``'s subtree, as of now, with the month's own movements."""
    month = first_of_month(month)
    month_end = month + relativedelta(months=1)
    where = subtree_q(reporter.path, "unit__path")
    problems = Problem.objects.filter(where)
    tasks = RectificationTask.objects.filter(where)
    rate = figures.rectification_rate(problems)
    today = min(timezone.localdate(), month_end - timedelta(days=1))
    data: dict[str, Any] = {
        "month": month.strftime("%Y-%m"),
        "reporter": reporter.name,
        "compiled_at": timezone.now().isoformat(timespec="seconds"),
        "problems": {
            "fed_back": rate.denominator,
            "rectified": rate.numerator,
            "rate": rate.as_dict(),
            "open_tasks": tasks.exclude(status=TaskStatus.CLOSED).count(),
            "overdue_tasks": figures.overdue(tasks, today).count(),
            "closed_this_month": tasks.filter(status=TaskStatus.CLOSED, closed_at__date__gte=month,
                                              closed_at__date__lt=month_end).count(),
        },
        "outcomes": {
            "institutions": Institution.objects.filter(where).count(),
            "funds_yuan": str(FundsRecovery.objects.filter(where).aggregate(
                s=Sum("amount"))["s"] or Decimal("0")),
            "accountability": AccountabilityRecord.objects.filter(where).count(),
        },
    }
    if level == ReturnLevel.COUNTY_TO_CITY:
        leads = Lead.objects.filter(where)
        data["leads"] = {
            "total": leads.count(),
            "this_month": leads.filter(created_at__date__gte=month,
                                       created_at__date__lt=month_end).count(),
            "by_stage": lead_stages(leads),
        }
        recs = Recommendation.objects.filter(subtree_q(reporter.path, "inspection__unit__path"))
        data["recommendations"] = {
            "total": recs.count(),
            **{row["status"]: row["n"] for row in recs.values("status").annotate(n=Count("id"))},
        }
        assignments = CityAssignment.objects.filter(county=reporter)
        data["city_assignments"] = {
            "total": assignments.count(),
            "done": assignments.filter(status=AssignmentStatus.DONE).count(),
            "open": assignments.filter(status=AssignmentStatus.OPEN).count(),
            "overdue": assignments.filter(status=AssignmentStatus.OPEN, deadline__lt=today).count(),
        }
    return data


def lead_stages(leads: Any) -> dict[str, int]:
    """Leads by stage; the leads lifecycle supplies the stage field (``stage``) when present."""
    if any(f.name == "stage" for f in Lead._meta.get_fields()):
        return {row["stage"]: row["n"] for row in leads.values("stage").annotate(n=Count("id"))}
    return {"registered": leads.count()}


def _level_for(reporter: Unit) -> str:
    return ReturnLevel.COUNTY_TO_CITY if reporter.level == UnitLevel.COUNTY \
        else ReturnLevel.UNIT_TO_COUNTY


def _recipient(reporter: Unit) -> Unit:
    if reporter.level == UnitLevel.COUNTY:
        if reporter.parent is None:
            raise ValidationFailed(_("县区没有上级市,无法报送。"))
        return reporter.parent
    return Unit.objects.get(pk=reporter.county_id)


@transaction.atomic
def return_prepare(*, actor: User, reporter: Unit, month: date) -> MonthlyReturn:
    """Opens (or refreshes) the month's return; a submitted return is never recompiled."""
    scope.require(actor, "reporting.submit_return", reporter)
    month = first_of_month(month)
    if month > first_of_month(timezone.localdate()):
        raise ValidationFailed(_("不能编制未来月份的报表。"), details=[{"field": "month",
                                                                   "message": ""}])
    level = _level_for(reporter)
    ret, _created = MonthlyReturn.objects.select_for_update().get_or_create(
        reporter=reporter, month=month, level=level,
        defaults={"recipient": _recipient(reporter), "due_on": due_date(reporter, month)})
    if ret.status == ReturnStatus.DRAFT:
        ret.data = compile_data(reporter, month, level)
        ret.save(update_fields=["data", "updated_at"])
    return ret


@transaction.atomic
def return_submit(*, actor: User, ret: MonthlyReturn, note: str = "") -> MonthlyReturn:
    ret = MonthlyReturn.objects.select_for_update().get(pk=ret.pk)
    scope.require(actor, "reporting.submit_return", ret.reporter)
    if ret.status == ReturnStatus.SUBMITTED:
        raise Conflict(_("本月报表已报送并冻结,不能再修改。"))
    ret.data = compile_data(ret.reporter, ret.month, ret.level)
    ret.content_hash = sm3_hex(json.dumps(ret.data, ensure_ascii=False, sort_keys=True).encode())
    ret.note = note.strip()
    ret.status = ReturnStatus.SUBMITTED
    ret.submitted_at = timezone.now()
    ret.submitted_by = actor
    ret.is_late = timezone.localdate() > ret.due_on
    ret.save()
    record(actor=actor, action="return.submit", obj=ret,
           changes={"month": ret.data["month"], "late": ret.is_late, "hash": ret.content_hash})
    return ret


def city_overview(*, user: User, city: Unit, month: date) -> list[dict[str, Any]]:
    """Every county of the city side by side for one month: submitted returns (frozen figures),
    drafts and missing ones (flagged when past due)."""
    month = first_of_month(month)
    counties = scope.visible(user, Unit).filter(parent=city, level=UnitLevel.COUNTY).order_by(
        "sort_order", "path")
    returns = {r.reporter_id: r for r in scope.visible(user, MonthlyReturn).filter(
        month=month, level=ReturnLevel.COUNTY_TO_CITY, reporter__in=counties)}
    today = timezone.localdate()
    rows = []
    for county in counties:
        r = returns.get(county.pk)
        due = r.due_on if r else due_date(county, month)
        submitted = r is not None and r.status == ReturnStatus.SUBMITTED
        rows.append({"county": county, "return": r, "submitted": submitted,
                     "late": (r.is_late if submitted and r else today > due), "due_on": due,
                     "data": r.data if submitted and r else None})
    return rows


@transaction.atomic
def city_assignment_add(*, actor: User, county: Unit, title: str, content: str,
                        deadline: date) -> CityAssignment:
    scope.require(actor, "reporting.add_cityassignment", county)
    if county.level != UnitLevel.COUNTY or county.parent is None:
        raise ValidationFailed(_("交办对象须为县(区)。"), details=[{"field": "county", "message": ""}])
    if not title.strip() or not content.strip():
        raise ValidationFailed(_("请填写交办事项和内容。"), details=[{"field": "title", "message": ""}])
    a = CityAssignment.objects.create(city=county.parent, county=county, title=title.strip(),
                                      content=content.strip(), deadline=deadline,
                                      assigned_by=actor)
    record(actor=actor, action="city_assignment.add", obj=a, changes={"county": county.name})
    return a


@transaction.atomic
def city_assignment_answer(*, actor: User, assignment: CityAssignment, response: str,
                           done: bool, expected_version: int) -> CityAssignment:
    scope.require(actor, "reporting.submit_return", assignment.county)
    if not response.strip():
        raise ValidationFailed(_("请填写办理情况。"), details=[{"field": "response", "message": ""}])
    assignment.response = response.strip()
    assignment.status = AssignmentStatus.DONE if done else AssignmentStatus.OPEN
    assignment.save_versioned(expected_version=expected_version,
                              update_fields=["response", "status"])
    record(actor=actor, action="city_assignment.answer", obj=assignment,
           changes={"done": done})
    return assignment


def returns_missing_q(month: date) -> Q:
    return Q(month=first_of_month(month)) & ~Q(status=ReturnStatus.SUBMITTED)

"""Registering what an inspection finds: problems and recommendations.

Problems are written by the inspection's own team (on site, reporting) or by the office; a problem
already handed to the unit in a signed feedback list can still be corrected before rectification
starts, but the change voids the signatures (xuncha.reports.services.feedback_refresh).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from xuncha.accounts import scope
from xuncha.audit.services import AuditEntry, diff, record, record_many
from xuncha.core.bulk import bulk_insert
from xuncha.core.errors import Conflict, ValidationFailed
from xuncha.findings.models import (
    Problem,
    ProblemCategory,
    ProblemOrigin,
    ProblemState,
    Recommendation,
    RecommendationStatus,
    Severity,
)
from xuncha.inspections.models import Inspection, IntakeItem, RoundChecklistItem
from xuncha.inspections.services import require_finding_writer

if TYPE_CHECKING:
    from xuncha.accounts.models import User

PROBLEM_FIELDS = ("category", "title", "facts", "severity", "checklist_item", "is_common",
                  "names_people")


def _check_problem(inspection: Inspection, values: dict[str, Any]) -> None:
    errors = []
    title = (values.get("title") or "").strip()
    facts = (values.get("facts") or "").strip()
    if not title:
        errors.append({"field": "title", "message": _("请填写问题概述。")})
    elif len(title) > 200:
        errors.append({"field": "title", "message": _("问题概述不能超过 200 字。")})
    if len(facts) < 10:
        errors.append({"field": "facts",
                       "message": _("具体事实过于简略(至少 10 个字):写清时间、地点、人和事。")})
    category = values.get("category")
    if category is None or not category.is_active:
        errors.append({"field": "category", "message": _("请选择有效的问题类别。")})
    elif category.parent_id is None:
        errors.append({"field": "category", "message": _("请选择具体的二级类别。")})
    if values.get("severity") not in Severity.values:
        errors.append({"field": "severity", "message": _("严重程度无效。")})
    item = values.get("checklist_item")
    if item is not None and item.round_id != inspection.round_id:
        errors.append({"field": "checklist_item", "message": _("重点清单项不属于本轮。")})
    if errors:
        raise ValidationFailed("；".join(e["message"] for e in errors), details=errors)


def problem_create(
    *, actor: User, inspection: Inspection, category: ProblemCategory | None, title: str,
    facts: str, severity: str = Severity.GENERAL, checklist_item: RoundChecklistItem | None = None,
    intake_items: Iterable[IntakeItem] = (), is_common: bool = False, names_people: bool = False,
    number: int | None = None, origin: str = ProblemOrigin.INSPECTION,
) -> Problem:
    row = {"category": category, "title": title, "facts": facts, "severity": severity,
           "checklist_item": checklist_item, "intake_items": intake_items, "is_common": is_common,
           "names_people": names_people, "number": number, "origin": origin}
    return problems_create_many(actor=actor, inspection=inspection, rows=[row])[0]  # atomic


@transaction.atomic
def problems_create_many(*, actor: User, inspection: Inspection,
                         rows: Sequence[Mapping[str, Any]]) -> list[Problem]:
    """Creates problems in one go, with the outcome of one ``problem_create`` per row, in order.

    Each row holds ``problem_create``'s keyword arguments (all but ``category``, ``title`` and
    ``facts`` optional). The writer is checked and the inspection locked once; every row passes the
    same checks, and the first failing row raises what ``problem_create`` would have raised for it.
    A row without a number takes the next one after every number used so far (the inspection's and
    those of the rows before it). The problems are inserted together, each gets its
    ``problem.create`` event (``record_many``), and the feedback list is refreshed once at the end.
    """
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    require_finding_writer(actor, inspection)
    unit = inspection.unit
    numbers: _Numbers | None = None
    problems: list[Problem] = []
    intakes: list[list[IntakeItem]] = []
    for row in rows:
        values: dict[str, Any] = {f: row.get(f) for f in ("category", "title", "facts", "checklist_item")}
        values["severity"] = row.get("severity", Severity.GENERAL)
        _check_problem(inspection, values)
        intake = list(row.get("intake_items") or ())
        if any(i.round_id != inspection.round_id for i in intake):
            raise ValidationFailed(_("巡前收集事项不属于本轮。"),
                                   details=[{"field": "intake_items", "message": ""}])
        if numbers is None:  # read once, when the first row needs it
            numbers = _Numbers(inspection, rows)
        problems.append(Problem(
            inspection=inspection, unit=unit, county_id=unit.county_id,
            number=numbers.take(row.get("number")), title=values["title"].strip(),
            facts=values["facts"].strip(), category=values["category"], severity=values["severity"],
            checklist_item=values["checklist_item"], is_common=row.get("is_common", False),
            names_people=row.get("names_people", False),
            origin=row.get("origin", ProblemOrigin.INSPECTION), created_by=actor,
        ))
        intakes.append(intake)
    bulk_insert(problems)
    for problem, intake in zip(problems, intakes, strict=True):
        if intake:
            problem.intake_items.set(intake)
    record_many(actor=actor, events=[
        AuditEntry(action="problem.create", obj=p,
                   changes={"number": p.number, "category": str(p.category)})
        for p in problems
    ])
    _after_change(actor, inspection)
    return problems


class _Numbers:
    """Problem numbers of one inspection while rows are added: the next free one after every number
    used so far, or the one given unless it is taken."""

    def __init__(self, inspection: Inspection, rows: Sequence[Mapping[str, Any]]) -> None:
        given = {row["number"] for row in rows if row.get("number") is not None}
        self.taken: set[int] = set()
        if given:
            self.taken.update(inspection.problems.filter(number__in=given)
                              .values_list("number", flat=True))
        self.top = 0
        if any(row.get("number") is None for row in rows):
            self.top = inspection.problems.aggregate(m=Max("number"))["m"] or 0

    def take(self, number: int | None) -> int:
        if number is None:
            number = self.top + 1
        elif number in self.taken:
            raise ValidationFailed(_("问题编号 %(n)s 已存在。") % {"n": number},
                                   details=[{"field": "number", "message": ""}])
        self.taken.add(number)
        self.top = max(self.top, number)
        return number


@transaction.atomic
def problem_update(*, actor: User, problem: Problem, expected_version: int,
                   intake_items: Iterable[IntakeItem] | None = None, **fields: Any) -> Problem:
    if set(fields) - set(PROBLEM_FIELDS):
        raise ValueError("unknown fields")
    require_finding_writer(actor, problem.inspection)
    if problem.state != ProblemState.ACTIVE:
        raise Conflict(_("该问题已转为线索或已撤销,不能修改。"))
    before = {f: str(getattr(problem, f)) for f in PROBLEM_FIELDS}
    for f, v in fields.items():
        setattr(problem, f, v.strip() if isinstance(v, str) else v)
    _check_problem(problem.inspection, {f: getattr(problem, f) for f in PROBLEM_FIELDS})
    problem.save_versioned(expected_version=expected_version, update_fields=list(fields))
    if intake_items is not None:
        problem.intake_items.set(list(intake_items))
    changed = diff(before, {f: str(getattr(problem, f)) for f in PROBLEM_FIELDS})
    for f in ("title", "facts"):  # the text stays out of the trail (see Problem.audit_repr)
        if f in changed:
            changed[f] = "(已修改)"
    record(actor=actor, action="problem.update", obj=problem, changes=changed)
    _after_change(actor, problem.inspection)
    return problem


@transaction.atomic
def problem_withdraw(*, actor: User, problem: Problem, reason: str) -> Problem:
    require_finding_writer(actor, problem.inspection)
    if not reason.strip():
        raise ValidationFailed(_("撤销问题须写明理由。"), details=[{"field": "reason", "message": ""}])
    if problem.state != ProblemState.ACTIVE:
        raise Conflict(_("该问题已不是有效状态。"))
    Problem.objects.filter(pk=problem.pk).update(state=ProblemState.WITHDRAWN,
                                                 version=problem.version + 1)
    problem.state = ProblemState.WITHDRAWN
    record(actor=actor, action="problem.withdraw", obj=problem, changes={"reason": reason})
    _after_change(actor, problem.inspection)
    return problem


def _after_change(actor: User, inspection: Inspection) -> None:
    """A change to the problems of a fed-back inspection voids the feedback signatures."""
    from xuncha.reports.services import feedback_refresh

    feedback_refresh(actor=actor, inspection=inspection)


@transaction.atomic
def recommendation_create(*, actor: User, inspection: Inspection, department: Any, title: str,
                          content: str, problems: Iterable[Problem] = ()) -> Recommendation:
    """专项治理建议 to a functional department of the same committee."""
    require_finding_writer(actor, inspection)
    county = inspection.round.term.unit
    if not department.path.startswith(county.path) or department.pk == county.pk:
        raise ValidationFailed(_("职能部门须是本级党委管辖的部门。"),
                               details=[{"field": "department", "message": ""}])
    errors = []
    if not title.strip():
        errors.append({"field": "title", "message": _("请填写建议事项。")})
    if len(content.strip()) < 10:
        errors.append({"field": "content", "message": _("请填写不少于 10 个字的具体内容。")})
    if errors:
        raise ValidationFailed("；".join(e["message"] for e in errors), details=errors)
    rec = Recommendation.objects.create(inspection=inspection, department=department,
                                        title=title.strip(), content=content.strip(),
                                        created_by=actor)
    probs = list(problems)
    if any(p.inspection_id != inspection.pk for p in probs):
        raise ValidationFailed(_("相关问题须属于本次巡察。"))
    rec.problems.set(probs)
    record(actor=actor, action="recommendation.create", obj=rec,
           changes={"department": department.name, "title": rec.title})
    return rec


@transaction.atomic
def recommendation_send(*, actor: User, recommendation: Recommendation) -> Recommendation:
    scope.require(actor, "inspections.manage_round", recommendation.inspection.unit)
    if recommendation.status != RecommendationStatus.DRAFT:
        raise Conflict(_("该建议已移交。"))
    Recommendation.objects.filter(pk=recommendation.pk).update(
        status=RecommendationStatus.SENT, version=recommendation.version + 1)
    recommendation.status = RecommendationStatus.SENT
    record(actor=actor, action="recommendation.send", obj=recommendation)
    from xuncha.accounts.recipients import unit_people
    from xuncha.notifications.services import notify

    recipients = unit_people(recommendation.department, ["unit_head", "unit_contact"])
    transaction.on_commit(lambda: notify(
        recipients=recipients, title=_("收到专项治理建议:%(t)s") % {"t": recommendation.title},
        body=recommendation.content[:500], category="task"))
    return recommendation

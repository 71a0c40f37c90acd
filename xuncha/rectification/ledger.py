"""Working the ledger (整改台账): progress with evidence, closing against the ledger (对账销号).

Rules:
- Progress is reported by the unit (rectification.edit_plan over the unit) on tasks of an approved
  plan, with a percentage and evidence files (checked by xuncha.attachments).
- A closure request needs evidence. It is verified by the office (rectification.verify_closure),
  never by anyone of the unit that asked; the verifier records how it checked (书面审核 / 实地核查).
- The office draws a random sample of closed items for on-site checks (default 10%).
- A 回头看 that finds a problem again reopens its closed tasks and marks them as relapse (改后又犯).
- Overdue is computed from the deadline and today, never typed.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from xuncha.accounts import scope
from xuncha.attachments.models import Attachment
from xuncha.attachments.services import attachment_add
from xuncha.audit.services import record
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.findings.models import Problem
from xuncha.organisations.models import Unit
from xuncha.organisations.rules import rules_for
from xuncha.rectification.models import (
    PlanStatus,
    ProgressReport,
    RectificationTask,
    SampleDraw,
    TaskStatus,
    Verification,
    VerificationMethod,
    VerificationResult,
)

if TYPE_CHECKING:
    from datetime import date

    from xuncha.accounts.models import User


def _locked(task: RectificationTask) -> RectificationTask:
    return RectificationTask.objects.select_for_update(of=("self",)).select_related("plan", "unit",
                                                                        "problem").get(pk=task.pk)


def _require_ledger(task: RectificationTask) -> None:
    if task.plan.status != PlanStatus.APPROVED:
        raise Conflict(_("整改方案审定后才能报送进展。"))


def _change(actor: User, task: RectificationTask, method: str, action: str,
            changes: dict[str, object] | None = None) -> RectificationTask:
    bound = getattr(task, method)
    if not can_proceed(bound):
        raise Conflict(_("任务当前为“%(s)s”,不能执行此操作。") % {"s": task.get_status_display()})
    before = task.status
    bound()
    task.version += 1
    task.save()
    record(actor=actor, action=action, obj=task,
           changes={"status": [before, task.status], **(changes or {})})
    return task


def evidence_of(task: RectificationTask) -> QuerySet[Attachment]:
    from django.contrib.contenttypes.models import ContentType

    report_ids = list(task.progress_reports.values_list("id", flat=True))
    return Attachment.objects.filter(
        Q(owner_type=ContentType.objects.get_for_model(ProgressReport), owner_id__in=report_ids)
        | Q(owner_type=ContentType.objects.get_for_model(RectificationTask), owner_id=task.pk)
    ).order_by("uploaded_at")


@transaction.atomic
def progress_report(*, actor: User, task: RectificationTask, text: str, percent: int,
                    files: Iterable[UploadedFile] = ()) -> ProgressReport:
    task = _locked(task)
    scope.require(actor, "rectification.edit_plan", task.unit)
    _require_ledger(task)
    if task.status in (TaskStatus.CLOSED, TaskStatus.CLOSURE_REQUESTED):
        raise Conflict(_("任务当前为“%(s)s”,不能报送进展。") % {"s": task.get_status_display()})
    errors = []
    if len(text.strip()) < 5:
        errors.append({"field": "text", "message": _("请写明本次整改进展。")})
    if not 0 <= percent <= 100:
        errors.append({"field": "percent", "message": _("进度须在 0 到 100 之间。")})
    elif percent < task.progress:
        errors.append({"field": "percent", "message": _("进度不能低于上次报送的 %(p)d%%。")
                       % {"p": task.progress}})
    if errors:
        raise ValidationFailed("；".join(e["message"] for e in errors), details=errors)
    report = ProgressReport.objects.create(task=task, text=text.strip(), percent=percent,
                                           reported_by=actor)
    for f in files:
        attachment_add(actor=actor, owner=report, upload=f)
    if task.status == TaskStatus.NOT_STARTED:
        task.start()
    task.progress = percent
    task.version += 1
    task.save()
    record(actor=actor, action="task.progress", obj=task, changes={"percent": percent})
    return report


@transaction.atomic
def task_request_closure(*, actor: User, task: RectificationTask, note: str) -> RectificationTask:
    """申请销号: only with evidence on file."""
    task = _locked(task)
    scope.require(actor, "rectification.edit_plan", task.unit)
    _require_ledger(task)
    evidence = evidence_of(task)
    if not evidence.exists():
        raise ValidationFailed(_("申请销号须先上传佐证材料。"),
                               details=[{"field": "files", "message": ""}])
    # After a failed check or a reopening, the evidence that was found wanting does not count again.
    last_check = task.verifications.order_by("-verified_at").values_list("verified_at", flat=True).first()
    if last_check is not None and not evidence.filter(uploaded_at__gt=last_check).exists():
        raise ValidationFailed(_("任务在上次核验后被退回或重新打开,申请销号须先报送进展并上传新的佐证材料。"),
                               details=[{"field": "files", "message": ""}])
    if not note.strip():
        raise ValidationFailed(_("请简要说明整改完成情况。"), details=[{"field": "note", "message": ""}])
    task = _change(actor, task, "request_closure", "task.request_closure", {"note": note.strip()})
    from xuncha.accounts.recipients import role_holders_over

    users = role_holders_over(task.unit, ["office_director", "office_staff"])
    from xuncha.notifications.services import notify

    transaction.on_commit(lambda: notify(
        recipients=users, title=_("申请销号待核验:%(t)s") % {"t": task}, category="task",
        link=f"/rectification/tasks/{task.pk}/", dedupe_key=f"closure-{task.pk}-{task.version}"))
    return task


def _is_inside(actor: User, unit: Unit) -> bool:
    return actor.unit.path.startswith(unit.path)


@transaction.atomic
def task_verify(*, actor: User, task: RectificationTask, method: str, result: str, note: str,
                sampled: bool = False) -> Verification:
    """对账销号: the office checks the evidence (and, when sampled, the site) and closes or returns."""
    task = _locked(task)
    scope.require(actor, "rectification.verify_closure", task.unit)
    if _is_inside(actor, task.unit):
        raise PermissionDenied(_("销号核验须由巡察办进行,申请单位不能核验自己的整改事项。"))
    if method not in VerificationMethod.values or result not in VerificationResult.values:
        raise ValidationFailed(_("请选择核验方式和核验结果。"),
                               details=[{"field": "method", "message": ""}])
    if len(note.strip()) < 5:
        raise ValidationFailed(_("请写明核验情况(看了哪些材料、到了哪些现场)。"),
                               details=[{"field": "note", "message": ""}])
    if task.status != TaskStatus.CLOSURE_REQUESTED:
        raise Conflict(_("任务当前为“%(s)s”,没有待核验的销号申请。") % {"s": task.get_status_display()})
    v = Verification.objects.create(task=task, verifier=actor, method=method, result=result,
                                    note=note.strip(), sampled=sampled)
    if result == VerificationResult.PASSED:
        _change(actor, task, "close", "task.close", {"method": method})
    else:
        _change(actor, task, "send_back", "task.return", {"note": note.strip()})
    return v


@transaction.atomic
def task_reopen(*, actor: User, task: RectificationTask, reason: str,
                relapse: bool = False) -> RectificationTask:
    """重新打开: a closed item found not really fixed (an on-site check, or a 回头看 relapse)."""
    task = _locked(task)
    scope.require(actor, "rectification.verify_closure", task.unit)
    if not reason.strip():
        raise ValidationFailed(_("重新打开须写明理由。"), details=[{"field": "reason", "message": ""}])
    if relapse:
        task.is_relapse = True
    return _change(actor, task, "reopen", "task.reopen", {"reason": reason.strip(),
                                                          "relapse": relapse})


@transaction.atomic
def problem_relapse(*, actor: User, problem: Problem, found_in: object, note: str) -> int:
    """A 回头看 finds ``problem`` again (改后又犯): every closed task of it is reopened as relapse."""
    count = 0
    for task in RectificationTask.objects.filter(problem=problem, status=TaskStatus.CLOSED):
        task_reopen(actor=actor, task=task, reason=_("回头看发现问题复发:%(n)s") % {"n": note},
                    relapse=True)
        count += 1
    record(actor=actor, action="problem.relapse", obj=problem,
           changes={"found_in": str(found_in), "reopened": count})
    return count


@transaction.atomic
def sample_draw(*, actor: User, county: Unit, percent: int | None = None,
                seed: str | None = None) -> SampleDraw:
    """Proposes a random sample of closed items of the county for on-site checks."""
    scope.require(actor, "rectification.verify_closure", county)
    percent = percent or rules_for(county).sample_percent
    if not 1 <= percent <= 100:
        raise ValidationFailed(_("抽查比例须在 1% 到 100% 之间。"),
                               details=[{"field": "percent", "message": ""}])
    closed = list(RectificationTask.objects.filter(county=county, status=TaskStatus.CLOSED)
                  .order_by("id").values_list("id", flat=True))
    seed = seed or secrets.token_hex(8)
    size = max(1, round(len(closed) * percent / 100)) if closed else 0
    chosen = random.Random(seed).sample(closed, size) if size else []  # noqa: S311 — not secret
    draw = SampleDraw.objects.create(county=county, percent=percent, seed=seed, drawn_by=actor,
                                     population=len(closed))
    draw.tasks.set(chosen)
    record(actor=actor, action="sample.draw", obj=draw,
           changes={"percent": percent, "population": len(closed), "size": len(chosen),
                    "seed": seed})
    return draw


def overdue_q(today: date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(deadline__lt=today) & ~Q(status=TaskStatus.CLOSED)


def due_soon_q(days: int, today: date | None = None) -> Q:
    from datetime import timedelta

    today = today or timezone.localdate()
    return Q(deadline__gte=today, deadline__lte=today + timedelta(days=days)) & ~Q(
        status=TaskStatus.CLOSED)

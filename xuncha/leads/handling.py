"""Handing leads over and handling them through to case and sanction.

Rules and where they come from:
- The office (leads.transfer_lead: the director) hands a lead over to a receiving body — the
  county's discipline commission by default, the organisation department or another body for
  non-disciplinary matters — with a hand-over form; the receiver acknowledges receipt (签收).
- 优先办理: leads from inspection are handled first. 快查快处: a fast-track deadline (committee rule,
  default 30 days from transfer). 提级查办: leads about village cadres or poverty alleviation go to
  the county commission by rule; major ones may go to the city commission, with a reason.
- Handling follows the commission's disposal methods as declared transitions (see models); every
  step has a date, a handler and a short note, and the close of a lead states its result, which is
  what the office sees (not the investigation file).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from xuncha.accounts import scope
from xuncha.attachments.services import attachment_add
from xuncha.audit.services import record
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.leads.models import (
    Escalation,
    Lead,
    LeadPerson,
    LeadSanction,
    LeadStage,
    LeadStep,
    SanctionKind,
)
from xuncha.organisations.models import Unit, UnitFunction, UnitLevel
from xuncha.organisations.rules import committee_of, rules_for

if TYPE_CHECKING:
    from xuncha.accounts.models import User

# The steps a handler may take, by name, with the label shown in the record.
ACTIONS: dict[str, str] = {
    "talk_inquiry": "谈话函询",
    "verify": "初步核实",
    "shelve": "暂存待查",
    "close_no_action": "予以了结",
    "file_case": "立案审查调查",
    "to_trial": "移送审理",
    "sanction": "作出处分决定",
    "conclude": "办结",
}
CLOSING_ACTIONS = {"close_no_action", "conclude"}


def escalation_required(lead: Lead) -> bool:
    """提级查办 by rule: village (community) cadres and poverty alleviation go to the county."""
    return lead.concerns_poverty_alleviation or lead.persons.filter(is_village_cadre=True).exists()


def default_receiving_body(lead: Lead, escalation: str = "") -> Unit | None:
    county = committee_of(lead.unit)
    if escalation == Escalation.CITY:
        city = county.parent if county.level == UnitLevel.COUNTY else county
        return city.organ(UnitFunction.DISCIPLINE) if city else None
    return county.organ(UnitFunction.DISCIPLINE)


@transaction.atomic
def lead_transfer(*, actor: User, lead: Lead, receiving_body: Unit | None = None,
                  priority: bool = True, fast_track: bool = False, escalation: str = "",
                  escalation_reason: str = "", handover_form: UploadedFile | None = None,
                  transferred_on: date | None = None) -> Lead:
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    scope.require(actor, "leads.transfer_lead", lead.unit)
    if lead.stage != LeadStage.REGISTERED:
        raise Conflict(_("该线索已移交。"))
    errors = []
    if escalation not in Escalation.values:
        errors.append({"field": "escalation", "message": _("提级方式无效。")})
    if escalation_required(lead) and escalation == Escalation.NONE:
        escalation = Escalation.COUNTY
        escalation_reason = escalation_reason or _("涉及村(社区)干部或扶贫领域,按规定提级至县(区)纪委监委查办")
    if escalation == Escalation.CITY and not escalation_reason.strip():
        errors.append({"field": "escalation_reason", "message": _("提级至市纪委监委须写明理由。")})
    body = receiving_body or default_receiving_body(lead, escalation)
    if body is None:
        errors.append({"field": "receiving_body",
                       "message": _("未找到接收单位:请在组织机构中为纪委监委设置“机构职能”,或指定接收单位。")})
    elif escalation and body.function != UnitFunction.DISCIPLINE:
        errors.append({"field": "receiving_body", "message": _("提级查办的线索须移交纪委监委。")})
    if errors:
        raise ValidationFailed("；".join(e["message"] for e in errors), details=errors)
    assert body is not None
    lead.receiving_body = body
    lead.priority, lead.fast_track = priority, fast_track
    lead.escalation, lead.escalation_reason = escalation, escalation_reason.strip()
    lead.transfer()
    lead.transferred_by = actor
    day = transferred_on or timezone.localdate()
    if transferred_on is not None:  # a hand-over entered afterwards keeps its real date
        lead.transferred_at = _at(day)
    if fast_track:
        lead.fast_track_deadline = day + timedelta(days=rules_for(lead.unit).lead_fast_track_days)
    lead.version += 1
    lead.save()
    if handover_form is not None:
        attachment_add(actor=actor, owner=lead, upload=handover_form, purpose="handover_form")
    _step(actor, lead, LeadStage.REGISTERED, LeadStage.TRANSFERRED, day,
          _("移交%(b)s") % {"b": body.name})
    record(actor=actor, action="lead.transfer", obj=lead,
           changes={"receiving_body": body.name, "priority": priority, "fast_track": fast_track,
                    "escalation": escalation})
    _notify_handlers(lead, _("收到巡察移交的问题线索,请签收"), f"lead-transfer-{lead.pk}")
    return lead


def _at(day: date) -> datetime:
    """A step's date as a moment: noon local time, so it never slips a day in UTC."""
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def _step(actor: User, lead: Lead, from_stage: str, to_stage: str, day: date, note: str) -> None:
    LeadStep.objects.create(lead=lead, from_stage=from_stage, to_stage=to_stage, on_date=day,
                            handler=actor, note=note)


def require_handler(actor: User, lead: Lead) -> None:
    """Handlers of the receiving body — or the county commission over the unit — move a lead."""
    if "leads.handle_lead" not in scope.permissions_of(actor):
        raise PermissionDenied(_("只有接收单位的办理人员可以办理线索。"))
    if lead.receiving_body_id == actor.unit_id:
        return
    if lead.receiving_body is not None and actor.unit.path.startswith(lead.receiving_body.path):
        return
    raise PermissionDenied(_("只有接收单位的办理人员可以办理线索。"))


@transaction.atomic
def lead_receive(*, actor: User, lead: Lead) -> Lead:
    lead = Lead.objects.select_for_update(of=("self",)).select_related("receiving_body").get(pk=lead.pk)
    require_handler(actor, lead)
    if not can_proceed(lead.receive):
        raise Conflict(_("线索当前为“%(s)s”,不能签收。") % {"s": lead.get_stage_display()})
    lead.receive()
    lead.received_by = actor
    lead.version += 1
    lead.save()
    _step(actor, lead, LeadStage.TRANSFERRED, LeadStage.RECEIVED, timezone.localdate(),
          _("签收"))
    record(actor=actor, action="lead.receive", obj=lead)
    return lead


@transaction.atomic
def lead_advance(*, actor: User, lead: Lead, action: str, on_date: date, note: str,
                 result_summary: str = "") -> Lead:
    """One handling step, e.g. 初步核实 → 立案审查调查, with its date, handler and note."""
    lead = Lead.objects.select_for_update(of=("self",)).select_related("receiving_body").get(pk=lead.pk)
    require_handler(actor, lead)
    if action not in ACTIONS:
        raise ValidationFailed(_("办理方式无效。"), details=[{"field": "action", "message": ""}])
    bound = getattr(lead, action)
    if not can_proceed(bound):
        raise Conflict(_("线索当前为“%(s)s”,不能%(a)s。") % {"s": lead.get_stage_display(),
                                                         "a": ACTIONS[action]})
    errors = []
    if on_date > timezone.localdate():
        errors.append({"field": "on_date", "message": _("日期不能晚于今天。")})
    if not note.strip():
        errors.append({"field": "note", "message": _("请写明办理情况。")})
    if action in CLOSING_ACTIONS and not result_summary.strip():
        errors.append({"field": "result_summary",
                       "message": _("了结或办结须写明办理结果(将反馈给巡察办)。")})
    if action == "conclude" and not lead.sanctions.exists():
        errors.append({"field": "action", "message": _("办结前须登记处分决定。")})
    if errors:
        raise ValidationFailed("；".join(e["message"] for e in errors), details=errors)
    before = lead.stage
    bound()
    # The dates the figures use are the dates of the steps, not of their entry.
    if action == "file_case":
        lead.case_filed_at = _at(on_date)
    if action in CLOSING_ACTIONS:
        lead.concluded_at = _at(on_date)
    if result_summary.strip():
        lead.result_summary = result_summary.strip()[:200]
    lead.version += 1
    lead.save()
    _step(actor, lead, before, lead.stage, on_date, note.strip())
    # The audit row carries the stage, never the note's content.
    record(actor=actor, action="lead.advance", obj=lead, changes={"stage": [before, lead.stage]})
    if action in CLOSING_ACTIONS:
        _notify_office(lead)
    return lead


@transaction.atomic
def lead_sanction_add(*, actor: User, lead: Lead, person: LeadPerson, kind: str, detail: str,
                      decided_on: date) -> LeadSanction:
    require_handler(actor, lead)
    if lead.stage not in (LeadStage.TRIAL, LeadStage.SANCTIONED):
        raise Conflict(_("审理后才能登记处分决定。"))
    if person.lead_id != lead.pk:
        raise ValidationFailed(_("被处分人须是本线索涉及的人员。"),
                               details=[{"field": "person", "message": ""}])
    if kind not in SanctionKind.values or not detail.strip():
        raise ValidationFailed(_("请选择处理类别并写明处理结果。"),
                               details=[{"field": "detail", "message": ""}])
    s = LeadSanction.objects.create(lead=lead, person=person, kind=kind, detail=detail.strip(),
                                    decided_on=decided_on, decided_by=actor)
    record(actor=actor, action="lead.sanction", obj=lead, changes={"kind": kind})
    return s


def _handlers(lead: Lead) -> list[object]:
    from xuncha.accounts.models import RoleAssignment

    if lead.receiving_body_id is None:
        return []
    return [a.user for a in RoleAssignment.objects.filter(
        user__unit_id=lead.receiving_body_id, user__is_active=True,
        role__permissions__codename="handle_lead").select_related("user").distinct()]


def _notify_handlers(lead: Lead, title: str, key: str) -> None:
    from xuncha.notifications.services import notify

    users = _handlers(lead)
    transaction.on_commit(lambda: notify(recipients=users, title=title, category="task",
                                         link=f"/leads/{lead.pk}/", dedupe_key=key))


def _notify_office(lead: Lead) -> None:
    from xuncha.accounts.recipients import role_holders_over
    from xuncha.notifications.services import notify

    users = role_holders_over(lead.unit, ["office_director"])
    transaction.on_commit(lambda: notify(
        recipients=users, title=_("移交线索已办结:%(r)s") % {"r": lead.result_summary},
        category="system", link="/leads/tracking/", dedupe_key=f"lead-done-{lead.pk}"))


def lead_reminders(today: date | None = None) -> int:
    """Fast-track deadlines (7 days before and when overdue) and leads received but not disposed
    of within the committee's time, to the handlers; idempotent like the ledger reminders."""
    from xuncha.notifications.services import notify

    today = today or timezone.localdate()
    sent = 0
    open_leads = Lead.objects.exclude(stage__in=[LeadStage.REGISTERED, LeadStage.CLOSED_NO_ACTION,
                                                 LeadStage.CONCLUDED]).select_related("unit")
    for lead in open_leads.iterator(chunk_size=500):
        users = _handlers(lead)
        if lead.fast_track and lead.fast_track_deadline:
            days = (lead.fast_track_deadline - today).days
            kind = "overdue" if days < 0 else "due_soon" if days <= 7 else None
            if kind:
                title = (_("快查快处线索已超期(%(d)s)") if kind == "overdue"
                         else _("快查快处线索将于 %(d)s 到期")) % {"d": lead.fast_track_deadline}
                sent += len(notify(recipients=users, title=title, category="reminder",
                                   link=f"/leads/{lead.pk}/",
                                   dedupe_key=f"lead:{lead.pk}:{kind}:{lead.fast_track_deadline}"))
        if lead.stage == LeadStage.RECEIVED and lead.received_at:
            limit = rules_for(lead.unit).lead_disposal_days
            if (today - timezone.localdate(lead.received_at)).days > limit:
                sent += len(notify(recipients=users, category="warning", link=f"/leads/{lead.pk}/",
                                   title=_("线索签收已超过 %(n)d 天尚未提出处置意见") % {"n": limit},
                                   dedupe_key=f"lead:{lead.pk}:disposal"))
    return sent

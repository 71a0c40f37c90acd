"""Problem leads (问题线索): findings that name people. Confidential.

Names, ID numbers, phone numbers, posts and facts are SM4-encrypted per field (xuncha.core.crypto);
a person's name is searchable through a keyed SM3 digest. Only the receiving body's handlers, the
team leader and the office director see a lead's content, and every read is audited.

After registration the office hands a lead over to a receiving body (the discipline commission by
default) and it moves through the commission's disposal methods as declared transitions:
受理 → 谈话函询 / 初步核实 / 暂存待查 / 予以了结; 初步核实 → 立案审查调查 or 了结;
立案 → 审理 → 处分决定 → 办结.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from xuncha.core.crypto import EncryptedTextField
from xuncha.core.models import TimeStamped, Versioned


class LeadStage(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    TRANSFERRED = "transferred", _("已移交")
    RECEIVED = "received", _("已受理")
    TALK_INQUIRY = "talk_inquiry", _("谈话函询")
    PRELIMINARY = "preliminary", _("初步核实")
    SHELVED = "shelved", _("暂存待查")
    CLOSED_NO_ACTION = "closed", _("予以了结")
    CASE = "case", _("立案审查调查")
    TRIAL = "trial", _("审理")
    SANCTIONED = "sanctioned", _("处分决定")
    CONCLUDED = "concluded", _("办结")


# A lead is concluded when it was closed without action or its case was concluded.
CONCLUDED_STAGES = [LeadStage.CLOSED_NO_ACTION, LeadStage.CONCLUDED]
STAGE_ORDER = [s.value for s in LeadStage]


class Escalation(models.TextChoices):
    NONE = "", _("不提级")
    COUNTY = "county", _("提级至县(区)纪委监委")
    CITY = "city", _("提级至市纪委监委")


class Lead(FSMModelMixin, TimeStamped, Versioned):
    inspection = models.ForeignKey(
        "inspections.Inspection", verbose_name=_("巡察"), on_delete=models.PROTECT,
        related_name="leads",
    )
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("被巡察单位"),
                             on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey("organisations.Unit", null=True, on_delete=models.PROTECT,
                               related_name="+")
    number = models.PositiveIntegerField(_("线索编号"))
    category = models.ForeignKey("findings.ProblemCategory", verbose_name=_("问题类别"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    summary = EncryptedTextField(_("线索摘要"))
    facts = EncryptedTextField(_("主要事实"))
    concerns_poverty_alleviation = models.BooleanField(_("涉及扶贫领域"), default=False)
    source_problem = models.OneToOneField(
        "findings.Problem", verbose_name=_("由问题转为线索"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="lead",
    )
    registered_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    # Hand-over (移交) and handling.
    stage = FSMField(_("办理阶段"), default=LeadStage.REGISTERED, choices=LeadStage.choices,
                     protected=True, max_length=14)
    receiving_body = models.ForeignKey(
        "organisations.Unit", verbose_name=_("接收单位"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="received_leads",
    )
    priority = models.BooleanField(_("优先办理"), default=False)
    fast_track = models.BooleanField(_("快查快处"), default=False)
    fast_track_deadline = models.DateField(_("快查快处时限"), null=True, blank=True)
    escalation = models.CharField(_("提级查办"), max_length=8, choices=Escalation.choices,
                                  default=Escalation.NONE, blank=True)
    escalation_reason = models.CharField(_("提级理由"), max_length=200, blank=True)
    transferred_at = models.DateTimeField(_("移交时间"), null=True, blank=True)
    transferred_by = models.ForeignKey("accounts.User", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    received_by = models.ForeignKey("accounts.User", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    case_filed_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # What the office is told (办理结果), e.g. "给予党内警告处分" — not the investigation file.
    result_summary = models.CharField(_("办理结果"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("问题线索")
        verbose_name_plural = _("问题线索")
        ordering = ["inspection_id", "number"]
        permissions = [
            ("manage_lead", _("登记问题线索")),
            ("transfer_lead", _("移交问题线索")),
            ("handle_lead", _("办理问题线索(接收单位)")),
            ("track_lead", _("查看所移交线索的办理阶段和结果")),
            ("view_lead_counts", _("查看线索数量(不含内容)")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="lead_unique_number"),
            models.CheckConstraint(condition=~Q(fast_track=True) | Q(fast_track_deadline__isnull=False)
                                   | Q(stage="registered"), name="lead_fast_track_deadline"),
        ]
        indexes = [
            models.Index(fields=["county", "stage"], name="lead_county_stage"),
            models.Index(fields=["receiving_body", "stage"], name="lead_body_stage"),
        ]

    def __str__(self) -> str:
        return _("线索 %(n)s") % {"n": self.number}

    @property
    def is_concluded(self) -> bool:
        return self.stage in CONCLUDED_STAGES

    def is_overdue(self, today: object = None) -> bool:
        today = today or timezone.localdate()
        return (self.fast_track and self.fast_track_deadline is not None
                and not self.is_concluded and self.fast_track_deadline < today)  # type: ignore[operator]

    # Declared transitions; the services check who may call them and record each step.
    @transition(field=stage, source=LeadStage.REGISTERED, target=LeadStage.TRANSFERRED)
    def transfer(self) -> None:
        self.transferred_at = timezone.now()

    @transition(field=stage, source=LeadStage.TRANSFERRED, target=LeadStage.RECEIVED)
    def receive(self) -> None:
        self.received_at = timezone.now()

    @transition(field=stage, source=LeadStage.RECEIVED, target=LeadStage.TALK_INQUIRY)
    def talk_inquiry(self) -> None:
        pass

    @transition(field=stage, source=[LeadStage.RECEIVED, LeadStage.TALK_INQUIRY,
                                     LeadStage.SHELVED], target=LeadStage.PRELIMINARY)
    def verify(self) -> None:
        pass

    @transition(field=stage, source=LeadStage.RECEIVED, target=LeadStage.SHELVED)
    def shelve(self) -> None:
        pass

    @transition(field=stage, source=[LeadStage.RECEIVED, LeadStage.TALK_INQUIRY,
                                     LeadStage.PRELIMINARY, LeadStage.SHELVED],
                target=LeadStage.CLOSED_NO_ACTION)
    def close_no_action(self) -> None:
        self.concluded_at = timezone.now()

    @transition(field=stage, source=LeadStage.PRELIMINARY, target=LeadStage.CASE)
    def file_case(self) -> None:
        self.case_filed_at = timezone.now()

    @transition(field=stage, source=LeadStage.CASE, target=LeadStage.TRIAL)
    def to_trial(self) -> None:
        pass

    @transition(field=stage, source=LeadStage.TRIAL, target=LeadStage.SANCTIONED)
    def sanction(self) -> None:
        pass

    @transition(field=stage, source=LeadStage.SANCTIONED, target=LeadStage.CONCLUDED)
    def conclude(self) -> None:
        self.concluded_at = timezone.now()


class LeadPerson(models.Model):
    """A person named in a lead."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="persons")
    name = EncryptedTextField(_("姓名"))
    name_index = models.CharField(max_length=64, db_index=True, editable=False)
    id_number = EncryptedTextField(_("身份证号"), blank=True)
    phone = EncryptedTextField(_("联系电话"), blank=True)
    post = EncryptedTextField(_("单位职务"), blank=True)
    is_village_cadre = models.BooleanField(_("村(社区)干部"), default=False)

    class Meta:
        verbose_name = _("涉及人员")
        verbose_name_plural = _("涉及人员")
        ordering = ["lead_id", "id"]

    def __str__(self) -> str:
        return str(_("涉及人员"))


class LeadStep(models.Model):
    """One step of handling: who moved the lead, when, from which stage to which, and a note."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="steps")
    from_stage = models.CharField(max_length=14, choices=LeadStage.choices)
    to_stage = models.CharField(max_length=14, choices=LeadStage.choices)
    on_date = models.DateField(_("日期"))
    handler = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    note = EncryptedTextField(_("说明"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["lead_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_stage_display()} → {self.get_to_stage_display()}"


class SanctionKind(models.TextChoices):
    PARTY = "party", _("党纪处分")
    ADMINISTRATIVE = "administrative", _("政务处分")
    ORGANISATIONAL = "organisational", _("组织处理")
    JUDICIAL = "judicial", _("移送司法机关")


class LeadSanction(models.Model):
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="sanctions")
    person = models.ForeignKey(LeadPerson, on_delete=models.PROTECT, related_name="sanctions")
    kind = models.CharField(_("处理类别"), max_length=16, choices=SanctionKind.choices)
    detail = models.CharField(_("处理结果"), max_length=120,
                              help_text=_("例如 党内警告、撤销党内职务、政务记过、诫勉。"))
    decided_on = models.DateField(_("决定日期"))
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("处分决定")
        verbose_name_plural = _("处分决定")
        ordering = ["lead_id", "decided_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}:{self.detail}"

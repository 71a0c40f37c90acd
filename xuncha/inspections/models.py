"""Planning and running inspections (domain.md steps 1–3): coverage of the term, rounds, teams and
their targets, conflicts of interest, pre-inspection intake and the focus checklist.

One ``Inspection`` is one team × one target unit × one round; its status moves only through the
declared transitions below, 筹备 → 进驻 → 报告 → 反馈 → 整改 → 评估 → 归档.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from xuncha.core.models import TimeStamped, Versioned


class RoundKind(models.TextChoices):
    REGULAR = "regular", _("常规巡察")
    THEMATIC = "thematic", _("专项巡察")
    SNAP = "snap", _("机动巡察")
    REVISIT = "revisit", _("回头看")
    ELEVATED = "elevated", _("提级巡察")
    CROSS = "cross", _("交叉巡察")
    COORDINATED = "coordinated", _("市县统合巡察")


class CoordinatedForm(models.TextChoices):
    BLOCK = "block", _("板块式")
    LINKED = "linked", _("联动式")
    MENU = "menu", _("菜单式")


class CoveragePlan(TimeStamped, Versioned):
    """全覆盖: how the term is to be covered. One per term."""

    term = models.OneToOneField(
        "organisations.Term", verbose_name=_("届次"), on_delete=models.PROTECT,
        related_name="coverage_plan",
    )
    planned_rounds = models.PositiveSmallIntegerField(
        _("本届计划轮次"), default=10,
        help_text=_("用于判断剩余轮次能否完成全覆盖。"),
    )

    class Meta:
        verbose_name = _("全覆盖计划")
        verbose_name_plural = _("全覆盖计划")
        permissions = [("manage_coverage", _("维护全覆盖计划"))]

    def __str__(self) -> str:
        return str(self.term)


class CoverageEntry(TimeStamped):
    """One organisation the committee must (or, excluded with a reason, need not) inspect."""

    plan = models.ForeignKey(CoveragePlan, on_delete=models.CASCADE, related_name="entries")
    unit = models.ForeignKey(
        "organisations.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    included = models.BooleanField(_("纳入全覆盖"), default=True)
    reason = models.CharField(_("调整理由"), max_length=200, blank=True)
    adjusted_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("全覆盖对象")
        verbose_name_plural = _("全覆盖对象")
        constraints = [
            models.UniqueConstraint(fields=["plan", "unit"], name="coverage_unique_unit"),
        ]
        indexes = [models.Index(fields=["plan", "included"], name="coverage_plan_included")]

    def __str__(self) -> str:
        return str(self.unit)


class Round(TimeStamped, Versioned):
    term = models.ForeignKey(
        "organisations.Term", verbose_name=_("届次"), on_delete=models.PROTECT,
        related_name="rounds",
    )
    number = models.PositiveSmallIntegerField(_("轮次"))
    kind = models.CharField(_("巡察类型"), max_length=12, choices=RoundKind.choices)
    theme = models.CharField(
        _("专项主题"), max_length=120, blank=True, help_text=_("专项巡察必填,例如 优化营商环境。")
    )
    coordinated_form = models.CharField(
        _("统合形式"), max_length=8, choices=CoordinatedForm.choices, blank=True
    )
    co_organiser = models.ForeignKey(
        "organisations.Unit", verbose_name=_("协同组织单位"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", help_text=_("市县统合巡察的市委巡察办。"),
    )
    entry_date = models.DateField(_("进驻日期"))
    exit_date = models.DateField(_("撤出日期"))
    notes = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("巡察轮次")
        verbose_name_plural = _("巡察轮次")
        ordering = ["term_id", "number"]
        permissions = [
            ("manage_round", _("计划巡察轮次与巡察组")),
            ("override_conflict", _("批准回避例外")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="round_unique_number"),
            models.CheckConstraint(condition=Q(exit_date__gte=models.F("entry_date")),
                                   name="round_exit_after_entry"),
            models.CheckConstraint(condition=~Q(kind="thematic") | ~Q(theme=""),
                                   name="round_thematic_has_theme"),
            models.CheckConstraint(condition=~Q(kind="coordinated") | ~Q(coordinated_form=""),
                                   name="round_coordinated_has_form"),
        ]

    def __str__(self) -> str:
        label = _("第%(n)s轮") % {"n": self.number}
        return f"{self.term.name}{label}{RoundKind(self.kind).label}"

    @property
    def is_coordinated(self) -> bool:
        return self.kind == RoundKind.COORDINATED


class Team(TimeStamped):
    round = models.ForeignKey(Round, verbose_name=_("轮次"), on_delete=models.CASCADE,
                              related_name="teams")
    number = models.PositiveSmallIntegerField(_("组号"))
    name = models.CharField(_("名称"), max_length=40, help_text=_("例如 第一巡察组。"))

    class Meta:
        verbose_name = _("巡察组")
        verbose_name_plural = _("巡察组")
        ordering = ["round_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="team_unique_number"),
        ]

    def __str__(self) -> str:
        return self.name


class Position(models.TextChoices):
    LEADER = "leader", _("组长")
    DEPUTY = "deputy", _("副组长")
    MEMBER = "member", _("组员")


class TeamMember(TimeStamped):
    """An inspector on a team for one round: each round's authorisation is for that round only."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        "accounts.User", verbose_name=_("人员"), on_delete=models.PROTECT,
        related_name="team_memberships",
    )
    position = models.CharField(_("职务"), max_length=8, choices=Position.choices)

    class Meta:
        verbose_name = _("巡察组成员")
        verbose_name_plural = _("巡察组成员")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="member_unique"),
            models.UniqueConstraint(fields=["team"], condition=Q(position="leader"),
                                    name="member_one_leader"),
        ]

    def __str__(self) -> str:
        return f"{self.team} {Position(self.position).label} {self.user.name}"


class ConflictOverride(TimeStamped):
    """A director's written approval for one inspector to inspect one unit despite a conflict."""

    member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="overrides")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="+")
    conflicts = models.JSONField(_("回避情形"), default=list)
    reason = models.TextField(_("书面理由"))
    approved_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("回避例外")
        verbose_name_plural = _("回避例外")
        constraints = [
            models.UniqueConstraint(fields=["member", "unit"], name="override_unique"),
            models.CheckConstraint(condition=~Q(reason=""), name="override_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.unit}"


class ConflictKind(models.TextChoices):
    WORKED_IN = "worked_in", _("曾在该单位任职")
    RELATIVE = "relative", _("亲属在该单位任职")
    RELATIONSHIP = "relationship", _("其他利害关系")


class ConflictDeclaration(TimeStamped):
    """An inspector's declaration (任职回避、公务回避) checked when assigning teams and targets."""

    user = models.ForeignKey(
        "accounts.User", verbose_name=_("巡察干部"), on_delete=models.CASCADE,
        related_name="conflict_declarations",
    )
    unit = models.ForeignKey(
        "organisations.Unit", verbose_name=_("相关单位"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("回避情形"), max_length=14, choices=ConflictKind.choices)
    relative_name = models.CharField(_("亲属姓名"), max_length=60, blank=True)
    relation = models.CharField(_("关系"), max_length=30, blank=True,
                                help_text=_("例如 配偶、父母、子女、兄弟姐妹。"))
    description = models.CharField(_("说明"), max_length=300, blank=True)
    period = models.CharField(_("时间段"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("回避申报")
        verbose_name_plural = _("回避申报")
        ordering = ["user_id", "id"]

    def __str__(self) -> str:
        return f"{self.user.name}: {ConflictKind(self.kind).label} {self.unit}"


class InspectionStatus(models.TextChoices):
    PREPARING = "preparing", _("筹备")
    ON_SITE = "on_site", _("进驻")
    REPORTING = "reporting", _("报告")
    FEEDBACK = "feedback", _("反馈")
    RECTIFYING = "rectifying", _("整改")
    EVALUATING = "evaluating", _("评估")
    ARCHIVED = "archived", _("归档")


STATUS_ORDER = [s.value for s in InspectionStatus]


class Inspection(FSMModelMixin, TimeStamped, Versioned):
    """One team × one target × one round."""

    round = models.ForeignKey(Round, verbose_name=_("轮次"), on_delete=models.PROTECT,
                              related_name="inspections")
    team = models.ForeignKey(Team, verbose_name=_("巡察组"), on_delete=models.PROTECT,
                             related_name="inspections")
    unit = models.ForeignKey(
        "organisations.Unit", verbose_name=_("被巡察党组织"), on_delete=models.PROTECT,
        related_name="inspections",
    )
    previous = models.ForeignKey(
        "self", verbose_name=_("原巡察"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="revisits", help_text=_("回头看所针对的上一次巡察。"),
    )
    status = FSMField(_("状态"), default=InspectionStatus.PREPARING,
                      choices=InspectionStatus.choices, protected=True, max_length=12)
    entered_at = models.DateTimeField(_("进驻时间"), null=True, blank=True)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    feedback_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    rectification_started_at = models.DateTimeField(_("整改开始"), null=True, blank=True)
    evaluation_started_at = models.DateTimeField(_("评估开始"), null=True, blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("巡察")
        verbose_name_plural = _("巡察")
        ordering = ["round_id", "team_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="inspection_unique_target"),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="inspection_unit_status"),
            models.Index(fields=["status"], name="inspection_status"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.team.name} · {self.unit.name}"

    @property
    def status_label(self) -> str:
        return str(InspectionStatus(self.status).label)

    def reached(self, status: str) -> bool:
        return STATUS_ORDER.index(self.status) >= STATUS_ORDER.index(status)

    # Declared transitions. Services call them inside a transaction after the checks.
    @transition(field=status, source=InspectionStatus.PREPARING, target=InspectionStatus.ON_SITE)
    def enter(self) -> None:
        self.entered_at = timezone.now()

    @transition(field=status, source=InspectionStatus.ON_SITE, target=InspectionStatus.REPORTING)
    def start_report(self) -> None:
        self.reported_at = timezone.now()

    @transition(field=status, source=InspectionStatus.REPORTING, target=InspectionStatus.FEEDBACK)
    def approve_report(self) -> None:
        self.feedback_at = timezone.now()

    @transition(field=status, source=InspectionStatus.FEEDBACK, target=InspectionStatus.RECTIFYING)
    def start_rectification(self) -> None:
        self.rectification_started_at = timezone.now()

    @transition(field=status, source=InspectionStatus.RECTIFYING,
                target=InspectionStatus.EVALUATING)
    def start_evaluation(self) -> None:
        self.evaluation_started_at = timezone.now()

    @transition(field=status, source=InspectionStatus.EVALUATING, target=InspectionStatus.ARCHIVED)
    def archive(self) -> None:
        self.archived_at = timezone.now()


class IntakeSource(models.TextChoices):
    BUSINESS_ASSOCIATION = "association", _("商会协会")
    FIRM = "firm", _("企业")
    PUBLIC = "public", _("群众")
    DISCIPLINE = "discipline", _("纪委监委")
    AUDIT = "audit", _("审计")
    STATISTICS = "statistics", _("统计")
    PETITION = "petition", _("信访")
    GOVERNMENT_OFFICE = "gov_office", _("政府办")
    POLITICAL_LEGAL = "political_legal", _("政法")
    ORGANISATION = "organisation", _("组织部")
    OTHER = "other", _("其他")


# Existing supervision information held by partner bodies (巡视工作条例 art. 21) vs opinions.
SUPERVISION_SOURCES = {
    IntakeSource.DISCIPLINE, IntakeSource.AUDIT, IntakeSource.STATISTICS, IntakeSource.PETITION,
    IntakeSource.GOVERNMENT_OFFICE, IntakeSource.POLITICAL_LEGAL, IntakeSource.ORGANISATION,
}


class IntakeStatus(models.TextChoices):
    PENDING = "pending", _("待核查")
    FOLLOWED = "followed", _("已核查")
    FOUND = "found", _("查实问题")
    UNSUBSTANTIATED = "unsubstantiated", _("未查实")


class IntakeItem(TimeStamped, Versioned):
    """开单子: an opinion or a piece of existing supervision information collected before entry."""

    round = models.ForeignKey(Round, verbose_name=_("轮次"), on_delete=models.CASCADE,
                              related_name="intake_items")
    source_kind = models.CharField(_("来源类别"), max_length=16, choices=IntakeSource.choices)
    source_name = models.CharField(_("来源单位或个人"), max_length=120)
    content = models.TextField(_("内容"))
    received_on = models.DateField(_("收到日期"), default=timezone.localdate)
    target_units = models.ManyToManyField(
        "organisations.Unit", verbose_name=_("涉及被巡察单位"), related_name="+", blank=True
    )
    status = models.CharField(_("核查情况"), max_length=16, choices=IntakeStatus.choices,
                              default=IntakeStatus.PENDING)
    follow_up_note = models.TextField(_("核查说明"), blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("巡前收集事项")
        verbose_name_plural = _("巡前收集事项")
        ordering = ["round_id", "id"]
        permissions = [("manage_intake", _("收集巡前意见和监督信息"))]

    def __str__(self) -> str:
        return f"{IntakeSource(self.source_kind).label}·{self.source_name}"

    @property
    def is_supervision_info(self) -> bool:
        return self.source_kind in SUPERVISION_SOURCES


class ChecklistTemplate(TimeStamped, Versioned):
    """A focus checklist the office edits ("十二看"); copied into each round and editable there."""

    committee = models.ForeignKey(
        "organisations.Unit", verbose_name=_("党委"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=80)
    is_default = models.BooleanField(_("默认模板"), default=False)

    class Meta:
        verbose_name = _("重点清单模板")
        verbose_name_plural = _("重点清单模板")
        ordering = ["committee_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "name"], name="checklist_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ChecklistTemplateItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("看什么"), max_length=120)
    guidance = models.TextField(_("怎么看"), blank=True)

    class Meta:
        ordering = ["template_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="checklist_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class RoundChecklistItem(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="checklist")
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("看什么"), max_length=120)
    guidance = models.TextField(_("怎么看"), blank=True)

    class Meta:
        verbose_name = _("本轮重点清单项")
        verbose_name_plural = _("本轮重点清单项")
        ordering = ["round_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="round_checklist_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

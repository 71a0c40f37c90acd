"""Evaluation (domain.md step 11): three-party joint supervision visits (三方联合督导), the "八查"
quantified rubric, consequences, and inquiry meetings (质询会)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from xuncha.core.models import TimeStamped, Versioned


class AutoSource(models.TextChoices):
    """What the system can pre-fill for a rubric item from the records."""

    NONE = "", _("人工评分")
    LEDGER = "ledger", _("台账完整、按时、逐项销号")
    ACCOUNTABILITY = "accountability", _("问责和线索处置")
    INSTITUTIONS = "institutions", _("建章立制")
    SATISFACTION = "satisfaction", _("群众满意度")


class RubricTemplate(TimeStamped, Versioned):
    committee = models.ForeignKey("organisations.Unit", verbose_name=_("党委"),
                                  on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=80)
    is_default = models.BooleanField(_("默认评分表"), default=False)
    grade_good = models.DecimalField(_("“好”不低于"), max_digits=5, decimal_places=2,
                                     default=Decimal("90"))
    grade_fair = models.DecimalField(_("“较好”不低于"), max_digits=5, decimal_places=2,
                                     default=Decimal("75"))
    grade_pass = models.DecimalField(_("“一般”不低于"), max_digits=5, decimal_places=2,
                                     default=Decimal("60"))

    class Meta:
        verbose_name = _("评估评分表")
        verbose_name_plural = _("评估评分表")
        ordering = ["committee_id", "name"]
        permissions = [("manage_evaluation", _("组织巡察整改评估"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade_good__gt=models.F("grade_fair"))
                & Q(grade_fair__gt=models.F("grade_pass")), name="rubric_grades_ordered"),
        ]

    def __str__(self) -> str:
        return self.name


class RubricItem(models.Model):
    template = models.ForeignKey(RubricTemplate, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("评估内容"), max_length=120)
    weight = models.DecimalField(_("分值"), max_digits=5, decimal_places=2)
    guidance = models.TextField(_("评分标准"), blank=True)
    evidence = models.CharField(_("应查材料"), max_length=200, blank=True)
    auto_source = models.CharField(_("系统预填"), max_length=16, choices=AutoSource.choices,
                                   default=AutoSource.NONE, blank=True)

    class Meta:
        ordering = ["template_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="rubric_item_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="rubric_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Grade(models.TextChoices):
    GOOD = "good", _("好")
    FAIR = "fair", _("较好")
    PASS = "pass", _("一般")
    POOR = "poor", _("差")


class EvaluationStatus(models.TextChoices):
    PLANNED = "planned", _("已计划")
    NOTIFIED = "notified", _("已通知")
    ON_SITE = "on_site", _("现场评估")
    REPORTED = "reported", _("已出报告")


class Section(models.TextChoices):
    POLITICAL = "political", _("政治建设")
    IDEOLOGICAL = "ideological", _("思想建设")
    ORGANISATIONAL = "organisational", _("组织建设")
    CONDUCT = "conduct", _("作风建设")
    RESPONSIBILITY = "responsibility", _("全面从严治党责任")


class Evaluation(FSMModelMixin, TimeStamped, Versioned):
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("被评估单位"),
                             on_delete=models.PROTECT, related_name="evaluations")
    county = models.ForeignKey("organisations.Unit", null=True, on_delete=models.PROTECT,
                               related_name="+")
    inspection = models.ForeignKey("inspections.Inspection", verbose_name=_("所评估的巡察"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="evaluations")
    is_revisit = models.BooleanField(_("回头看"), default=False)
    visit_date = models.DateField(_("评估日期"))
    leader = models.ForeignKey("accounts.User", verbose_name=_("评估组组长"),
                               on_delete=models.PROTECT, related_name="+")
    status = FSMField(_("状态"), default=EvaluationStatus.PLANNED,
                      choices=EvaluationStatus.choices, protected=True, max_length=10)
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    visited_at = models.DateTimeField(_("现场评估开始"), null=True, blank=True)
    # Rubric items are copied at planning, so a later edit of the template changes nothing here.
    rubric_name = models.CharField(_("评分表"), max_length=80)
    grade_good = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("90"))
    grade_fair = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("75"))
    grade_pass = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("60"))
    # The rectification rate when the visit was made (before) — the rate now is computed live.
    rate_numerator_at_visit = models.PositiveIntegerField(null=True, blank=True)
    rate_denominator_at_visit = models.PositiveIntegerField(null=True, blank=True)
    total_score = models.DecimalField(_("总分"), max_digits=6, decimal_places=2, null=True,
                                      blank=True)
    grade = models.CharField(_("等次"), max_length=6, choices=Grade.choices, blank=True)
    summary = models.TextField(_("评估意见"), blank=True)
    second_rectification = models.BooleanField(_("须二次整改"), default=False)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改评估")
        verbose_name_plural = _("整改评估")
        ordering = ["-visit_date", "id"]
        indexes = [models.Index(fields=["county", "status"], name="evaluation_county_status")]

    def __str__(self) -> str:
        return f"{self.unit} {self.visit_date} 评估"

    @transition(field=status, source=EvaluationStatus.PLANNED, target=EvaluationStatus.NOTIFIED)
    def notify(self) -> None:
        self.notified_at = timezone.now()

    @transition(field=status, source=EvaluationStatus.NOTIFIED, target=EvaluationStatus.ON_SITE)
    def start_visit(self) -> None:
        pass

    @transition(field=status, source=EvaluationStatus.ON_SITE, target=EvaluationStatus.REPORTED)
    def report(self) -> None:
        self.reported_at = timezone.now()


class Body(models.TextChoices):
    DISCIPLINE = "discipline", _("纪委监委")
    ORGANISATION = "organisation", _("组织部")
    OFFICE = "office", _("巡察办")
    OTHER = "other", _("其他(如人大)")


class EvaluationMember(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT,
                             related_name="evaluation_memberships")
    body = models.CharField(_("所属方"), max_length=14, choices=Body.choices)
    sections = models.JSONField(_("分工"), default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["evaluation", "user"],
                                               name="evaluation_member_unique")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_body_display()})"


class EvaluationItem(models.Model):
    """A rubric item copied into one evaluation, with its score (0–100% of the item's weight)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("评估内容"), max_length=120)
    weight = models.DecimalField(_("分值"), max_digits=5, decimal_places=2)
    guidance = models.TextField(_("评分标准"), blank=True)
    auto_source = models.CharField(max_length=16, choices=AutoSource.choices, blank=True)
    prefill = models.DecimalField(_("系统预填得分率"), max_digits=5, decimal_places=2, null=True,
                                  blank=True)
    prefill_basis = models.CharField(_("预填依据"), max_length=200, blank=True)
    score = models.DecimalField(_("得分率(%)"), max_digits=5, decimal_places=2, null=True,
                                blank=True)
    reason = models.TextField(_("评分理由"), blank=True)
    scored_by = models.ForeignKey("accounts.User", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["evaluation_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "number"], name="eval_item_unique"),
            models.CheckConstraint(condition=Q(score__isnull=True)
                                   | (Q(score__gte=0) & Q(score__lte=100)), name="eval_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def points(self) -> Decimal | None:
        if self.score is None:
            return None
        return (self.score * self.weight / 100).quantize(Decimal("0.01"))


class Mark(models.TextChoices):
    VERIFIED = "verified", _("核实")
    DOUBTFUL = "doubtful", _("存疑")
    NOT_DONE = "not_done", _("未完成")


class CheckMark(models.Model):
    """A reviewer's on-site mark on one ledger item (the check-list view on a tablet)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="marks")
    task = models.ForeignKey("rectification.RectificationTask", on_delete=models.CASCADE,
                             related_name="evaluation_marks")
    reviewer = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    mark = models.CharField(_("核查结果"), max_length=10, choices=Mark.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["evaluation", "task"],
                                               name="check_mark_unique")]

    def __str__(self) -> str:
        return f"{self.task} {self.get_mark_display()}"


class ConsequenceKind(models.TextChoices):
    BRIEFING = "briefing", _("通报")
    TALK = "talk", _("约谈")
    DEDUCTION = "deduction", _("年度考核扣分")


class Consequence(TimeStamped):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE,
                                   related_name="consequences")
    kind = models.CharField(_("类别"), max_length=10, choices=ConsequenceKind.choices)
    person = models.CharField(_("对象"), max_length=120,
                              help_text=_("通报对象(县区领导)、约谈对象或扣分单位。"))
    on_date = models.DateField(_("日期"))
    reason = models.TextField(_("原因"))
    content = models.TextField(_("内容"), blank=True, help_text=_("约谈时谈了什么。"))
    points = models.DecimalField(_("扣分"), max_digits=5, decimal_places=2, null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("考核年度"), null=True, blank=True)
    done = models.BooleanField(_("已落实"), default=False)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("评估结果运用")
        verbose_name_plural = _("评估结果运用")
        ordering = ["evaluation_id", "on_date"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="deduction") | Q(points__gt=0),
                                   name="deduction_has_points"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person}"


class InquiryMeeting(TimeStamped):
    """质询会: 对账, 交账, 销账, 清账 — county leaders questioned on rectification and leads."""

    committee = models.ForeignKey("organisations.Unit", verbose_name=_("党委"),
                                  on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("日期"))
    title = models.CharField(_("名称"), max_length=120)
    reporting_units = models.ManyToManyField("organisations.Unit", verbose_name=_("汇报单位"),
                                             related_name="+")
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("质询会")
        verbose_name_plural = _("质询会")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return self.title


class InquiryQuestion(models.Model):
    meeting = models.ForeignKey(InquiryMeeting, on_delete=models.CASCADE,
                                related_name="questions")
    asked_by = models.CharField(_("提问人"), max_length=60)
    respondent = models.CharField(_("答复人"), max_length=60)
    question = models.TextField(_("质询问题"))
    answer = models.TextField(_("答复"), blank=True)

    class Meta:
        ordering = ["meeting_id", "id"]

    def __str__(self) -> str:
        return self.question[:40]

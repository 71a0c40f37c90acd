"""Rectification (domain.md steps 6–8, 10): the unit's plan under "三不过", the ledger of tasks with
progress and evidence, closing against the ledger (对账销号) only after verification by the office,
and the rectification report. Outcomes (institutions, funds, accountability) are in ``outcomes``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from xuncha.core.models import TimeStamped, Versioned


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("编制中")
    SUBMITTED = "submitted", _("审核中")
    RETURNED = "returned", _("退回修改")
    APPROVED = "approved", _("已审定")


class RectificationPlan(FSMModelMixin, TimeStamped, Versioned):
    """整改方案: one per inspection. Once approved its tasks are the ledger."""

    inspection = models.OneToOneField(
        "inspections.Inspection", verbose_name=_("巡察"), on_delete=models.PROTECT,
        related_name="plan",
    )
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("被巡察单位"),
                             on_delete=models.PROTECT, related_name="+")
    first_responsible = models.ForeignKey(
        "accounts.User", verbose_name=_("第一责任人"), on_delete=models.PROTECT, related_name="+",
    )
    group_leader = models.CharField(_("整改工作领导小组组长"), max_length=60)
    group_members = models.TextField(_("领导小组成员"), blank=True,
                                     help_text=_("每行一人,写明姓名和职务。"))
    guiding_text = models.TextField(_("总体要求"), blank=True)
    period_start = models.DateField(_("集中整改期起"))
    period_end = models.DateField(_("集中整改期止"))
    status = FSMField(_("状态"), default=PlanStatus.DRAFT, choices=PlanStatus.choices,
                      protected=True, max_length=10)
    submitted_count = models.PositiveSmallIntegerField(_("报送次数"), default=0)
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改方案")
        verbose_name_plural = _("整改方案")
        permissions = [
            ("edit_plan", _("编制本单位整改方案、报送进度")),
            ("review_plan", _("审核整改方案")),
            ("verify_closure", _("核验整改销号")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gt=models.F("period_start")),
                                   name="plan_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} 整改方案"

    @transition(field=status, source=[PlanStatus.DRAFT, PlanStatus.RETURNED],
                target=PlanStatus.SUBMITTED)
    def submit(self) -> None:
        self.submitted_count += 1

    @transition(field=status, source=PlanStatus.SUBMITTED, target=PlanStatus.RETURNED)
    def send_back(self) -> None:
        pass

    @transition(field=status, source=PlanStatus.SUBMITTED, target=PlanStatus.APPROVED)
    def approve(self) -> None:
        self.approved_at = timezone.now()


class PlanSnapshot(models.Model):
    """Each submission is kept as it was, so versions can be compared and a review refers to the
    exact text reviewed."""

    plan = models.ForeignKey(RectificationPlan, on_delete=models.CASCADE, related_name="snapshots")
    number = models.PositiveSmallIntegerField(_("版本"))
    content = models.JSONField(_("方案内容"))
    content_hash = models.CharField(max_length=64)
    submitted_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("报送时间"), default=timezone.now)

    class Meta:
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="snapshot_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} 第{self.number}版"


class ReviewBody(models.TextChoices):
    OFFICE = "office", _("巡察办")
    DISCIPLINE = "discipline", _("纪委监委")
    ORGANISATION = "organisation", _("组织部")


class ReviewDecision(models.TextChoices):
    APPROVE = "approve", _("同意")
    RETURN = "return", _("退回")


class PlanReview(models.Model):
    """A body's decision on one submitted version, with reasons under the three criteria."""

    snapshot = models.ForeignKey(PlanSnapshot, on_delete=models.CASCADE, related_name="reviews")
    body = models.CharField(_("审核单位"), max_length=12, choices=ReviewBody.choices)
    reviewer = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("意见"), max_length=8, choices=ReviewDecision.choices)
    direction_unclear = models.TextField(_("方向不明确"), blank=True)
    missing_items = models.TextField(_("任务有漏项"), blank=True)
    vague_measures = models.TextField(_("措施不具体"), blank=True)
    comment = models.TextField(_("其他意见"), blank=True)
    decided_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["snapshot_id", "decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "body"], name="review_one_per_body"),
            models.CheckConstraint(
                condition=Q(decision="approve") | ~Q(direction_unclear="", missing_items="",
                                                     vague_measures=""),
                name="review_return_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_body_display()} {self.get_decision_display()}"


class MeasureKind(models.TextChoices):
    IMMEDIATE = "immediate", _("立行立改")
    DEADLINE = "deadline", _("限期整改")
    STANDING = "standing", _("长期坚持")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("整改中")
    CLOSURE_REQUESTED = "closure_requested", _("申请销号")
    CLOSED = "closed", _("已销号")


OPEN_STATUSES = [TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.CLOSURE_REQUESTED]


class RectificationTask(FSMModelMixin, TimeStamped, Versioned):
    """One row of the ledger: a measure against a problem, with its deadline and people (五个一)."""

    plan = models.ForeignKey(RectificationPlan, on_delete=models.CASCADE, related_name="tasks")
    problem = models.ForeignKey("findings.Problem", verbose_name=_("问题"),
                                on_delete=models.PROTECT, related_name="tasks")
    # Denormalised for the ledger and the dashboards (docs/performance.md: partial index on open
    # tasks by county, problem and deadline; a covering index by unit and status).
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey("organisations.Unit", null=True, on_delete=models.PROTECT,
                               related_name="+")
    number = models.PositiveSmallIntegerField(_("序号"))
    measure = models.TextField(_("整改措施"))
    kind = models.CharField(_("整改类型"), max_length=10, choices=MeasureKind.choices,
                            default=MeasureKind.DEADLINE)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    responsible_leader = models.CharField(_("责任领导"), max_length=60, blank=True)
    responsible_person = models.CharField(_("具体责任人"), max_length=60, blank=True)
    responsible_department = models.CharField(_("责任部门"), max_length=80, blank=True)
    responsible_user = models.ForeignKey(
        "accounts.User", verbose_name=_("责任人账号"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="responsible_tasks",
        help_text=_("有系统账号的责任人,提醒会发到他的站内消息。"),
    )
    expected_evidence = models.CharField(_("应提交的佐证材料"), max_length=300, blank=True)
    status = FSMField(_("状态"), default=TaskStatus.NOT_STARTED, choices=TaskStatus.choices,
                      protected=True, max_length=18)
    progress = models.PositiveSmallIntegerField(_("进度(%)"), default=0)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    is_relapse = models.BooleanField(_("改后又犯"), default=False)
    reopened_count = models.PositiveSmallIntegerField(_("重新打开次数"), default=0)

    class Meta:
        verbose_name = _("整改任务")
        verbose_name_plural = _("整改台账")
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="task_unique_number"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_max_100"),
        ]
        indexes = [
            models.Index(fields=["county", "problem", "deadline", "status"], name="task_open",
                         condition=~Q(status="closed")),
            models.Index(fields=["unit", "status", "deadline", "id", "closed_at"], name="task_unit_cover"),
            models.Index(fields=["problem", "status"], name="task_problem_status"),
        ]

    def __str__(self) -> str:
        return f"{self.problem.number}-{self.number} {self.measure[:30]}"

    @property
    def is_open(self) -> bool:
        return self.status != TaskStatus.CLOSED

    def is_overdue(self, today: object = None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.deadline is not None and self.deadline < today  # type: ignore[operator]

    @transition(field=status, source=TaskStatus.NOT_STARTED, target=TaskStatus.IN_PROGRESS)
    def start(self) -> None:
        pass

    @transition(field=status, source=[TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS],
                target=TaskStatus.CLOSURE_REQUESTED)
    def request_closure(self) -> None:
        pass

    @transition(field=status, source=TaskStatus.CLOSURE_REQUESTED, target=TaskStatus.IN_PROGRESS)
    def send_back(self) -> None:
        pass

    @transition(field=status, source=TaskStatus.CLOSURE_REQUESTED, target=TaskStatus.CLOSED)
    def close(self) -> None:
        self.closed_at = timezone.now()
        self.progress = 100

    @transition(field=status, source=TaskStatus.CLOSED, target=TaskStatus.IN_PROGRESS)
    def reopen(self) -> None:
        self.closed_at = None
        self.reopened_count += 1


class ProgressReport(TimeStamped):
    task = models.ForeignKey(RectificationTask, on_delete=models.CASCADE,
                             related_name="progress_reports")
    text = models.TextField(_("进展情况"))
    percent = models.PositiveSmallIntegerField(_("完成进度(%)"))
    reported_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    reported_on = models.DateField(_("报送日期"), default=timezone.localdate)

    class Meta:
        verbose_name = _("整改进展")
        verbose_name_plural = _("整改进度台账")
        ordering = ["task_id", "created_at", "id"]
        indexes = [models.Index(fields=["task", "created_at"], name="progress_task_time")]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="progress_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.percent}%"


class VerificationMethod(models.TextChoices):
    DOCUMENT = "document", _("书面审核")
    ON_SITE = "on_site", _("实地核查")


class VerificationResult(models.TextChoices):
    PASSED = "passed", _("通过,予以销号")
    RETURNED = "returned", _("不通过,退回整改")


class Verification(models.Model):
    """对账销号: the office's check of a closure request (never by the unit that asked)."""

    task = models.ForeignKey(RectificationTask, on_delete=models.CASCADE,
                             related_name="verifications")
    verifier = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("核验方式"), max_length=10, choices=VerificationMethod.choices)
    result = models.CharField(_("核验结果"), max_length=10, choices=VerificationResult.choices)
    note = models.TextField(_("核验情况"))
    sampled = models.BooleanField(_("抽查"), default=False)
    verified_at = models.DateTimeField(_("核验时间"), default=timezone.now)

    class Meta:
        verbose_name = _("销号核验")
        verbose_name_plural = _("销号核验")
        ordering = ["task_id", "verified_at"]

    def __str__(self) -> str:
        return f"{self.task} {self.get_result_display()}"


class SampleDraw(models.Model):
    """A random draw of closed items for on-site checks, kept so the draw itself can be audited."""

    county = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="+")
    percent = models.PositiveSmallIntegerField(_("抽查比例(%)"))
    seed = models.CharField(max_length=32)
    drawn_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(default=timezone.now)
    tasks = models.ManyToManyField(RectificationTask, related_name="sample_draws")
    population = models.PositiveIntegerField(_("已销号总数"))

    class Meta:
        verbose_name = _("抽查")
        verbose_name_plural = _("抽查")
        ordering = ["-drawn_at"]

    def __str__(self) -> str:
        return f"{self.county} {self.drawn_at:%Y-%m-%d} {self.percent}%"


class RectReportStatus(models.TextChoices):
    DRAFT = "draft", _("起草中")
    SIGNING = "signing", _("会签中")
    SUBMITTED = "submitted", _("已报送")
    RECEIVED = "received", _("已接收")


class RectificationReport(TimeStamped, Versioned):
    """整改报告 at the end of the concentrated period: the ledger compiled by the system plus the
    unit's own text; signed off by 纪委 and 组织部 (bound to the content hash), received by the
    office; a public version (整改情况公开) leaves out what is confidential."""

    plan = models.OneToOneField(RectificationPlan, on_delete=models.PROTECT,
                                related_name="report")
    unit_text = models.TextField(_("整改情况说明"))
    head_text = models.TextField(_("主要负责人履行第一责任人职责情况"))
    public_text = models.TextField(_("公开版本"), blank=True)
    compiled = models.JSONField(_("台账汇总"), default=dict)
    content_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RectReportStatus.choices,
                              default=RectReportStatus.DRAFT)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    received_by = models.ForeignKey("accounts.User", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("接收时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改报告")
        verbose_name_plural = _("整改报告")

    def __str__(self) -> str:
        return f"{self.plan.unit} 整改报告"


class SignoffBody(models.TextChoices):
    DISCIPLINE = "discipline", _("纪委监委")
    ORGANISATION = "organisation", _("组织部")


class ReportSignoff(models.Model):
    report = models.ForeignKey(RectificationReport, on_delete=models.CASCADE,
                               related_name="signoffs")
    body = models.CharField(_("会签单位"), max_length=12, choices=SignoffBody.choices)
    signer = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    signed_hash = models.CharField(max_length=64)
    opinion = models.TextField(_("会签意见"), blank=True)
    signed_at = models.DateTimeField(default=timezone.now)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["report_id", "signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["report", "body"], condition=Q(voided_at=None),
                                    name="signoff_one_valid_per_body"),
        ]

    def __str__(self) -> str:
        return f"{self.get_body_display()} {self.signer}"

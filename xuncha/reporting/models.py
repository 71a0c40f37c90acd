"""Monthly reporting up ("三本账"): the system compiles each month's return from the records, it is
frozen on submission, late submissions are flagged. Counties report to the city; units report to
their county. The city also assigns matters to counties (市级交办事项)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xuncha.core.models import TimeStamped, Versioned


class ReturnLevel(models.TextChoices):
    COUNTY_TO_CITY = "county", _("县区报市")
    UNIT_TO_COUNTY = "unit", _("单位报县区")


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", _("未报送")
    SUBMITTED = "submitted", _("已报送")


class MonthlyReturn(TimeStamped):
    level = models.CharField(_("层级"), max_length=8, choices=ReturnLevel.choices)
    reporter = models.ForeignKey("organisations.Unit", verbose_name=_("报送单位"),
                                 on_delete=models.PROTECT, related_name="monthly_returns")
    recipient = models.ForeignKey("organisations.Unit", verbose_name=_("接收单位"),
                                  on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("月份"), help_text=_("该月 1 日。"))
    due_on = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=10, choices=ReturnStatus.choices,
                              default=ReturnStatus.DRAFT)
    data = models.JSONField(_("报表数据"), default=dict)
    content_hash = models.CharField(max_length=64, blank=True)
    note = models.TextField(_("补充说明"), blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey("accounts.User", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    is_late = models.BooleanField(_("逾期报送"), default=False)

    class Meta:
        verbose_name = _("月度报表")
        verbose_name_plural = _("月度报表")
        ordering = ["-month", "reporter_id"]
        permissions = [("submit_return", _("报送月度报表")),
                       ("view_city_returns", _("查看各县区月报"))]
        constraints = [
            models.UniqueConstraint(fields=["reporter", "month", "level"],
                                    name="return_one_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.reporter} {self.month:%Y年%m月}"


class AssignmentStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    DONE = "done", _("已办结")


class CityAssignment(TimeStamped, Versioned):
    """市级交办事项: matters the city office assigns to a county, tracked in its monthly return."""

    city = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey("organisations.Unit", verbose_name=_("承办县区"),
                               on_delete=models.PROTECT, related_name="city_assignments")
    title = models.CharField(_("交办事项"), max_length=200)
    content = models.TextField(_("内容"))
    deadline = models.DateField(_("办理时限"))
    status = models.CharField(_("状态"), max_length=8, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.OPEN)
    response = models.TextField(_("办理情况"), blank=True)
    assigned_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("市级交办事项")
        verbose_name_plural = _("市级交办事项")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

"""What an inspection finds (domain.md step 3): problems, each in a category, with facts and
evidence; recommendations to functional departments. Leads live in ``xuncha.leads``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xuncha.core.models import TimeStamped, Versioned


class ProblemCategory(TimeStamped):
    """An editable dictionary; the default follows the "three focuses" (三个聚焦)."""

    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", verbose_name=_("上级类别"))
    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("问题类别")
        verbose_name_plural = _("问题类别")
        ordering = ["code"]
        permissions = [("manage_category", _("维护问题类别"))]

    def __str__(self) -> str:
        return f"{self.parent.name}·{self.name}" if self.parent_id and self.parent else self.name

    @property
    def label(self) -> str:
        return str(self)


class Severity(models.TextChoices):
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("较重")
    GRAVE = "grave", _("严重")


class ProblemOrigin(models.TextChoices):
    INSPECTION = "inspection", _("巡察发现")
    EVALUATION = "evaluation", _("评估发现")
    PUSHED = "pushed", _("共性问题推送")
    REQUIREMENT = "requirement", _("上级新要求")
    SELF = "self", _("自查发现")
    INQUIRY = "inquiry", _("质询会交办")


class ProblemState(models.TextChoices):
    ACTIVE = "active", _("有效")
    CONVERTED = "converted", _("已转为线索")
    WITHDRAWN = "withdrawn", _("已撤销")


class Problem(TimeStamped, Versioned):
    inspection = models.ForeignKey(
        "inspections.Inspection", verbose_name=_("巡察"), on_delete=models.PROTECT,
        related_name="problems",
    )
    # Denormalised from the inspection for the dashboards' (county, category) index.
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("被巡察单位"),
                             on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey("organisations.Unit", null=True, on_delete=models.PROTECT,
                               related_name="+")
    number = models.PositiveIntegerField(_("问题编号"))
    category = models.ForeignKey(ProblemCategory, verbose_name=_("问题类别"),
                                 on_delete=models.PROTECT, related_name="problems")
    title = models.CharField(_("问题概述"), max_length=200)
    facts = models.TextField(_("具体事实"))
    severity = models.CharField(_("严重程度"), max_length=8, choices=Severity.choices,
                                default=Severity.GENERAL)
    origin = models.CharField(_("来源"), max_length=12, choices=ProblemOrigin.choices,
                              default=ProblemOrigin.INSPECTION)
    checklist_item = models.ForeignKey(
        "inspections.RoundChecklistItem", verbose_name=_("重点清单项"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="problems",
    )
    intake_items = models.ManyToManyField(
        "inspections.IntakeItem", verbose_name=_("来源线索(巡前收集)"), blank=True,
        related_name="problems",
    )
    is_common = models.BooleanField(_("共性问题"), default=False)
    names_people = models.BooleanField(
        _("涉及具体人员"), default=False,
        help_text=_("问题涉及领导干部或具体责任人时勾选,整改方案须明确问责。"),
    )
    state = models.CharField(_("状态"), max_length=10, choices=ProblemState.choices,
                             default=ProblemState.ACTIVE)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["inspection_id", "number"]
        permissions = [("manage_problem", _("登记和修改巡察发现的问题"))]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="problem_unique_number"),
        ]
        indexes = [
            models.Index(fields=["county", "category"], name="problem_county_category"),
            # Covers the scope's subtree join and the dashboard's counts (docs/performance.md).
            models.Index(fields=["unit", "state", "category", "inspection"], name="problem_unit_cover"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def audit_repr(self) -> str:
        """In the audit trail a problem is named by number only: if it later becomes a lead,
        its text is as confidential as the lead's."""
        return f"问题 {self.number}(巡察 {self.inspection_id})"


class RecommendationStatus(models.TextChoices):
    DRAFT = "draft", _("草拟")
    SENT = "sent", _("已移交")
    ANSWERED = "answered", _("已回复")
    DONE = "done", _("已落实")


class Recommendation(TimeStamped, Versioned):
    """专项治理建议: to a functional department, about a problem seen across units."""

    inspection = models.ForeignKey(
        "inspections.Inspection", verbose_name=_("巡察"), on_delete=models.PROTECT,
        related_name="recommendations",
    )
    department = models.ForeignKey(
        "organisations.Unit", verbose_name=_("职能部门"), on_delete=models.PROTECT,
        related_name="recommendations_received",
    )
    title = models.CharField(_("建议事项"), max_length=200)
    content = models.TextField(_("内容"))
    problems = models.ManyToManyField(Problem, verbose_name=_("相关问题"), blank=True,
                                      related_name="recommendations")
    status = models.CharField(_("状态"), max_length=10, choices=RecommendationStatus.choices,
                              default=RecommendationStatus.DRAFT)
    response = models.TextField(_("部门回复"), blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("专项治理建议")
        verbose_name_plural = _("专项治理建议")
        ordering = ["inspection_id", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="recommendation_has_title"),
        ]

    def __str__(self) -> str:
        return self.title

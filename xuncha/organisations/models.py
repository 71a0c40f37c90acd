"""The organisation tree and the committees' terms.

city → county/district → departments, townships/streets, state firms, schools → villages/communities.
A unit's ``path`` holds its ancestors' ids (see xuncha.core.tree); ``county`` is the county-level
ancestor (or itself), denormalised because every dashboard groups by it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xuncha.core.models import TimeStamped, Versioned


class UnitLevel(models.IntegerChoices):
    PROVINCE = 0, _("省级")
    CITY = 1, _("市级")
    COUNTY = 2, _("县区级")
    TOWNSHIP = 3, _("乡镇部门级")
    VILLAGE = 4, _("村社区级")


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县(区)")
    COMMITTEE_OFFICE = "committee_office", _("党委工作机关")
    DEPARTMENT = "department", _("部门单位")
    TOWNSHIP = "township", _("乡镇")
    STREET = "street", _("街道")
    STATE_FIRM = "state_firm", _("国有企业")
    SCHOOL = "school", _("学校")
    HOSPITAL = "hospital", _("医院")
    VILLAGE = "village", _("村")
    COMMUNITY = "community", _("社区")


# The level a kind normally sits at; the import checks a unit against its parent with it.
KIND_LEVEL: dict[str, int] = {
    UnitKind.PROVINCE: UnitLevel.PROVINCE,
    UnitKind.CITY: UnitLevel.CITY,
    UnitKind.COUNTY: UnitLevel.COUNTY,
    UnitKind.COMMITTEE_OFFICE: UnitLevel.TOWNSHIP,
    UnitKind.DEPARTMENT: UnitLevel.TOWNSHIP,
    UnitKind.TOWNSHIP: UnitLevel.TOWNSHIP,
    UnitKind.STREET: UnitLevel.TOWNSHIP,
    UnitKind.STATE_FIRM: UnitLevel.TOWNSHIP,
    UnitKind.SCHOOL: UnitLevel.TOWNSHIP,
    UnitKind.HOSPITAL: UnitLevel.TOWNSHIP,
    UnitKind.VILLAGE: UnitLevel.VILLAGE,
    UnitKind.COMMUNITY: UnitLevel.VILLAGE,
}


class UnitFunction(models.TextChoices):
    """What a committee's working organ does, so the system can find "the county's discipline
    commission" or "the county's inspection office" without guessing from names."""

    NONE = "", _("一般单位")
    INSPECTION_OFFICE = "inspection_office", _("巡察办")
    DISCIPLINE = "discipline", _("纪委监委")
    ORGANISATION = "organisation", _("组织部")
    SUPERVISION = "supervision", _("督查室")


class Unit(TimeStamped, Versioned):
    name = models.CharField(_("名称"), max_length=120)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    code = models.CharField(
        _("机构代码"),
        max_length=40,
        unique=True,
        help_text=_("本系统内唯一,例如统一社会信用代码或内部编码。"),
    )
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    level = models.PositiveSmallIntegerField(_("层级"), choices=UnitLevel.choices)
    function = models.CharField(_("机构职能"), max_length=20, choices=UnitFunction.choices,
                                default=UnitFunction.NONE, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    county = models.ForeignKey(
        "self", verbose_name=_("所属县区"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    path = models.CharField(_("路径"), max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(_("深度"), default=0, editable=False)
    sort_order = models.IntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]
        permissions = [
            ("manage_unit", _("管理组织机构")),
            ("import_unit", _("导入组织机构")),
        ]
        indexes = [
            models.Index(fields=["county", "kind"], name="unit_county_kind"),
            models.Index(fields=["parent", "sort_order"], name="unit_parent_sort"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=models.F("id")),
                name="unit_not_own_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_county(self) -> bool:
        return self.level == UnitLevel.COUNTY

    def organ(self, function: str) -> Unit | None:
        """This committee's working organ with ``function`` (e.g. its discipline commission)."""
        return Unit.objects.filter(parent=self, function=function, is_active=True).first()

    def ancestor_ids(self) -> list[int]:
        from xuncha.core.tree import path_ids

        return path_ids(self.path)[:-1]


class Term(TimeStamped, Versioned):
    """届次: a committee's five-year term, e.g. 十二届区委 — the frame of 全覆盖."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("党委"), on_delete=models.PROTECT, related_name="terms"
    )
    name = models.CharField(_("届次名称"), max_length=60)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))

    class Meta:
        verbose_name = _("届次")
        verbose_name_plural = _("届次")
        ordering = ["unit_id", "-start_date"]
        permissions = [("manage_term", _("管理届次"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="term_ends_after_start"
            ),
            models.UniqueConstraint(fields=["unit", "name"], name="term_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.short_name or self.unit.name} {self.name}"


class CommitteeRules(TimeStamped, Versioned):
    """The local rules of one committee (domain.md: every default configurable per committee)."""

    committee = models.OneToOneField(Unit, verbose_name=_("党委"), on_delete=models.CASCADE,
                                     related_name="rules")
    plan_due_days = models.PositiveSmallIntegerField(
        _("整改方案报送期限(天)"), default=30, help_text=_("自反馈之日起。多数地方为 1 个月。"))
    concentrated_months = models.PositiveSmallIntegerField(
        _("集中整改期(月)"), default=3, help_text=_("一般为 2 至 3 个月。"))
    report_due_days = models.PositiveSmallIntegerField(
        _("整改报告报送期限(天)"), default=60, help_text=_("巡视工作条例:反馈后 2 个月内。"))
    sample_percent = models.PositiveSmallIntegerField(_("销号抽查比例(%)"), default=10)
    due_soon_days = models.PositiveSmallIntegerField(_("临期提醒(天)"), default=7)
    escalate_after_days = models.PositiveSmallIntegerField(_("逾期升级(天)"), default=30)
    monthly_due_day = models.PositiveSmallIntegerField(
        _("月报截止日"), default=5, help_text=_("次月几日前报送上月情况。"))
    survey_min_answers = models.PositiveSmallIntegerField(_("测评结果最少份数"), default=5)
    lead_fast_track_days = models.PositiveSmallIntegerField(_("快查快处时限(天)"), default=30)
    lead_disposal_days = models.PositiveSmallIntegerField(
        _("线索受理后提出处置意见时限(天)"), default=30)
    plan_reviewers = models.CharField(
        _("方案审核单位"), max_length=60, default="office,discipline,organisation",
        help_text=_("须全部同意方案才审定:office 巡察办, discipline 纪委监委, organisation 组织部。"))

    class Meta:
        verbose_name = _("本级规则")
        verbose_name_plural = _("本级规则")

    def __str__(self) -> str:
        return f"{self.committee} 规则"

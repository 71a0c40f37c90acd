"""What rectification leaves behind (domain.md step 8): institutions built (建章立制), funds
recovered, and the accountability list (问责清单)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xuncha.core.models import TimeStamped, Versioned


class Institution(TimeStamped, Versioned):
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("单位"),
                             on_delete=models.PROTECT, related_name="institutions")
    county = models.ForeignKey("organisations.Unit", null=True, on_delete=models.PROTECT,
                               related_name="+")
    name = models.CharField(_("制度名称"), max_length=200)
    document_number = models.CharField(_("文号"), max_length=80, blank=True)
    issued_on = models.DateField(_("印发日期"))
    problems = models.ManyToManyField("findings.Problem", verbose_name=_("针对的问题"),
                                      related_name="institutions")
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("建章立制")
        verbose_name_plural = _("建章立制")
        ordering = ["-issued_on", "id"]
        permissions = [("manage_outcome", _("登记整改成果和问责"))]
        indexes = [models.Index(fields=["county", "issued_on"], name="institution_county")]

    def __str__(self) -> str:
        return self.name


class FundsRecovery(TimeStamped, Versioned):
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("单位"),
                             on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey("organisations.Unit", null=True, on_delete=models.PROTECT,
                               related_name="+")
    problem = models.ForeignKey("findings.Problem", verbose_name=_("问题"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="funds")
    lead = models.ForeignKey("leads.Lead", verbose_name=_("线索"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="funds")
    amount = models.DecimalField(_("金额(元)"), max_digits=14, decimal_places=2)
    kind = models.CharField(_("类别"), max_length=10, default="recovered",
                            choices=[("recovered", _("收回")), ("returned", _("清退")),
                                     ("reduced", _("挽回损失"))])
    payer_or_payee = models.CharField(_("收回自或退还给"), max_length=120)
    recorded_on = models.DateField(_("日期"))
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("资金收回")
        verbose_name_plural = _("资金收回")
        ordering = ["-recorded_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="funds_positive"),
            models.CheckConstraint(condition=Q(problem__isnull=False) | Q(lead__isnull=False),
                                   name="funds_has_source"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} 元"


class ResponsibilityKind(models.TextChoices):
    DIRECT = "direct", _("直接责任")
    LEADERSHIP = "leadership", _("领导责任")
    PRINCIPAL = "principal", _("主体责任")
    SUPERVISORY = "supervisory", _("监督责任")


class FourForms(models.TextChoices):
    FIRST = "first", _("第一种形态")
    SECOND = "second", _("第二种形态")
    THIRD = "third", _("第三种形态")
    FOURTH = "fourth", _("第四种形态")


class AccountabilityRecord(TimeStamped, Versioned):
    """问责清单. Names and posts of people held accountable are decided publicly in China, but the
    record stays inside the unit's scope like the problem it answers."""

    unit = models.ForeignKey("organisations.Unit", verbose_name=_("单位"),
                             on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey("organisations.Unit", null=True, on_delete=models.PROTECT,
                               related_name="+")
    person_name = models.CharField(_("姓名"), max_length=60)
    post = models.CharField(_("职务"), max_length=120)
    is_organisation = models.BooleanField(_("党组织问责"), default=False)
    problem = models.ForeignKey("findings.Problem", verbose_name=_("问题"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="accountability")
    lead = models.ForeignKey("leads.Lead", verbose_name=_("线索"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="accountability")
    responsibility = models.CharField(_("责任类型"), max_length=12,
                                      choices=ResponsibilityKind.choices)
    form = models.CharField(_("四种形态"), max_length=8, choices=FourForms.choices)
    measure = models.CharField(_("处理方式"), max_length=120,
                               help_text=_("例如 批评教育、诫勉谈话、党内警告、撤销党内职务。"))
    decided_on = models.DateField(_("决定日期"))
    deciding_body = models.CharField(_("决定机关"), max_length=120)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("问责记录")
        verbose_name_plural = _("问责清单")
        ordering = ["-decided_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(problem__isnull=False) | Q(lead__isnull=False),
                                   name="accountability_has_source"),
        ]
        indexes = [models.Index(fields=["county", "form"], name="accountability_county_form")]

    def __str__(self) -> str:
        return f"{self.person_name} {self.get_form_display()}"

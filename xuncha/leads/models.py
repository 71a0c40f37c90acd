"""Problem leads (问题线索): findings that name people. Confidential.

Names, ID numbers, phone numbers and facts are SM4-encrypted per field (xuncha.core.crypto); a
person's name is searchable through a keyed SM3 digest. Only the receiving body's handlers, the
team leader and the office director see a lead, and every read is audited.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xuncha.core.crypto import EncryptedTextField
from xuncha.core.models import TimeStamped, Versioned


class Lead(TimeStamped, Versioned):
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
    source_problem = models.OneToOneField(
        "findings.Problem", verbose_name=_("由问题转为线索"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="lead",
    )
    registered_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("问题线索")
        verbose_name_plural = _("问题线索")
        ordering = ["inspection_id", "number"]
        permissions = [
            ("manage_lead", _("登记问题线索")),
            ("view_lead_counts", _("查看线索数量(不含内容)")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="lead_unique_number"),
        ]

    def __str__(self) -> str:
        return _("线索 %(n)s") % {"n": self.number}


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

"""The inspection report and the feedback (domain.md steps 4–5).

A report is written in versions; reviewers (the office, the city office for coordinated rounds,
leadership) annotate a passage or a problem ("改卷子"), the team answers or resolves. The approved
report yields the feedback problem list, which the unit's first responsible person, the team leader
and the office director sign; each signature is bound to the SM3 hash of the exact list signed, so
any later change to the list voids it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xuncha.core.models import TimeStamped, Versioned


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("起草中")
    SUBMITTED = "submitted", _("送审中")
    RETURNED = "returned", _("退回修改")
    APPROVED = "approved", _("已审定")


class ReportVersion(TimeStamped):
    inspection = models.ForeignKey(
        "inspections.Inspection", verbose_name=_("巡察"), on_delete=models.PROTECT,
        related_name="report_versions",
    )
    number = models.PositiveSmallIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), help_text=_("支持标题(#)、列表(- 或 1.)和段落。"))
    cited_problems = models.ManyToManyField("findings.Problem", verbose_name=_("引用的问题"),
                                            blank=True, related_name="cited_in")
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices,
                              default=ReportStatus.DRAFT)
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("送审时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    to_city = models.BooleanField(_("同时报市委巡察办"), default=False,
                                  help_text=_("市县统合巡察实行双报告。"))

    class Meta:
        verbose_name = _("巡察报告")
        verbose_name_plural = _("巡察报告")
        ordering = ["inspection_id", "-number"]
        permissions = [
            ("review_report", _("审阅和批注巡察报告")),
            ("approve_report", _("审定巡察报告")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="report_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title}(第{self.number}稿)"


class AnnotationStatus(models.TextChoices):
    OPEN = "open", _("待答复")
    ANSWERED = "answered", _("已答复")
    RESOLVED = "resolved", _("已解决")


class Annotation(TimeStamped):
    """批注: anchored to a quoted passage of a version or to one problem."""

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="annotations")
    quote = models.CharField(_("批注原文"), max_length=500, blank=True)
    problem = models.ForeignKey("findings.Problem", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="annotations")
    body = models.TextField(_("批注意见"))
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=AnnotationStatus.choices,
                              default=AnnotationStatus.OPEN)
    reply = models.TextField(_("答复"), blank=True)
    replied_by = models.ForeignKey("accounts.User", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("批注")
        verbose_name_plural = _("批注")
        ordering = ["version_id", "id"]

    def __str__(self) -> str:
        return self.body[:40]


class FeedbackList(TimeStamped, Versioned):
    """The problem list handed to the unit, generated from the approved report."""

    inspection = models.OneToOneField(
        "inspections.Inspection", verbose_name=_("巡察"), on_delete=models.PROTECT,
        related_name="feedback",
    )
    report = models.ForeignKey(ReportVersion, on_delete=models.PROTECT, related_name="+")
    items = models.JSONField(_("问题清单"), default=list)
    content_hash = models.CharField(_("清单 SM3"), max_length=64)
    generated_at = models.DateTimeField(_("生成时间"))
    completed_at = models.DateTimeField(_("三方签字完成"), null=True, blank=True)

    class Meta:
        verbose_name = _("反馈问题清单")
        verbose_name_plural = _("反馈问题清单")
        permissions = [("sign_feedback", _("签收反馈问题清单"))]

    def __str__(self) -> str:
        return f"{self.inspection} 反馈清单"


class SignatoryRole(models.TextChoices):
    UNIT_HEAD = "unit_head", _("被巡察党组织主要负责人")
    TEAM_LEADER = "team_leader", _("巡察组组长")
    OFFICE_DIRECTOR = "office_director", _("巡察办主任")


class FeedbackSignature(models.Model):
    feedback = models.ForeignKey(FeedbackList, on_delete=models.CASCADE, related_name="signatures")
    role = models.CharField(_("签字方"), max_length=16, choices=SignatoryRole.choices)
    signer = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    signed_hash = models.CharField(_("所签清单 SM3"), max_length=64)
    signed_at = models.DateTimeField(_("签字时间"))
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("反馈签字")
        verbose_name_plural = _("反馈签字")
        ordering = ["feedback_id", "signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["feedback", "role"], condition=models.Q(voided_at=None),
                                    name="signature_one_valid_per_role"),
        ]

    def __str__(self) -> str:
        return f"{SignatoryRole(self.role).label} {self.signer.name}"

"""Anonymous satisfaction surveys (满意度测评).

Unlinkable by construction:
- A one-time code is stored only as a keyed digest with a used flag — no time, no user, no address.
- An answer is stored in a table with no reference to a code, a user, a request or a time; its key
  is random, and every submission rewrites the survey's answers in a random order in one
  transaction, so neither the key, the row order nor the transaction id tells the order in which
  people answered.
- Results are hidden until a survey has the committee's minimum number of answers (default 5).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from xuncha.core.models import TimeStamped, Versioned


class QuestionKind(models.TextChoices):
    CHOICE = "choice", _("单选")
    RATING = "rating", _("满意度评价")
    TEXT = "text", _("开放意见")


# The standard satisfaction scale; the first two count as satisfied.
RATING_OPTIONS = ["满意", "比较满意", "基本满意", "不满意"]
SATISFIED = {"满意", "比较满意"}


class Questionnaire(TimeStamped, Versioned):
    """A template the office edits; a survey copies its questions when it is opened."""

    committee = models.ForeignKey("organisations.Unit", verbose_name=_("党委"),
                                  on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=80)
    is_default = models.BooleanField(_("默认问卷"), default=False)

    class Meta:
        verbose_name = _("测评问卷")
        verbose_name_plural = _("测评问卷")
        ordering = ["committee_id", "name"]
        permissions = [("manage_survey", _("组织满意度测评"))]

    def __str__(self) -> str:
        return self.name


class TemplateQuestion(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE,
                                      related_name="questions")
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("题目"), max_length=200)
    kind = models.CharField(_("题型"), max_length=8, choices=QuestionKind.choices)
    options = models.JSONField(_("选项"), default=list, blank=True)
    area = models.CharField(_("测评方面"), max_length=30, blank=True,
                            help_text=_("按方面统计满意度,例如 政治建设、作风建设。"))
    is_overall = models.BooleanField(_("总体满意度"), default=False)

    class Meta:
        ordering = ["questionnaire_id", "number"]

    def __str__(self) -> str:
        return self.text


class SurveyStatus(models.TextChoices):
    OPEN = "open", _("测评中")
    CLOSED = "closed", _("已结束")


class Survey(TimeStamped):
    evaluation = models.ForeignKey("evaluation.Evaluation", verbose_name=_("评估"),
                                   on_delete=models.PROTECT, related_name="surveys")
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("被测评单位"),
                             on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=120)
    slug = models.SlugField(max_length=24, unique=True, editable=False)
    # A per-survey secret, so a code's digest cannot be matched against another survey's.
    salt = models.CharField(max_length=64, editable=False)
    questions = models.JSONField(_("题目"), default=list)
    status = models.CharField(_("状态"), max_length=8, choices=SurveyStatus.choices,
                              default=SurveyStatus.OPEN)
    min_answers = models.PositiveSmallIntegerField(_("结果显示所需最少份数"), default=5)

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class SurveyCode(models.Model):
    """A one-time code: its keyed digest and whether it has been used — nothing else."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)
    used = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "digest"], name="code_unique")]

    def __str__(self) -> str:
        return "***"


class ResponseSource(models.TextChoices):
    ONLINE = "online", _("扫码填写")
    PAPER = "paper", _("纸质录入")


class SurveyResponse(models.Model):
    """One person's answers. No code, no user, no request, no time — by design."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    answers = models.JSONField(_("答案"))
    source = models.CharField(_("来源"), max_length=8, choices=ResponseSource.choices)

    class Meta:
        verbose_name = _("测评答卷")
        verbose_name_plural = _("测评答卷")

    def __str__(self) -> str:
        return str(_("答卷"))

"""The figures' summary table: the province's and cities' problem and task figures, counted by the
worker every few minutes (xuncha.dashboards.summary). County dashboards never read it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SummaryRun(models.Model):
    """One refresh of the summary. Only the newest is read; older ones are deleted with it."""

    computed_at = models.DateTimeField(_("统计时间"))
    as_of = models.DateField(_("逾期的计算日期"))
    seconds = models.FloatField(_("耗时(秒)"), default=0)
    cells = models.PositiveIntegerField(_("汇总行数"), default=0)

    class Meta:
        verbose_name = _("统计汇总")
        verbose_name_plural = _("统计汇总")
        ordering = ["-computed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.computed_at:%Y-%m-%d %H:%M}"


class SummaryCell(models.Model):
    """The counts of one (anchor, unit kind, round kind, top-level category).

    ``anchor`` is the county of the units counted or, for units above county level (a city's
    departments), the unit itself: every row of a subtree rooted above county level has its anchor
    in that subtree, so the scope check reads the anchors' paths.
    """

    run = models.ForeignKey(SummaryRun, on_delete=models.CASCADE, related_name="summary_cells")
    anchor = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="+")
    county = models.ForeignKey("organisations.Unit", null=True, on_delete=models.CASCADE,
                               related_name="+")
    unit_kind = models.CharField(max_length=20)
    round_kind = models.CharField(max_length=20)
    category = models.ForeignKey("findings.ProblemCategory", on_delete=models.CASCADE,
                                 related_name="+")
    found = models.PositiveIntegerField(default=0)
    fed_back = models.PositiveIntegerField(default=0)
    rectified = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("统计汇总行")
        verbose_name_plural = _("统计汇总行")
        indexes = [models.Index(fields=["run", "anchor"], name="summary_run_anchor")]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.anchor_id}:{self.category_id}"


class SummaryMonth(models.Model):
    """The monthly trend of the same dimensions: problems fed back and tasks closed in a month
    ('YYYY-MM', local time), for the twelve months up to the run."""

    run = models.ForeignKey(SummaryRun, on_delete=models.CASCADE, related_name="summary_months")
    anchor = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="+")
    county = models.ForeignKey("organisations.Unit", null=True, on_delete=models.CASCADE,
                               related_name="+")
    unit_kind = models.CharField(max_length=20)
    round_kind = models.CharField(max_length=20)
    category = models.ForeignKey("findings.ProblemCategory", on_delete=models.CASCADE,
                                 related_name="+")
    month = models.CharField(max_length=7)
    fed_back = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("统计汇总(按月)")
        verbose_name_plural = _("统计汇总(按月)")
        indexes = [models.Index(fields=["run", "anchor"], name="summary_month_run_anchor")]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.anchor_id}:{self.month}"

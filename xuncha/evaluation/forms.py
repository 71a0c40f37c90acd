"""Page forms for evaluation visits, consequences and inquiry meetings.

They parse input; the services decide (xuncha.evaluation.services / inquiry). Choices come from
the scope check, so a select never lists a unit or a person the user could not open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.scope import visible
from xuncha.evaluation.models import Body, ConsequenceKind, Mark, Section

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.organisations.models import Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_OPTIONS = 2000
# The bodies the office usually seats, in the order the rows are offered on a new plan.
DEFAULT_BODIES = (Body.DISCIPLINE, Body.ORGANISATION, Body.OFFICE, Body.OFFICE, Body.OTHER)
# The unit functions whose staff make up the three parties, in the member picker's order.
BODY_OF_FUNCTION = {"discipline": Body.DISCIPLINE, "organisation": Body.ORGANISATION,
                    "inspection_office": Body.OFFICE}


def set_choices(form: forms.Form, name: str, choices: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def reviewer_choices(user: User) -> list[tuple[str, Any]]:
    """People the office may seat on a visit, grouped by party (纪委监委, 组织部, 巡察办, 其他)."""
    from xuncha.accounts.models import User as UserModel

    people = list(visible(user, UserModel).filter(is_active=True).select_related("unit")
                  .order_by("unit__path", "name")[:MAX_OPTIONS])
    groups: dict[str, list[tuple[str, str]]] = {b: [] for b in Body.values}
    for p in people:
        body = BODY_OF_FUNCTION.get(p.unit.function, Body.OTHER)
        groups[body].append((str(p.pk), f"{p.name}({p.unit.name})"))
    result: list[tuple[str, Any]] = [("", _("请选择人员"))]
    for body in Body:
        if groups[body.value]:
            result.append((str(body.label), groups[body.value]))
    return result


def inspection_choices(user: User) -> list[tuple[str, str]]:
    """Inspections with a rectification plan, newest first: the ones a visit can evaluate."""
    from xuncha.inspections.models import Inspection

    rows = (visible(user, Inspection).filter(plan__isnull=False)
            .select_related("round", "unit", "plan").order_by("-round__entry_date", "unit__path"))
    return [(str(i.pk), f"{i.unit.name} · {i.round} · "
             f"{_('集中整改期至')} {i.plan.period_end:%Y-%m-%d}") for i in rows[:MAX_OPTIONS]]


class PlanForm(forms.Form):
    unit = forms.ChoiceField(label=_("被评估单位"))
    inspection = forms.ChoiceField(
        label=_("所评估的巡察"), required=False,
        help_text=_("选择后,评估日期须在该巡察整改方案的集中整改期结束之后(回头看除外)。"))
    is_revisit = forms.BooleanField(label=_("回头看"), required=False)
    visit_date = forms.DateField(label=_("评估日期"), widget=DATE,
                                 help_text=_("系统会在评估前一天通知被评估单位,请主要负责人在岗。"))
    leader = forms.ChoiceField(label=_("评估组组长"),
                               help_text=_("组长须是下方评估组成员之一,由其出具评估报告。"))

    def __init__(self, *args: Any, unit_choices: list[tuple[str, str]],
                 inspection_choices: list[tuple[str, str]], people: list[tuple[str, Any]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "unit", [("", _("请选择单位")), *unit_choices])
        set_choices(self, "inspection", [("", _("不指定(如回头看)")), *inspection_choices])
        set_choices(self, "leader", people)


class MemberForm(forms.Form):
    """One row of the team; a row without a person is ignored."""

    user = forms.ChoiceField(label=_("成员"), required=False)
    body = forms.ChoiceField(label=_("所属方"), choices=Body.choices)
    sections = forms.MultipleChoiceField(label=_("分工板块"), choices=Section.choices,
                                         required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, people: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "user", people)


MemberFormSet = forms.formset_factory(MemberForm, extra=0, max_num=12, absolute_max=12)


class MarkForm(forms.Form):
    mark = forms.ChoiceField(label=_("核查结果"), choices=Mark.choices)
    note = forms.CharField(label=_("说明"), max_length=300, required=False,
                           widget=forms.TextInput(attrs={"placeholder": _("存疑、未完成须写明情况")}))


class ScoreForm(forms.Form):
    score = forms.DecimalField(label=_("得分率(%)"), min_value=0, max_value=100, max_digits=5,
                               decimal_places=2, required=False,
                               widget=forms.NumberInput(attrs={"step": "0.01", "min": "0",
                                                               "max": "100",
                                                               "inputmode": "decimal"}))
    reason = forms.CharField(label=_("评分理由"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(forms.Form):
    summary = forms.CharField(label=_("评估意见"), widget=forms.Textarea(attrs={"rows": 6}),
                              help_text=_("整改的总体情况、主要问题和下一步要求。"))


class FindingForm(forms.Form):
    """A problem found on the visit, fed back as a new ledger item; an empty row is ignored."""

    category = forms.ChoiceField(label=_("问题类别"), required=False)
    title = forms.CharField(label=_("问题概述"), max_length=200, required=False)
    facts = forms.CharField(label=_("具体事实"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, categories: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "category", [("", _("请选择二级类别")), *categories])

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any((data.get("category"), (data.get("title") or "").strip(),
                        (data.get("facts") or "").strip()))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank:
            return data
        if not data.get("category"):
            self.add_error("category", _("请选择二级问题类别。"))
        if not (data.get("title") or "").strip():
            self.add_error("title", _("请填写问题概述。"))
        if len((data.get("facts") or "").strip()) < 10:
            self.add_error("facts", _("具体事实不少于 10 个字。"))
        return data


FindingFormSet = forms.formset_factory(FindingForm, extra=0, max_num=30, absolute_max=30)


class ConsequenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=ConsequenceKind.choices)
    person = forms.CharField(label=_("对象"), max_length=120,
                             help_text=_("通报对象(县区领导)、约谈对象或扣分单位。"))
    on_date = forms.DateField(label=_("日期"), widget=DATE)
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))
    content = forms.CharField(label=_("谈话内容"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("约谈必填:谈了什么、对方如何表态。"))
    points = forms.DecimalField(label=_("扣分"), required=False, min_value=0, max_digits=5,
                                decimal_places=2, help_text=_("年度考核扣分必填。"))
    year = forms.IntegerField(label=_("考核年度"), required=False, min_value=2000, max_value=2100,
                              help_text=_("年度考核扣分必填。"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on_date": timezone.localdate(),
                                      "year": timezone.localdate().year})
        super().__init__(*args, **kwargs)


class MeetingForm(forms.Form):
    committee = forms.ChoiceField(label=_("党委"))
    held_on = forms.DateField(label=_("日期"), widget=DATE)
    title = forms.CharField(label=_("会议名称"), max_length=120,
                            help_text=_("例如“巡察整改质询会(对账、交账、销账、清账)”。"))
    reporting_units = forms.MultipleChoiceField(
        label=_("汇报单位"), widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("按住 Ctrl(⌘)可多选;须在本级党委管辖范围内。"))

    def __init__(self, *args: Any, committees: list[tuple[str, str]],
                 units: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "committee", committees)
        set_choices(self, "reporting_units", units)


class QuestionForm(forms.Form):
    asked_by = forms.CharField(label=_("提问人"), max_length=60)
    respondent = forms.CharField(label=_("答复人"), max_length=60)
    question = forms.CharField(label=_("质询问题"), widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.CharField(label=_("答复"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class FollowUpForm(forms.Form):
    unit = forms.ChoiceField(label=_("交办单位"))
    category = forms.ChoiceField(label=_("问题类别"))
    title = forms.CharField(label=_("交办事项"), max_length=200)
    facts = forms.CharField(label=_("具体要求"), widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("不少于 10 个字;纳入该单位整改台账。"))
    deadline_days = forms.IntegerField(label=_("完成时限(天)"), min_value=1, max_value=365,
                                       initial=30)

    def __init__(self, *args: Any, units: list[Unit], categories: list[tuple[str, Any]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "unit", [("", _("请选择汇报单位")),
                                   *((str(u.pk), u.name) for u in units)])
        set_choices(self, "category", [("", _("请选择二级类别")), *categories])

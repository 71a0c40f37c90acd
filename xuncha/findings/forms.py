"""Page forms for what an inspection finds. They parse input; the services decide."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.scope import visible
from xuncha.findings.models import Problem, ProblemCategory, ProblemState, Severity
from xuncha.inspections.forms import set_choices
from xuncha.web.forms import VersionField

if TYPE_CHECKING:
    from xuncha.accounts.models import User


def category_groups(user: User) -> list[tuple[str, list[tuple[str, str]]]]:
    """Active leaf categories grouped under their parent (三个聚焦 → 二级类别)."""
    groups: dict[int | None, tuple[str, list[tuple[str, str]]]] = {}
    leaves = visible(user, ProblemCategory).filter(is_active=True, parent__isnull=False) \
        .select_related("parent").order_by("parent__sort_order", "parent__code", "sort_order",
                                           "code")
    for c in leaves:
        parent = c.parent.name if c.parent else ""
        groups.setdefault(c.parent_id, (parent, []))[1].append((str(c.pk), c.name))
    return list(groups.values())


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ProblemForm(forms.Form):
    category = forms.ChoiceField(label=_("问题类别"),
                                 help_text=_("选择具体的二级类别。"))
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices,
                                 initial=Severity.GENERAL)
    title = forms.CharField(label=_("问题概述"), max_length=200,
                            help_text=_("一句话概括问题,不超过 200 字。"))
    facts = forms.CharField(
        label=_("具体事实"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("写实:时间、地点、人和事,至少 10 个字。涉及违纪违法的具体人员应登记为问题线索。"),
    )
    checklist_item = forms.ChoiceField(label=_("对应重点清单项"), required=False)
    intake_items = forms.MultipleChoiceField(
        label=_("来源于巡前收集事项"), required=False, widget=forms.CheckboxSelectMultiple)
    is_common = forms.BooleanField(label=_("共性问题"), required=False,
                                   help_text=_("在多个单位普遍存在的问题,可推送未巡察单位自查自纠。"))
    names_people = forms.BooleanField(label=_("涉及具体人员"), required=False,
                                      help_text=Problem._meta.get_field("names_people").help_text)

    def __init__(self, *args: Any, categories: list[Any], checklist: list[tuple[str, str]],
                 intake: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "category", [("", _("请选择问题类别")), *categories])
        set_choices(self, "checklist_item", [("", _("不对应")), *checklist])
        set_choices(self, "intake_items", intake)
        if not intake:
            del self.fields["intake_items"]

    def category_id(self) -> int | None:
        return _int(self.cleaned_data.get("category"))

    def checklist_item_id(self) -> int | None:
        return _int(self.cleaned_data.get("checklist_item"))

    def intake_item_ids(self) -> list[int]:
        return [i for i in (_int(v) for v in self.cleaned_data.get("intake_items", [])) if i]


class ProblemEditForm(ProblemForm):
    version = VersionField()


class ProblemFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=60)
    category = forms.ChoiceField(label=_("类别"), required=False)
    severity = forms.ChoiceField(label=_("严重程度"), required=False,
                                 choices=[("", _("全部")), *Severity.choices])
    state = forms.ChoiceField(label=_("状态"), required=False,
                              choices=[("", _("全部")), *ProblemState.choices])
    common = forms.ChoiceField(label=_("共性问题"), required=False,
                               choices=[("", _("全部")), ("1", _("是")), ("0", _("否"))])

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[Any] = [("", _("全部类别"))]
        for parent, leaves in category_groups(user):
            choices.append((parent, [(f"g:{parent}", _("全部(%(p)s)") % {"p": parent}),
                                     *leaves]))
        set_choices(self, "category", choices)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤销理由"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
        help_text=_("必填,记入审计日志。例如“经核实不属实”“与第 3 号问题重复”。"),
    )


class RecommendationForm(forms.Form):
    department = forms.ChoiceField(label=_("职能部门"),
                                   help_text=_("本级党委管辖的职能部门,建议移交后由其研究办理。"))
    title = forms.CharField(label=_("建议事项"), max_length=200)
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("问题表现、原因分析和治理建议,不少于 10 个字。"))
    problems = forms.MultipleChoiceField(label=_("相关问题"), required=False,
                                         widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, departments: list[tuple[str, str]],
                 problems: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "department", [("", _("请选择职能部门")), *departments])
        set_choices(self, "problems", problems)

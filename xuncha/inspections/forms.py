"""Page forms for planning and running inspections. They parse input; the services decide."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.scope import visible
from xuncha.core.tree import subtree_q
from xuncha.inspections.models import (
    ConflictKind,
    CoordinatedForm,
    InspectionStatus,
    IntakeSource,
    IntakeStatus,
    Position,
    RoundKind,
)
from xuncha.organisations.models import Unit, UnitLevel
from xuncha.web.forms import VersionField

if TYPE_CHECKING:
    from xuncha.accounts.models import User
    from xuncha.inspections.models import Round

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_OPTIONS = 2000
# Roles whose holders are the inspectors a team is drawn from; listed first in the member picker.
INSPECTOR_ROLES = ("team_leader", "team_member")


def committee_unit_choices(user: User, committee: Unit, perm: str | None = None,
                           **filters: Any) -> list[tuple[str, str]]:
    """Units under the committee (not the committee itself) that the user reaches, indented."""
    units = list(
        visible(user, Unit, perm).filter(subtree_q(committee.path), is_active=True, **filters)
        .exclude(pk=committee.pk).order_by("path").only("id", "name", "depth")[:MAX_OPTIONS]
    )
    base = min((u.depth for u in units), default=0)
    return [(str(u.pk), "\u3000" * (u.depth - base) + u.name) for u in units]


def declarable_unit_choices(user: User) -> list[tuple[str, str]]:
    """The units of the inspector's own county (or city), which they may declare whether or not
    they can see them (xuncha.inspections.conflicts.declarable_unit checks the posted one).
    Unit names are not confidential; nothing but the name and depth is read."""
    top: Any = user.unit.county if user.unit.county_id else user.unit
    while top.parent_id and top.level > UnitLevel.CITY and top.county_id is None:
        top = top.parent
    units = Unit.objects.filter(subtree_q(top.path), is_active=True).order_by("path").only(
        "id", "name", "depth")[:MAX_OPTIONS]
    base = top.depth
    return [(str(u.pk), "\u3000" * (u.depth - base) + u.name) for u in units]


def member_choices(user: User) -> list[tuple[str, Any]]:
    """People the office may put on a team, inspectors first, each with their unit."""
    from xuncha.accounts.models import User as UserModel

    people = list(visible(user, UserModel).filter(is_active=True).select_related("unit")
                  .order_by("unit__path", "name")[:MAX_OPTIONS])
    inspectors = set(visible(user, UserModel).filter(
        assignments__role__code__in=INSPECTOR_ROLES).values_list("id", flat=True))

    def label(p: Any) -> str:
        return f"{p.name}({p.unit.name})"

    first = [(str(p.pk), label(p)) for p in people if p.pk in inspectors]
    rest = [(str(p.pk), label(p)) for p in people if p.pk not in inspectors]
    groups: list[tuple[str, Any]] = [("", _("请选择人员"))]
    if first:
        groups.append((str(_("巡察干部")), first))
    if rest:
        groups.append((str(_("其他人员")), rest))
    return groups


def set_choices(form: forms.Form, name: str, choices: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- coverage -------------------------------------------------------------------------------------

class CoverageBuildForm(forms.Form):
    planned_rounds = forms.IntegerField(
        label=_("本届计划轮次"), min_value=1, max_value=60,
        help_text=_("用于测算剩余轮次能否完成全覆盖。生成后会把新设立的单位补入计划。"),
    )


class CoverageAdjustForm(forms.Form):
    unit = forms.ChoiceField(label=_("单位"))
    included = forms.TypedChoiceField(
        label=_("调整为"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
        choices=[("1", _("纳入全覆盖")), ("0", _("不纳入全覆盖"))],
    )
    reason = forms.CharField(
        label=_("调整理由"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("必填,记入审计日志。例如“已撤并入青石镇”“党组织关系隶属市级”。"),
    )

    def __init__(self, *args: Any, unit_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "unit", [("", _("请选择单位")), *unit_choices])


class CoverageFilterForm(forms.Form):
    q = forms.CharField(label=_("单位名称"), required=False, max_length=60)
    group = forms.ChoiceField(label=_("类别"), required=False)
    state = forms.ChoiceField(label=_("巡察情况"), required=False, choices=[
        ("", _("全部")), ("covered", _("已巡察")), ("planned", _("已安排")),
        ("not_yet", _("未安排")), ("excluded", _("不纳入")),
    ])

    def __init__(self, *args: Any, groups: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "group", [("", _("全部类别")), *((g, g) for g in groups)])


# --- rounds ---------------------------------------------------------------------------------------

class RoundFields(forms.Form):
    kind = forms.ChoiceField(label=_("巡察类型"), choices=RoundKind.choices)
    theme = forms.CharField(label=_("专项主题"), max_length=120, required=False,
                            help_text=_("专项巡察必填,例如“优化营商环境”“粮食购销”。"))
    coordinated_form = forms.ChoiceField(
        label=_("统合形式"), required=False,
        choices=[("", _("不适用")), *CoordinatedForm.choices],
        help_text=_("市县统合巡察必选:板块式、联动式或菜单式。"),
    )
    co_organiser = forms.ChoiceField(
        label=_("市级协同组织单位"), required=False,
        help_text=_("市县统合巡察必选,一般为市委巡察办。"),
    )
    entry_date = forms.DateField(label=_("进驻日期"), widget=DATE)
    exit_date = forms.DateField(label=_("撤出日期"), widget=DATE,
                                help_text=_("不能早于进驻日期。"))
    notes = forms.CharField(label=_("说明"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, co_organiser_choices: list[tuple[str, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "co_organiser", [("", _("不适用")), *co_organiser_choices])

    def co_organiser_id(self) -> int | None:
        return _int_or_none(self.cleaned_data.get("co_organiser"))


class RoundCreateForm(RoundFields):
    term = forms.ChoiceField(label=_("届次"))
    field_order = ["term", "kind", "theme", "coordinated_form", "co_organiser", "entry_date",
                   "exit_date", "notes"]

    def __init__(self, *args: Any, term_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "term", [("", _("请选择届次")), *term_choices])


class RoundEditForm(RoundFields):
    version = VersionField()


class TeamForm(forms.Form):
    name = forms.CharField(label=_("巡察组名称"), max_length=40, required=False,
                           help_text=_("留空则按组号命名,例如“第二巡察组”。"))


class MemberForm(forms.Form):
    user = forms.ChoiceField(label=_("人员"))
    position = forms.ChoiceField(label=_("职务"), choices=Position.choices,
                                 initial=Position.MEMBER)
    override_reason = forms.CharField(
        label=_("回避例外的书面理由"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("仅在人员须回避、但确需参加时由巡察办主任填写;批准记入审计日志。"),
    )

    def __init__(self, *args: Any, user_choices: list[tuple[str, Any]], can_override: bool,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "user", user_choices)
        if not can_override:
            del self.fields["override_reason"]


class TargetForm(forms.Form):
    unit = forms.ChoiceField(
        label=_("被巡察党组织"),
        help_text=_("回头看会自动关联该单位本届最近一次巡察。"),
    )
    override_reason = MemberForm.base_fields["override_reason"]

    def __init__(self, *args: Any, unit_choices: list[tuple[str, str]], can_override: bool,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "unit", [("", _("请选择单位")), *unit_choices])
        if not can_override:
            del self.fields["override_reason"]


class ChecklistItemForm(forms.Form):
    title = forms.CharField(label=_("看什么"), max_length=120, required=False)
    guidance = forms.CharField(label=_("怎么看"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))


ChecklistFormSet = forms.formset_factory(ChecklistItemForm, extra=3, max_num=40)


# --- intake ---------------------------------------------------------------------------------------

class IntakeForm(forms.Form):
    source_kind = forms.ChoiceField(label=_("来源类别"), choices=IntakeSource.choices)
    source_name = forms.CharField(label=_("来源单位或个人"), max_length=120, required=False,
                                  help_text=_("例如“区工商联”“区审计局”,群众意见可写“群众来信”。"))
    received_on = forms.DateField(label=_("收到日期"), widget=DATE, required=False)
    content = forms.CharField(label=_("内容"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))
    target_units = forms.MultipleChoiceField(
        label=_("涉及被巡察单位"), required=False, widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, unit_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "target_units", unit_choices)


class IntakeMarkForm(forms.Form):
    status = forms.ChoiceField(label=_("核查情况"), choices=IntakeStatus.choices)
    follow_up_note = forms.CharField(label=_("核查说明"), required=False,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("除“待核查”外必填:核查了什么,结论是什么。"))
    version = VersionField()


class IntakeFilterForm(forms.Form):
    unit = forms.ChoiceField(label=_("涉及单位"), required=False)
    source_kind = forms.ChoiceField(label=_("来源类别"), required=False,
                                    choices=[("", _("全部来源")), *IntakeSource.choices])
    status = forms.ChoiceField(label=_("核查情况"), required=False,
                               choices=[("", _("全部")), *IntakeStatus.choices])

    def __init__(self, *args: Any, unit_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "unit", [("", _("全部单位")), *unit_choices])


# --- inspections ----------------------------------------------------------------------------------

class InspectionFilterForm(forms.Form):
    round = forms.ChoiceField(label=_("轮次"), required=False)
    status = forms.ChoiceField(label=_("阶段"), required=False,
                               choices=[("", _("全部阶段")), *InspectionStatus.choices])
    q = forms.CharField(label=_("被巡察单位"), required=False, max_length=60)

    def __init__(self, *args: Any, rounds: list[Round], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "round", [("", _("全部轮次")),
                                        *((str(r.pk), str(r)) for r in rounds)])

    def round_id(self) -> int | None:
        return _int_or_none(self.cleaned_data.get("round")) if self.is_valid() else None


# --- conflict declarations ------------------------------------------------------------------------

class ConflictForm(forms.Form):
    unit = forms.ChoiceField(label=_("相关单位"),
                             help_text=_("本人曾任职、亲属任职或存在利害关系的单位。"))
    kind = forms.ChoiceField(label=_("回避情形"), choices=ConflictKind.choices)
    relative_name = forms.CharField(label=_("亲属姓名"), max_length=60, required=False,
                                    help_text=_("“亲属在该单位任职”时必填。"))
    relation = forms.CharField(label=_("关系"), max_length=30, required=False,
                               help_text=_("例如 配偶、父母、子女、兄弟姐妹。"))
    period = forms.CharField(label=_("时间段"), max_length=60, required=False,
                             help_text=_("例如“2015年3月至2019年8月”。"))
    description = forms.CharField(label=_("说明"), max_length=300, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("“其他利害关系”时必填。"))

    def __init__(self, *args: Any, unit_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "unit", [("", _("请选择单位")), *unit_choices])

    def unit_id(self) -> int:
        return _int_or_none(self.cleaned_data.get("unit")) or -1


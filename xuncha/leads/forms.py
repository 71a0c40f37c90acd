"""Page forms for problem leads. The people named are typed into a fixed set of rows."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.core.errors import ValidationFailed
from xuncha.inspections.forms import set_choices

PERSON_ROWS = 3


class LeadSearchForm(forms.Form):
    person_name = forms.CharField(
        label=_("涉及人员姓名"), required=False, max_length=60,
        help_text=_("按完整姓名精确查找(姓名加密保存,不支持模糊查询)。"),
    )


class PersonForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    post = forms.CharField(label=_("单位职务"), max_length=120, required=False)
    is_village_cadre = forms.BooleanField(label=_("村(社区)干部"), required=False)

    def is_filled(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(data.get(f) for f in ("name", "id_number", "phone", "post"))


PersonFormSet = forms.formset_factory(PersonForm, extra=PERSON_ROWS, max_num=PERSON_ROWS,
                                      validate_max=True)


def persons_of(formset: Any) -> tuple[list[dict[str, Any]], list[int]]:
    """The filled rows as the service wants them, and which row each came from."""
    rows, origin = [], []
    for i, f in enumerate(formset.forms):
        if f.is_filled():
            rows.append(dict(f.cleaned_data))
            origin.append(i)
    return rows, origin


def apply_person_errors(form: forms.Form, formset: Any, origin: list[int],
                        exc: ValidationFailed) -> None:
    """Puts "persons.<n>.<field>" refusals on the row they name; the rest on the main form."""
    from xuncha.web.forms import apply_service_errors

    rest = []
    for d in exc.details if isinstance(exc.details, list) else []:
        field = str(d.get("field") or "")
        parts = field.split(".")
        if len(parts) == 3 and parts[0] == "persons" and parts[1].isdigit():
            n = int(parts[1]) - 1
            row = origin[n] if n < len(origin) else 0
            formset.forms[row].add_error(parts[2] if parts[2] in PersonForm.base_fields else None,
                                         d.get("message") or exc.message)
        elif field == "persons":
            formset.forms[0].add_error("name", d.get("message") or exc.message)
        else:
            rest.append(d)
    if rest or not exc.details:
        apply_service_errors(form, ValidationFailed(exc.message, details=rest or None))


class LeadForm(forms.Form):
    summary = forms.CharField(label=_("线索摘要"), max_length=200,
                              help_text=_("一句话概括:谁、涉嫌什么问题。"))
    category = forms.ChoiceField(label=_("问题类别"), required=False)
    facts = forms.CharField(label=_("主要事实"), widget=forms.Textarea(attrs={"rows": 6}),
                            help_text=_("时间、地点、经过、涉及金额和已掌握的证据,不少于 10 个字。"))

    def __init__(self, *args: Any, categories: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "category", [("", _("不选择")), *categories])


class ConvertForm(forms.Form):
    summary = forms.CharField(label=_("线索摘要"), max_length=200, required=False,
                              help_text=_("留空则沿用问题概述。"))
    note = forms.CharField(label=_("转线索说明"), required=False,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("为什么这是线索而不是一般问题;附在原事实之后。"))


# --- Hand-over and handling -----------------------------------------------------------------------

def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()


# The handler's actions, labelled for the page (handling.ACTIONS holds the same names).
ACTION_LABELS: dict[str, Any] = {
    "talk_inquiry": _("谈话函询"),
    "verify": _("初步核实"),
    "shelve": _("暂存待查"),
    "close_no_action": _("予以了结"),
    "file_case": _("立案审查调查"),
    "to_trial": _("移送审理"),
    "sanction": _("作出处分决定"),
    "conclude": _("办结"),
}


class TransferForm(forms.Form):
    """移交: the office director hands a lead over. The receiving body's choices are the county's
    discipline commission and organisation department, and the city's commission for 提级."""

    receiving_body = forms.ChoiceField(
        label=_("接收单位"),
        help_text=_("默认移交本县(区)纪委监委;不涉及违纪违法的可移交组织部;提级至市的移交市纪委监委。"))
    escalation = forms.ChoiceField(
        label=_("提级查办"), required=False, widget=forms.RadioSelect,
        help_text=_("涉及村(社区)干部或扶贫领域的线索,按规定提级至县(区)纪委监委查办;"
                    "重大线索可提级至市纪委监委,须写明理由。"))
    escalation_reason = forms.CharField(label=_("提级理由"), max_length=200, required=False)
    priority = forms.BooleanField(label=_("优先办理"), required=False, initial=True,
                                  help_text=_("巡察移交的线索优先办理。"))
    fast_track = forms.BooleanField(label=_("快查快处"), required=False)
    transferred_on = forms.DateField(label=_("移交日期"), widget=_date_input(), initial=_today,
                                     help_text=_("快查快处的时限从这一天起算。"))
    handover_form = forms.FileField(
        label=_("线索移交单"), required=False,
        help_text=_("签批后的移交单扫描件(PDF、JPG、PNG、Word),随线索一并移交。"))

    def __init__(self, *args: Any, bodies: list[Any], city_body_id: int | None,
                 fast_track_days: int, escalation_required: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from xuncha.leads.models import Escalation

        self.bodies: dict[str, Any] = {str(b.pk): b for b in bodies}
        self.escalation_required = escalation_required
        set_choices(self, "receiving_body", [(str(b.pk), b.name) for b in bodies])
        set_choices(self, "escalation", Escalation.choices)
        self.city_body_id = city_body_id
        self.fields["fast_track"].help_text = _(
            "按本级规定,自移交之日起 %(n)d 日内办结。") % {"n": fast_track_days}

    def clean_transferred_on(self) -> Any:
        day = self.cleaned_data["transferred_on"]
        if day > _today():
            raise forms.ValidationError(_("移交日期不能晚于今天。"))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        body = data.get("receiving_body")
        escalation = data.get("escalation") or ""
        to_city = body is not None and self.city_body_id is not None \
            and body == str(self.city_body_id)
        if escalation == "city" and self.city_body_id is not None and not to_city:
            self.add_error("receiving_body", _("提级至市纪委监委的线索须移交市纪委监委。"))
        elif to_city and escalation != "city":
            self.add_error("escalation", _("移交市纪委监委须选择“提级至市纪委监委”并写明理由。"))
        return data


class StepForm(forms.Form):
    """One handling step. The page offers only the actions open from the current stage; any action
    name is accepted here so that a stale page gets the service's own refusal."""

    action = forms.ChoiceField(label=_("办理方式"), widget=forms.RadioSelect)
    on_date = forms.DateField(label=_("日期"), widget=_date_input(), initial=_today)
    note = forms.CharField(label=_("办理情况"), widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("谈话、核实、审理的主要情况和依据;仅线索查阅人可见。"))
    result_summary = forms.CharField(
        label=_("办理结果(反馈巡察办)"), max_length=200, required=False,
        help_text=_("予以了结或办结时必填,例如“给予党内警告处分”;巡察办只看到这一句,看不到办理记录。"))

    def __init__(self, *args: Any, available: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["action"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(ACTION_LABELS.items())
        field.widget.choices = [(a, ACTION_LABELS[a]) for a in available if a in ACTION_LABELS]
        if len(available) == 1 and not self.is_bound:
            self.initial.setdefault("action", available[0])


class SanctionForm(forms.Form):
    person = forms.ChoiceField(label=_("被处理人"))
    kind = forms.ChoiceField(label=_("处理类别"))
    detail = forms.CharField(label=_("处理结果"), max_length=120,
                             help_text=_("例如 党内警告、撤销党内职务、政务记过、诫勉。"))
    decided_on = forms.DateField(label=_("决定日期"), widget=_date_input(), initial=_today)

    def __init__(self, *args: Any, persons: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from xuncha.leads.models import SanctionKind

        set_choices(self, "person", [(str(p.pk), p.name) for p in persons])
        set_choices(self, "kind", SanctionKind.choices)


class TrackingFilterForm(forms.Form):
    stage = forms.ChoiceField(label=_("办理阶段"), required=False)
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from xuncha.leads.models import LeadStage

        set_choices(self, "stage", [("", _("全部阶段")), ("open", _("办理中(未办结)")),
                                    ("done", _("已办结(含予以了结)")), *LeadStage.choices])


class FiguresFilterForm(forms.Form):
    term_id = forms.ChoiceField(label=_("届次"), required=False)
    round_kind = forms.ChoiceField(label=_("巡察类型"), required=False)
    unit_kind = forms.ChoiceField(label=_("单位类型"), required=False)
    date_from = forms.DateField(label=_("登记日期自"), required=False, widget=_date_input())
    date_to = forms.DateField(label=_("至"), required=False, widget=_date_input())

    def __init__(self, *args: Any, terms: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from xuncha.inspections.models import RoundKind
        from xuncha.organisations.models import UnitKind

        set_choices(self, "term_id", [("", _("全部届次")),
                                      *[(str(t.pk), f"{t.unit.name} {t.name}") for t in terms]])
        set_choices(self, "round_kind", [("", _("全部类型")), *RoundKind.choices])
        set_choices(self, "unit_kind", [("", _("全部单位类型")), *UnitKind.choices])


def transfer_form_for(lead: Any, data: Any = None, files: Any = None) -> TransferForm:
    """The 移交 form for one lead: the receiving bodies open to it (the county's discipline
    commission — the default — and organisation department, and the city's commission for
    提级), and 提级至县 preselected when the rule requires it."""
    from xuncha.leads import handling
    from xuncha.organisations.models import Unit, UnitFunction, UnitLevel
    from xuncha.organisations.rules import committee_of, rules_for

    county = committee_of(lead.unit)
    bodies = list(Unit.objects.filter(
        parent=county, is_active=True,
        function__in=[UnitFunction.DISCIPLINE, UnitFunction.ORGANISATION]).order_by("function",
                                                                                     "name"))
    city = county.parent if county.level == UnitLevel.COUNTY else None
    city_body = city.organ(UnitFunction.DISCIPLINE) if city is not None else None
    if city_body is not None:
        bodies.append(city_body)
    default = handling.default_receiving_body(lead)
    required = handling.escalation_required(lead)
    return TransferForm(
        data, files, bodies=bodies, city_body_id=city_body.pk if city_body else None,
        fast_track_days=rules_for(lead.unit).lead_fast_track_days, escalation_required=required,
        initial={"receiving_body": str(default.pk) if default else "",
                 "escalation": "county" if required else ""})

"""Page forms for what rectification leaves behind. They parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.outcomes.models import AccountabilityRecord, FourForms, FundsRecovery, ResponsibilityKind
from xuncha.rectification.forms import set_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class _UnitProblemForm(forms.Form):
    unit = forms.ChoiceField(label=_("单位"))

    def __init__(self, *args: Any, units: list[tuple[str, str]],
                 problems: list[Any], leads: list[tuple[str, str]] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "unit", [("", _("请选择单位")), *units])
        if "problem" in self.fields:
            set_choices(self, "problem", [("", _("不关联问题")), *problems])
        if "problems" in self.fields:
            set_choices(self, "problems", problems)
        if "lead" in self.fields:
            if leads:
                set_choices(self, "lead", [("", _("不关联线索")), *leads])
            else:
                del self.fields["lead"]

    def unit_id(self) -> int | None:
        return _int(self.cleaned_data.get("unit"))

    def problem_id(self) -> int | None:
        return _int(self.cleaned_data.get("problem"))

    def problem_ids(self) -> list[int]:
        return [i for i in (_int(v) for v in self.cleaned_data.get("problems", [])) if i]

    def lead_id(self) -> int | None:
        return _int(self.cleaned_data.get("lead"))


class InstitutionForm(_UnitProblemForm):
    name = forms.CharField(label=_("制度名称"), max_length=200,
                           help_text=_("例如《公务接待管理办法》。"))
    document_number = forms.CharField(label=_("文号"), max_length=80, required=False)
    issued_on = forms.DateField(label=_("印发日期"), widget=DATE)
    problems = forms.MultipleChoiceField(
        label=_("针对的问题"), widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("按住 Ctrl(⌘)可多选。只能关联本单位及下级单位的问题。"))


class FundsForm(_UnitProblemForm):
    amount = forms.CharField(label=FundsRecovery._meta.get_field("amount").verbose_name,
                             max_length=20, help_text=_("单位为元,最多两位小数,例如 12800.50。"))
    kind = forms.ChoiceField(label=_("类别"),
                             choices=list(FundsRecovery._meta.get_field("kind").choices or []))
    payer_or_payee = forms.CharField(label=_("收回自或退还给"), max_length=120)
    recorded_on = forms.DateField(label=_("日期"), widget=DATE)
    problem = forms.ChoiceField(label=_("关联问题"), required=False)
    lead = forms.ChoiceField(label=_("关联线索"), required=False)


class AccountabilityForm(_UnitProblemForm):
    person_name = forms.CharField(label=_("被问责人(或党组织)"), max_length=60)
    post = forms.CharField(label=_("职务"), max_length=120, required=False)
    is_organisation = forms.BooleanField(label=_("党组织问责"), required=False)
    responsibility = forms.ChoiceField(
        label=_("责任类型"), choices=[("", _("请选择")), *ResponsibilityKind.choices],
        help_text=_("不能只追究直接责任:问题涉及领导干部的,还应倒查领导责任和主体责任。"))
    form = forms.ChoiceField(label=_("四种形态"), choices=[("", _("请选择")), *FourForms.choices],
                             help_text=_("第一种:谈话提醒、批评教育;第二种:轻处分、组织调整;"
                                         "第三种:重处分、重大职务调整;第四种:严重违纪涉嫌违法立案审查。"))
    measure = forms.CharField(label=_("处理方式"), max_length=120,
                              help_text=AccountabilityRecord._meta.get_field("measure").help_text)
    decided_on = forms.DateField(label=_("决定日期"), widget=DATE)
    deciding_body = forms.CharField(label=_("决定机关"), max_length=120)
    problem = forms.ChoiceField(label=_("关联问题"), required=False)
    lead = forms.ChoiceField(label=_("关联线索"), required=False)

    field_order = ["unit", "problem", "lead", "person_name", "post", "is_organisation",
                   "responsibility", "form", "measure", "decided_on", "deciding_body"]

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

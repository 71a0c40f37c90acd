"""Page forms of the monthly returns and city assignments. They parse input; the services decide."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.rectification.forms import set_choices
from xuncha.web.forms import VersionField

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(forms.CharField):
    """<input type="month">: "2025-03" → date(2025, 3, 1)."""

    widget = forms.TextInput(attrs={"type": "month"})

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        value = super().to_python(value)
        if not value:
            return None
        m = MONTH.match(str(value).strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise forms.ValidationError(_("请按“年-月”填写月份,例如 2025-03。"))
        return date(int(m.group(1)), int(m.group(2)), 1)

    def prepare_value(self, value: Any) -> Any:
        return value.strftime("%Y-%m") if isinstance(value, date) else value


class PrepareForm(forms.Form):
    reporter = forms.ChoiceField(label=_("报送单位"))
    month = MonthField(label=_("月份"), help_text=_("编制哪个月的报表;次月规定日期前报送。"))

    def __init__(self, *args: Any, reporters: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "reporter", reporters)


class SubmitForm(forms.Form):
    note = forms.CharField(label=_("补充说明"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("报表数据由系统汇总,不能手工修改;需要说明的情况写在这里。"))


class OverviewForm(forms.Form):
    city = forms.ChoiceField(label=_("市"))
    month = MonthField(label=_("月份"))

    def __init__(self, *args: Any, cities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "city", cities)


class AssignmentForm(forms.Form):
    county = forms.ChoiceField(label=_("承办县(区)"))
    title = forms.CharField(label=_("交办事项"), max_length=200)
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(label=_("办理时限"),
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, counties: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "county", [("", _("请选择")), *counties])


class AnswerForm(forms.Form):
    response = forms.CharField(label=_("办理情况"), widget=forms.Textarea(attrs={"rows": 4}))
    done = forms.BooleanField(label=_("已办结"), required=False)
    version = VersionField()

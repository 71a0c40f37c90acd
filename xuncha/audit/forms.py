from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuncha.audit.models import Outcome


class DateInput(forms.DateInput):
    input_type = "date"


class EventFilterForm(forms.Form):
    """The auditor's filters. Dates are whole days in the server's time zone (北京时间)."""

    since = forms.DateField(label=_("起始日期"), required=False, widget=DateInput())
    until = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())
    actor = forms.CharField(label=_("操作人"), required=False, max_length=120)
    action = forms.CharField(
        label=_("操作类型"), required=False, max_length=60,
        widget=forms.TextInput(attrs={"list": "audit-actions", "autocomplete": "off"}),
        help_text=_("操作代码或其前缀，如 auth. 表示全部登录事件。"),
    )
    outcome = forms.ChoiceField(
        label=_("结果"), required=False, choices=[("", _("全部")), *Outcome.choices]
    )
    q = forms.CharField(label=_("对象"), required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("截止日期不能早于起始日期。"))
        return data

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for selectors.event_list from the fields that are valid."""
        # Invalid fields are left out of cleaned_data, so they simply do not filter.
        if self.is_bound:
            self.is_valid()
        data: dict[str, Any] = getattr(self, "cleaned_data", {})
        tz = timezone.get_current_timezone()
        result: dict[str, Any] = {
            "actor": (data.get("actor") or "").strip(),
            "action": (data.get("action") or "").strip(),
            "outcome": data.get("outcome") or "",
            "q": (data.get("q") or "").strip(),
        }
        if data.get("since"):
            result["since"] = datetime.combine(data["since"], time.min, tzinfo=tz)
        if data.get("until"):
            # Inclusive of the whole last day.
            result["until"] = datetime.combine(data["until"] + timedelta(days=1), time.min,
                                               tzinfo=tz)
        return result

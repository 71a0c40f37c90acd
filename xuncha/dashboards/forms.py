"""The dashboard filters: one form whose fields are named exactly as ``registry.Filters``, so the
query string of a page, of the links behind its numbers, of its exports and of the API is the same
(Filters.from_query / as_query)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.dashboards import views_data
from xuncha.dashboards.registry import Filters
from xuncha.inspections.models import RoundKind
from xuncha.organisations.models import UnitKind

if TYPE_CHECKING:
    from xuncha.accounts.models import User

FILTER_FIELDS = ("under_id", "term_id", "round_id", "round_kind", "team_id", "unit_kind",
                 "category_id", "date_from", "date_to")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DashboardFilterForm(forms.Form):
    under_id = forms.ChoiceField(label=_("单位范围"), required=False)
    term_id = forms.ChoiceField(label=_("届次"), required=False)
    round_id = forms.ChoiceField(label=_("轮次"), required=False)
    round_kind = forms.ChoiceField(label=_("巡察类型"), required=False,
                                   choices=[("", _("全部类型")), *RoundKind.choices])
    team_id = forms.ChoiceField(label=_("巡察组"), required=False)
    unit_kind = forms.ChoiceField(label=_("单位类型"), required=False,
                                  choices=[("", _("全部类型")), *UnitKind.choices])
    category_id = forms.ChoiceField(label=_("问题类别"), required=False)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DateInput(),
                                help_text=_("按问题登记、任务完成时限、成果日期计算。"))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())

    def __init__(self, *args: Any, user: User, raw: Filters,
                 view: views_data.ViewLevel, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = {"under_id": views_data.unit_choices(user, view, raw.under_id),
                   "term_id": views_data.term_choices(user, raw.term_id),
                   "round_id": views_data.round_choices(user, raw),
                   "team_id": views_data.team_choices(user, raw),
                   "category_id": views_data.category_choices()}
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = options

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data


def parse_filters(user: User, params: Any) -> tuple[DashboardFilterForm, Filters,
                                                     views_data.ViewLevel]:
    """The filters of a request, kept only where they are valid and in the user's reach.

    A value outside the choices (a round of another county, a malformed date) is dropped rather
    than refused, so a shared link never shows an error page; the form marks what it dropped.
    """
    raw = Filters.from_query(params)
    view = views_data.view_level(user, raw)
    form = DashboardFilterForm(params, user=user, raw=raw, view=view)
    form.is_valid()
    kept: dict[str, Any] = {}
    for name in FILTER_FIELDS:
        if name in form.errors:
            kept[name] = "" if name in ("round_kind", "unit_kind") else None
            continue
        value = form.cleaned_data.get(name)
        if name.endswith("_id"):
            kept[name] = int(value) if value not in (None, "") else None
        else:
            kept[name] = value if value not in (None, "") else (
                None if name.startswith("date_") else "")
    f = replace(raw, **kept)
    if f.under_id != raw.under_id:
        view = views_data.view_level(user, f)
    return form, f, view


def describe(form: DashboardFilterForm, f: Filters) -> str:
    """The filters in force, in words (for the page header, the print and the Excel)."""
    parts = []
    for name in FILTER_FIELDS:
        value = getattr(f, name)
        if value in (None, ""):
            continue
        field = form.fields[name]
        label = str(field.label)
        if isinstance(field, forms.ChoiceField):
            shown = str(value)
            for v, text in cast(list[Any], field.choices):
                if isinstance(text, (list, tuple)):
                    shown = next((str(t) for vv, t in text if str(vv) == str(value)), shown)
                elif str(v) == str(value):
                    shown = str(text)
            parts.append(f"{label}:{shown.strip()}")
        else:
            parts.append(f"{label}:{value}")
    return ";".join(parts)


GROUP_CHOICES = [("round", _("按轮次")), ("leader", _("按责任领导"))]
STATE_CHOICES = [("", _("全部状态")), *((k, v) for k, v in views_data.STATE_LABELS.items())]


class BoardOptionsForm(forms.Form):
    group_by = forms.ChoiceField(label=_("分组"), required=False, choices=GROUP_CHOICES)
    state = forms.ChoiceField(label=_("任务状态"), required=False, choices=STATE_CHOICES)


def board_options(params: Any) -> tuple[BoardOptionsForm, str, str]:
    form = BoardOptionsForm(params)
    form.is_valid()
    group_by = form.cleaned_data.get("group_by") or "round"
    state = form.cleaned_data.get("state") or ""
    return form, group_by, state

"""Page forms for the organisation tree and the terms. They parse input; the services decide."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.scope import visible
from xuncha.organisations.models import KIND_LEVEL, Unit, UnitFunction, UnitKind, UnitLevel
from xuncha.web.forms import VersionField

if TYPE_CHECKING:
    from xuncha.accounts.models import User

ACTIVE_CHOICES = [("", _("全部状态")), ("1", _("启用")), ("0", _("停用"))]
# Options in a <select> are capped: beyond this a county should filter by the tree instead.
MAX_UNIT_OPTIONS = 2000


def unit_options(user: User, perm: str | None = None, **filters: Any) -> list[tuple[str, str]]:
    """Units the user reaches (with ``perm``), indented by depth, for a <select>."""
    units = list(
        visible(user, Unit, perm).filter(**filters).order_by("path")
        .only("id", "name", "depth")[:MAX_UNIT_OPTIONS]
    )
    base = min((u.depth for u in units), default=0)
    return [(str(u.pk), "\u3000" * (u.depth - base) + u.name) for u in units]


def kinds_under(parent: Unit | None) -> list[tuple[str, str]]:
    """The kinds a child of ``parent`` may have (a child sits at a lower level than its parent)."""
    if parent is None:
        return [(k.value, k.label) for k in UnitKind if KIND_LEVEL[k] <= UnitLevel.CITY]
    return [(k.value, k.label) for k in UnitKind if KIND_LEVEL[k] > parent.level]


def kinds_at_level(level: int) -> list[tuple[str, str]]:
    return [(k.value, k.label) for k in UnitKind if KIND_LEVEL[k] == level]


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=60)
    kind = forms.ChoiceField(label=_("类型"), required=False,
                             choices=[("", _("全部类型")), *UnitKind.choices])
    active = forms.ChoiceField(label=_("状态"), required=False, choices=ACTIVE_CHOICES)
    members = forms.ChoiceField(label=_("人员"), required=False,
                                choices=[("", _("不限")), ("none", _("尚无用户账号"))])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            placeholder=str(_("单位名称、简称或机构代码")), type="search"
        )

    @property
    def filtering(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())

    def active_value(self) -> bool | None:
        v = self.cleaned_data.get("active")
        return None if v in (None, "") else v == "1"


class UnitForm(forms.Form):
    name = forms.CharField(label=_("单位名称"), max_length=120,
                           help_text=_("党组织或单位的全称，例如“东湖区青石镇党委”。"))
    short_name = forms.CharField(label=_("简称"), max_length=60, required=False,
                                 help_text=_("用于列表和报表，可不填。"))
    code = forms.CharField(label=_("机构代码"), max_length=40,
                           help_text=_("本系统内唯一，例如统一社会信用代码或内部编码。"))
    kind = forms.ChoiceField(label=_("类型"), choices=UnitKind.choices)
    function = forms.ChoiceField(
        label=_("机构职能"), choices=UnitFunction.choices, required=False,
        help_text=_("党委工作机关请注明职能，系统据此找到本县（区）的巡察办、纪委监委等。"),
    )
    sort_order = forms.IntegerField(label=_("排序"), initial=0, required=False,
                                    help_text=_("同级单位按此数字从小到大排列。"))
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, kind_choices: list[tuple[str, str]] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind_choices is not None:
            self.fields["kind"].choices = kind_choices

    def clean_sort_order(self) -> int:
        return self.cleaned_data.get("sort_order") or 0


class UnitEditForm(UnitForm):
    version = VersionField()


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("导入文件"),
        help_text=_("请使用“下载导入模板”得到的 Excel 文件(.xlsx),不超过 %(mb)s MB。")
        % {"mb": settings.XUNCHA_IMPORT_MAX_BYTES // (1024 * 1024)},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = (
            ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if Path(f.name).suffix.lower() != ".xlsx":
            raise forms.ValidationError(_("只能导入 .xlsx 格式的 Excel 文件。"))
        if f.size > settings.XUNCHA_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("文件过大(%(size)s),上限为 %(mb)s MB。")
                % {"size": f"{f.size / 1024 / 1024:.1f} MB",
                   "mb": settings.XUNCHA_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return f


class TermForm(forms.Form):
    unit = forms.ChoiceField(label=_("党委"),
                             help_text=_("届次设在市、县（区）级党委，巡察全覆盖以届次为周期。"))
    name = forms.CharField(label=_("届次名称"), max_length=60,
                           help_text=_("例如“十二届”。同一党委的届次名称不能重复。"))
    start_date = forms.DateField(label=_("开始日期"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=_("一届通常为五年，结束日期须晚于开始日期。"))

    def __init__(self, *args: Any, unit_choices: list[tuple[str, str]] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("请选择党委")), *(unit_choices or [])]


class TermEditForm(forms.Form):
    name = TermForm.base_fields["name"]
    start_date = TermForm.base_fields["start_date"]
    end_date = TermForm.base_fields["end_date"]
    version = VersionField()

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

# The sign-in forms live in forms_auth.py; re-exported here for older imports.
from xuncha.accounts.forms_auth import LoginForm, PasswordChangeForm
from xuncha.web.forms import VersionField

__all__ = [
    "LoginForm", "PasswordChangeForm", "PasswordResetForm", "RoleAssignForm",
    "RoleCreateForm", "RolePermissionsForm", "TokenCreateForm", "UserCreateForm", "UserEditForm", "UserFilterForm",
]


# --- Pages for people, roles and tokens (the services decide; these only parse) ---------------

ACTIVE_CHOICES = [("", _("全部状态")), ("1", _("启用")), ("0", _("停用"))]
NO_ROLE = "__none__"


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=60)
    under = forms.ChoiceField(label=_("单位（含下级）"), required=False)
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("角色"), required=False)
    active = forms.ChoiceField(label=_("状态"), required=False, choices=ACTIVE_CHOICES)

    def __init__(self, *args: object, unit_choices: list[tuple[str, str]] = (),  # type: ignore[assignment]
                 role_choices: list[tuple[str, str]] = (),  # type: ignore[assignment]
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["under"].choices = [("", _("全部单位")), *unit_choices]
        self.fields["role"].choices = [("", _("全部角色")), *role_choices,
                                       (NO_ROLE, _("（尚未授权）"))]

    def active_value(self) -> bool | None:
        v = self.cleaned_data.get("active")
        return None if v in (None, "") else v == "1"


class PasswordPairMixin(forms.Form):
    password = forms.CharField(label=_("初始密码"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("再次输入密码"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


class UserCreateForm(PasswordPairMixin):
    unit = forms.ChoiceField(label=_("所在单位"))
    username = forms.CharField(label=_("登录名"), max_length=64,
                               help_text=_("登录时使用，建议用姓名拼音或工号；创建后不能修改。"))
    name = forms.CharField(label=_("姓名"), max_length=60)
    post = forms.CharField(label=_("职务"), max_length=80, required=False)
    phone = forms.CharField(label=_("手机"), max_length=20, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False,
                             help_text=_("配置了邮件服务时，站内消息会同时发送到此邮箱。"))
    field_order = ["unit", "username", "name", "post", "phone", "email", "password", "password2"]

    def __init__(self, *args: object, unit_choices: list[tuple[str, str]] = (),  # type: ignore[assignment]
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].choices = [("", _("请选择单位")), *unit_choices]
        self.fields["password"].help_text = _("账号首次登录时须修改此密码。")


class UserEditForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60)
    post = forms.CharField(label=_("职务"), max_length=80, required=False)
    phone = forms.CharField(label=_("手机"), max_length=20, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    is_active = forms.BooleanField(label=_("启用账号"), required=False,
                                   help_text=_("停用后该账号不能登录，历史记录保留。"))
    version = VersionField()


class PasswordResetForm(PasswordPairMixin):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["password"].label = _("临时密码")
        self.fields["password"].help_text = _("告知本人后，其下次登录时须改为自己的密码。")


class RoleAssignForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"))
    anchor = forms.ChoiceField(
        label=_("数据范围起点"), required=False,
        help_text=_("留空表示该用户所在单位。巡察办人员通常以本县（区）为起点，才能看到全县数据。"),
    )

    def __init__(self, *args: object, role_choices: list[tuple[str, str]] = (),  # type: ignore[assignment]
                 unit_choices: list[tuple[str, str]] = (),  # type: ignore[assignment]
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["role"].choices = [("", _("请选择角色")), *role_choices]
        self.fields["anchor"].choices = [("", _("（用户所在单位）")), *unit_choices]


class RoleCreateForm(forms.Form):
    name = forms.CharField(label=_("角色名称"), max_length=60)
    code = forms.CharField(label=_("角色代码"), max_length=40,
                           help_text=_("小写字母、数字和下划线,例如 street_office。创建后不能修改。"))
    data_scope = forms.ChoiceField(label=_("数据范围"))
    copy_from = forms.ChoiceField(label=_("复制权限自"), required=False,
                                  help_text=_("从已有业务角色复制权限,创建后再调整。"))
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}))

    def __init__(self, *args: object, role_choices: list[tuple[str, str]] = (),  # type: ignore[assignment]
                 **kwargs: object) -> None:
        from xuncha.accounts.models import DataScope

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["data_scope"].choices = DataScope.choices
        self.fields["copy_from"].choices = [("", _("(不复制)")), *role_choices]


class RolePermissionsForm(forms.Form):
    permissions = forms.MultipleChoiceField(label=_("权限"), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    version = VersionField()

    def __init__(self, *args: object, permission_choices: list[tuple[str, str]] = (),  # type: ignore[assignment]
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["permissions"].choices = permission_choices


TOKEN_EXPIRY_CHOICES = [
    ("30", _("30 天")), ("90", _("90 天")), ("180", _("180 天")), ("365", _("1 年")),
    ("", _("永不过期")),
]


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("令牌名称"), max_length=60,
                           help_text=_("写明用途，例如“市级平台数据对接”，便于日后识别和撤销。"))
    expires = forms.ChoiceField(label=_("有效期"), choices=TOKEN_EXPIRY_CHOICES, required=False,
                                initial="90")

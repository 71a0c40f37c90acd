"""People, roles and data scope.

A user belongs to one unit and holds role assignments. A role grants actions (Django permissions)
and a data scope; an assignment anchors that scope at a unit (by default the user's own), so the
巡察办 staff who sit in the office can see the whole county. Several assignments are unioned.
The three separated administrators (三员分立) are roles with an ``admin_kind``; the database refuses
a second administrator assignment for one account.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import Permission, PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuncha.core.models import TimeStamped, Versioned
from xuncha.organisations.models import Unit


class DataScope(models.TextChoices):
    ALL = "all", _("全部数据")
    SUBTREE = "subtree", _("本单位及下级")
    UNIT = "unit", _("仅本单位")
    SELF = "self", _("仅本人")
    CUSTOM = "custom", _("自定义单位")


class AdminKind(models.TextChoices):
    """三员分立: three administrators, none of whom may hold another's role."""

    NONE = "", _("非管理员")
    SYSTEM = "system", _("系统管理员")
    SECURITY = "security", _("安全管理员")
    AUDIT = "audit", _("安全审计员")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra: object) -> User:
        if not username:
            raise ValueError("username is required")
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser, PermissionsMixin):
    username = models.CharField(
        _("登录名"), max_length=64, unique=True, validators=[UnicodeUsernameValidator()]
    )
    name = models.CharField(_("姓名"), max_length=60)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="members"
    )
    post = models.CharField(_("职务"), max_length=80, blank=True)
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    must_change_password = models.BooleanField(_("首次登录须改密"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    date_joined = models.DateTimeField(_("创建时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["unit__path", "username"]
        permissions = [("manage_user", _("管理用户账号"))]
        constraints = [
            # No all-powerful account: 三员分立 has no superuser.
            models.CheckConstraint(condition=Q(is_superuser=False), name="user_no_superuser"),
        ]

    def __str__(self) -> str:
        return f"{self.name}({self.username})"

    @property
    def is_staff(self) -> bool:  # the Django admin site is not used
        return False

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name


class Role(TimeStamped, Versioned):
    code = models.SlugField(_("角色代码"), max_length=40, unique=True)
    name = models.CharField(_("角色名称"), max_length=60, unique=True)
    description = models.TextField(_("说明"), blank=True)
    data_scope = models.CharField(
        _("数据范围"), max_length=10, choices=DataScope.choices, default=DataScope.UNIT
    )
    admin_kind = models.CharField(
        _("管理员类别"), max_length=10, choices=AdminKind.choices, default=AdminKind.NONE,
        blank=True,
    )
    permissions = models.ManyToManyField(
        Permission, verbose_name=_("权限"), blank=True, related_name="xuncha_roles"
    )
    is_builtin = models.BooleanField(_("内置"), default=False)
    # The permissions the code last gave this built-in role; upgrades apply only the difference,
    # so what a security administrator changed by hand survives them.
    synced_permissions = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["id"]
        permissions = [("manage_role", _("管理角色与授权"))]

    def __str__(self) -> str:
        return self.name


class RoleAssignment(TimeStamped):
    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.ForeignKey(
        Role, verbose_name=_("角色"), on_delete=models.PROTECT, related_name="assignments"
    )
    anchor = models.ForeignKey(
        Unit, verbose_name=_("数据范围起点"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("留空表示用户所在单位。"),
    )
    custom_units = models.ManyToManyField(
        Unit, verbose_name=_("自定义单位"), blank=True, related_name="+"
    )
    # Copied from the role so that the database itself refuses two administrator roles.
    admin_kind = models.CharField(max_length=10, choices=AdminKind.choices, blank=True, default="")
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "anchor"], name="assignment_unique"),
            models.UniqueConstraint(
                fields=["user"], condition=~Q(admin_kind=""), name="assignment_one_admin_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.role}"


class PasswordHistory(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=256)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class ApiToken(models.Model):
    """Personal API token. Only an SM3 digest is stored; the token is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=60)
    prefix = models.CharField(_("前缀"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

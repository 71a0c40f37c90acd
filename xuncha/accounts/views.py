"""Pages for people, roles, the security policy, the profile and API tokens.

Thin: parse the form, call the selector or service, render. 三员分立 is the services' business: the
system administrator (accounts.manage_user) edits accounts, the security administrator
(accounts.manage_role) assigns roles; the pages only hide buttons a role cannot use.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Permission
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xuncha.accounts import security, selectors, services
from xuncha.accounts.forms import (
    NO_ROLE,
    PasswordResetForm,
    RoleAssignForm,
    RoleCreateForm,
    RolePermissionsForm,
    TokenCreateForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
)
from xuncha.accounts.models import RoleAssignment
from xuncha.accounts.scope import has, require, visible
from xuncha.core.errors import AppError, Conflict, PermissionDenied, ValidationFailed
from xuncha.organisations.forms import unit_options
from xuncha.organisations.selectors import unit_get
from xuncha.web.forms import apply_service_errors, conflict_context, paginate, posted
from xuncha.web.http import AuthedRequest

USER_FIELDS = ("name", "post", "phone", "email", "is_active")


@login_required
def placeholder(request: AuthedRequest) -> HttpResponse:
    """Kept for routes of later stages that have no page yet."""
    return redirect("web:home")


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- users ------------------------------------------------------------------------------------


def _role_filter_choices(user: Any) -> list[tuple[str, str]]:
    """Roles to filter by: the catalogue for those who may read it, else the roles in view."""
    if has(user, "accounts.view_role"):
        return [(r.code, r.name) for r in selectors.role_list(user=user)]
    pairs = (
        visible(user, RoleAssignment).order_by("role_id")
        .values_list("role__code", "role__name").distinct()
    )
    return list(pairs)


@login_required
def users(request: AuthedRequest) -> HttpResponse:
    me = request.user
    require(me, "accounts.view_user")
    form = UserFilterForm(request.GET or None, unit_choices=unit_options(me),
                          role_choices=_role_filter_choices(me))
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    role = data.get("role") or ""
    qs = selectors.user_list(
        user=me, q=(data.get("q") or "").strip(), unit_id=data.get("unit"),
        under_id=_int(data.get("under")), role="" if role == NO_ROLE else role,
        active=form.active_value() if data else None,
    )
    if role == NO_ROLE:
        qs = qs.filter(assignments__isnull=True)
    page = paginate(request, qs)
    unit_filter = unit_get(user=me, unit_id=data["unit"]) if data.get("unit") else None
    return render(request, "accounts/users.html", {
        "form": form, "page": page, "unit_filter": unit_filter,
        "filtered": any(v not in (None, "") for v in data.values()),
        "can_create": has(me, "accounts.manage_user"),
    })


@login_required
def user_detail(request: AuthedRequest, user_id: int) -> HttpResponse:
    me = request.user
    target = selectors.user_get(user=me, user_id=user_id)
    assignments = (
        visible(me, RoleAssignment).filter(user=target).select_related("role", "anchor")
        .order_by("id")
    )
    can_assign = has(me, "accounts.manage_role", target.unit) and target.pk != me.pk
    return render(request, "accounts/user_detail.html", {
        "target": target,
        "assignments": assignments,
        "can_edit": has(me, "accounts.manage_user", target.unit),
        "can_assign": can_assign,
        "otp_enabled": security.has_confirmed_device(target),
    })


@login_required
def user_create(request: AuthedRequest) -> HttpResponse:
    me = request.user
    require(me, "accounts.manage_user")
    choices = unit_options(me, "accounts.manage_user", is_active=True)
    form = UserCreateForm(posted(request), initial={"unit": request.GET.get("unit", "")},
                          unit_choices=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = unit_get(user=me, unit_id=int(data["unit"]))
        try:
            created = services.user_create(
                actor=me, unit=unit, username=data["username"], name=data["name"],
                password=data["password"], post=data["post"], phone=data["phone"],
                email=data["email"],
            )
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已创建账号“%(u)s”。请把初始密码当面告知本人；首次登录时须修改密码。")
                             % {"u": created.username})
            return redirect("accounts:user", user_id=created.pk)
    return render(request, "accounts/user_form.html", {"form": form, "creating": True},
                  status=422 if form.errors else 200)


@login_required
def user_edit(request: AuthedRequest, user_id: int) -> HttpResponse:
    me = request.user
    target = selectors.user_get(user=me, user_id=user_id)
    require(me, "accounts.manage_user", target.unit)
    initial = {f: getattr(target, f) for f in USER_FIELDS} | {"version": target.version}
    form = UserEditForm(posted(request), initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.user_update(actor=me, user=target, expected_version=version, **data)
        except Conflict as exc:
            target = selectors.user_get(user=me, user_id=user_id)
            conflict = conflict_context(exc, form, target, USER_FIELDS, data)
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存“%(n)s”的账号信息。") % {"n": target.name})
            return redirect("accounts:user", user_id=target.pk)
    status = 409 if conflict else (422 if form.errors else 200)
    return render(request, "accounts/user_form.html",
                  {"form": form, "target": target, "conflict": conflict}, status=status)


@login_required
def user_reset_password(request: AuthedRequest, user_id: int) -> HttpResponse:
    me = request.user
    target = selectors.user_get(user=me, user_id=user_id)
    require(me, "accounts.manage_user", target.unit)
    form = PasswordResetForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_reset_password(actor=me, user=target,
                                         password=form.cleaned_data["password"])
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已重置“%(n)s”的密码。请把临时密码当面告知本人，其下次登录时须修改。")
                             % {"n": target.name})
            return redirect("accounts:user", user_id=target.pk)
    return render(request, "accounts/user_password.html", {"form": form, "target": target},
                  status=422 if form.errors else 200)


@login_required
def role_assign(request: AuthedRequest, user_id: int) -> HttpResponse:
    me = request.user
    target = selectors.user_get(user=me, user_id=user_id)
    require(me, "accounts.manage_role", target.unit)
    roles = list(selectors.role_list(user=me))
    role_choices = [(str(r.pk), f"{r.name}（{r.get_data_scope_display()}）") for r in roles]
    form = RoleAssignForm(posted(request), role_choices=role_choices,
                          unit_choices=unit_options(me, "accounts.manage_role", is_active=True))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        role = selectors.role_get(user=me, role_id=int(data["role"]))
        anchor = unit_get(user=me, unit_id=int(data["anchor"])) if data["anchor"] else None
        try:
            services.role_assign(actor=me, user=target, role=role, anchor=anchor)
        except (ValidationFailed, PermissionDenied) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已授予“%(n)s”角色“%(r)s”。") % {"n": target.name, "r": role.name})
            return redirect("accounts:user", user_id=target.pk)
    held = target.assignments.select_related("role", "anchor").order_by("id")
    return render(request, "accounts/role_assign.html", {
        "form": form, "target": target, "roles": roles, "held": held,
    }, status=422 if form.errors else 200)


@require_POST
@login_required
def role_revoke(request: AuthedRequest, assignment_id: int) -> HttpResponse:
    me = request.user
    assignment = selectors.assignment_get(user=me, assignment_id=assignment_id)
    target_id, role_name = assignment.user_id, assignment.role.name
    try:
        services.role_revoke(actor=me, assignment=assignment)
    except AppError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤销角色“%(r)s”。") % {"r": role_name})
    return redirect("accounts:user", user_id=target_id)


# --- roles ------------------------------------------------------------------------------------

ACTION_LABELS = {
    "add": gettext_lazy("新增"), "change": gettext_lazy("修改"),
    "delete": gettext_lazy("删除"), "view": gettext_lazy("查看"),
}


def permission_label(p: Permission) -> str:
    """Django names its default permissions in English ("Can view 单位"); say it in Chinese."""
    action, _sep, _model = p.codename.partition("_")
    model = p.content_type.model_class()
    if p.name.startswith("Can ") and action in ACTION_LABELS and model is not None:
        return str(ACTION_LABELS[action]) + str(model._meta.verbose_name)
    return p.name


def _xuncha_labels() -> list[str]:
    return [c.label for c in apps.get_app_configs() if c.name.startswith("xuncha.")]


def _app_name(label: str) -> str:
    try:
        return str(apps.get_app_config(label).verbose_name)
    except LookupError:
        return label


def _grouped(perms: list[Permission], checked: set[str] | None = None) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in perms:
        code = f"{p.content_type.app_label}.{p.codename}"
        groups[p.content_type.app_label].append({
            "code": code, "label": permission_label(p),
            "checked": checked is not None and code in checked,
        })
    order = _xuncha_labels()
    return [
        {"label": _app_name(app), "items": sorted(items, key=lambda i: i["code"])}
        for app, items in sorted(groups.items(),
                                 key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
    ]


@login_required
def roles(request: AuthedRequest) -> HttpResponse:
    me = request.user
    require(me, "accounts.view_role")
    holders = dict(
        visible(me, RoleAssignment).order_by().values("role").annotate(n=Count("id"))
        .values_list("role", "n")
    )
    rows = list(selectors.role_list(user=me))
    for r in rows:
        r.holders = holders.get(r.pk, 0)
        r.perm_count = len(r.permissions.all())
    return render(request, "accounts/roles.html", {
        "roles": rows, "can_create": has(me, "accounts.manage_role")})


@login_required
def role_create(request: AuthedRequest) -> HttpResponse:
    me = request.user
    require(me, "accounts.manage_role")
    sources = [r for r in selectors.role_list(user=me) if not r.admin_kind]
    form = RoleCreateForm(posted(request), role_choices=[(str(r.pk), r.name) for r in sources],
                          initial={"copy_from": request.GET.get("copy_from", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        source = next((r for r in sources if str(r.pk) == data["copy_from"]), None)
        try:
            role = services.role_create(actor=me, code=data["code"], name=data["name"],
                                        data_scope=data["data_scope"],
                                        description=data["description"], copy_from=source)
        except (ValidationFailed, PermissionDenied) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已新建角色“%(n)s”。") % {"n": role.name})
            return redirect("accounts:role", role.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/role_form.html", {"form": form}, status=status)


@login_required
def role_detail(request: AuthedRequest, role_id: int) -> HttpResponse:
    me = request.user
    role = selectors.role_get(user=me, role_id=role_id)
    perms = list(role.permissions.select_related("content_type"))
    holders = (
        visible(me, RoleAssignment).filter(role=role)
        .select_related("user", "user__unit", "anchor").order_by("user__unit__path", "user__username")
    )
    return render(request, "accounts/role_detail.html", {
        "role": role, "groups": _grouped(perms), "holders": holders[:100],
        "holder_count": holders.count(),
        "can_edit": has(me, "accounts.manage_role") and not role.admin_kind,
    })


@login_required
def role_permissions(request: AuthedRequest, role_id: int) -> HttpResponse:
    me = request.user
    role = selectors.role_get(user=me, role_id=role_id)
    require(me, "accounts.manage_role")
    if role.admin_kind:
        raise PermissionDenied(_("三员角色的权限是固定的，不能修改。"))
    current = {f"{p.content_type.app_label}.{p.codename}"
               for p in role.permissions.select_related("content_type")}
    # Roles grant the "view_" and the declared permissions; Django's add/change/delete ones guard
    # nothing here (writes are checked by the services), so they are offered only to be removed.
    catalogue = [
        p for p in Permission.objects.filter(content_type__app_label__in=_xuncha_labels())
        .select_related("content_type")
        if not p.codename.startswith(("add_", "change_", "delete_"))
        or f"{p.content_type.app_label}.{p.codename}" in current
    ]
    choices = [(f"{p.content_type.app_label}.{p.codename}", p.name) for p in catalogue]
    form = RolePermissionsForm(posted(request), permission_choices=choices,
                               initial={"permissions": sorted(current), "version": role.version})
    conflict = None
    if request.method == "POST" and form.is_valid():
        codes = form.cleaned_data["permissions"]
        try:
            services.role_set_permissions(actor=me, role=role, permission_codes=codes,
                                          expected_version=form.cleaned_data["version"])
        except Conflict as exc:
            role = selectors.role_get(user=me, role_id=role_id)
            data = form.data.copy()
            data["version"] = str(role.version)
            form.data = data
            conflict = {"message": exc.message}
        except (ValidationFailed, PermissionDenied) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存角色“%(r)s”的权限。") % {"r": role.name})
            return redirect("accounts:role", role_id=role.pk)
    checked = set(form.data.getlist("permissions")) if form.is_bound else current
    status = 409 if conflict else (422 if form.errors else 200)
    return render(request, "accounts/role_permissions.html", {
        "form": form, "role": role, "groups": _grouped(catalogue, checked), "conflict": conflict,
        "current_labels": sorted(current),
    }, status=status)


# --- security policy --------------------------------------------------------------------------


def _validator_option(name: str, option: str, default: int) -> int | None:
    """An option of a configured password validator; None when that validator is not in force."""
    for v in settings.AUTH_PASSWORD_VALIDATORS:
        if v["NAME"].endswith(name):
            return int(v.get("OPTIONS", {}).get(option, default))
    return None


def _has_validator(name: str) -> bool:
    return any(v["NAME"].endswith(name) for v in settings.AUTH_PASSWORD_VALIDATORS)


@login_required
def policy(request: AuthedRequest) -> HttpResponse:
    require(request.user, "accounts.manage_role")
    hasher = settings.PASSWORD_HASHERS[0].rsplit(".", 1)[-1].replace("PasswordHasher", "")
    return render(request, "accounts/policy.html", {
        "min_length": _validator_option("MinimumLengthValidator", "min_length", 8),
        "min_classes": _validator_option("CharacterClassValidator", "min_classes", 3),
        "history": _validator_option("PasswordHistoryValidator", "keep", 5),
        "common_blocked": _has_validator("CommonPasswordValidator"),
        "max_age_days": settings.PASSWORD_MAX_AGE_DAYS,
        "hasher": hasher,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        "absolute_hours": settings.SESSION_ABSOLUTE_SECONDS // 3600,
        "require_2fa": settings.XUNCHA_REQUIRE_2FA_FOR_ADMINS,
        "audit_days": getattr(settings, "XUNCHA_AUDIT_RETENTION_DAYS", None),
    })


# --- profile and tokens -----------------------------------------------------------------------


@login_required
def profile(request: AuthedRequest) -> HttpResponse:
    # One's own account, whatever the role: not a scoped read (a unit contact has no view_user).
    me = request.user
    assignments = me.assignments.select_related("role", "anchor").order_by("id")
    return render(request, "accounts/profile.html", {
        "me": me,
        "assignments": assignments,
        "otp_enabled": security.has_confirmed_device(me),
        "otp_required": security.otp_required(me) if hasattr(security, "otp_required") else False,
        "password_expires_at": (security.password_expires_at(me)
                                if hasattr(security, "password_expires_at") else None),
        "token_count": selectors.token_list(user=me).filter(revoked_at__isnull=True).count(),
    })


@login_required
def tokens(request: AuthedRequest) -> HttpResponse:
    me = request.user
    form = TokenCreateForm(posted(request))
    raw = None
    if request.method == "POST" and form.is_valid():
        days = _int(form.cleaned_data["expires"])
        expires_at = timezone.now() + timedelta(days=days) if days else None
        try:
            _token, raw = services.token_create(actor=me, name=form.cleaned_data["name"],
                                               expires_at=expires_at)
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            form = TokenCreateForm()
    return render(request, "accounts/tokens.html", {
        "form": form, "raw_token": raw, "tokens": selectors.token_list(user=me),
        "now": timezone.now(),
    }, status=422 if form.errors else 200)


@require_POST
@login_required
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    me = request.user
    token = selectors.token_get(user=me, token_id=token_id)
    services.token_revoke(actor=me, token=token)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "accounts/_token_row.html", {"t": token, "now": timezone.now()})
    messages.success(request, _("已撤销令牌“%(n)s”。") % {"n": token.name})
    return redirect("accounts:tokens")

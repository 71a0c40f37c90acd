from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from xuncha.accounts import selectors, services
from xuncha.accounts.scope import permissions_of
from xuncha.api.schemas import ErrorOut
from xuncha.organisations.selectors import unit_get

router = Router(tags=["人员与角色"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class AssignmentOut(Schema):
    id: int
    role: str
    role_name: str
    anchor_id: int | None

    @staticmethod
    def resolve_role(obj: object) -> str:
        return obj.role.code  # type: ignore[attr-defined]

    @staticmethod
    def resolve_role_name(obj: object) -> str:
        return obj.role.name  # type: ignore[attr-defined]


class UserOut(Schema):
    id: int
    username: str
    name: str
    unit_id: int
    unit_name: str
    post: str
    is_active: bool
    version: int
    roles: list[AssignmentOut]

    @staticmethod
    def resolve_unit_name(obj: object) -> str:
        return obj.unit.name  # type: ignore[attr-defined]

    @staticmethod
    def resolve_roles(obj: object) -> list[object]:
        return list(obj.assignments.all())  # type: ignore[attr-defined]


class MeOut(UserOut):
    permissions: list[str]
    must_change_password: bool


class UserPage(Schema):
    count: int
    items: list[UserOut]


class UserIn(Schema):
    unit_id: int
    username: str = Field(min_length=2, max_length=64)
    name: str = Field(min_length=1, max_length=60)
    password: str = Field(min_length=1, max_length=128)
    post: str = Field("", max_length=80)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)


class UserPatch(Schema):
    version: int
    name: str | None = Field(None, min_length=1, max_length=60)
    post: str | None = Field(None, max_length=80)
    phone: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    is_active: bool | None = None


class RoleOut(Schema):
    id: int
    code: str
    name: str
    description: str
    data_scope: str
    admin_kind: str
    permissions: list[str]
    version: int

    @staticmethod
    def resolve_permissions(obj: object) -> list[str]:
        return sorted(
            f"{p.content_type.app_label}.{p.codename}"
            for p in obj.permissions.all()  # type: ignore[attr-defined]
        )


class RoleIn(Schema):
    code: str = Field(min_length=2, max_length=40)
    name: str = Field(min_length=1, max_length=60)
    data_scope: str
    description: str = ""
    copy_from_id: int | None = None


class RolePermissionsIn(Schema):
    version: int
    permissions: list[str]


class AssignIn(Schema):
    role_id: int
    anchor_id: int | None = None
    custom_unit_ids: list[int] = []


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=60)
    expires_at: datetime | None = None


@router.get("/me", response={200: MeOut, **ERRORS}, summary="当前用户")
def me(request: HttpRequest) -> object:
    user = request.user
    user.permissions = sorted(permissions_of(user))  # type: ignore[union-attr]
    return user


@router.get("/users", response={200: UserPage, **ERRORS}, summary="用户列表")
def list_users(
    request: HttpRequest, q: str = "", unit_id: int | None = None, under_id: int | None = None,
    role: str = "", active: bool | None = None,
    limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0),
) -> dict[str, object]:
    qs = selectors.user_list(user=request.user, q=q, unit_id=unit_id, under_id=under_id,
                             role=role, active=active)
    return {"count": qs.count(), "items": list(qs[offset: offset + limit])}


@router.get("/users/{user_id}", response={200: UserOut, **ERRORS}, summary="用户详情")
def get_user(request: HttpRequest, user_id: int) -> object:
    return selectors.user_get(user=request.user, user_id=user_id)


@router.post("/users", response={201: UserOut, **ERRORS}, summary="新建用户")
def create_user(request: HttpRequest, payload: UserIn) -> Status[object]:
    unit = unit_get(user=request.user, unit_id=payload.unit_id)
    user = services.user_create(
        actor=request.user, unit=unit, username=payload.username, name=payload.name,
        password=payload.password, post=payload.post, phone=payload.phone, email=payload.email,
    )
    return Status(201, user)


@router.patch("/users/{user_id}", response={200: UserOut, **ERRORS}, summary="修改用户")
def update_user(request: HttpRequest, user_id: int, payload: UserPatch) -> object:
    target = selectors.user_get(user=request.user, user_id=user_id)
    fields = payload.dict(exclude_unset=True, exclude={"version"})
    return services.user_update(actor=request.user, user=target,
                                expected_version=payload.version, **fields)


@router.post("/users/{user_id}/roles", response={201: AssignmentOut, **ERRORS},
             summary="授予角色")
def assign_role(request: HttpRequest, user_id: int, payload: AssignIn) -> Status[object]:
    target = selectors.user_get(user=request.user, user_id=user_id)
    role = selectors.role_get(user=request.user, role_id=payload.role_id)
    anchor = unit_get(user=request.user, unit_id=payload.anchor_id) if payload.anchor_id else None
    units = [unit_get(user=request.user, unit_id=i) for i in payload.custom_unit_ids]
    return Status(201, services.role_assign(actor=request.user, user=target, role=role,
                                            anchor=anchor, custom_units=units))


@router.delete("/role-assignments/{assignment_id}", response={204: None, **ERRORS},
               summary="撤销角色")
def revoke_role(request: HttpRequest, assignment_id: int) -> Status[None]:
    assignment = selectors.assignment_get(user=request.user, assignment_id=assignment_id)
    services.role_revoke(actor=request.user, assignment=assignment)
    return Status(204, None)


@router.get("/roles", response={200: list[RoleOut], **ERRORS}, summary="角色列表")
def list_roles(request: HttpRequest) -> object:
    return list(selectors.role_list(user=request.user))


@router.post("/roles", response={201: RoleOut, **ERRORS}, summary="新建自定义角色")
def create_role(request: HttpRequest, payload: RoleIn) -> Status[object]:
    source = selectors.role_get(user=request.user, role_id=payload.copy_from_id) \
        if payload.copy_from_id else None
    return Status(201, services.role_create(actor=request.user, code=payload.code,
                                            name=payload.name, data_scope=payload.data_scope,
                                            description=payload.description, copy_from=source))


@router.get("/roles/{role_id}", response={200: RoleOut, **ERRORS}, summary="角色详情")
def get_role(request: HttpRequest, role_id: int) -> object:
    return selectors.role_get(user=request.user, role_id=role_id)


@router.put("/roles/{role_id}/permissions", response={200: RoleOut, **ERRORS},
            summary="设置角色权限")
def set_role_permissions(request: HttpRequest, role_id: int, payload: RolePermissionsIn) -> object:
    role = selectors.role_get(user=request.user, role_id=role_id)
    return services.role_set_permissions(actor=request.user, role=role,
                                         permission_codes=payload.permissions,
                                         expected_version=payload.version)


@router.get("/tokens", response={200: list[TokenOut], **ERRORS}, summary="我的接口令牌")
def list_tokens(request: HttpRequest) -> object:
    return list(selectors.token_list(user=request.user))


@router.post("/tokens", response={201: TokenCreated, **ERRORS}, summary="创建接口令牌")
def create_token(request: HttpRequest, payload: TokenIn) -> Status[object]:
    token, raw = services.token_create(actor=request.user, name=payload.name,
                                       expires_at=payload.expires_at)
    token.token = raw  # type: ignore[attr-defined]
    return Status(201, token)


@router.delete("/tokens/{token_id}", response={204: None, **ERRORS}, summary="撤销接口令牌")
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    token = selectors.token_get(user=request.user, token_id=token_id)
    services.token_revoke(actor=request.user, token=token)
    return Status(204, None)

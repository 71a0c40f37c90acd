from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from xuncha.api.schemas import ErrorOut
from xuncha.organisations import selectors, services
from xuncha.organisations.models import UnitKind

router = Router(tags=["组织机构"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    code: str
    kind: str
    kind_label: str
    level: int
    parent_id: int | None
    county_id: int | None
    path: str
    is_active: bool
    version: int

    @staticmethod
    def resolve_kind_label(obj: object) -> str:
        return str(UnitKind(obj.kind).label)  # type: ignore[attr-defined]


class UnitPage(Schema):
    count: int
    items: list[UnitOut]


class UnitIn(Schema):
    parent_id: int | None = None
    name: str = Field(min_length=1, max_length=120)
    short_name: str = Field("", max_length=60)
    code: str = Field(min_length=1, max_length=40)
    kind: UnitKind
    sort_order: int = 0
    is_active: bool = True


class UnitPatch(Schema):
    version: int
    name: str | None = Field(None, min_length=1, max_length=120)
    short_name: str | None = Field(None, max_length=60)
    code: str | None = Field(None, min_length=1, max_length=40)
    sort_order: int | None = None
    is_active: bool | None = None


class TermOut(Schema):
    id: int
    unit_id: int
    name: str
    start_date: date
    end_date: date
    version: int


class TermIn(Schema):
    unit_id: int
    name: str = Field(min_length=1, max_length=60)
    start_date: date
    end_date: date


class TermPatch(Schema):
    version: int
    name: str | None = Field(None, min_length=1, max_length=60)
    start_date: date | None = None
    end_date: date | None = None


@router.get("/units", response={200: UnitPage, **ERRORS}, summary="单位列表")
def list_units(
    request: HttpRequest, parent_id: int | None = None, under_id: int | None = None,
    q: str = "", kind: str = "", level: int | None = None, active: bool | None = None,
    limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0),
) -> dict[str, object]:
    qs = selectors.unit_list(user=request.user, parent_id=parent_id, under_id=under_id, q=q,
                             kind=kind, level=level, active=active)
    return {"count": qs.count(), "items": list(qs[offset: offset + limit])}


@router.get("/units/{unit_id}", response={200: UnitOut, **ERRORS}, summary="单位详情")
def get_unit(request: HttpRequest, unit_id: int) -> object:
    return selectors.unit_get(user=request.user, unit_id=unit_id)


@router.post("/units", response={201: UnitOut, **ERRORS}, summary="新建单位")
def create_unit(request: HttpRequest, payload: UnitIn) -> Status[object]:
    parent = (
        selectors.unit_get(user=request.user, unit_id=payload.parent_id)
        if payload.parent_id else None
    )
    unit = services.unit_create(
        actor=request.user, parent=parent, name=payload.name, code=payload.code,
        kind=payload.kind, short_name=payload.short_name, sort_order=payload.sort_order,
        is_active=payload.is_active,
    )
    return Status(201, unit)


@router.patch("/units/{unit_id}", response={200: UnitOut, **ERRORS}, summary="修改单位")
def update_unit(request: HttpRequest, unit_id: int, payload: UnitPatch) -> object:
    unit = selectors.unit_get(user=request.user, unit_id=unit_id)
    fields = payload.dict(exclude_unset=True, exclude={"version"})
    return services.unit_update(
        actor=request.user, unit=unit, expected_version=payload.version, **fields
    )


@router.get("/terms", response={200: list[TermOut], **ERRORS}, summary="届次列表")
def list_terms(request: HttpRequest, unit_id: int | None = None) -> object:
    return list(selectors.term_list(user=request.user, unit_id=unit_id))


@router.get("/terms/{term_id}", response={200: TermOut, **ERRORS}, summary="届次详情")
def get_term(request: HttpRequest, term_id: int) -> object:
    return selectors.term_get(user=request.user, term_id=term_id)


@router.post("/terms", response={201: TermOut, **ERRORS}, summary="新建届次")
def create_term(request: HttpRequest, payload: TermIn) -> Status[object]:
    unit = selectors.unit_get(user=request.user, unit_id=payload.unit_id)
    term = services.term_create(actor=request.user, unit=unit, name=payload.name,
                                start_date=payload.start_date, end_date=payload.end_date)
    return Status(201, term)


@router.patch("/terms/{term_id}", response={200: TermOut, **ERRORS}, summary="修改届次")
def update_term(request: HttpRequest, term_id: int, payload: TermPatch) -> object:
    term = selectors.term_get(user=request.user, term_id=term_id)
    fields = payload.dict(exclude_unset=True, exclude={"version"})
    return services.term_update(actor=request.user, term=term, expected_version=payload.version,
                                **fields)

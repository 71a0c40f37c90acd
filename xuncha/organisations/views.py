"""Pages of the organisation tree, its import/export, and the committees' terms.

Thin: parse the form, call the selector or service, render. Scope comes from the selectors; a write
is refused (403) when the role lacks the permission over the unit concerned.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from xuncha.accounts.scope import has, require, scope_for, visible
from xuncha.core.errors import Conflict, ValidationFailed
from xuncha.core.tree import path_ids
from xuncha.organisations import importing, selectors, services
from xuncha.organisations.forms import (
    ImportForm,
    TermEditForm,
    TermForm,
    UnitEditForm,
    UnitFilterForm,
    UnitForm,
    kinds_at_level,
    kinds_under,
    unit_options,
)
from xuncha.organisations.models import Unit, UnitLevel
from xuncha.web.forms import apply_service_errors, conflict_context, paginate, posted, uploaded
from xuncha.web.http import AuthedRequest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNIT_FIELDS = ("name", "short_name", "code", "kind", "function", "sort_order", "is_active")
TERM_FIELDS = ("name", "start_date", "end_date")


def _ancestor_names(user: Any, units: list[Unit]) -> dict[int, str]:
    """"江城市 / 东湖区" for each unit of a search result, from the ancestors the user can see."""
    ids = {i for u in units for i in path_ids(u.path)[:-1]}
    names = dict(visible(user, Unit).filter(pk__in=ids).values_list("id", "name"))
    return {
        u.pk: " / ".join(names[i] for i in path_ids(u.path)[:-1] if i in names) for u in units
    }


@login_required
def tree(request: AuthedRequest) -> HttpResponse:
    require(request.user, "organisations.view_unit")
    form = UnitFilterForm(request.GET or None)
    context: dict[str, Any] = {"form": form}
    if form.filtering:
        data = form.cleaned_data
        qs = selectors.unit_list(user=request.user, q=data["q"].strip(), kind=data["kind"],
                                 active=form.active_value())
        if data["members"] == "none":
            qs = qs.filter(members__isnull=True)
        page = paginate(request, qs)
        page.object_list = units = list(page.object_list)
        trail = _ancestor_names(request.user, units)
        for u in units:
            u.trail = trail[u.pk]
        context.update(page=page, filtering=True)
    else:
        roots = selectors.unit_roots(user=request.user)
        # A short list of roots opens one level, so the page shows the county at a glance.
        if len(roots) <= 3:
            for root in roots:
                root.loaded_children = selectors.unit_children(user=request.user, parent=root)
                root.expanded = True
        context["roots"] = roots
    user = request.user
    context.update(
        can_import=has(user, "organisations.import_unit"),
        show_members_filter=has(user, "accounts.manage_user"),
        can_create_top=scope_for(user, "organisations.manage_unit").everything,
    )
    return render(request, "organisations/tree.html", context)


@login_required
def children(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """The next level of the tree, fetched by htmx when a node is opened."""
    parent = selectors.unit_get(user=request.user, unit_id=unit_id)
    units = selectors.unit_children(user=request.user, parent=parent)
    return render(request, "organisations/_tree_children.html", {"units": units})


@login_required
def unit_detail(request: AuthedRequest, unit_id: int) -> HttpResponse:
    from xuncha.accounts.selectors import user_list

    user = request.user
    unit = selectors.unit_get(user=user, unit_id=unit_id)
    ancestors = selectors.unit_ancestors(user=user, unit=unit)
    # Name the parent and the county only when the user may see them.
    seen = {a.pk: a for a in ancestors} | {unit.pk: unit}
    context: dict[str, Any] = {
        "unit": unit,
        "ancestors": ancestors,
        "parent": seen.get(unit.parent_id),  # type: ignore[arg-type]
        "county": seen.get(unit.county_id),  # type: ignore[arg-type]
        "children": selectors.unit_children(user=user, parent=unit),
        "can_manage": has(user, "organisations.manage_unit", unit),
        "can_manage_term": has(user, "organisations.manage_term", unit),
        "is_committee": unit.level <= UnitLevel.COUNTY,
    }
    if has(user, "accounts.view_user"):
        people = user_list(user=user, unit_id=unit.pk)
        context.update(show_people=True, people=people[:50], people_count=people.count())
    if has(user, "organisations.view_term"):
        context.update(show_terms=True,
                       terms=list(selectors.term_list(user=user, unit_id=unit.pk)))
    return render(request, "organisations/unit_detail.html", context)


@login_required
def unit_create(request: AuthedRequest, unit_id: int | None = None) -> HttpResponse:
    """A child of ``unit_id``, or a top-level unit (only for an all-scope administrator)."""
    user = request.user
    parent = selectors.unit_get(user=user, unit_id=unit_id) if unit_id is not None else None
    require(user, "organisations.manage_unit", parent)
    form = UnitForm(posted(request), kind_choices=kinds_under(parent))
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=user, parent=parent, **form.cleaned_data)
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已新建单位“%(n)s”。") % {"n": unit.name})
            return redirect("organisations:unit", unit_id=unit.pk)
    ancestors = (
        [*selectors.unit_ancestors(user=user, unit=parent), parent] if parent is not None else []
    )
    return render(request, "organisations/unit_form.html", {
        "form": form, "parent": parent, "ancestors": ancestors, "creating": True,
    }, status=422 if form.errors else 200)


@login_required
def unit_edit(request: AuthedRequest, unit_id: int) -> HttpResponse:
    user = request.user
    unit = selectors.unit_get(user=user, unit_id=unit_id)
    require(user, "organisations.manage_unit", unit)
    initial = {f: getattr(unit, f) for f in UNIT_FIELDS} | {"version": unit.version}
    form = UnitEditForm(posted(request), initial=initial,
                        kind_choices=kinds_at_level(unit.level))
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.unit_update(actor=user, unit=unit, expected_version=version, **data)
        except Conflict as exc:
            current = selectors.unit_get(user=user, unit_id=unit_id)
            conflict = conflict_context(exc, form, current, UNIT_FIELDS, data)
            unit = current
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存“%(n)s”。") % {"n": unit.name})
            return redirect("organisations:unit", unit_id=unit.pk)
    ancestors = selectors.unit_ancestors(user=user, unit=unit)
    status = 409 if conflict else (422 if form.errors else 200)
    return render(request, "organisations/unit_form.html", {
        "form": form, "unit": unit, "ancestors": ancestors, "conflict": conflict,
    }, status=status)


# --- import / export -------------------------------------------------------------------------


@login_required
def import_template(request: AuthedRequest) -> HttpResponse:
    require(request.user, "organisations.import_unit")
    return _xlsx(importing.template_workbook(), _("组织机构导入模板.xlsx"))


@login_required
def import_units(request: AuthedRequest) -> HttpResponse:
    """All or nothing: on any error, every error is listed and nothing is imported."""
    require(request.user, "organisations.import_unit")
    form = ImportForm(posted(request), uploaded(request))
    errors: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importing.import_units(actor=request.user, data=upload.read(),
                                            filename=upload.name)
        except ValidationFailed as exc:
            errors = [d for d in (exc.details or []) if isinstance(d, dict)]
            if not errors:
                form.add_error(None, exc.message)
            summary = exc.message
        else:
            summary = _("导入完成：新增 %(c)d 个单位，更新 %(u)d 个单位。") % {
                "c": result.created, "u": result.updated}
            unchanged = getattr(result, "unchanged", 0)
            if unchanged:
                summary += _("另有 %(n)d 个单位与系统中一致，未作修改。") % {"n": unchanged}
            messages.success(request, summary)
            return redirect("organisations:tree")
    else:
        summary = ""
    status = 422 if (errors or form.errors) else 200
    return render(request, "organisations/import.html",
                  {"form": form, "errors": errors, "summary": summary}, status=status)


@login_required
def export_units(request: AuthedRequest) -> HttpResponse:
    require(request.user, "organisations.view_unit")
    root = None
    if request.GET.get("root"):
        root = selectors.unit_get(user=request.user, unit_id=_int(request.GET["root"]))
    data = importing.export_units(user=request.user, root=root)
    stamp = timezone.localdate().strftime("%Y%m%d")
    name = (root.short_name or root.name) if root else _("组织机构")
    return _xlsx(data, f"{name}_{stamp}.xlsx")


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _int(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # never a primary key: the selector answers "not found"


# --- terms ------------------------------------------------------------------------------------


def _term_units(user: Any) -> list[tuple[str, str]]:
    return unit_options(user, "organisations.manage_term", level__lte=UnitLevel.COUNTY,
                        is_active=True)


@login_required
def terms(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, "organisations.view_term")
    today = timezone.localdate()
    rows = []
    for term in selectors.term_list(user=user):
        term.state = (
            "current" if term.start_date <= today <= term.end_date
            else "ended" if term.end_date < today else "future"
        )
        term.can_edit = has(user, "organisations.manage_term", term.unit)
        rows.append(term)
    return render(request, "organisations/terms.html", {
        "terms": rows, "can_create": has(user, "organisations.manage_term"),
    })


@login_required
def term_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require(user, "organisations.manage_term")
    initial = {"unit": request.GET.get("unit", "")}
    form = TermForm(posted(request), initial=initial, unit_choices=_term_units(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = selectors.unit_get(user=user, unit_id=_int(data["unit"]))
        try:
            term = services.term_create(actor=user, unit=unit, name=data["name"],
                                        start_date=data["start_date"], end_date=data["end_date"])
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已新建届次“%(t)s”。") % {"t": term})
            return redirect("organisations:terms")
    return render(request, "organisations/term_form.html", {"form": form},
                  status=422 if form.errors else 200)


@login_required
def term_edit(request: AuthedRequest, term_id: int) -> HttpResponse:
    user = request.user
    term = selectors.term_get(user=user, term_id=term_id)
    require(user, "organisations.manage_term", term.unit)
    initial = {f: getattr(term, f) for f in TERM_FIELDS} | {"version": term.version}
    form = TermEditForm(posted(request), initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.term_update(actor=user, term=term, expected_version=version, **data)
        except Conflict as exc:
            term = selectors.term_get(user=user, term_id=term_id)
            conflict = conflict_context(exc, form, term, TERM_FIELDS, data)
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存届次“%(t)s”。") % {"t": term})
            return redirect("organisations:terms")
    status = 409 if conflict else (422 if form.errors else 200)
    return render(request, "organisations/term_form.html",
                  {"form": form, "term": term, "conflict": conflict}, status=status)



"""Every role × every page of the foundation (GET): allowed, refused (403) or hidden (404).

"ok" pages render (200, or 302 to a download/redirect); "no" pages are refused with 403 or 404 —
never a 200 that shows something the role may not see, never a 500."""

from __future__ import annotations

import pytest

ROLES = ["east_director", "east_office", "east_leader", "east_member", "east_head",
         "east_contact", "east_jiwei", "east_zzb", "east_leadership", "west_office",
         "city_office", "sysadmin", "secadmin", "auditor", "nobody"]

EVERYONE = set(ROLES)
TREE = EVERYONE - {"auditor", "nobody"}  # organisations.view_unit
USERS = {"east_director", "east_office", "east_head", "east_contact", "east_jiwei", "east_zzb",
         "west_office", "city_office", "sysadmin", "secadmin"}
TERMS = TREE - {"secadmin"}

# (url template, roles allowed)
PAGES = [
    ("/", EVERYONE),
    ("/inbox/", EVERYONE),
    ("/accounts/profile/", EVERYONE),
    ("/accounts/tokens/", EVERYONE),
    ("/accounts/password/change/", EVERYONE),
    ("/org/units/", TREE),
    ("/org/units/{east_town}/", {"east_director", "east_office", "east_head", "east_contact",
                                 "east_jiwei", "east_zzb", "east_leadership", "city_office",
                                 "sysadmin", "secadmin"}),
    ("/org/units/{east_town}/edit/", {"sysadmin"}),
    ("/org/units/import/", {"sysadmin"}),
    ("/org/units/export/", TREE),
    ("/org/terms/", TERMS),
    ("/accounts/users/", USERS),
    ("/accounts/users/add/", {"sysadmin"}),
    ("/accounts/users/{east_contact_user}/", USERS - {"west_office"}),
    ("/accounts/users/{east_contact_user}/edit/", {"sysadmin"}),
    ("/accounts/users/{east_contact_user}/roles/add/", {"secadmin"}),
    ("/accounts/roles/", {"secadmin"}),
    ("/accounts/roles/new/", {"secadmin"}),
    ("/accounts/policy/", {"secadmin"}),
    ("/audit/", {"auditor"}),
    ("/audit/export/", {"auditor"}),
]


def url_for(template: str, w) -> str:
    return template.format(east_town=w.units["east_town"].pk,
                           east_contact_user=w.users["east_contact"].pk)


@pytest.mark.parametrize(("template", "allowed"), PAGES, ids=[p[0] for p in PAGES])
def test_role_page_matrix(world, client_for, template, allowed):
    wrong = []
    for role in ROLES:
        r = client_for(role).get(url_for(template, world))
        ok = r.status_code in (200, 302) and "/accounts/login/" not in r.get("Location", "")
        refused = r.status_code in (403, 404)
        if (role in allowed and not ok) or (role not in allowed and not refused):
            wrong.append((role, r.status_code))
    assert not wrong, f"{template}: {wrong}"

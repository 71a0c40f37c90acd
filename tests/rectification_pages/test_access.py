"""Every page renders for a role that may use it and is refused (404/403) to outsiders: the other
county's office and unit, the auditor and the system administrator. No page carries inline script
or event-handler attributes (CSP)."""

from __future__ import annotations

import re

import pytest

from tests.rectification_pages.conftest import OUTSIDERS, html

PAGES = [
    ("/rectification/plans/{plan}/", "east_contact"),
    ("/rectification/plans/{plan}/", "east_office"),
    ("/rectification/plans/{plan}/check/", "east_contact"),
    ("/rectification/plans/{plan}/versions/", "east_office"),
    ("/rectification/plans/{plan}/review/", "east_jiwei"),
    ("/rectification/plans/{plan}/progress/", "east_contact"),
    ("/rectification/plans/{plan}/progress/template/", "east_contact"),
    ("/rectification/plans/{plan}/report/", "east_zzb"),
    ("/rectification/plans/{plan}/report/", "east_contact"),
    ("/rectification/plans/{plan}/report/print/", "east_office"),
    ("/rectification/plans/{plan}/report/public/", "east_head"),
    ("/rectification/tasks/{t1}/", "east_contact"),
    ("/rectification/tasks/{t1}/", "east_office"),
    ("/rectification/samples/{draw}/", "east_office"),
    ("/returns/{ret}/", "east_office"),
    ("/returns/{ret}/", "city_office"),
    ("/returns/assignments/{a}/", "east_office"),
]
LISTS = [
    ("/rectification/plans/", "east_contact"),
    ("/rectification/ledger/", "east_office"),
    ("/rectification/ledger/", "east_contact"),
    ("/rectification/ledger/export/", "east_office"),
    ("/rectification/samples/", "east_office"),
    ("/outcomes/", "east_office"),
    ("/outcomes/institutions/", "east_contact"),
    ("/outcomes/funds/", "east_zzb"),
    ("/outcomes/accountability/add/", "east_contact"),
    ("/outcomes/institutions/add/", "east_office"),
    ("/outcomes/funds/add/", "east_jiwei"),
    ("/returns/", "east_office"),
    ("/returns/", "east_contact"),
    ("/returns/city/", "city_office"),
    ("/returns/assignments/", "city_office"),
]


@pytest.mark.parametrize(("path", "actor"), PAGES + LISTS)
def test_page_renders_for_an_allowed_role(client_for, scene, path, actor):
    r = client_for(actor).get(path.format(**scene))
    assert r.status_code == 200, (path, actor, r.status_code)


@pytest.mark.parametrize(("path", "actor"), PAGES)
def test_page_is_refused_to_outsiders(client_for, scene, path, actor):
    for outsider in OUTSIDERS:
        r = client_for(outsider).get(path.format(**scene))
        assert r.status_code in (403, 404), (path, outsider, r.status_code)
        assert "东湖区青石镇" not in html(r)


@pytest.mark.parametrize(("path", "actor"), LISTS)
def test_lists_show_an_outsider_nothing_of_this_county(client_for, scene, path, actor):
    for outsider in OUTSIDERS:
        r = client_for(outsider).get(path.format(**scene))
        if outsider in ("auditor", "sysadmin"):
            assert r.status_code == 403, (path, outsider, r.status_code)
        if r.status_code == 200 and r["Content-Type"].startswith("text/html"):
            page = html(r)
            assert "东湖区青石镇" not in page and "李四" not in page, (path, outsider)


def test_only_reviewers_open_the_review_page(client_for, scene):
    for actor in ("east_contact", "east_head", "east_leadership"):
        assert client_for(actor).get(f"/rectification/plans/{scene['plan']}/review/") \
            .status_code == 403


def test_the_city_overview_is_for_the_city_office(client_for, scene):
    for actor in ("east_office", "east_contact", "west_office"):
        assert client_for(actor).get("/returns/city/").status_code == 403


def test_notification_links_exist(client_for, scene):
    c = client_for("east_office")
    assert c.get(f"/rectification/plans/{scene['plan']}/").status_code == 200
    assert c.get(f"/rectification/tasks/{scene['t1']}/").status_code == 200


def test_navigation_has_the_rectification_section(client_for, scene):
    page = html(client_for("east_contact").get("/rectification/plans/"))
    for label in ("整改方案", "整改台账", "问责与成果", "月度报送"):
        assert label in page
    assert "/rectification/ledger/" not in html(client_for("auditor").get("/"))


@pytest.mark.parametrize(("path", "actor"), PAGES + LISTS)
def test_pages_carry_no_inline_script_or_event_handler(client_for, scene, path, actor):
    r = client_for(actor).get(path.format(**scene))
    if r["Content-Type"].startswith("text/html"):
        page = html(r)
        for tag in re.findall(r"<script\b[^>]*>", page):
            assert "src=" in tag and "nonce=" in tag, tag
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", page)

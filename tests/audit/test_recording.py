"""What goes into the trail: logins, denials and writes, with time, actor, unit, object, outcome, IP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, timedelta

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections, connection, transaction
from django.test import Client, RequestFactory
from django.utils import timezone

from xuncha.audit.models import AuditEvent, Outcome
from xuncha.audit.services import record, record_denial
from xuncha.audit.verify import verify_chain
from xuncha.organisations.models import Unit, UnitKind
from xuncha.organisations.services import unit_create


def events(action: str, **filters: object):  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(action=action, **filters).order_by("seq")


@pytest.fixture
def atomic_requests() -> Iterator[None]:
    before = connection.settings_dict.get("ATOMIC_REQUESTS", False)
    connection.settings_dict["ATOMIC_REQUESTS"] = True
    try:
        yield
    finally:
        connection.settings_dict["ATOMIC_REQUESTS"] = before


# --- Logins ---


def test_a_login_is_recorded_with_utc_time_actor_unit_and_ip(world, password):
    c = Client(REMOTE_ADDR="10.8.0.21")
    before = timezone.now()
    r = c.post("/accounts/login/", {"username": "east_office", "password": password})
    assert r.status_code == 302
    ev = events("auth.login").get()
    assert ev.actor == world.east_office
    assert ev.actor_name == "east_office"
    assert ev.unit_name == world.east_office.unit.name
    assert ev.outcome == Outcome.SUCCESS
    assert ev.ip == "10.8.0.21"
    assert ev.at.utcoffset() == timedelta(0)
    assert before <= ev.at <= timezone.now()
    assert verify_chain().ok


def test_a_failed_login_is_recorded_with_the_name_tried_and_the_ip(world):
    c = Client(REMOTE_ADDR="10.8.0.22")
    r = c.post("/accounts/login/", {"username": "east_office", "password": "wrong-Password1"})
    assert r.status_code == 200
    ev = events("auth.login_failed").get()
    assert ev.actor is None
    assert ev.actor_name == "east_office"
    assert ev.outcome == Outcome.FAILURE
    assert ev.ip == "10.8.0.22"


# --- Denials ---


@pytest.mark.parametrize("url", ["/audit/", "/api/v1/audit/events"])
def test_a_denial_is_recorded_with_actor_unit_path_reason_and_ip(world, client_for, url):
    c = client_for("sysadmin")
    r = c.get(url, REMOTE_ADDR="10.8.0.30")
    assert r.status_code == 403
    ev = events("access.denied").get()
    assert ev.actor == world.sysadmin
    assert ev.unit_name == "江城市"
    assert ev.outcome == Outcome.DENIED
    assert ev.object_repr == url
    assert ev.changes == {"method": "GET", "path": url, "reason": "forbidden"}
    assert ev.ip == "10.8.0.30"


@pytest.mark.urls("tests.audit.urls")
def test_a_not_found_raised_by_a_page_is_recorded_as_a_denial(world, client_for):
    r = client_for("east_contact").get("/t/missing/")
    assert r.status_code == 404
    ev = events("access.denied").get()
    assert ev.actor == world.east_contact
    assert ev.changes["reason"] == "not_found"


@pytest.mark.urls("tests.audit.urls")
def test_a_refusal_inside_a_service_transaction_keeps_the_denial_but_not_the_write(world, client_for):
    r = client_for("east_contact").get("/t/write-then-refuse/")
    assert r.status_code == 403
    assert not events("unit.update", object_repr="半途而废").exists()
    assert events("access.denied", actor=world.east_contact).count() == 1
    assert verify_chain().ok


@pytest.mark.urls("tests.audit.urls")
@pytest.mark.parametrize("url", ["/t/doom-then-refuse/", "/t/api/doom-then-refuse"])
def test_a_refusal_in_a_doomed_request_transaction_is_still_recorded(
    world, client_for, atomic_requests, url
):
    r = client_for("east_contact").get(url)
    assert r.status_code == 403
    assert not events("unit.update", object_repr="半途而废").exists()
    ev = events("access.denied").get()
    assert ev.actor == world.east_contact
    assert ev.object_repr == url
    assert verify_chain().ok


def test_record_denial_waits_for_a_doomed_transaction_to_end(world):
    request = RequestFactory().get("/somewhere/", REMOTE_ADDR="10.8.0.40")
    request.user = world.west_contact
    with transaction.atomic():
        record(actor=world.west_contact, action="unit.update", object_repr="回滚")
        transaction.set_rollback(True)
        record_denial(request, reason="forbidden")  # must not raise
    assert not events("unit.update").exists()
    assert not events("access.denied").exists()
    # The end of the request, as the test client signals it (without closing the connection).
    request_finished.disconnect(close_old_connections)
    try:
        request_finished.send(sender=None)
    finally:
        request_finished.connect(close_old_connections)
    ev = events("access.denied").get()
    assert ev.actor == world.west_contact
    assert ev.ip == "10.8.0.40"
    assert verify_chain().ok


@pytest.mark.urls("tests.audit.urls")
@pytest.mark.parametrize("url", ["/t/django-denied/", "/t/django-404/"])
def test_djangos_own_permission_denied_and_404_are_recorded_too(world, client_for, url):
    r = client_for("east_contact").get(url)
    assert r.status_code in (403, 404)
    assert events("access.denied").count() == 1


# --- Writes ---


def test_a_write_is_recorded_in_its_transaction_with_a_change_summary(world):
    unit = unit_create(actor=world.sysadmin, parent=world.east, name="东湖区审计局", code="EAST-SJ",
                       kind=UnitKind.DEPARTMENT)
    ev = events("unit.create").get()
    assert ev.actor == world.sysadmin
    assert (ev.object_type, ev.object_id) == ("organisations.unit", str(unit.pk))
    assert ev.object_repr
    assert ev.changes["name"] == [None, "东湖区审计局"]
    assert ev.ip is None  # no request: a command or a task
    assert verify_chain().ok


def test_a_write_whose_transaction_rolls_back_leaves_no_audit_row(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        unit_create(actor=world.sysadmin, parent=world.east, name="东湖区审计局", code="EAST-SJ",
                    kind=UnitKind.DEPARTMENT)
        raise RuntimeError("crash after the write")
    assert not Unit.objects.filter(code="EAST-SJ").exists()
    assert not events("unit.create").exists()
    assert verify_chain().ok
    # The sequence number is not burnt: the next event takes it and the chain stays whole.
    ev = record(actor=world.sysadmin, action="unit.update", object_repr="下一条")
    assert ev.seq == AuditEvent.objects.count()
    assert verify_chain().ok


def test_a_write_through_the_api_carries_the_client_ip(world, client_for):
    c = client_for("sysadmin")
    r = c.post("/api/v1/units", {"parent_id": world.east.pk, "name": "东湖区审计局",
                                 "code": "EAST-SJ", "kind": "department"},
               content_type="application/json", REMOTE_ADDR="2001:DB8:0:0::7")
    assert r.status_code == 201, r.content
    ev = events("unit.create").get()
    assert ev.ip == "2001:db8::7"  # stored as the database normalises it; the hash still holds
    assert verify_chain().ok


def test_the_ip_is_taken_from_the_trusted_proxy_header_when_configured(world, client_for,
                                                                       settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    c = client_for("sysadmin")
    r = c.get("/api/v1/audit/events", REMOTE_ADDR="10.0.0.1",
              HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.4")
    assert r.status_code == 403
    assert events("access.denied").get().ip == "198.51.100.4"


@pytest.mark.parametrize("value", [1e20, float("nan"), 0.5, 10**30, "a\x00b"])
def test_awkward_values_in_a_change_summary_keep_the_chain_valid(world, value):
    record(actor=world.sysadmin, action="unit.update", object_repr="x\x00y",
           changes={"v": [None, value]})
    assert verify_chain().ok


def test_every_event_time_is_stored_in_utc(world):
    ev = record(actor=world.sysadmin, action="unit.update", object_repr="x")
    ev = AuditEvent.objects.get(pk=ev.pk)
    assert ev.at.tzinfo is not None and ev.at.astimezone(UTC).utcoffset() == timedelta(0)

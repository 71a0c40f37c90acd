""""Missing" and "not yours" are indistinguishable (security.md, data scope), and every refusal is
in the audit trail.

For every object route of the API: a west actor asking for the east object and the same actor
asking for an id that does not exist get the same 404 — status, content type and JSON body — and
both refusals are written to the trail as ``access.denied``. The same holds inside the county for
every cell of the matrix that hides an object from an east actor (a team member and the lead, a
unit contact and a draft problem). A 403 is audited too.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.matrix.endpoints import ENDPOINTS, Endpoint, call
from tests.matrix.scenario import WEST, Scenario
from tests.matrix.test_api_matrix import BUGS, EXPECTED

MISSING_ID = 987_654_321
OBJECT_ROUTES = [ep for ep in ENDPOINTS if ep.is_object_route]


def _missing(ep: Endpoint) -> dict[str, int]:
    return dict.fromkeys(ep.params, MISSING_ID)


def _denials(scenario: Scenario, actor: str, path: str) -> int:
    from xuncha.audit.models import AuditEvent, Outcome

    return AuditEvent.objects.filter(
        action="access.denied", actor_id=scenario.world.users[actor].pk, outcome=Outcome.DENIED,
        changes__path=path).count()


def _assert_same_404(scenario: Scenario, client: Any, actor: str, ep: Endpoint) -> None:
    theirs = call(client, ep, scenario)
    missing = call(client, ep, scenario, overrides=_missing(ep))
    assert theirs.status_code == missing.status_code == 404, (
        theirs.status_code, theirs.content[:200], missing.status_code, missing.content[:200])
    assert theirs["Content-Type"] == missing["Content-Type"]
    assert theirs.json() == missing.json() == {"code": "not_found",
                                               "message": "对象不存在或无权访问。"}


@pytest.mark.parametrize("actor", WEST)
@pytest.mark.parametrize("ep", OBJECT_ROUTES, ids=lambda ep: ep.label)
def test_other_county_gets_the_404_of_a_missing_id(scenario: Scenario, as_actor: Any,
                                                   actor: str, ep: Endpoint) -> None:
    client = as_actor(actor)
    _assert_same_404(scenario, client, actor, ep)
    assert _denials(scenario, actor, ep.url(scenario)) == 1
    assert _denials(scenario, actor, ep.url(scenario, _missing(ep))) == 1


_HIDDEN_IN_COUNTY = [
    pytest.param(actor, ep, id=f"{actor}-{ep.label}")
    for ep in OBJECT_ROUTES for actor, cell in EXPECTED[ep.label].items()
    if cell == "hd" and actor not in WEST and (actor, ep.label) not in BUGS
]


@pytest.mark.parametrize(("actor", "ep"), _HIDDEN_IN_COUNTY)
def test_not_yours_inside_the_county_looks_missing_too(scenario: Scenario, as_actor: Any,
                                                       actor: str, ep: Endpoint) -> None:
    _assert_same_404(scenario, as_actor(actor), actor, ep)
    assert _denials(scenario, actor, ep.url(scenario)) == 1


def _first_denied() -> list[Any]:
    cases = []
    for ep in ENDPOINTS:
        actor = next((a for a, c in EXPECTED[ep.label].items()
                      if c == "dn" and (a, ep.label) not in BUGS), None)
        if actor is not None:
            cases.append(pytest.param(actor, ep, id=f"{actor}-{ep.label}"))
    return cases


@pytest.mark.parametrize(("actor", "ep"), _first_denied())
def test_a_403_is_audited_as_a_denial(scenario: Scenario, as_actor: Any, actor: str,
                                      ep: Endpoint) -> None:
    from xuncha.audit.models import AuditEvent

    response = call(as_actor(actor), ep, scenario)
    assert response.status_code == 403
    event = AuditEvent.objects.filter(action="access.denied",
                                      actor_id=scenario.world.users[actor].pk).latest("seq")
    assert event.changes["path"] == ep.url(scenario)
    assert event.changes["method"] == ep.method
    assert event.changes["reason"] == response.json()["code"]

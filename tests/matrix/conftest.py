"""Fixtures of the access matrix: the east scenario built once per module, a client per actor."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.matrix.scenario import Scenario, module_scenario


@pytest.fixture(scope="module")
def scenario(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Scenario]:
    """Built once per module; every test's ``db`` transaction is a savepoint inside it."""
    with module_scenario(django_db_blocker) as s:
        yield s


@pytest.fixture
def as_actor(scenario: Scenario, db: Any) -> Callable[[str], Any]:
    """A Django test client in the session the scenario opened for the actor (signed in once per
    module, without password hashing)."""
    from django.conf import settings
    from django.test import Client

    def login(name: str) -> Client:
        c = Client()
        c.cookies[settings.SESSION_COOKIE_NAME] = scenario.sessions[name]
        return c

    return login

"""End-to-end journeys in headless Chromium: each person signs in through the login page in a
browser context of their own and does their part on the real pages.

The ``browser`` and ``live_server`` fixtures come from tests/browser_support.py (registered in
tests/conftest.py). Steps that are not the subject of a journey are built through the services
(tests/inspections/helpers.py, tests/evaluation/helpers.py), as the page tests do.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.support import People
from tests.world import World, build_world


@pytest.fixture
def world_live(transactional_db: None) -> World:
    """The fixed world, committed so that the live server's thread sees it. A transactional test
    flushes every table when it ends, the problem categories seeded by a migration too: put them
    back first (the roles come back by themselves, through post_migrate)."""
    from xuncha.findings.categories import ensure_default_categories
    from xuncha.findings.models import ProblemCategory

    ensure_default_categories(ProblemCategory)
    return build_world()


@pytest.fixture(autouse=True)
def _uploads(tmp_path: Any, settings: Any) -> None:
    """Evidence uploaded during a journey goes to a temporary directory, not var/."""
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def people(browser: Any, live_server: Any) -> Iterator[People]:
    """``people.page("east_office")``: that person's signed-in page (one context each)."""
    crowd = People(browser, live_server.url)
    try:
        yield crowd
    finally:
        crowd.close()

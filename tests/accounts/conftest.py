"""Fixtures for the sign-in tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.utils import timezone


@pytest.fixture(autouse=True)
def _axes_clean(db: object) -> Iterator[None]:
    """django-axes keeps its counters in the database; start and end every test with none."""
    import axes.utils

    axes.utils.reset()
    yield
    axes.utils.reset()


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    """A frozen clock starting now (the world's passwords were set now); move it with .shift()."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller

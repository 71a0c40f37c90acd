"""The east scenario of tests/matrix, built once per module, and a client per actor."""

from tests.matrix.conftest import as_actor, scenario

__all__ = ["as_actor", "scenario"]

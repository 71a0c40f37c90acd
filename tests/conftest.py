from __future__ import annotations

import pytest

from tests.world import PASSWORD, World, build_world

pytest_plugins = ["tests.browser_support"]


@pytest.fixture(autouse=True)
def _uploads_in_tmp(tmp_path: object, settings: object) -> None:
    """Evidence files written by tests go to a temporary folder, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "uploads"  # type: ignore[attr-defined,operator]


@pytest.fixture
def world(db: object) -> World:
    return build_world()


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def client_for(client: object, world: World):  # type: ignore[no-untyped-def]
    """Logs the Django test client in as one of the world's actors."""
    from django.test import Client

    def login(name: str) -> Client:
        c = Client()
        c.force_login(world.users[name], backend="xuncha.accounts.backends.RoleBackend")
        # The session clock is started by the login signal; force_login fires it too.
        return c

    return login

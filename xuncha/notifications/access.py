from xuncha.accounts import scope
from xuncha.notifications.models import Notification


def register() -> None:
    scope.register(Notification, unit_field=None, view_perm=None, owner_field="recipient",
                   personal=True)

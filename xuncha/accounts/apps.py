from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "xuncha.accounts"
    label = "accounts"
    verbose_name = _("人员与角色")

    def ready(self) -> None:
        from xuncha.accounts import access

        access.register()
        from django.db.models.signals import post_migrate

        from xuncha.accounts import signals

        post_migrate.connect(signals._after_migrate, sender=self, dispatch_uid="xuncha_roles")

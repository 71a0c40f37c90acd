from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FindingsConfig(AppConfig):
    name = "xuncha.findings"
    label = "findings"
    verbose_name = _("巡察发现")

    def ready(self) -> None:
        from xuncha.findings import access

        access.register()

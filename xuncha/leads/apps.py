from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "xuncha.leads"
    label = "leads"
    verbose_name = _("问题线索")

    def ready(self) -> None:
        from xuncha.leads import access

        access.register()

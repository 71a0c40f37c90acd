from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "xuncha.organisations"
    label = "organisations"
    verbose_name = _("组织机构")

    def ready(self) -> None:
        from xuncha.organisations import access

        access.register()

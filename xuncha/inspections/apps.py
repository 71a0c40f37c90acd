from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "xuncha.inspections"
    label = "inspections"
    verbose_name = _("巡察工作")

    def ready(self) -> None:
        from xuncha.inspections import access

        access.register()

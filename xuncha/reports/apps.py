from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "xuncha.reports"
    label = "reports"
    verbose_name = _("巡察报告与反馈")

    def ready(self) -> None:
        from xuncha.reports import access

        access.register()

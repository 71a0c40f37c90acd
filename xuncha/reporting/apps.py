from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "xuncha.reporting"
    label = "reporting"
    verbose_name = _("月度报送")

    def ready(self) -> None:
        from xuncha.reporting import access, todo

        access.register()
        todo.register_all()

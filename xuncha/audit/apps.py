from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "xuncha.audit"
    label = "audit"
    verbose_name = _("审计日志")

    def ready(self) -> None:
        from xuncha.audit import access

        access.register()
        from xuncha.audit import signals  # noqa: F401

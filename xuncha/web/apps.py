from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "xuncha.web"
    label = "web"
    verbose_name = _("界面")

    def ready(self) -> None:
        from xuncha.web import providers

        providers.register_all()

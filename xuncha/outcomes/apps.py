from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "xuncha.outcomes"
    label = "outcomes"
    verbose_name = _("整改成果与问责")

    def ready(self) -> None:
        from xuncha.outcomes import access

        access.register()

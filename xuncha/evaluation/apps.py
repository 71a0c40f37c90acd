from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "xuncha.evaluation"
    label = "evaluation"
    verbose_name = _("整改评估")

    def ready(self) -> None:
        from xuncha.evaluation import access
        from xuncha.evaluation.todo import evaluation_todos
        from xuncha.web.todo import register_todo_provider

        access.register()
        register_todo_provider(evaluation_todos)

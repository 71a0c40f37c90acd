"""Survey answers are never tied to a person, so their visibility follows the survey's unit; the
results themselves are shown only through ``services.results`` (hidden below the minimum)."""

from __future__ import annotations

from xuncha.accounts import scope
from xuncha.surveys.models import Questionnaire, Survey, SurveyCode, SurveyResponse


def register() -> None:
    scope.register(Questionnaire, unit_field="committee", view_perm="surveys.view_questionnaire")
    scope.register(Survey, unit_field="unit", view_perm="surveys.view_survey")
    scope.register(SurveyCode, unit_field="survey__unit", view_perm="surveys.manage_survey")
    scope.register(SurveyResponse, unit_field="survey__unit", view_perm="surveys.manage_survey")

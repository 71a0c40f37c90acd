from __future__ import annotations

from django.db.models import Q

from xuncha.accounts import scope
from xuncha.evaluation.models import (
    CheckMark,
    Consequence,
    Evaluation,
    EvaluationItem,
    EvaluationMember,
    InquiryMeeting,
    InquiryQuestion,
    RubricTemplate,
)

PERM = "evaluation.view_evaluation"



def register() -> None:
    # Reviewers from the three parties see the visits they sit on, whatever their scope.
    scope.register(Evaluation, unit_field="unit", county_field="county", view_perm=PERM,
                   extra=lambda u: Q(pk__in=EvaluationMember.objects.filter(user_id=u.pk)
                                     .values("evaluation_id")))
    # A subquery, not a join through the members: a join would repeat each row once per member.
    for model in (EvaluationMember, EvaluationItem, CheckMark, Consequence):
        scope.register(model, unit_field="evaluation__unit", view_perm=PERM,
                       extra=lambda u: Q(evaluation_id__in=EvaluationMember.objects.filter(
                           user_id=u.pk).values("evaluation_id")))
    scope.register(RubricTemplate, unit_field="committee",
                   view_perm="evaluation.view_rubrictemplate")
    scope.register(InquiryMeeting, unit_field="committee", view_perm="evaluation.view_inquirymeeting")
    scope.register(InquiryQuestion, unit_field="meeting__committee",
                   view_perm="evaluation.view_inquirymeeting")

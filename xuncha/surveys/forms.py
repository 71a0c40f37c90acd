"""Forms of the satisfaction survey: issuing codes, typing in a paper form, and the public
answering page. The questions are the survey's own copy (Survey.questions); the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xuncha.surveys.models import QuestionKind

SLIPS_PER_PAGE = 18  # 3 × 6 on A4


class CodesForm(forms.Form):
    count = forms.IntegerField(
        label=gettext_lazy("生成份数"), min_value=1, max_value=2000, initial=SLIPS_PER_PAGE,
        help_text=gettext_lazy("按参加测评的人数生成;每张 A4 纸 18 张纸条(3 列 × 6 行)。"
                               "多出的纸条收回销毁即可。"))


class AnswersForm(forms.Form):
    """One field per question (q1, q2, …); choice questions must be answered."""

    def __init__(self, *args: Any, questions: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            n = q["number"]
            if q["kind"] == QuestionKind.TEXT:
                self.fields[f"q{n}"] = forms.CharField(
                    label=q["text"], required=False, max_length=1000,
                    widget=forms.Textarea(attrs={"rows": 4}))
            else:
                self.fields[f"q{n}"] = forms.ChoiceField(
                    label=q["text"], widget=forms.RadioSelect,
                    choices=[(o, o) for o in q["options"]],
                    error_messages={"required": _("第 %(n)s 题未作答。") % {"n": n},
                                    "invalid_choice": _("第 %(n)s 题的选项无效。") % {"n": n}})

    def rows(self) -> list[tuple[dict[str, Any], Any]]:
        return [(q, self[f"q{q['number']}"]) for q in self.questions]

    def answers(self) -> dict[str, str]:
        return {str(q["number"]): self.cleaned_data.get(f"q{q['number']}") or ""
                for q in self.questions}

    def missing(self) -> list[int]:
        """The numbers of the questions refused, in order, for the summary at the top."""
        return [q["number"] for q in self.questions if self.has_error(f"q{q['number']}")]


class PublicAnswerForm(AnswersForm):
    code = forms.CharField(
        label=gettext_lazy("测评码"), max_length=20,
        error_messages={"required": gettext_lazy("请填写纸条上的测评码。")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                      "spellcheck": "false", "inputmode": "text"}))

    field_order = ["code"]

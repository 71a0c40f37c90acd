"""Page forms for the inspection report ("改卷子") and the feedback sign-off."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.inspections.forms import set_choices


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class DraftForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(
        label=_("正文"), widget=forms.Textarea(attrs={"rows": 24, "class": "report-body"}),
        help_text=_("不少于 20 个字。"),
    )
    cited_problems = forms.MultipleChoiceField(
        label=_("引用的问题"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("反馈问题清单由审定稿引用的问题生成;都不勾选则反馈本次巡察的全部有效问题。"),
    )

    def __init__(self, *args: Any, problems: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "cited_problems", problems)

    def cited_ids(self) -> list[int]:
        return [i for i in (_int(v) for v in self.cleaned_data.get("cited_problems", [])) if i]


class AnnotationForm(forms.Form):
    quote = forms.CharField(
        label=_("批注原文"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("从正文中复制要批注的一段原文粘贴到这里;针对整篇或某个问题的意见可不填。"),
    )
    problem = forms.ChoiceField(label=_("针对的问题"), required=False)
    body = forms.CharField(label=_("批注意见"), widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("例如“把具体问题写实”“补充时间和金额”。"))

    def __init__(self, *args: Any, problems: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "problem", [("", _("不针对具体问题")), *problems])

    def problem_id(self) -> int | None:
        return _int(self.cleaned_data.get("problem"))


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("说明须修改之处,巡察组会收到通知。"))


class SignForm(forms.Form):
    # The SM3 of the list the signer saw: a list changed in between is refused, not signed.
    content_hash = forms.CharField(min_length=64, max_length=64, widget=forms.HiddenInput)


class CompareForm(forms.Form):
    a = forms.ChoiceField(label=_("原稿"))
    b = forms.ChoiceField(label=_("对比稿"))

    def __init__(self, *args: Any, versions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "a", versions)
        set_choices(self, "b", versions)

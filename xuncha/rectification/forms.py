"""Page forms of rectification: the plan, its tasks and review, the ledger and its items, the
rectification report. They parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from xuncha.rectification.models import (
    MeasureKind,
    RectificationTask,
    ReviewDecision,
    TaskStatus,
    VerificationMethod,
    VerificationResult,
)
from xuncha.web.forms import VersionField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def set_choices(form: forms.Form, name: str, choices: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- the plan --------------------------------------------------------------------------------------

class PlanForm(forms.Form):
    first_responsible = forms.ChoiceField(
        label=_("第一责任人"),
        help_text=_("本单位党组织主要负责人,须为本单位的系统账号。"))
    group_leader = forms.CharField(label=_("整改工作领导小组组长"), max_length=60,
                                   help_text=_("姓名和职务,例如“张明(镇党委书记)”。"))
    group_members = forms.CharField(label=_("领导小组成员"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text=_("每行一人,写明姓名和职务。"))
    guiding_text = forms.CharField(label=_("总体要求"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 4}),
                                   help_text=_("整改工作的指导思想、目标和总体安排。"))
    period_end = forms.DateField(label=_("集中整改期止"), required=False, widget=DATE)

    def __init__(self, *args: Any, people: list[tuple[str, str]], period_help: str = "",
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "first_responsible", [("", _("请选择")), *people])
        if period_help:
            self.fields["period_end"].help_text = period_help

    def first_responsible_id(self) -> int | None:
        return _int(self.cleaned_data.get("first_responsible"))


class PlanEditForm(PlanForm):
    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period_end"].required = True


class TaskForm(forms.Form):
    measure = forms.CharField(
        label=_("整改措施"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("写明做什么、对什么、到什么程度、何时完成,例如“6月底前修订《公务接待管理办法》并组织"
                    "全体干部学习2次”。“高度重视、加强学习”之类的空话不能通过审核。"))
    kind = forms.ChoiceField(label=_("整改类型"), choices=MeasureKind.choices,
                             initial=MeasureKind.DEADLINE)
    deadline = forms.DateField(label=_("完成时限"), required=False, widget=DATE,
                               help_text=_("立行立改、限期整改须在集中整改期内;长期坚持写阶段性时限。"))
    responsible_leader = forms.CharField(label=_("责任领导"), max_length=60, required=False)
    responsible_person = forms.CharField(label=_("具体责任人"), max_length=60, required=False)
    responsible_department = forms.CharField(label=_("责任部门"), max_length=80, required=False)
    responsible_user = forms.ChoiceField(
        label=_("责任人账号"), required=False,
        help_text=RectificationTask._meta.get_field("responsible_user").help_text)
    expected_evidence = forms.CharField(
        label=_("应提交的佐证材料"), max_length=300, required=False,
        help_text=_("例如“印发的制度文件、学习签到表和照片”。"))

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "responsible_user", [("", _("不指定")), *people])
        self.fields["measure"].widget.attrs["data-measure"] = "1"

    def responsible_user_id(self) -> int | None:
        return _int(self.cleaned_data.get("responsible_user"))


class TaskEditForm(TaskForm):
    version = VersionField()


class OwnProblemForm(forms.Form):
    category = forms.ChoiceField(label=_("问题类别"), help_text=_("选择具体的二级类别。"))
    title = forms.CharField(label=_("问题概述"), max_length=200)
    facts = forms.CharField(label=_("具体事实"), widget=forms.Textarea(attrs={"rows": 5}),
                            help_text=_("写清时间、地点、人和事,不少于 10 个字。"))

    def __init__(self, *args: Any, categories: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "category", [("", _("请选择问题类别")), *categories])

    def category_id(self) -> int | None:
        return _int(self.cleaned_data.get("category"))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核意见"), choices=ReviewDecision.choices,
                                 widget=forms.RadioSelect)
    direction_unclear = forms.CharField(
        label=_("方向不明确"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("整改方向、目标或第一责任人不明确之处。"))
    missing_items = forms.CharField(
        label=_("任务有漏项"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("未认领的问题、缺少的时限和责任人。"))
    vague_measures = forms.CharField(
        label=_("措施不具体"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("写明哪一条任务的措施空泛、无法检验。"))
    comment = forms.CharField(label=_("其他意见"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class CompareForm(forms.Form):
    old = forms.TypedChoiceField(label=_("比较版本"), coerce=int)
    new = forms.TypedChoiceField(label=_("与版本"), coerce=int)

    def __init__(self, *args: Any, numbers: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(n, _("第%(n)s版") % {"n": n}) for n in numbers]
        set_choices(self, "old", choices)
        set_choices(self, "new", choices)


# --- the ledger ------------------------------------------------------------------------------------

STATUS_FILTER = [
    ("", _("全部状态")), ("open", _("未销号")), ("overdue", _("已逾期")), ("due_soon", _("7天内到期")),
    *TaskStatus.choices,
]


class LedgerFilterForm(forms.Form):
    under = forms.ChoiceField(label=_("单位"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=STATUS_FILTER)
    kind = forms.ChoiceField(label=_("整改类型"), required=False,
                             choices=[("", _("全部类型")), *MeasureKind.choices])
    category = forms.ChoiceField(label=_("问题类别"), required=False)
    round = forms.ChoiceField(label=_("轮次"), required=False)
    q = forms.CharField(label=_("搜索"), required=False, max_length=60)

    def __init__(self, *args: Any, units: list[tuple[str, str]], categories: list[Any],
                 rounds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "under", [("", _("全部单位")), *units])
        set_choices(self, "category", [("", _("全部类别")), *categories])
        set_choices(self, "round", [("", _("全部轮次")), *rounds])

    def value_of(self, name: str) -> Any:
        return self.cleaned_data.get(name) if self.is_valid() else None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files at once; each is checked by xuncha.attachments when stored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(d, initial) for d in data]
        return [one(data, initial)] if data else []


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("本次进展"), widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("写明做了什么、形成了什么成果。"))
    percent = forms.IntegerField(label=_("完成进度(%)"), min_value=0, max_value=100)
    evidence = MultipleFileField(
        label=_("佐证材料"), required=False,
        help_text=_("可一次选择多个文件:PDF、JPG、PNG、Word、Excel、PowerPoint,每个不超过 %(mb)s MB。"
                    "系统按文件内容识别类型,并提示重复使用的材料。")
        % {"mb": getattr(settings, "XUNCHA_UPLOAD_MAX_BYTES", 20 * 1024 * 1024) // 1048576})


class ClosureForm(forms.Form):
    note = forms.CharField(label=_("整改完成情况"), widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("申请销号须已上传佐证材料;由巡察办核验后销号。"))


class VerifyForm(forms.Form):
    method = forms.ChoiceField(label=_("核验方式"), choices=VerificationMethod.choices,
                               widget=forms.RadioSelect)
    result = forms.ChoiceField(label=_("核验结果"), choices=VerificationResult.choices,
                               widget=forms.RadioSelect)
    note = forms.CharField(label=_("核验情况"), widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("看了哪些材料、到了哪些现场、询问了哪些人。"))
    sampled = forms.BooleanField(label=_("属于随机抽查"), required=False)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("重新打开的理由"), widget=forms.Textarea(attrs={"rows": 3}))
    relapse = forms.BooleanField(label=_("问题复发(改后又犯)"), required=False)


class SampleForm(forms.Form):
    county = forms.ChoiceField(label=_("县(区)"))
    percent = forms.IntegerField(label=_("抽查比例(%)"), min_value=1, max_value=100,
                                 required=False,
                                 help_text=_("留空按本级规则(默认 10%)。从已销号事项中随机抽取。"))

    def __init__(self, *args: Any, counties: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "county", counties)


# --- the rectification report ------------------------------------------------------------------------

class ReportForm(forms.Form):
    unit_text = forms.CharField(
        label=_("整改情况说明"), widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("整改工作的组织、主要做法和成效、存在的不足和下一步打算。台账部分由系统汇总,不必重复填写。"))
    head_text = forms.CharField(
        label=_("主要负责人履行第一责任人职责情况"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("由主要负责人本人撰写(巡视工作条例第二十七条)。"))
    public_text = forms.CharField(
        label=_("公开版本"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("用于整改情况公开:只写问题和整改结果,不写人名、线索和涉密内容。"))


class SignoffForm(forms.Form):
    content_hash = forms.CharField(widget=forms.HiddenInput, min_length=64, max_length=64)
    opinion = forms.CharField(label=_("会签意见"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

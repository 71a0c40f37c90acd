"""The catalogue of audit action codes and their Chinese labels.

Codes are ``<area>.<verb>`` in English; the auditor's page shows the label. A part of the product
that records a new action adds its label here; an action without a label is shown by its code.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str | Promise] = {
    # Sign-in
    "auth.login": _("登录"),
    "auth.logout": _("退出登录"),
    "auth.login_failed": _("登录失败"),
    "auth.locked_out": _("账号锁定"),
    "auth.session_expired": _("会话超时"),
    "auth.otp_verify": _("动态口令验证"),
    "auth.otp_failed": _("动态口令错误"),
    "otp.device_add": _("绑定动态口令"),
    "otp.device_remove": _("解绑动态口令"),
    # Access control
    "access.denied": _("拒绝访问"),
    # Organisation tree and terms
    "unit.create": _("新建单位"),
    "unit.update": _("修改单位"),
    "unit.import": _("导入单位"),
    "unit.export": _("导出单位"),
    "term.create": _("新建届次"),
    "term.update": _("修改届次"),
    # Accounts, roles, tokens
    "user.create": _("新建用户"),
    "user.update": _("修改用户"),
    "user.reset_password": _("重置密码"),
    "user.change_password": _("修改密码"),
    "role.assign": _("授予角色"),
    "role.revoke": _("撤销角色"),
    "role.set_permissions": _("设置角色权限"),
    "token.create": _("创建接口令牌"),
    "token.revoke": _("撤销接口令牌"),
    # Planning: full-coverage plan, rounds, teams, conflicts of interest, checklists
    "coverage.build": _("生成全覆盖规划"),
    "coverage.adjust": _("调整全覆盖规划"),
    "round.create": _("新建巡察轮次"),
    "round.update": _("修改巡察轮次"),
    "round.checklist": _("设置本轮检查清单"),
    "checklist.save": _("保存检查清单"),
    "team.create": _("组建巡察组"),
    "team.add_member": _("添加巡察组成员"),
    "team.remove_member": _("移除巡察组成员"),
    "conflict.declare": _("申报回避"),
    "conflict.withdraw": _("撤回回避申报"),
    "conflict.override": _("批准回避例外"),
    # The inspection and what it finds
    "inspection.assign": _("确定巡察对象"),
    "inspection.enter": _("进驻"),
    "inspection.start_report": _("开始撰写报告"),
    "inspection.approve_report": _("审定巡察报告"),
    "inspection.start_rectification": _("进入整改"),
    "intake.create": _("登记受理事项"),
    "intake.mark": _("标记受理事项"),
    "problem.create": _("登记问题"),
    "problem.update": _("修改问题"),
    "problem.withdraw": _("撤销问题"),
    "problem.import": _("导入问题"),
    "problem.export": _("导出问题"),
    "problem.convert_to_lead": _("问题转为线索"),
    "lead.register": _("登记线索"),
    "lead.list": _("查看线索列表"),
    "lead.read": _("查阅线索"),
    # Reports, feedback, recommendations
    "report.save": _("保存巡察报告"),
    "report.submit": _("提交巡察报告"),
    "report.return": _("退回巡察报告"),
    "report.approve": _("审定巡察报告"),
    "report.annotate": _("批注报告"),
    "report.annotation_reply": _("回复批注"),
    "report.annotation_resolve": _("批注已处理"),
    "feedback.generate": _("生成反馈意见"),
    "feedback.changed": _("修改反馈意见"),
    "feedback.sign": _("签收反馈意见"),
    "recommendation.create": _("新建巡察建议"),
    "recommendation.send": _("发送巡察建议"),
    # Attachments (every read of a file is logged)
    "attachment.add": _("上传附件"),
    "attachment.read": _("查阅附件"),
    # Demo data
    "demo.load": _("加载演示数据"),
    # The audit trail itself (the auditor's own operations)
    "audit.verify": _("核验审计链"),
    "audit.export": _("导出审计日志"),
}

# Prefixes offered as filters ("auth." matches every sign-in event).
ACTION_GROUPS: dict[str, str | Promise] = {
    "auth.": _("登录与退出"),
    "otp.": _("动态口令"),
    "access.": _("访问控制"),
    "unit.": _("组织机构"),
    "term.": _("届次"),
    "user.": _("用户"),
    "role.": _("角色与授权"),
    "token.": _("接口令牌"),
    "coverage.": _("全覆盖规划"),
    "round.": _("巡察轮次"),
    "team.": _("巡察组"),
    "conflict.": _("回避"),
    "inspection.": _("巡察"),
    "problem.": _("问题"),
    "lead.": _("问题线索"),
    "report.": _("巡察报告"),
    "feedback.": _("反馈意见"),
    "recommendation.": _("巡察建议"),
    "attachment.": _("附件"),
    "audit.": _("审计日志"),
}


def action_label(code: str) -> str:
    """The Chinese label of an action code; the code itself when it is not in the catalogue."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code

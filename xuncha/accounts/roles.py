"""The built-in roles of domain.md, kept in step with the code by ``sync_builtin_roles``.

Later parts of the product add their permissions to these lists; the post-migrate hook brings the
database up to date. A committee can add its own roles; the built-in ones keep their codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from xuncha.accounts.models import AdminKind, DataScope


@dataclass(frozen=True)
class RoleDef:
    code: str
    name: str
    data_scope: str
    permissions: tuple[str, ...]
    admin_kind: str = AdminKind.NONE
    description: str = ""


READ_TREE = ("organisations.view_unit", "organisations.view_term")
# Reading the inspection work of a county: rounds, teams, targets, coverage, checklists.
READ_INSPECTIONS = (
    "inspections.view_round", "inspections.view_inspection", "inspections.view_coverageplan",
    "inspections.view_checklisttemplate", "inspections.view_intakeitem",
    "findings.view_problem", "findings.view_recommendation",
    "reports.view_reportversion", "reports.view_feedbacklist",
)
RUN_INSPECTIONS = (
    "inspections.manage_round", "inspections.manage_coverage", "inspections.manage_intake",
    "inspections.view_conflictdeclaration", "findings.manage_problem",
    "reports.review_report",
)
# Team roles see their own round through membership (scope "own records"), and write findings there.
TEAM = (
    "inspections.view_round", "inspections.view_inspection", "inspections.view_intakeitem",
    "findings.view_problem", "findings.view_recommendation", "findings.manage_problem",
    "reports.view_reportversion", "reports.view_feedbacklist",
)
UNIT_SIDE = ("inspections.view_inspection", "findings.view_problem", "reports.view_feedbacklist")
# Reading rectification: plans, the ledger, the report, outcomes, monthly returns.
READ_RECTIFICATION = (
    "rectification.view_rectificationplan", "rectification.view_rectificationtask",
    "rectification.view_rectificationreport", "outcomes.view_institution",
    "outcomes.view_fundsrecovery", "outcomes.view_accountabilityrecord",
    "reporting.view_monthlyreturn", "reporting.view_cityassignment",
)
UNIT_RECTIFICATION = (
    "rectification.view_rectificationplan", "rectification.view_rectificationtask",
    "rectification.view_rectificationreport", "rectification.edit_plan",
    "outcomes.view_institution", "outcomes.view_fundsrecovery",
    "outcomes.view_accountabilityrecord", "outcomes.manage_outcome",
    "reporting.view_monthlyreturn", "reporting.submit_return",
)
SUPERVISE_RECTIFICATION = (*READ_RECTIFICATION, "rectification.review_plan",
                           "outcomes.manage_outcome")
READ_EVALUATION = ("evaluation.view_evaluation", "evaluation.view_rubrictemplate",
                   "evaluation.view_inquirymeeting", "surveys.view_survey",
                   "surveys.view_questionnaire")
RUN_EVALUATION = (*READ_EVALUATION, "evaluation.manage_evaluation", "surveys.manage_survey")

BUILTIN_ROLES: tuple[RoleDef, ...] = (
    RoleDef("office_director", str(_("巡察办主任")), DataScope.SUBTREE,
            (*READ_TREE, "organisations.manage_term", "accounts.view_user", *READ_INSPECTIONS,
             *RUN_INSPECTIONS, "inspections.override_conflict", "findings.manage_category",
             "leads.view_lead", "leads.manage_lead", "leads.view_lead_counts",
             "leads.transfer_lead", "leads.track_lead",
             "reports.sign_feedback", "reports.approve_report", *SUPERVISE_RECTIFICATION,
             "rectification.verify_closure", "reporting.submit_return", *RUN_EVALUATION),
            description=str(_("县(区)委巡察办负责人:审定方案、验收销号、签收反馈、查阅线索。"))),
    RoleDef("office_staff", str(_("巡察办工作人员")), DataScope.SUBTREE,
            (*READ_TREE, "organisations.manage_term", "accounts.view_user", *READ_INSPECTIONS,
             *RUN_INSPECTIONS, "leads.view_lead_counts", "leads.track_lead",
             *SUPERVISE_RECTIFICATION,
             "rectification.verify_closure", "reporting.submit_return", *RUN_EVALUATION),
            description=str(_("县(区)委巡察办干部:计划轮次、登记问题、审核方案、核验整改。"))),
    RoleDef("team_leader", str(_("巡察组组长")), DataScope.SELF,
            (*READ_TREE, *TEAM, "leads.manage_lead", "reports.sign_feedback"),
            description=str(_("本轮授权的巡察组组长(一次一授权),看到本组的巡察和本组线索。"))),
    RoleDef("team_member", str(_("巡察组组员")), DataScope.SELF, (*READ_TREE, *TEAM),
            description=str(_("巡察组副组长、组员,看到本组的巡察。"))),
    RoleDef("unit_head", str(_("被巡察单位主要负责人")), DataScope.SUBTREE,
            (*READ_TREE, "accounts.view_user", *UNIT_SIDE, "reports.sign_feedback",
             *UNIT_RECTIFICATION),
            description=str(_("整改第一责任人:签收反馈、审定本单位整改方案。"))),
    RoleDef("unit_contact", str(_("整改联络员")), DataScope.UNIT,
            (*READ_TREE, "accounts.view_user", *UNIT_SIDE, *UNIT_RECTIFICATION),
            description=str(_("被巡察单位的整改联络员:认领问题、报送进度与佐证。"))),
    RoleDef("discipline_handler", str(_("纪委监委办理人员")), DataScope.SUBTREE,
            (*READ_TREE, "accounts.view_user", *READ_INSPECTIONS, "leads.view_lead",
             "leads.handle_lead", "leads.view_lead_counts", *SUPERVISE_RECTIFICATION,
             *READ_EVALUATION),
            description=str(_("接收并办理问题线索,监督整改,会签方案和报告。"))),
    RoleDef("organisation_dept", str(_("组织部")), DataScope.SUBTREE,
            (*READ_TREE, "accounts.view_user", *READ_INSPECTIONS, *SUPERVISE_RECTIFICATION,
             "leads.handle_lead", *READ_EVALUATION),
            description=str(_("干部监督与问责,年度考核运用,会签方案和报告。"))),
    RoleDef("leadership", str(_("领导(只读)")), DataScope.SUBTREE,
            (*READ_TREE, *READ_INSPECTIONS, "reports.review_report", "leads.view_lead_counts",
             *READ_RECTIFICATION, *READ_EVALUATION),
            description=str(_("巡察工作领导小组、书记专题会成员:阅看、批注、交办。"))),
    RoleDef("city_office", str(_("市委巡察办")), DataScope.SUBTREE,
            (*READ_TREE, "organisations.manage_term", "accounts.view_user", *READ_INSPECTIONS,
             "reports.review_report", "leads.view_lead_counts", *READ_RECTIFICATION,
             "reporting.view_city_returns", "reporting.add_cityassignment", *READ_EVALUATION),
            description=str(_("市委巡察办:统合巡察、审阅县区报告、接收月报。"))),
    RoleDef("supervision_office", str(_("督查室")), DataScope.SUBTREE,
            (*READ_TREE, *UNIT_SIDE, *READ_RECTIFICATION),
            description=str(_("巡察+督查双线跟办重点问题。"))),
    # 三员分立 — fixed powers, one per account, never combined with a business role.
    RoleDef("system_admin", str(_("系统管理员")), DataScope.ALL,
            ("organisations.view_unit", "organisations.manage_unit", "organisations.import_unit",
             "organisations.view_term", "organisations.manage_term",
             "accounts.view_user", "accounts.manage_user"),
            admin_kind=AdminKind.SYSTEM,
            description=str(_("管理组织机构和用户账号;不能查看审计日志和问题线索,不能授权。"))),
    RoleDef("security_admin", str(_("安全管理员")), DataScope.ALL,
            ("organisations.view_unit", "accounts.view_user", "accounts.view_role",
             "accounts.manage_role"),
            admin_kind=AdminKind.SECURITY,
            description=str(_("管理角色、授权和安全策略;不能管理账号,不能查看审计日志。"))),
    RoleDef("auditor", str(_("安全审计员")), DataScope.ALL, ("audit.view_auditevent",),
            admin_kind=AdminKind.AUDIT,
            description=str(_("只读审计日志,核验日志链完整性。"))),
)


def sync_builtin_roles() -> None:
    """Creates the built-in roles and brings their permissions up to date (idempotent).

    A three-way merge: permissions the code added since the last sync are granted, those the code
    dropped are withdrawn, and changes a security administrator made by hand are kept. The three
    administrator roles are always exactly what the code says (三员分立 depends on it).
    """
    from django.contrib.auth.models import Permission

    from xuncha.accounts.models import Role

    by_code = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    for d in BUILTIN_ROLES:
        missing = [c for c in d.permissions if c not in by_code]
        if missing:
            raise LookupError(f"role {d.code}: unknown permissions {missing}")
        role, created = Role.objects.get_or_create(
            code=d.code,
            defaults={"name": d.name, "data_scope": d.data_scope, "admin_kind": d.admin_kind,
                      "description": d.description, "is_builtin": True},
        )
        desired = set(d.permissions)
        if created or d.admin_kind:
            target = desired
        else:
            current = {f"{p.content_type.app_label}.{p.codename}"
                       for p in role.permissions.select_related("content_type")}
            last = set(role.synced_permissions or [])
            target = (current | (desired - last)) - (last - desired)
        role.permissions.set([by_code[c] for c in sorted(target)])
        role.synced_permissions = sorted(desired)
        role.admin_kind = d.admin_kind
        role.is_builtin = True
        role.save(update_fields=["synced_permissions", "admin_kind", "is_builtin", "updated_at"])

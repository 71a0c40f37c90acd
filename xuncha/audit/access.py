from xuncha.accounts import scope
from xuncha.audit.models import AuditEvent


def register() -> None:
    # Only the auditor role holds audit.view_auditevent (三员分立).
    scope.register(AuditEvent, unit_field="unit", view_perm="audit.view_auditevent")

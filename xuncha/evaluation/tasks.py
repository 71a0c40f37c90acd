from __future__ import annotations

from django.tasks import task


@task()
def visit_notices() -> int:
    """Tells each unit visited tomorrow (告知 the day before)."""
    from xuncha.evaluation.services import notify_due_visits

    return notify_due_visits()

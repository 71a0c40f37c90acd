"""Background work of the dashboards, run by the worker (django.tasks, django-tasks-db)."""

from __future__ import annotations

from django.tasks import task


@task()
def refresh_summary() -> dict[str, object]:
    """Recounts the summary behind the province's and cities' dashboards (dashboards.summary)."""
    from xuncha.dashboards.summary import refresh

    run = refresh()
    return {"computed_at": run.computed_at.isoformat(), "cells": run.cells, "seconds": run.seconds}

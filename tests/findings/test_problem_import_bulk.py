"""The import creates its problems in bulk: the same problems and audit events as one problem_create
per row, numbering in file order, all or nothing, a constant number of queries."""

from __future__ import annotations

import io

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from tests.inspections.helpers import add_problems, category, on_site_inspection
from xuncha.audit.models import AuditEvent
from xuncha.audit.verify import verify_chain
from xuncha.core.errors import ValidationFailed
from xuncha.findings.importing import SEVERITY_BY_LABEL, headers, import_problems
from xuncha.findings.models import Problem, ProblemCategory
from xuncha.findings.services import problem_create

SEVERITIES = ("一般", "较重", "严重")

# Every column problem_create sets, denormalised copies and defaults included (not ids or times).
PROBLEM_FIELDS = [f.attname for f in Problem._meta.concrete_fields
                  if f.attname not in ("id", "created_at", "updated_at")]


def book(rows) -> bytes:  # type: ignore[no-untyped-def]
    wb = Workbook()
    ws = wb.active
    ws.title = "问题清单"
    ws.append(headers())
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rows_of(n: int, numbers: dict[int, int] | None = None) -> list[tuple[object, ...]]:
    cats = list(ProblemCategory.objects.filter(parent__isnull=False).select_related("parent")
                .order_by("code"))
    numbers = numbers or {}
    return [(numbers.get(i), cats[i % len(cats)].label, f"问题概述第{i}条",
             f"  2023年第{i}项经费未按规定履行集体决策程序。  ", SEVERITIES[i % 3], None,
             "是" if i % 2 else "否", "是" if i % 5 == 0 else "否")
            for i in range(n)]


def create_one_by_one(world, insp, rows) -> None:  # type: ignore[no-untyped-def]
    cats = {c.label: c for c in ProblemCategory.objects.select_related("parent")
            if c.parent_id is not None}
    for number, label, title, facts, severity, _item, common, people in rows:
        problem_create(actor=world.east_member, inspection=insp, category=cats[label], title=title,
                       facts=facts.strip(), severity=SEVERITY_BY_LABEL[severity],
                       is_common=common == "是", names_people=people == "是", number=number)


def snapshot(insp):  # type: ignore[no-untyped-def]
    problems = list(Problem.objects.filter(inspection=insp).order_by("number").values(*PROBLEM_FIELDS))
    by_pk = dict(Problem.objects.filter(inspection=insp).values_list("pk", "number"))
    events = [(e.action, e.object_type, by_pk[int(e.object_id)], e.object_repr, e.changes,
               e.actor_id, e.unit_id, e.outcome)
              for e in AuditEvent.objects.filter(action="problem.create",
                                                 object_type="findings.problem",
                                                 object_id__in=[str(pk) for pk in by_pk])
              .order_by("seq")]
    return problems, events


@pytest.fixture
def insp(world):
    return on_site_inspection(world)


def test_an_import_gives_the_same_problems_and_events_as_problem_create_per_row(world, insp):
    add_problems(world, insp)  # numbering continues after these
    rows = rows_of(300)
    with transaction.atomic():
        create_one_by_one(world, insp, rows)
        expected = snapshot(insp)
        transaction.set_rollback(True)
    result = import_problems(actor=world.east_member, inspection=insp, data=book(rows))
    assert (result.created, result.updated, result.unchanged) == (300, 0, 0)
    problems, events = snapshot(insp)
    assert problems == expected[0]
    assert events == expected[1]
    assert [p["number"] for p in problems] == list(range(1, 303))
    assert {p["county_id"] for p in problems} == {world.units["east"].pk}
    assert {p["unit_id"] for p in problems} == {insp.unit_id}
    imported = AuditEvent.objects.get(action="problem.import")
    assert imported.changes == {"file": "", "created": 300, "updated": 0, "unchanged": 0}
    assert imported.seq == AuditEvent.objects.order_by("-seq").first().seq  # recorded last
    result = verify_chain()
    assert result.ok, result.message()


def test_explicit_numbers_are_kept_and_blank_ones_follow_every_number_before_them(world, insp):
    add_problems(world, insp)  # 1, 2
    rows = rows_of(4, numbers={1: 10, 3: 7})
    import_problems(actor=world.east_member, inspection=insp, data=book(rows))
    numbers = dict(Problem.objects.filter(inspection=insp, number__gt=2)
                   .values_list("title", "number"))
    # As one problem_create per row: 3, then 10 as given, 11 after it, 7 as given.
    assert numbers == {"问题概述第0条": 3, "问题概述第1条": 10, "问题概述第2条": 11,
                       "问题概述第3条": 7}
    assert verify_chain().ok


def test_a_number_taken_by_an_earlier_row_aborts_the_whole_import_with_the_same_message(world, insp):
    add_problems(world, insp)  # 1, 2
    rows = rows_of(300, numbers={299: 5})  # row 4 of the file gets 5 before the last row asks for it
    events_before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        import_problems(actor=world.east_member, inspection=insp, data=book(rows))
    assert exc.value.message == "导入失败:问题编号 5 已存在。 未导入任何数据。"
    assert exc.value.code == "import_failed"
    assert exc.value.details == [{"field": "number", "message": ""}]
    assert Problem.objects.filter(inspection=insp).count() == 2
    assert AuditEvent.objects.count() == events_before
    assert verify_chain().ok


def test_one_invalid_row_among_many_imports_nothing(world, insp):
    rows = rows_of(300)
    rows[150] = (None, "0203", "概述", "太短", "一般", None, "否", "否")
    with pytest.raises(ValidationFailed) as exc:
        import_problems(actor=world.east_member, inspection=insp, data=book(rows))
    assert exc.value.message == "导入失败:共发现 1 处错误,未导入任何数据。"
    assert exc.value.details == [{"sheet": "问题清单", "row": 152, "column": "具体事实",
                                  "message": "过于简略(至少 10 个字):写清时间、地点、人和事。"}]
    assert not Problem.objects.filter(inspection=insp).exists()


def test_a_rule_of_the_service_failing_on_a_late_row_imports_nothing(world, insp, monkeypatch):
    from xuncha.findings import services

    checked = []
    real = services._check_problem

    def check(inspection, values):  # type: ignore[no-untyped-def]
        checked.append(values["title"])
        if len(checked) == 250:
            values = {**values, "category": None}
        real(inspection, values)

    monkeypatch.setattr(services, "_check_problem", check)
    with pytest.raises(ValidationFailed) as exc:
        import_problems(actor=world.east_member, inspection=insp, data=book(rows_of(300)))
    assert exc.value.message == "导入失败:请选择有效的问题类别。 未导入任何数据。"
    assert not Problem.objects.filter(inspection=insp).exists()
    assert not AuditEvent.objects.filter(action__startswith="problem.").exists()


def test_updates_and_new_rows_in_one_file(world, insp):
    p1, p2 = add_problems(world, insp)
    rows = [(1, category().label, "改过的概述", p1.facts, "严重", None, "否", "否"),
            (2, category().label, p2.title, p2.facts, "一般", None, "否", "否"),
            *rows_of(3)]
    result = import_problems(actor=world.east_member, inspection=insp, data=book(rows))
    assert (result.created, result.updated, result.unchanged) == (3, 1, 1)
    p1.refresh_from_db()
    assert (p1.title, p1.severity, p1.version) == ("改过的概述", "grave", 2)
    assert AuditEvent.objects.filter(action="problem.update", object_id=str(p1.pk)).count() == 1
    assert list(Problem.objects.filter(inspection=insp).values_list("number", flat=True)) == [
        1, 2, 3, 4, 5]
    assert verify_chain().ok


def test_the_number_of_queries_does_not_grow_with_the_rows(world, insp):
    def queries(n: int) -> int:
        data = book(rows_of(n))
        with CaptureQueriesContext(connection) as ctx, transaction.atomic():
            import_problems(actor=world.east_member, inspection=insp, data=data)
            transaction.set_rollback(True)
        return len(ctx.captured_queries)

    queries(3)  # the actor's roles, read once and kept
    assert queries(300) == queries(30) < 40


def test_a_feedback_list_is_refreshed_once_and_its_signatures_voided(world):
    from xuncha.reports import services as reports
    from xuncha.reports.models import FeedbackList

    insp = on_site_inspection(world)
    problems = add_problems(world, insp)
    leader = world.east_leader
    v = reports.report_save_draft(actor=leader, inspection=insp, title="巡察情况报告",
                                  body="# 一、基本情况\n\n巡察组按计划进驻。\n\n# 二、问题\n\n- 见问题清单",
                                  cited_problems=problems)
    reports.report_submit(actor=leader, version=v)
    fb = reports.report_approve(actor=world.east_director, version=v)
    reports.feedback_sign(actor=leader, feedback=fb, expected_hash=fb.content_hash)
    insp.refresh_from_db()
    changed_before = AuditEvent.objects.filter(action="feedback.changed").count()
    import_problems(actor=world.east_member, inspection=insp, data=book(rows_of(20)))
    fb = FeedbackList.objects.get(pk=fb.pk)
    assert [i["number"] for i in fb.items] == list(range(1, 23))
    assert not fb.signatures.filter(voided_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="feedback.changed").count() == changed_before + 1
    assert verify_chain().ok

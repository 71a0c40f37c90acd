from __future__ import annotations

from datetime import date

import pytest

from tests.inspections.helpers import on_site_inspection
from xuncha.core.errors import PermissionDenied, ValidationFailed
from xuncha.inspections import services
from xuncha.inspections.models import IntakeSource, IntakeStatus, RoundKind
from xuncha.inspections.selectors import coverage_summary
from xuncha.organisations.models import Unit, UnitKind
from xuncha.organisations.services import unit_create


def test_coverage_counts_covered_planned_and_not_yet_by_kind(world):
    for i in range(4):
        unit_create(actor=world.sysadmin, parent=world.units["east_town"], name=f"村{i}",
                    code=f"EAST-V{i}", kind=UnitKind.VILLAGE)
    plan = services.coverage_plan_build(actor=world.east_office, term=world.terms["east"],
                                        planned_rounds=2)
    insp = on_site_inspection(world, "east_town")  # round 1, entered: covered
    team = insp.team
    services.inspection_assign(actor=world.east_office, team=team,
                               unit=world.units["east_bureau"])  # planned
    s = coverage_summary(user=world.east_office, term=world.terms["east"])
    rows = {r.label: r for r in s.rows}
    assert (rows["乡镇(街道)"].total, rows["乡镇(街道)"].covered) == (1, 1)
    assert (rows["部门单位"].total, rows["部门单位"].planned) == (1, 1)
    assert (rows["村(社区)"].total, rows["村(社区)"].not_yet) == (5, 5)
    # independent count
    villages = Unit.objects.filter(path__startswith=world.units["east"].path,
                                   kind=UnitKind.VILLAGE).count()
    assert rows["村(社区)"].total == villages
    # 2 targets in 1 round, 1 round left → capacity 2 < 5 left
    assert s.per_round == 2.0 and s.remaining_rounds == 1
    assert "无法在本届内完成全覆盖" in s.warning
    assert s.rounds_by_unit[world.units["east_town"].id] == ["第1轮"]
    assert plan.entries.count() == s.total.total


def test_intake_is_recorded_and_followed_up_by_the_team(world):
    insp = on_site_inspection(world)
    item = services.intake_item_create(actor=world.east_office, rnd=insp.round,
                                       source_kind=IntakeSource.BUSINESS_ASSOCIATION,
                                       source_name="区工商联",
                                       content="反映青石镇审批窗口办事推诿、多次跑腿。",
                                       target_units=[world.units["east_town"]])
    services.intake_item_mark(actor=world.east_member, item=item, status=IntakeStatus.FOUND,
                              note="经核查属实,已列为问题", expected_version=1)
    item.refresh_from_db()
    assert item.status == IntakeStatus.FOUND
    with pytest.raises(PermissionDenied):
        services.intake_item_mark(actor=world.west_member, item=item,
                                  status=IntakeStatus.FOLLOWED, note="x", expected_version=2)
    with pytest.raises(ValidationFailed):
        services.intake_item_create(actor=world.east_office, rnd=insp.round, source_kind="bogus",
                                    source_name="", content="")


def test_default_checklist_is_copied_into_each_new_round(world):
    services.checklist_template_save(actor=world.east_office, committee=world.units["east"],
                                     name="十二看", items=services.TWELVE_LOOKS, is_default=True)
    rnd = services.round_create(actor=world.east_office, term=world.terms["east"],
                                kind=RoundKind.REGULAR, entry_date=date(2024, 3, 1),
                                exit_date=date(2024, 4, 1))
    assert rnd.checklist.count() == 12
    assert rnd.checklist.first().title.startswith("看贯彻落实")
    services.round_checklist_set(actor=world.east_office, rnd=rnd,
                                 items=[("看班子", ""), ("看作风", "")])
    assert list(rnd.checklist.values_list("title", flat=True)) == ["看班子", "看作风"]

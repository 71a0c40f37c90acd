"""Coverage, rounds, teams, conflicts and the inspection's transitions."""

from __future__ import annotations

from datetime import date

import pytest

from xuncha.audit.models import AuditEvent
from xuncha.core.errors import Conflict, PermissionDenied, ValidationFailed
from xuncha.inspections import services
from xuncha.inspections.models import ConflictDeclaration, ConflictKind, InspectionStatus, RoundKind


@pytest.fixture
def rnd(world):
    return services.round_create(actor=world.east_office, term=world.terms["east"],
                                 kind=RoundKind.REGULAR, entry_date=date(2024, 3, 1),
                                 exit_date=date(2024, 4, 30))


def test_round_numbers_count_up_within_the_term(world, rnd):
    second = services.round_create(actor=world.east_office, term=world.terms["east"],
                                   kind=RoundKind.THEMATIC, theme="优化营商环境",
                                   entry_date=date(2024, 6, 1), exit_date=date(2024, 7, 1))
    assert (rnd.number, second.number) == (1, 2)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"kind": RoundKind.THEMATIC}, "theme"),
    ({"kind": RoundKind.COORDINATED}, "coordinated_form"),
    ({"kind": RoundKind.REGULAR, "exit_date": date(2024, 2, 1)}, "exit_date"),
    ({"kind": RoundKind.REGULAR, "entry_date": date(2030, 1, 1), "exit_date": date(2030, 2, 1)},
     "entry_date"),
])
def test_round_rules_name_the_field(world, kwargs, field):
    args = {"entry_date": date(2024, 3, 1), "exit_date": date(2024, 4, 1), **kwargs}
    with pytest.raises(ValidationFailed) as exc:
        services.round_create(actor=world.east_office, term=world.terms["east"], **args)
    assert field in {d["field"] for d in exc.value.details}


def test_other_county_cannot_plan_rounds_here(world):
    with pytest.raises(PermissionDenied):
        services.round_create(actor=world.west_office, term=world.terms["east"],
                              kind=RoundKind.REGULAR, entry_date=date(2024, 3, 1),
                              exit_date=date(2024, 4, 1))


def test_team_names_follow_chinese_numbering(world, rnd):
    names = [services.team_create(actor=world.east_office, rnd=rnd).name for _ in range(3)]
    assert names == ["第一巡察组", "第二巡察组", "第三巡察组"]
    assert services.chinese_number(12) == "十二" and services.chinese_number(20) == "二十"


def test_conflicted_inspector_is_refused_with_the_reason(world, rnd):
    team = services.team_create(actor=world.east_office, rnd=rnd)
    services.team_add_member(actor=world.east_office, team=team, user=world.east_member,
                             position="member")
    ConflictDeclaration.objects.create(user=world.east_member, unit=world.units["east_village"],
                                       kind=ConflictKind.RELATIVE, relative_name="王芳",
                                       relation="配偶")
    with pytest.raises(ValidationFailed) as exc:
        services.inspection_assign(actor=world.east_office, team=team,
                                   unit=world.units["east_town"])
    assert "配偶王芳" in exc.value.message and "回避" in exc.value.message


def test_only_the_director_may_override_a_conflict_and_it_is_audited(world, rnd):
    team = services.team_create(actor=world.east_office, rnd=rnd)
    services.team_add_member(actor=world.east_office, team=team, user=world.east_member,
                             position="member")
    ConflictDeclaration.objects.create(user=world.east_member, unit=world.units["east_town"],
                                       kind=ConflictKind.WORKED_IN, period="2015-2018")
    with pytest.raises(PermissionDenied):
        services.inspection_assign(actor=world.east_office, team=team,
                                   unit=world.units["east_town"], override_reason="人手不足")
    insp = services.inspection_assign(actor=world.east_director, team=team,
                                      unit=world.units["east_town"],
                                      override_reason="任职已满五年且无利害关系,经主任批准")
    assert insp.status == InspectionStatus.PREPARING
    event = AuditEvent.objects.get(action="conflict.override")
    assert "经主任批准" in event.changes["reason"]


def test_adding_a_conflicted_member_to_a_team_with_targets_is_refused(world, rnd):
    team = services.team_create(actor=world.east_office, rnd=rnd)
    services.inspection_assign(actor=world.east_office, team=team, unit=world.units["east_bureau"])
    # east_bureau_contact works in the bureau itself
    with pytest.raises(ValidationFailed, match="现工作单位"):
        services.team_add_member(actor=world.east_office, team=team,
                                 user=world.east_bureau_contact, position="member")
    assert not team.members.exists()


def test_an_inspector_sits_on_one_team_per_round(world, rnd):
    a = services.team_create(actor=world.east_office, rnd=rnd)
    b = services.team_create(actor=world.east_office, rnd=rnd)
    services.team_add_member(actor=world.east_office, team=a, user=world.east_leader,
                             position="leader")
    with pytest.raises(ValidationFailed, match="其他巡察组"):
        services.team_add_member(actor=world.east_office, team=b, user=world.east_leader,
                                 position="leader")


def test_revisit_links_the_earlier_inspection_and_needs_one(world, rnd):
    team = services.team_create(actor=world.east_office, rnd=rnd)
    first = services.inspection_assign(actor=world.east_office, team=team,
                                       unit=world.units["east_town"])
    services.team_add_member(actor=world.east_office, team=team, user=world.east_leader,
                             position="leader")
    first = services.inspection_enter(actor=world.east_office, inspection=first)
    revisit = services.round_create(actor=world.east_office, term=world.terms["east"],
                                    kind=RoundKind.REVISIT, entry_date=date(2025, 5, 1),
                                    exit_date=date(2025, 5, 30))
    rteam = services.team_create(actor=world.east_office, rnd=revisit)
    again = services.inspection_assign(actor=world.east_office, team=rteam,
                                       unit=world.units["east_town"])
    assert again.previous == first
    with pytest.raises(ValidationFailed, match="尚未被巡察"):
        services.inspection_assign(actor=world.east_office, team=rteam,
                                   unit=world.units["east_bureau"])


def test_entering_needs_a_leader_and_follows_the_declared_order(world, rnd):
    team = services.team_create(actor=world.east_office, rnd=rnd)
    insp = services.inspection_assign(actor=world.east_office, team=team,
                                      unit=world.units["east_town"])
    with pytest.raises(Conflict, match="组长"):
        services.inspection_enter(actor=world.east_office, inspection=insp)
    services.team_add_member(actor=world.east_office, team=team, user=world.east_leader,
                             position="leader")
    insp = services.inspection_enter(actor=world.east_office, inspection=insp)
    assert insp.status == InspectionStatus.ON_SITE and insp.entered_at
    with pytest.raises(Conflict):
        services.inspection_enter(actor=world.east_office, inspection=insp)
    with pytest.raises(Conflict):
        services.inspection_start_rectification(actor=world.east_office, inspection=insp)


def test_status_cannot_be_assigned_directly(world, rnd):
    team = services.team_create(actor=world.east_office, rnd=rnd)
    insp = services.inspection_assign(actor=world.east_office, team=team,
                                      unit=world.units["east_town"])
    with pytest.raises(AttributeError):
        insp.status = InspectionStatus.ARCHIVED


def test_coverage_plan_takes_the_units_under_the_committee(world):
    plan = services.coverage_plan_build(actor=world.east_office, term=world.terms["east"])
    units = {e.unit.code for e in plan.entries.select_related("unit")}
    assert units == {"EAST-SCJ", "EAST-QS", "EAST-QS-LS"}
    entry = services.coverage_entry_set(actor=world.east_office, plan=plan,
                                        unit=world.units["east_village"], included=False,
                                        reason="已撤并")
    assert entry.included is False
    with pytest.raises(ValidationFailed, match="理由"):
        services.coverage_entry_set(actor=world.east_office, plan=plan,
                                    unit=world.units["east_village"], included=True, reason=" ")

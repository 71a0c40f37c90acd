"""An inspection at each stage, built through the services, for the page tests."""

from __future__ import annotations

from datetime import date

import pytest

from tests.inspections.helpers import add_problems, on_site_inspection
from xuncha.inspections import services
from xuncha.inspections.models import RoundKind
from xuncha.reports import services as reports

BODY = ("# 一、基本情况\n\n第一巡察组于2024年3月进驻青石镇党委。\n\n# 二、发现的问题\n\n"
        "- 党支部组织生活不规范\n- 发展党员程序不严格")
OUTSIDERS = ("west_office", "west_contact", "auditor", "sysadmin")


@pytest.fixture
def insp(world):
    """东湖区青石镇, on site, team: east_leader (组长) and east_member."""
    return on_site_inspection(world)


@pytest.fixture
def problems(world, insp):
    return add_problems(world, insp)


@pytest.fixture
def preparing(world):
    """A round with a team and one target, not yet entered."""
    office = world.east_office
    rnd = services.round_create(actor=office, term=world.terms["east"], kind=RoundKind.REGULAR,
                                entry_date=date(2024, 3, 1), exit_date=date(2024, 4, 30))
    team = services.team_create(actor=office, rnd=rnd)
    services.team_add_member(actor=office, team=team, user=world.east_leader, position="leader")
    return services.inspection_assign(actor=office, team=team, unit=world.units["east_town"])


@pytest.fixture
def submitted(world, insp, problems):
    v = reports.report_save_draft(actor=world.east_leader, inspection=insp,
                                  title="关于巡察青石镇党委的情况报告", body=BODY,
                                  cited_problems=problems)
    return reports.report_submit(actor=world.east_leader, version=v)


@pytest.fixture
def fed_back(world, submitted):
    return reports.report_approve(actor=world.east_director, version=submitted)


def html(response) -> str:
    return response.content.decode()

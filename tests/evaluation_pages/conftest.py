"""An evaluation visit at each stage, built through the services, for the page tests."""

from __future__ import annotations

import pytest

from tests.evaluation.helpers import planned_evaluation
from xuncha.evaluation import services
from xuncha.surveys import services as surveys

OUTSIDERS = ("west_office", "west_jiwei", "west_contact", "auditor", "sysadmin")
# The default questionnaire's answers (questions 1–6 are choices, 7 is free text).
ANSWERS = {"q1": "知道", "q2": "满意", "q3": "满意", "q4": "比较满意", "q5": "基本满意", "q6": "满意"}


@pytest.fixture
def planned(world):
    """东湖区青石镇, visit tomorrow; team: east_jiwei (政治建设), east_zzb (组织建设),
    east_office (作风建设, 全面从严治党责任; leader)."""
    return planned_evaluation(world)


@pytest.fixture
def on_site(world, planned):
    services.evaluation_notify(actor=world.east_office, evaluation=planned)
    return services.evaluation_start(actor=world.east_jiwei, evaluation=planned)


@pytest.fixture
def survey(world, planned):
    return surveys.survey_open(actor=world.east_office, evaluation=planned)


def scored(world, ev, scores=(90, 80, 50, 70, 60, 100, 40, 85)):
    for item, s in zip(ev.items.order_by("number"), scores, strict=True):
        services.item_score(actor=world.east_zzb, item=item, score=s, reason="依据现场核查情况评分")
    return ev


def html(response) -> str:
    return response.content.decode()

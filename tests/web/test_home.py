"""我的待办: the to-do registry, the foundation's providers and the key figures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.notifications.services import notify
from xuncha.organisations.models import Unit, UnitKind
from xuncha.organisations.services import unit_create
from xuncha.web import todo
from xuncha.web.providers import password_due
from xuncha.web.todo import Severity, TodoItem, register_todo_provider, todos_for


@pytest.fixture
def isolated_registry(monkeypatch):
    monkeypatch.setattr(todo, "_TODO_PROVIDERS", list(todo._TODO_PROVIDERS))
    monkeypatch.setattr(todo, "_FIGURE_PROVIDERS", list(todo._FIGURE_PROVIDERS))


def test_home_shows_an_empty_state_when_nothing_is_due(client_for):
    html = client_for("east_contact").get("/").content.decode()
    assert "暂无待办事项" in html


def test_unread_messages_become_a_todo_item_linking_to_the_inbox(client_for, world):
    notify(recipients=[world.east_contact], title="整改进度待报送")
    html = client_for("east_contact").get("/").content.decode()
    assert "1 条未读消息" in html
    assert "最新：整改进度待报送" in html
    assert 'href="/inbox/"' in html


def test_a_later_part_of_the_product_can_register_its_own_items(
    client_for, world, isolated_registry
):
    @register_todo_provider
    def plans_to_review(user: User) -> list[TodoItem]:
        if user.username != "east_office":
            return []
        return [TodoItem(title="审核青石镇整改方案", url="/plans/1/", due=date(2026, 3, 1),
                         severity=Severity.DUE_SOON)]

    office = client_for("east_office").get("/").content.decode()
    assert "审核青石镇整改方案" in office
    assert "2026-03-01 前" in office
    assert "临期" in office
    assert "审核青石镇整改方案" not in client_for("west_office").get("/").content.decode()


def test_most_urgent_items_come_first(world, isolated_registry):
    register_todo_provider(lambda user: [
        TodoItem(title="later", due=date(2030, 1, 1), severity=Severity.INFO),
        TodoItem(title="soon", due=date(2030, 1, 2), severity=Severity.DUE_SOON),
        TodoItem(title="late", severity=Severity.OVERDUE),
    ])
    titles = [t.title for t in todos_for(world.east_office)]
    assert titles.index("late") < titles.index("soon") < titles.index("later")


def test_password_change_is_asked_for_after_an_administrator_set_it(world):
    user = world.east_contact
    user.must_change_password = True
    items = password_due(user)
    assert items[0].title == "请修改初始密码"
    assert items[0].severity == Severity.OVERDUE


def test_password_expiring_within_two_weeks_is_a_due_soon_item(world, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    user = world.east_contact
    user.password_changed_at = timezone.now() - timedelta(days=80)
    [item] = password_due(user)
    assert item.severity == Severity.DUE_SOON
    assert "天内过期" in item.title
    assert item.due == timezone.localdate(user.password_changed_at + timedelta(days=90))


def test_password_far_from_expiry_asks_nothing(world, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    user = world.east_contact
    user.password_changed_at = timezone.now() - timedelta(days=10)
    assert password_due(user) == []


def test_system_administrator_is_told_about_units_without_accounts(client_for, world):
    unit_create(actor=world.sysadmin, parent=world.units["east_town"], name="东湖区青石镇石桥村",
                code="EAST-QS-SQ", kind=UnitKind.VILLAGE)
    html = client_for("sysadmin").get("/").content.decode()
    empty = Unit.objects.filter(is_active=True, members__isnull=True).count()
    assert f"{empty} 个单位尚无用户账号" in html
    assert "/org/units/?members=none" in html


def test_system_administrator_is_told_about_disabled_accounts(client_for, world):
    User.objects.filter(pk=world.west_member.pk).update(is_active=False)
    html = client_for("sysadmin").get("/").content.decode()
    assert "1 个账号已停用" in html
    assert "/accounts/users/?active=0" in html


def test_security_administrator_is_told_about_accounts_without_a_role(client_for):
    html = client_for("secadmin").get("/").content.decode()
    assert "1 个账号尚未授予角色" in html  # "nobody"
    assert "/accounts/users/?role=__none__" in html


def test_auditor_is_reminded_to_verify_the_audit_chain(client_for):
    html = client_for("auditor").get("/").content.decode()
    assert "核验审计日志链" in html


def test_administrator_items_are_not_shown_to_business_roles(client_for):
    html = client_for("east_office").get("/").content.decode()
    assert "尚无用户账号" not in html
    assert "尚未授予角色" not in html
    assert "核验审计日志链" not in html


def test_key_figures_count_only_what_the_user_may_see(client_for, world):
    from xuncha.accounts.scope import visible

    html = client_for("east_office").get("/").content.decode()
    units = visible(world.east_office, Unit).filter(is_active=True).count()
    assert units == 7  # 东湖区 and its six units; nothing of 西山县 or the city
    assert "可见单位" in html
    assert f'<strong class="figure-value">{units}</strong>' in html
    assert "当前届次" in html or "可见人员" in html

from xuncha.accounts.scope import visible
from xuncha.organisations.models import Unit


def test_office_sees_its_county_only(world):
    units = visible(world.east_office, Unit)
    assert world.units["east_village"] in units
    assert world.units["west_village"] not in units


def test_home_page_renders_for_a_signed_in_user(client_for):
    c = client_for("east_office")
    r = c.get("/")
    assert r.status_code == 200
    assert "我的待办" in r.content.decode()

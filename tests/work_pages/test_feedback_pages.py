"""Feedback: the list with its SM3 hash, three signature slots, signing with the hash the signer
saw, voided signatures shown struck through; the third signature moves the inspection to 整改."""

from __future__ import annotations

import re

from tests.work_pages.conftest import html
from xuncha.findings.services import problem_update
from xuncha.inspections.models import InspectionStatus
from xuncha.reports.models import FeedbackSignature


def _sign(client, insp, fb, content_hash=None):
    return client.post(f"/work/inspections/{insp.pk}/feedback/sign/",
                       {"content_hash": content_hash or fb.content_hash}, follow=True)


def test_feedback_page_shows_items_hash_and_three_slots(client_for, fed_back):
    insp = fed_back.inspection
    page = html(client_for("east_head").get(f"/work/inspections/{insp.pk}/feedback/"))
    assert "基层党组织建设薄弱问题1" in page
    assert fed_back.content_hash[:8] in page and fed_back.content_hash[56:] in page
    for role in ("被巡察党组织主要负责人", "巡察组组长", "巡察办主任"):
        assert role in page
    assert page.count("待签字") == 3
    assert "核对无误,签字" in page  # the unit head may sign
    assert f'value="{fed_back.content_hash}"' in page


def test_signing_via_the_page_moves_the_inspection_to_rectification(client_for, fed_back):
    insp = fed_back.inspection
    r = _sign(client_for("east_head"), insp, fed_back)
    assert "已以“被巡察党组织主要负责人”身份签字" in html(r)
    r = _sign(client_for("east_leader"), insp, fed_back)
    assert "已以“巡察组组长”身份签字" in html(r)
    insp.refresh_from_db()
    assert insp.status == InspectionStatus.FEEDBACK
    r = _sign(client_for("east_director"), insp, fed_back)
    page = html(r)
    assert "三方签字完成,巡察进入整改阶段" in page
    insp.refresh_from_db()
    assert insp.status == InspectionStatus.RECTIFYING
    current = re.search(r'class="step step-current".*?class="step-label">(\w+)<', page)
    assert current and current.group(1) == "整改"
    assert "核对无误,签字" not in page


def test_stale_hash_is_refused(client_for, fed_back):
    r = _sign(client_for("east_head"), fed_back.inspection, fed_back, "0" * 64)
    assert "问题清单已变更,请刷新后核对最新清单再签字" in html(r)
    assert not FeedbackSignature.objects.exists()


def test_non_signatory_gets_no_button_and_is_refused(client_for, fed_back):
    insp = fed_back.inspection
    c = client_for("east_office")
    assert "核对无误,签字" not in html(c.get(f"/work/inspections/{insp.pk}/feedback/"))
    assert "只有被巡察党组织主要负责人" in html(_sign(c, insp, fed_back))


def test_voided_signature_is_shown_struck_through_with_its_reason(client_for, world, fed_back,
                                                                  problems):
    insp = fed_back.inspection
    _sign(client_for("east_head"), insp, fed_back)
    p = problems[0]
    p.refresh_from_db()
    problem_update(actor=world.east_office, problem=p, expected_version=p.version,
                   title="基层党组织建设薄弱问题(修改)")
    page = html(client_for("east_head").get(f"/work/inspections/{insp.pk}/feedback/"))
    assert "<del>被巡察党组织主要负责人 · east_head" in page
    assert "签字后问题清单被修改,签字作废,须重新签字" in page
    assert page.count("待签字") == 3


def test_printable_feedback_has_the_signature_table(client_for, fed_back):
    insp = fed_back.inspection
    _sign(client_for("east_leader"), insp, fed_back)
    page = html(client_for("east_head").get(f"/work/inspections/{insp.pk}/feedback/print/"))
    assert "巡察反馈问题清单" in page and fed_back.content_hash in page
    assert 'class="print-signatures"' in page and "east_leader" in page
    assert 'class="sidenav"' not in page


def test_feedback_before_approval_says_when_it_comes(client_for, insp):
    page = html(client_for("east_office").get(f"/work/inspections/{insp.pk}/feedback/"))
    assert "尚未生成反馈问题清单" in page

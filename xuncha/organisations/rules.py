"""The rules in force for a unit: its committee's own (CommitteeRules) or the defaults."""

from __future__ import annotations

from xuncha.organisations.models import CommitteeRules, Unit, UnitLevel


def committee_of(unit: Unit) -> Unit:
    """The county (or, above it, the city) whose committee inspects ``unit``."""
    if unit.county_id and unit.county_id != unit.pk:
        return Unit.objects.get(pk=unit.county_id)
    if unit.level <= UnitLevel.COUNTY:
        return unit
    return unit


def rules_for(unit: Unit) -> CommitteeRules:
    committee = committee_of(unit)
    rules = CommitteeRules.objects.filter(committee=committee).first()
    if rules is None:
        rules = CommitteeRules(committee=committee)  # defaults, unsaved
    return rules

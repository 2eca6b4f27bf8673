"""The management overview puts first things first (issue 12): a required agreement that is not
recorded counts as missing, and the priorities put those collaborations before the ones whose
only gap is a recommended agreement. Built from the example portfolio without running notebooks."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import ROOT

from avgkit.batch.overview import build_context
from avgkit.batch.summary import summarise
from avgkit.portfolio import read_portfolio

EXAMPLE = ROOT / "data" / "voorbeeld-portefeuille.csv"
TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def records():
    assessments, _ = read_portfolio(EXAMPLE)
    return [{"id": a.id, "name": a.id, "status": "ok", "report": f"{a.id}.html",
             "summary": summarise(a, "nl", today=TODAY)} for a in assessments]


@pytest.fixture(scope="module")
def context(records):
    return build_context(records, [], "nl", dt.datetime(2026, 11, 30, 6, 0))


def test_required_agreement_not_recorded_counts_as_missing(context):
    """ZH-001 (processor, no verwerkersovereenkomst recorded) and KZ-003 (joint controllers, no
    regeling recorded) were counted 'Onbekend' and left out of 'Ontbreekt of past niet'."""
    missing = {r["id"] for r in context["agreement_problems"]}
    assert {"ZH-001", "KZ-003"} <= missing

"""The static HTML report: complete, in both languages, escaped, self-contained."""

import datetime as dt
import re

import pytest

from avgkit.assessment import Assessment
from avgkit.report import render_report, write_report

HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def assessment():
    return Assessment(
        id="SW-001", corporation=f"Woonstichting {HOSTILE}", contractor="Bouw & Zonen <b>BV</b>",
        description="=HYPERLINK(\"http://evil\")", auditor="A. Auditor",
        created=dt.datetime(2025, 3, 1, 9, 0), updated=dt.datetime(2025, 3, 2, 10, 30),
        answers={"data_exchange": "client_system", "subcontractor": True,
                 "own_purposes_use": False, "returns_corrections": False},
        agreement={"kind": "verwerkersovereenkomst", "reviewed": True,
                   "points": {"vo-02": True, "vo-03": True}},
        actions=[{"what": f"Regeling opstellen {HOSTILE}", "owner": "FG",
                  "due": "2025-06-01", "status": "bezig"}],
        notes=f"<img src=x onerror=alert(1)> {HOSTILE}")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_report_is_escaped_and_self_contained(assessment, lang):
    page = render_report(assessment, lang)
    assert page.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in page
    assert "<script" not in page and "<img" not in page and "<b>BV" not in page
    assert "&lt;script&gt;" in page and "Bouw &amp; Zonen &lt;b&gt;BV&lt;/b&gt;" in page
    # nothing loaded from elsewhere: readable offline
    assert not re.search(r'(src|href)="(https?:)?//', page)
    # the stylesheet is inserted as CSS, not HTML-escaped
    assert 'content: "["' in page


def test_dutch_report_holds_the_outcome_agreement_and_answers(assessment):
    page = render_report(assessment, "nl")
    assert "gezamenlijke verwerkingsverantwoordelijke" in page
    assert "Regeling gezamenlijke verantwoordelijkheid" in page
    assert "art. 26 lid 1 AVG" in page  # citations beside the text
    assert "Variant B" in page and "onderaannemer/installateur" in page
    assert "De verwerkersovereenkomst regelt de verplichte punten" in page
    assert "2 van 20 punten geregeld" in page  # the 14 of the source + A1-A6 (art. 28, ours)
    assert "Aanvulling van avgkit" in page and "leidraad" in page
    assert "Verplichtingen – Bouw &amp; Zonen" in page
    assert "bezig" in page and "2025-06-01" in page
    assert "Stand van" in page and "2025-03-02 10:30" in page
    assert "nog niet ingevuld" in page  # the checklist section says it is not started


def test_english_report_uses_the_translations(assessment):
    page = render_report(assessment, "en")
    assert "joint controller" in page and "Arrangement between joint controllers" in page
    assert "Roles" in page and "Rolverdeling</h2>" not in page


def test_report_sections_and_fragment(assessment):
    only_checklist = render_report(assessment, "nl", ("beveiliging",), standalone=False)
    assert "<html" not in only_checklist and "<style>" in only_checklist
    assert "Rolverdeling</h2>" not in only_checklist
    with pytest.raises(ValueError, match="sections"):
        render_report(assessment, "nl", ("onzin",))
    with pytest.raises(ValueError, match="lang"):
        render_report(assessment, "de")


def test_unanswered_assessment_renders(tmp_path):
    path = write_report(Assessment(id="leeg"), tmp_path / "out" / "leeg.html", "nl")
    page = path.read_text(encoding="utf-8")
    assert "nog niet vast te stellen" in page and "niet beantwoord" in page

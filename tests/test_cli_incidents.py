"""Issue 11: `avgkit incidents`, the breach register across every assessment of a store
(art. 33 lid 5 AVG): status, risk, deadlines met or missed, AP and residents informed."""

import json

import pytest
from openpyxl import load_workbook
from samples_issue7 import joint_assessment, processor_assessment

from avgkit.assessment import AgreementInPlace
from avgkit.breach import Incident, IncidentStore
from avgkit.cli import main
from avgkit.store import Store


@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "store.sqlite"
    with Store(path) as s:
        s.create(processor_assessment(agreement=AgreementInPlace(kind="verwerkersovereenkomst"),
                                      corporation="=HYPERLINK(\"x\")"), "t")
        s.create(joint_assessment(), "t")
        incidents = IncidentStore(s)
        incidents.save("SW-VO", Incident(
            id="DL-20250301-1", discovered_at="2025-03-01 09:00", discovered_by="provider",
            other_party_informed_at="2025-03-01 12:00", risk="risico",
            ap_notified_at="2025-03-02 10:00", status="gesloten"), "t")
        incidents.save("SW-VO", Incident(
            id="DL-20250305-1", discovered_at="2025-03-05 09:00", discovered_by="provider",
            risk="geen"), "t")
        incidents.save("SW-GV", Incident(
            id="DL-20250602-1", discovered_at="2025-06-02 09:00", discovered_by="provider",
            risk="hoog"), "t")
    return path


def test_every_incident_of_the_store_is_listed_with_its_status(store_path, capsys):
    assert main(["incidents", "--store", str(store_path), "--json"]) == 0
    rows = {r["incident"]: r for r in json.loads(capsys.readouterr().out)}
    assert set(rows) == {"DL-20250301-1", "DL-20250305-1", "DL-20250602-1"}
    done = rows["DL-20250301-1"]
    assert (done["status"], done["deadlines_met"], done["deadlines_missed"]) == (
        "afgehandeld", 2, 0)
    assert done["ap_informed"] == "zo 02-03-2025 10:00 CET"
    assert done["subjects_informed"] == "niet nodig"
    assert rows["DL-20250305-1"]["ap_informed"] == "niet nodig"  # no risk: record only
    joint = rows["DL-20250602-1"]
    assert joint["deadlines_missed"] == 2  # both parties' own 72 hours, long past
    assert joint["deadlines_open"] == 2  # informing the residents: no fixed hours (art. 34)
    assert joint["ap_informed"] == "nee" and joint["subjects_informed"] == "nee"


def test_text_and_excel_output_with_cells_made_safe(store_path, tmp_path, capsys):
    out = tmp_path / "register.xlsx"
    assert main(["incidents", "--store", str(store_path), "-o", str(out), "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "Register of data breaches" in text and "DL-20250602-1" in text
    ws = load_workbook(out).active
    rows = list(ws.values)
    assert rows[0][0] == "Assessment" and len(rows) == 4
    assert any(str(r[1]).startswith("'=HYPERLINK") for r in rows[1:])
    assert main(["incidents", "--store", str(store_path), "-o", str(tmp_path / "x.csv")]) == 2


def test_an_empty_store_says_so(tmp_path, capsys):
    path = tmp_path / "empty.sqlite"
    Store(path).close()
    assert main(["incidents", "--store", str(path)]) == 0
    assert "Geen datalekken geregistreerd." in capsys.readouterr().out

"""`avgkit checklist` as a user runs it: the measures and the risk rules, text and JSON."""

import json
import subprocess
import sys

import pytest
from conftest import ROOT

from avgkit.cli import main
from avgkit.knowledge import load_knowledge

EXAMPLE = ROOT / "data" / "eigen-maatregelen.yaml"


def test_console_script_prints_every_measure_in_dutch_and_english_with_iso_and_evidence():
    proc = subprocess.run([sys.executable, "-m", "avgkit", "checklist"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = " ".join(proc.stdout.split())  # undo the line wrapping
    bev = load_knowledge().beveiliging
    for m in bev.measures:
        assert f"{m.id} nl: {m.nl} en: {m.en}" in out
        assert " ".join(m.evidence.nl.split()) in out
    assert "Technische beveiligingsmaatregelen" in out
    assert "Organisatorische beveiligingsmaatregelen" in out
    assert "ISO/IEC 27002:2022 (onze koppeling): 7.7 Clean desk en clear screen" in out
    assert "ISO/IEC 27002:2022 (onze koppeling): 8.7 Bescherming tegen malware; 8.1" in out
    assert "Bewijs (ons voorstel):" in out


def test_text_output_shows_the_risk_factors_and_rules_in_order(capsys):
    assert main(["checklist"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    bev = load_knowledge().beveiliging
    positions = [out.index(f"{i}. {r.id}:") for i, r in enumerate(bev.risk_rules, 1)]
    assert positions == sorted(positions)
    assert ("9. risico-grote-organisatie: als organisation_size = groot → 1 stap(pen) hoger "
            "(ons oordeel)") in out
    assert "5. risico-veel-betrokkenen: als data_subjects ≥ 1000 → ten minste midden" in out
    assert "Van een grote organisatie wordt meer verwacht" in out
    assert "data_kind – Soort persoonsgegevens: normaal | bijzonder | gevoelig" in out
    assert "oordeel-ernstige-bevinding" in out and "→ onvoldoende (ons oordeel)" in out
    assert "De verwijzingen naar ISO/IEC 27002:2022 zijn onze koppeling" in out


def test_english_output(capsys):
    assert main(["checklist", "--lang", "en"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Technical security measures" in out and "Risk factors" in out
    assert "ISO/IEC 27002:2022 (our mapping): 8.7 Protection against malware" in out
    assert "Expected from risk level: low (our judgement)" in out
    assert "nl: Beveiligde USB-sticks en: Secured USB sticks" in out
    assert "if status not in place, risk level high → high" in out


def test_json_output(capsys):
    assert main(["checklist", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    bev = load_knowledge().beveiliging
    assert data["schema"] == "avgkit.checklist.catalogue/1" and data["custom"] is None
    assert [m["id"] for m in data["measures"]] == [m.id for m in bev.measures]
    first = data["measures"][0]
    assert first["text"] == {"nl": "Up-to-date virusscanner op elke laptop, pc en tablet",
                             "en": "Up-to-date virus scanner on every laptop, PC and tablet"}
    assert first["category"] == "technisch" and first["iso27002"][0]["control"] == "8.7"
    assert first["evidence_hint"]["nl"] and first["evidence_hint"]["en"]
    assert [r["id"] for r in data["risk_rules"]] == [r.id for r in bev.risk_rules]
    assert data["risk_rules"][4]["when"] == {"factor": "data_subjects", "at_least": 1000}
    assert all(r["ours"] for r in data["risk_rules"])
    assert [f["key"] for f in data["factors"]] == ["data_kind", "data_subjects", "purpose",
                                                   "retention", "organisation_size"]
    assert data["verdict_rules"][-1] == {**data["verdict_rules"][-1], "when": None,
                                         "verdict": "voldoende"}


def test_custom_measures_on_the_command_line(capsys):
    assert main(["checklist", "--json", "--custom", str(EXAMPLE)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["measures"]) == 20
    assert data["custom"]["organisation"].startswith("Voorbeeld")
    own = [m for m in data["measures"] if m["custom"]]
    assert {m["id"] for m in own} == {"eigen-tablets", "eigen-fotos-in-woningen",
                                      "eigen-sleutels", "eigen-berichtenapps", "eigen-zzp"}
    assert main(["checklist", "--custom", str(EXAMPLE)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "eigen-sleutels [eigen maatregel]" in out


@pytest.mark.parametrize(("content", "needle"), [
    ("file: eigen-maatregelen\nmeasures:\n  - id: eigen-tablets\n", "measures.0.nl"),
    ("file: eigen-maatregelen\nmeasures: [\n", "not valid YAML"),
    (None, "file not found"),
])
def test_a_broken_custom_file_exits_2_with_file_and_key(tmp_path, capsys, content, needle):
    path = tmp_path / "kapot.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["checklist", "--custom", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("avgkit checklist: error: ")
    assert "kapot.yaml" in err and needle in err and "Traceback" not in err

"""The register of processing activities (art. 30 AVG): rows per party and role, the columns
of art. 30(1) and 30(2), cells safe against formulas, and the command."""

import subprocess
import sys

import pytest
from openpyxl import load_workbook
from samples_issue7 import (
    joint_assessment,
    processor_assessment,
    two_controllers_assessment,
)

from avgkit.assessment import Assessment
from avgkit.cell_safety import neutralise
from avgkit.processing_register import build_register, load_details, write_register
from avgkit.store import Store

CONTROLLER_HEADERS = [
    "Beoordeling", "Samenwerking", "Verwerking",
    "a) Naam en contactgegevens verwerkingsverantwoordelijke(n)", "b) Verwerkingsdoeleinden",
    "c) Categorieën betrokkenen en persoonsgegevens", "d) Categorieën ontvangers",
    "e) Doorgiften aan derde landen", "f) Termijnen voor wissen",
    "g) Technische en organisatorische maatregelen", "Rol", "Onderbouwing rol"]
PROCESSOR_HEADERS = [
    "Beoordeling", "Samenwerking", "Verwerking",
    "a) Naam en contactgegevens verwerker(s) en verwerkingsverantwoordelijke(n)",
    "b) Categorieën van verwerkingen", "c) Doorgiften aan derde landen",
    "d) Technische en organisatorische maatregelen", "Rol", "Onderbouwing rol"]


def portfolio():
    return [
        processor_assessment(),
        joint_assessment(),
        two_controllers_assessment(answers={"data_exchange": "order", "own_purposes_use": True,
                                            "returns_corrections": True}),
        Assessment(id="SW-OPEN", description="nog niet beoordeeld"),
        Assessment(id="SW-GEEN", corporation="Woonstede", contractor="Schilder",
                   answers={"data_exchange": "other",
                            "provider_processes_personal_data": False}),
    ]


def sheet_rows(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_corporation_register(tmp_path):
    reg = build_register(portfolio(), "corporation")
    ctrl = {(r.assessment_id, r.processing): r for r in reg.sheet("controller")}
    assert set(ctrl) == {("SW-VO", "hoofdverwerking"), ("SW-GV", "hoofdverwerking"),
                         ("SW-VV", "hoofdverwerking"), ("SW-VV", "variant C")}
    assert reg.sheet("processor") == []
    vo = ctrl[("SW-VO", "hoofdverwerking")]
    assert vo.role == "verwerkingsverantwoordelijke"
    assert vo.cells["a"].startswith("Woonstede; contactgegevens en FG: [IN TE VULLEN]")
    assert vo.cells["b"] == "tevredenheidsonderzoek onder huurders"
    assert vo.cells["c"].startswith("persoonsgegevens: gevoelig; aantal betrokkenen: 5000")
    assert vo.cells["d"] == "verwerker: Enquêtebureau Vraagraak"
    assert vo.cells["e"] == "[IN TE VULLEN]"
    assert vo.cells["f"].startswith("eigen bewaartermijn van Woonstede")  # not the checklist's
    assert vo.cells["g"].startswith("eigen technische en organisatorische maatregelen")
    gv = ctrl[("SW-GV", "hoofdverwerking")]
    assert gv.role == "gezamenlijke verwerkingsverantwoordelijke"
    assert "gezamenlijk verantwoordelijk met Installatiebedrijf Warmte" in gv.cells["a"]
    vv = ctrl[("SW-VV", "hoofdverwerking")]
    assert vv.cells["d"] == "verwerkingsverantwoordelijke (verstrekking): Bouwbedrijf De Steen"
    assert ctrl[("SW-VV", "variant C")].cells["d"] == "[IN TE VULLEN]"
    skipped = {i: why for i, _, why in reg.skipped}
    assert skipped == {"SW-OPEN": "rolverdeling nog niet vast te stellen",
                       "SW-GEEN": "geen rol in deze verwerking"}


def test_contractor_register_puts_processing_for_the_client_under_30_2():
    reg = build_register(portfolio(), "contractor")
    proc = reg.sheet("processor")
    assert [(r.assessment_id, r.processing) for r in proc] == [("SW-VO", "hoofdverwerking")]
    assert proc[0].role == "verwerker"
    assert proc[0].cells["a"] == ("Enquêtebureau Vraagraak; contactgegevens en FG: "
                                  "[IN TE VULLEN]; verwerker voor Woonstede")
    assert proc[0].cells["b"] == "tevredenheidsenquête onder huurders"
    ctrl = {(r.assessment_id, r.processing) for r in reg.sheet("controller")}
    # variant A (own purposes) and C are processings of the contractor's own
    assert ctrl == {("SW-GV", "hoofdverwerking"), ("SW-VV", "hoofdverwerking"),
                    ("SW-VV", "variant A"), ("SW-VV", "variant C")}
    c = next(r for r in reg.sheet("controller") if r.processing == "variant C")
    assert c.cells["d"] == "verwerkingsverantwoordelijke (verstrekking): Woonstede"


def test_subcontractor_is_a_recipient_or_sub_processor():
    sub = processor_assessment(answers={**processor_assessment().answers, "subcontractor": True})
    corp = build_register([sub], "corporation").sheet("controller")[0]
    assert "onderaannemer/installateur (variant B)" in corp.cells["d"]
    contr = build_register([sub], "contractor").sheet("processor")[0]
    assert "onderaannemer/installateur (variant B)" in contr.cells["a"]


def test_workbook_columns_and_formula_neutralising(tmp_path):
    evil = processor_assessment(corporation="=HYPERLINK(\"http://x\",\"klik\")",
                                description="+31 6 1234\x075678", contractor="@SUM(A1)")
    path = write_register(build_register([evil, *portfolio()[1:]], "corporation"),
                          tmp_path / "r.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Toelichting", "Art. 30 lid 1 (verantw.)",
                             "Art. 30 lid 2 (verwerker)", "Niet opgenomen"]
    ctrl = sheet_rows(wb["Art. 30 lid 1 (verantw.)"])
    assert ctrl[0] == CONTROLLER_HEADERS
    assert sheet_rows(wb["Art. 30 lid 2 (verwerker)"])[0] == PROCESSOR_HEADERS
    row = next(r for r in ctrl if r[0] == "SW-VO")
    assert row[1] == "'+31 6 12345678"  # control character dropped, formula start neutralised
    assert row[3].startswith("'=HYPERLINK")
    assert row[6] == "verwerker: @SUM(A1)"
    for ws in wb.worksheets:
        for line in ws.iter_rows():
            for cell in line:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
    about = sheet_rows(wb["Toelichting"])
    assert any(r[0] == "g) Technische en organisatorische maatregelen" and
               r[1].startswith("indien mogelijk, een algemene beschrijving") for r in about)
    assert sheet_rows(wb["Niet opgenomen"])[1:] == [
        ["SW-OPEN", "nog niet beoordeeld", "rolverdeling nog niet vast te stellen"],
        ["SW-GEEN", None, "geen rol in deze verwerking"]]


@pytest.mark.parametrize("value, safe", [("=1+1", "'=1+1"), ("-2", "'-2"), ("@x", "'@x"),
                                         ("\tx", "'\tx"), ("ok", "ok"), (3, 3), (None, None)])
def test_neutralise(value, safe):
    assert neutralise(value) == safe


def test_english_register():
    reg = build_register([processor_assessment()], "contractor", lang="en")
    assert reg.sheet("processor")[0].cells["a"].endswith("processor for Woonstede")
    with pytest.raises(ValueError, match="party must be"):
        build_register([], "tenant")


def avgkit(*args, cwd):
    return subprocess.run([sys.executable, "-m", "avgkit", *args], capture_output=True,
                          text=True, cwd=cwd)


def test_register_command_reads_the_store(tmp_path):
    store = tmp_path / "s.sqlite"
    with Store(store) as s:
        for a in portfolio():
            s.create(a, "tester")
    out = tmp_path / "register.xlsx"
    done = avgkit("register", "--store", str(store), "--party", "contractor", "-o", str(out),
                  cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "1 art. 30(2)" in done.stdout and "4 art. 30(1)" in done.stdout
    rows = sheet_rows(load_workbook(out)["Art. 30 lid 2 (verwerker)"])
    assert rows[1][:3] == ["SW-VO", "tevredenheidsenquête onder huurders", "hoofdverwerking"]


def test_register_command_errors(tmp_path):
    done = avgkit("register", "--store", str(tmp_path / "none.sqlite"), "--party",
                  "corporation", "-o", str(tmp_path / "r.xlsx"), cwd=tmp_path)
    assert done.returncode == 1 and "geen avgkit-opslag" in done.stderr
    done = avgkit("register", "--party", "corporation", "-o", str(tmp_path / "r.csv"),
                  cwd=tmp_path)
    assert done.returncode == 2 and ".xlsx" in done.stderr
    done = avgkit("register", "-o", str(tmp_path / "r.xlsx"), cwd=tmp_path)
    assert done.returncode == 2 and "--party" in done.stderr


def test_register_command_reads_a_portfolio_with_bad_rows_and_store_references(tmp_path):
    store = tmp_path / "s.sqlite"
    with Store(store) as s:
        s.create(processor_assessment(), "tester")
    csv = tmp_path / "portefeuille.csv"
    csv.write_text(
        "id;corporatie;aannemer;omschrijving;samenwerkingsvorm;beoordeling_ref\n"
        "P-1;=cmd|' /C calc'!A0;Bouw;onderhoud;1;\n"
        "P-2;Woonstede;Schilder;schilderwerk;9;\n"
        "P-3;Woonstede;Vraagraak;;;SW-VO\n"
        "P-4;Woonstede;Onbekend;;;SW-MISSING\n", encoding="utf-8")
    out = tmp_path / "r.xlsx"
    done = avgkit("register", str(csv), "--store", str(store), "--party", "corporation",
                  "-o", str(out), cwd=tmp_path)  # two corporations: choose one
    assert done.returncode == 2 and "Woonstede" in done.stderr and "=cmd" in done.stderr
    done = avgkit("register", str(csv), "--store", str(store), "--corporation",
                  "=cmd|' /C calc'!A0", "-o", str(out), cwd=tmp_path)
    # Refused rows are reported and make the exit status 1 (issue 15); the register is written.
    assert done.returncode == 1 and "2 rij(en) geweigerd" in done.stderr, done.stderr
    assert "samenwerkingsvorm" in done.stderr and "SW-MISSING" in done.stderr  # reported
    rows = sheet_rows(load_workbook(out)["Art. 30 lid 1 (verantw.)"])
    by_id = {r[0]: r for r in rows[1:]}
    assert set(by_id) == {"P-1"}
    assert by_id["P-1"][3].startswith("'=cmd|' /C calc'!A0; contactgegevens")
    assert by_id["P-1"][6] == "verwerkingsverantwoordelijke (verstrekking): Bouw"
    done = avgkit("register", str(csv), "--store", str(store), "--corporation", "woonstede",
                  "-o", str(out), cwd=tmp_path)
    by_id = {r[0]: r for r in sheet_rows(load_workbook(out)["Art. 30 lid 1 (verantw.)"])[1:]}
    assert set(by_id) == {"SW-VO"}
    assert by_id["SW-VO"][6] == "verwerker: Enquêtebureau Vraagraak"


# --- per controller, with the controller's own retention and measures (issue 12) -------------

def test_corporation_rows_never_take_the_contractors_checklist():
    # The Bijlage 2 checklist and its retention describe the contractor's processing; the
    # corporation's art. 30(1)(f) and (g) are its own, to be filled in or read from its details.
    vo = build_register([processor_assessment()], "corporation").sheet("controller")[0]
    assert "virusscanner" not in vo.cells["g"] and "na-opdracht" not in vo.cells["f"]
    assert vo.cells["f"] == "eigen bewaartermijn van Woonstede: [IN TE VULLEN]"
    assert vo.cells["g"] == ("eigen technische en organisatorische maatregelen van Woonstede "
                             "(art. 32 lid 1 AVG): [IN TE VULLEN]")
    # the contractor's own register keeps its own checklist
    proc = build_register([processor_assessment()], "contractor").sheet("processor")[0]
    assert "aanwezig: Up-to-date virusscanner" in proc.cells["d"]


def test_controller_details_fill_contact_retention_and_measures(tmp_path):
    details = tmp_path / "woonstede.yaml"
    details.write_text(
        "contact: 'Woonstede, Postbus 1, 1000 AA Amsterdam; FG: fg@woonstede.example'\n"
        "measures: 'Informatiebeveiligingsbeleid 2024 (ISO 27001)'\n"
        "retention: '=2 jaar na einde opdracht'\n"
        "processings:\n  SW-VO: {retention: '6 maanden na rapportage'}\n", encoding="utf-8")
    reg = build_register([processor_assessment(), joint_assessment()], "corporation",
                         details=load_details(details))
    rows = {r.assessment_id: r for r in reg.sheet("controller")}
    assert rows["SW-VO"].cells["a"] == (
        "Woonstede; Woonstede, Postbus 1, 1000 AA Amsterdam; FG: fg@woonstede.example")
    assert rows["SW-VO"].cells["f"] == "6 maanden na rapportage"
    assert rows["SW-GV"].cells["f"] == "=2 jaar na einde opdracht"  # neutralised when written
    assert rows["SW-GV"].cells["g"] == "Informatiebeveiligingsbeleid 2024 (ISO 27001)"
    bad = tmp_path / "bad.yaml"
    bad.write_text("contact: x\nretentie: y\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.yaml.*retentie"):
        load_details(bad)


def test_register_per_corporation_command(tmp_path):
    store = tmp_path / "s.sqlite"
    with Store(store) as s:
        for a in portfolio():
            s.create(a, "tester")
        s.create(processor_assessment(id="OTHER-1", corporation="Woonpunt"), "tester")
    out = tmp_path / "woonpunt.xlsx"
    done = avgkit("register", "--store", str(store), "--corporation", "woonpunt", "-o",
                  str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    wb = load_workbook(out)
    ctrl = wb["Art. 30 lid 1 (verantw.)"]
    assert [r[0] for r in sheet_rows(ctrl)[1:]] == ["OTHER-1"]
    assert ctrl.auto_filter.ref == ctrl.dimensions and ctrl.freeze_panes == "B2"
    assert ctrl.print_title_rows == "$1:$1" and ctrl.page_setup.orientation == "landscape"
    assert int(ctrl.page_setup.paperSize) == 9 and ctrl.page_setup.fitToWidth == 1  # 9: A4
    assert "Woonpunt" in sheet_rows(wb["Toelichting"])[1][1]
    done = avgkit("register", "--store", str(store), "--corporation", "Nergens", "-o",
                  str(out), cwd=tmp_path)
    assert done.returncode == 2 and "Woonpunt" in done.stderr and "Woonstede" in done.stderr
    # one register over several controllers is refused with the names to choose from
    done = avgkit("register", "--store", str(store), "--party", "corporation", "-o", str(out),
                  cwd=tmp_path)
    assert done.returncode == 2 and "--corporation" in done.stderr

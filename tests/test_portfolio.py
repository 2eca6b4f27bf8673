"""Reading portfolios: valid rows come back as Assessments, every bad cell as a RowError."""

import csv
import datetime as dt
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avgkit.assessment import Assessment
from avgkit.classifier import FACT_KEYS, VARIANT_KEYS
from avgkit.models import Role
from avgkit.portfolio import (
    MAX_BYTES,
    MAX_ROWS,
    PortfolioAssessment,
    RowError,
    columns,
    read_portfolio,
    summarise,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CSV = ROOT / "data" / "voorbeeld-portefeuille.csv"
EXAMPLE_XLSX = ROOT / "data" / "voorbeeld-portefeuille.xlsx"
BAD = ROOT / "tests" / "data" / "slechte-portefeuille.csv"
NAMES = "id;corporatie;aannemer"


def write(tmp_path, text, name="p.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding, newline="")
    return path


def write_xlsx(tmp_path, rows, name="p.xlsx", sheets=None):
    wb = openpyxl.Workbook()
    wb.active.title = "eerste"
    for row in rows:
        wb.active.append(row)
    for row in wb.active.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, as a user's "'=..." cell; not a formula
    for title, extra in (sheets or {}).items():
        ws = wb.create_sheet(title)
        for row in extra:
            ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


def problems(errors):
    return {(e.row, e.column, e.problem) for e in errors}


def only_error(errors) -> RowError:
    hard = [e for e in errors if not e.warning]
    assert len(hard) == 1, [str(e) for e in errors]
    return hard[0]


# --- the example portfolio ------------------------------------------------------------------

@pytest.fixture(scope="module")
def example():
    assessments, errors = read_portfolio(EXAMPLE_CSV)
    assert errors == [], [str(e) for e in errors]
    return assessments


def test_example_has_25_or_more_valid_rows(example):
    assert len(example) >= 25
    assert all(isinstance(a, Assessment) for a in example)
    assert len({a.id for a in example}) == len(example)


def test_example_covers_every_form_variant_and_role(example):
    results = {a.id: a.classification() for a in example}
    matched = {c.matched for c in results.values()}
    assert {"vorm-1", "vorm-2", "vorm-3", "vorm-4"} <= matched
    assert {v.code for c in results.values() for v in c.variants} == set(VARIANT_KEYS)
    roles = {c.provider_role for c in results.values()}
    assert {Role.CONTROLLER, Role.PROCESSOR, Role.JOINT_CONTROLLER, Role.NONE} <= roles
    # processors outside the four forms (survey bureau, call centre, hosting) and joint cases
    assert sum(c.matched == "regel-verwerker" for c in results.values()) >= 3
    assert "regel-gezamenlijk" in matched
    assert any(not c.certain for c in results.values())  # open or unanswered items


def test_example_covers_agreement_and_security_problems(example):
    missing = [a for a in example if a.classification().agreement
               and a.classification().agreement.id != "geen" and a.agreement.kind in (None, "geen")]
    wrong = [a for a in example if a.agreement.kind not in (None, "geen")
             and a.classification().agreement
             and a.agreement.kind != a.classification().agreement.id]
    assert len(missing) >= 3 and len(wrong) >= 3
    weak = [a for a in example if a.checklist
            and a.checklist["risk_profile"]["data_kind"] in ("gevoelig", "bijzonder")
            and sum(x["status"] == "afwezig" for x in a.checklist["answers"].values()) >= 5]
    assert len(weak) >= 2
    assert any(a.checklist == {} for a in example)  # roles only, no checklist
    assert any(a.checklist and len(a.checklist["answers"]) < 15 for a in example)  # open measures
    assert any(p for a in example for p in a.agreement.points.values())
    # hostile strings are kept as data, untouched
    assert any(a.contractor.startswith("=") for a in example)
    assert any("<script>" in a.description for a in example)
    assert any("\n" in a.description for a in example)


def test_example_xlsx_holds_the_same_portfolio(example):
    assessments, errors = read_portfolio(EXAMPLE_XLSX)
    assert errors == []
    assert [a.to_dict() for a in assessments] == [a.to_dict() for a in example]
    assert [a.row for a in assessments] == [a.row for a in example]


# --- the bad portfolio: every error class ---------------------------------------------------

def test_bad_portfolio_reports_every_bad_cell_and_keeps_valid_rows():
    assessments, errors = read_portfolio(BAD)
    assert [a.id for a in assessments] == ["OK-1", "DUP", "OK-10", "OK-11"]
    assert [a.row for a in assessments] == [2, 3, 15, 17]
    assert problems(errors) == {
        (1, "kleur", "unknown-column"),
        (4, "id", "duplicate-id"),
        (5, "id", "unsafe-id"),
        (6, "id", "missing-value"),
        (7, "aannemer", "missing-value"),
        (7, "samenwerkingsvorm", "bad-value"),
        (7, "variant_b_onderaannemer", "bad-value"),
        (8, "overeenkomst", "bad-value"),
        (8, "overeenkomst_datum", "bad-value"),
        (9, "vo_punten", "bad-value"),
        (10, "vo_punten", "needs-agreement"),
        (11, "vo_punten", "points-need-processor-agreement"),
        (12, "soort_gegevens", "bad-value"),
        (12, "aantal_betrokkenen", "bad-value"),
        (13, "tm-01", "bad-value"),
        (13, "tm-03", "nvt-without-reason"),
        (14, "maatregel_toelichting", "note-without-status"),
        (14, "maatregel_toelichting", "unknown-measure"),
        (17, "", "value-without-header"),
    }
    warnings = {(e.row, e.problem) for e in errors if e.warning}
    assert warnings == {(1, "unknown-column"), (17, "value-without-header")}
    summary = summarise(BAD, assessments, errors)
    assert (summary.read, summary.valid, summary.refused) == (15, 4, 11)
    assert not summary.ok and not summary.file_refused
    assert "15 rijen gelezen, 4 goedgekeurd, 11 geweigerd" in summary.message()


def test_error_line_names_file_row_column_value_and_expectation():
    _, errors = read_portfolio(BAD)
    err = next(e for e in errors if e.column == "samenwerkingsvorm")
    assert str(err) == (
        f"{BAD}, rij 7, kolom E 'samenwerkingsvorm': onbekende waarde '7'; verwacht: "
        "samenwerkingsvorm 1, 2, 3 of 4; 0 of geen als geen van de vier past; of order, "
        "integration, client_system, direct_contact, other; leeg = niet beantwoord")
    assert err.message("en").startswith(f"{BAD}, row 7, column E 'samenwerkingsvorm': unknown "
                                        "value '7'; expected: form of collaboration 1, 2, 3")
    dup = next(e for e in errors if e.problem == "duplicate-id")
    assert "rij 4" in str(dup) and "'dup'" in str(dup) and "al in rij 3" in str(dup)
    warn = next(e for e in errors if e.problem == "unknown-column")
    assert str(warn).startswith("waarschuwing: ") and "kolom O 'kleur'" in str(warn)
    data = err.to_dict()
    assert data["row"] == 7 and data["letter"] == "E" and data["value"] == "7"
    assert data["expected"]["nl"].startswith("samenwerkingsvorm 1, 2, 3 of 4")


def test_every_line_is_one_line_even_for_hostile_values(tmp_path):
    path = write(tmp_path, f'{NAMES};samenwerkingsvorm\nA;B;C;"\x1b[31mrood\nnieuwe regel"\n')
    err = only_error(read_portfolio(path)[1])
    assert "\x1b" not in str(err) and "\n" not in str(err)
    assert "\\x1b[31mrood\\nnieuwe regel" in str(err)


# --- delimiters, encodings ------------------------------------------------------------------

BODY = [["id", "corporatie", "aannemer", "omschrijving", "samenwerkingsvorm"],
        ["A-1", "Woonstichting De Linde", "Bouw, Sloop & Zn.", "Daken; goten", "3"],
        ["A-2", "Woongoed Kanaalzone", "Elektro Jansen", 'Zegt "hallo"\nen meer', "1"]]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize("bom", [True, False])
def test_delimiter_and_bom_are_detected(tmp_path, delimiter, bom):
    path = tmp_path / "p.csv"
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(BODY)
    assessments, errors = read_portfolio(path)
    assert errors == []
    assert [(a.id, a.contractor, a.description) for a in assessments] == [
        ("A-1", "Bouw, Sloop & Zn.", "Daken; goten"),
        ("A-2", "Elektro Jansen", 'Zegt "hallo"\nen meer')]
    assert assessments[0].answers == {"data_exchange": "client_system"}


def test_excel_sep_line_is_honoured(tmp_path):
    path = write(tmp_path, "sep=,\r\nid,corporatie,aannemer\r\nA,B;C,D\r\nE,F,G\r\n")
    assessments, errors = read_portfolio(path)
    assert errors == [] and [(a.id, a.corporation) for a in assessments] == [("A", "B;C"),
                                                                               ("E", "F")]
    assert [a.row for a in assessments] == [2, 3]


def test_text_that_is_not_utf8_is_read_as_windows_1252_and_says_so(tmp_path):
    # Dutch Excel's "CSV (puntkomma)" is cp1252 (issue 15; refused as a whole before).
    path = write(tmp_path, f"{NAMES}\nA;Woonstichting Eénhoorn;C\n", encoding="cp1252")
    assessments, errors = read_portfolio(path)
    [note] = errors
    assert [a.corporation for a in assessments] == ["Woonstichting Eénhoorn"]
    assert note.note and note.problem == "read-encoding" and "Windows-1252" in str(note)


# --- whole-file problems --------------------------------------------------------------------

def test_missing_file_and_folder(tmp_path):
    err = only_error(read_portfolio(tmp_path / "weg.csv")[1])
    assert err.problem == "not-found" and "bestand niet gevonden" in str(err)
    err = only_error(read_portfolio(tmp_path)[1])
    assert err.problem == "not-a-file"


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("leeg.csv", b"", "empty-file"),
    ("spaties.csv", b" \r\n\r\n  ", "empty-file"),
    ("oud.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "wrong-type"),
    ("oud-vermomd.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "wrong-type"),
    ("rekenblad.ods", b"PK\x03\x04rest", "wrong-type"),
    ("rapport.pdf", b"%PDF-1.4\n", "wrong-type"),
    ("ruis.csv", bytes(range(256)) * 4, "binary"),
    ("ruis-zonder-nul.csv", bytes(range(1, 256)) * 4, "binary"),
    ("ruis.xlsx", bytes(range(256)) * 4, "unreadable"),
    ("tekst.xlsx", b"id;corporatie;aannemer\nA;B;C\n", "unreadable"),
    ("kapot.xlsx", b"PK\x03\x04" + b"\x00" * 100, "unreadable"),
])
def test_unusable_files_are_refused_with_a_clear_message(tmp_path, name, content, problem):
    path = tmp_path / name
    path.write_bytes(content)
    assessments, errors = read_portfolio(path)
    err = only_error(errors)
    assert assessments == [] and err.problem == problem, str(err)
    assert str(err).startswith(str(path)) and "verwacht:" in str(err)


def test_a_field_beyond_the_csv_limit_refuses_its_row_only(tmp_path):
    # Over the csv module's 131,072 characters: the row is refused, naming the cell (issue 15).
    path = write(tmp_path, f"{NAMES}\nA;B;C\nD;E;{'x' * 200_000}\n")
    assessments, errors = read_portfolio(path)
    err = only_error(errors)
    assert [a.id for a in assessments] == ["A"]
    assert err.problem == "too-long" and err.row == 3 and err.letter == "C"
    assert not summarise(path, assessments, [err]).file_refused


def test_xlsx_zip_without_a_workbook_is_unreadable(tmp_path):
    path = tmp_path / "p.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hallo.txt", "geen werkboek")
    err = only_error(read_portfolio(path)[1])
    assert err.problem == "unreadable"


def test_header_only_is_an_empty_portfolio_with_a_warning(tmp_path):
    assessments, errors = read_portfolio(write(tmp_path, f"{NAMES}\n\n"))
    assert assessments == [] and [e.problem for e in errors] == ["no-rows"]
    assert errors[0].warning and summarise("p", assessments, errors).ok


def test_missing_required_columns_refuse_the_file(tmp_path):
    path = write(tmp_path, "id;omschrijving\nA;iets\n")
    assessments, errors = read_portfolio(path)
    assert assessments == []
    assert problems(errors) == {(1, "corporatie", "missing-column"),
                                (1, "aannemer", "missing-column")}
    err = next(e for e in errors if e.column == "aannemer")
    assert "'aannemer' of 'contractor' of 'opdrachtnemer' of 'installateur'" in str(err)
    summary = summarise(path, assessments, errors)
    assert summary.file_refused and not summary.ok and "bestand geweigerd" in summary.message()


def test_a_column_given_twice_refuses_the_file(tmp_path):
    path = write(tmp_path, "id;corporatie;aannemer;contractor\nA;B;C;D\n")
    assessments, errors = read_portfolio(path)
    err = only_error(errors)
    assert assessments == [] and err.problem == "duplicate-column"
    assert "kolom D 'contractor'" in str(err) and "ook in kolom C" in str(err)


def test_too_many_rows_and_too_large_files(tmp_path):
    assert MAX_ROWS == 100_000 and MAX_BYTES == 100 * 2**20
    five = write(tmp_path, NAMES + "\n" + "".join(f"R{i};B;C\n" for i in range(5)))
    assert len(read_portfolio(five, max_rows=5)[0]) == 5
    assessments, errors = read_portfolio(five, max_rows=4)
    err = only_error(errors)
    assert assessments == [] and err.problem == "too-many-rows" and "4" in str(err)
    err = only_error(read_portfolio(five, max_bytes=10)[1])
    assert err.problem == "too-large" and "splits" in str(err)


def test_the_real_row_limit(tmp_path):
    path = tmp_path / "groot.csv"
    path.write_text(NAMES + "\n" + "R;B;C\n" * (MAX_ROWS + 1), encoding="utf-8")
    assessments, errors = read_portfolio(path)
    err = only_error(errors)
    assert assessments == [] and err.problem == "too-many-rows"
    assert "meer dan 100.000" in str(err)


# --- ids ------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad_id", ["../x", "a/b", "a\\b", ".verborgen", "-rf", "a b", "x" * 65,
                                    "Eén", "a:b", "<script>", "=1+1"])
def test_ids_unsafe_as_file_names_are_refused(tmp_path, bad_id):
    path = tmp_path / "p.xlsx"
    write_xlsx(tmp_path, [["id", "corporatie", "aannemer"], [bad_id, "B", "C"], ["ok", "B", "C"]])
    assessments, errors = read_portfolio(path)
    err = only_error(errors)
    assert err.problem == "unsafe-id" and err.row == 2 and err.column == "id"
    assert [a.id for a in assessments] == ["ok"]


def test_duplicate_ids_ignore_case_because_they_become_file_names(tmp_path):
    path = write(tmp_path, f"{NAMES}\nAbc;B;C\nX;B;C\nABC;B;C\nabc;B;C\n")
    assessments, errors = read_portfolio(path)
    assert [a.id for a in assessments] == ["Abc", "X"]
    assert [(e.row, e.problem) for e in errors] == [(4, "duplicate-id"), (5, "duplicate-id")]
    assert all("al in rij 2" in str(e) for e in errors)


# --- XLSX specifics -------------------------------------------------------------------------

def test_xlsx_typed_cells_sheets_and_excel_row_numbers(tmp_path):
    header = ["id", "corporatie", "aannemer", "samenwerkingsvorm", "namens_opdrachtgever",
              "overeenkomst", "overeenkomst_datum", "aantal_betrokkenen", "vo_punten"]
    rows = [header,
            ["A", "B", "C", 3, True, "verwerkersovereenkomst", dt.datetime(2024, 3, 31), 1200.0,
             5],
            [None] * len(header),
            ["D", "E", "F", 9.0, "ja", None, None, None, None]]
    path = write_xlsx(tmp_path, rows, sheets={"tweede": [["id", "corporatie", "aannemer"],
                                                         ["Z", "Y", "X"]]})
    assessments, errors = read_portfolio(path)
    a = assessments[0]
    assert a.answers == {"data_exchange": "client_system", "on_behalf_of_client": True}
    assert a.agreement.date == dt.date(2024, 3, 31) and a.agreement.points["vo-05"]
    assert a.checklist["risk_profile"]["data_subjects"] == 1200
    assert problems(errors) == {(4, "samenwerkingsvorm", "bad-value")}  # empty row 3 skipped
    assert "'9'" in str(errors[0])
    other, errors = read_portfolio(path, sheet="tweede")
    assert errors == [] and [x.id for x in other] == ["Z"]
    err = only_error(read_portfolio(path, sheet="derde")[1])
    assert err.problem == "no-sheet" and "eerste, tweede" in str(err)


def test_sheet_option_on_a_csv_is_a_warning(tmp_path):
    assessments, errors = read_portfolio(write(tmp_path, f"{NAMES}\nA;B;C\n"), sheet="x")
    assert len(assessments) == 1 and [(e.problem, e.warning) for e in errors] == [
        ("sheet-ignored", True)]


def test_formula_text_in_xlsx_stays_data(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["id", "corporatie", "aannemer"])
    wb.active.append(["A", "B", None])
    cell = wb.active["C2"]
    cell.value = '=HYPERLINK("http://evil.example","x")'
    cell.data_type = "s"
    wb.save(tmp_path / "f.xlsx")
    assessments, errors = read_portfolio(tmp_path / "f.xlsx")
    assert errors == [] and assessments[0].contractor == '=HYPERLINK("http://evil.example","x")'


# --- mapping into the Assessment ------------------------------------------------------------

def test_row_maps_into_answers_agreement_and_checklist_form(tmp_path):
    header = ("id;corporation;contractor;auditor;data_exchange;Variant A;subcontractor;agreement;"
              "agreement_date;agreement_reviewed;agreement_points;data_kind;data_subjects;purpose;"
              "retention;organisation_size;TM 01;tm_03;om-04;eigen-tablets;nvt_reden;notes")
    line = ('X-1;De Linde;Kraan;J. de Vries;vorm 4;nee;JA;Verwerkersovereenkomst;31-03-2024;ja;'
            '"vo-01, 3-5";BSN;1 200;Incasso;7 jaar;Groot;present;n.v.t.;deels;afwezig;'
            '"tm-03: geen telefoons; e-mail: n.v.t.; om-04: alleen balie\neigen-tablets: geen MDM";'
            'vrij')
    assessments, errors = read_portfolio(write(tmp_path, f"{header}\n{line}\n"))
    assert errors == [], [str(e) for e in errors]
    a = assessments[0]
    assert isinstance(a, PortfolioAssessment) and a.row == 2 and a.assessment_ref is None
    assert a.answers == {"data_exchange": "direct_contact", "own_purposes_use": False,
                         "subcontractor": True}
    assert a.agreement.kind == "verwerkersovereenkomst" and a.agreement.reviewed
    assert a.agreement.date == dt.date(2024, 3, 31)
    assert [k for k, v in a.agreement.points.items() if v] == ["vo-01", "vo-03", "vo-04", "vo-05"]
    assert len(a.agreement.points) == 14
    assert a.notes == "vrij"

    def answer(status, note="", reason=""):
        return {"status": status, "note": note, "evidence": "", "reason": reason,
                "answered_by": "J. de Vries", "answered_at": ""}

    assert a.checklist == {
        "risk_profile": {"data_kind": "gevoelig", "data_subjects": 1200, "purpose": "Incasso",
                         "retention": "7 jaar", "organisation_size": "groot"},
        "answers": {"tm-01": answer("aanwezig"),
                    "tm-03": answer("nvt", reason="geen telefoons; e-mail: n.v.t."),
                    "om-04": answer("gedeeltelijk", note="alleen balie"),
                    "eigen-tablets": answer("afwezig", note="geen MDM")}}
    assert a.to_assessment().to_dict() == a.to_dict()
    assert Assessment.from_dict(a.to_dict()).checklist == a.checklist


def test_unanswered_cells_stay_unanswered(tmp_path):
    path = write(tmp_path, f"{NAMES};samenwerkingsvorm;samen_bepaald;overeenkomst;tm-01\n"
                           "A;B;C;?;onbekend;;\n")
    a = read_portfolio(path)[0][0]
    assert a.answers == {} and a.agreement.kind is None and a.checklist == {}
    assert a.classification().open_questions


def test_assessment_ref_is_carried_but_not_in_the_record(tmp_path):
    path = write(tmp_path, f"{NAMES};beoordeling_ref;samenwerkingsvorm\n"
                           "A;B;C;opgeslagen-1;\nD;E;F;opgeslagen-2;3\nG;H;I;../x;\n")
    assessments, errors = read_portfolio(path)
    assert [(a.id, a.assessment_ref) for a in assessments] == [("A", "opgeslagen-1"),
                                                               ("D", "opgeslagen-2")]
    assert "assessment_ref" not in assessments[0].to_dict()
    assert problems(errors) == {(3, "beoordeling_ref", "ref-with-answers"),
                                (4, "beoordeling_ref", "unsafe-id")}
    assert next(e for e in errors if e.row == 3).warning


def test_agreement_details_without_an_agreement_are_refused(tmp_path):
    path = write(tmp_path, f"{NAMES};overeenkomst;overeenkomst_datum;overeenkomst_getoetst\n"
                           "A;B;C;;2024-01-01;ja\nD;E;F;geen;;nee\n")
    assessments, errors = read_portfolio(path)
    assert [a.id for a in assessments] == ["D"]
    assert problems(errors) == {(2, "overeenkomst_datum", "needs-agreement"),
                                (2, "overeenkomst_getoetst", "needs-agreement")}


def test_too_long_text_is_refused(tmp_path):
    path = write(tmp_path, f"{NAMES};omschrijving\nA;B;C;{'x' * 10_001}\n")
    err = only_error(read_portfolio(path)[1])
    assert err.problem == "too-long" and "10001" in str(err) and len(str(err)) < 400


def test_english_keys_and_odd_spellings_of_headers_are_accepted(tmp_path):
    header = ["ID", " Corporation ", "CONTRACTOR", "data exchange", "On-Behalf-Of-Client",
              "tm 09"] + [c.key for c in columns() if c.key in FACT_KEYS[2:4]]
    path = tmp_path / "p.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, ["A", "B", "C", "2", "yes", "afwezig", "no", "1"]])
    assessments, errors = read_portfolio(path)
    assert errors == [], [str(e) for e in errors]
    assert assessments[0].answers == {"data_exchange": "integration", "on_behalf_of_client": True,
                                      "legal_or_professional_duty": False,
                                      "processing_is_primary_purpose": True}


def test_unknown_column_suggests_the_likely_one(tmp_path):
    _, errors = read_portfolio(write(tmp_path, f"{NAMES};samenwerkingvorm\nA;B;C;1\n"))
    assert [e.problem for e in errors] == ["unknown-column"]
    assert "bedoelt u 'samenwerkingsvorm'?" in str(errors[0])


# --- never raises ---------------------------------------------------------------------------

@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx", ".txt", ""]))
def test_any_bytes_give_errors_not_exceptions(tmp_path, content, suffix):
    path = tmp_path / f"x{suffix}"
    path.write_bytes(content)
    assessments, errors = read_portfolio(path)
    assert all(isinstance(e, RowError) and str(e) for e in errors)
    assert all(isinstance(a, PortfolioAssessment) for a in assessments)


CELLS = st.one_of(st.text(max_size=30), st.sampled_from(["ja", "nee", "1", "4", "nvt", "alle",
                                                         "1-14", "2024-01-01", "tm-01: x"]))


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(CELLS, min_size=len(columns()), max_size=len(columns())))
def test_any_cell_values_give_errors_not_exceptions(tmp_path, values):
    path = tmp_path / "p.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([[c.header for c in columns()], ["X1", "B", "C", *values[3:]]])
    assessments, errors = read_portfolio(path)
    assert all(isinstance(e, RowError) and "\n" not in str(e) for e in errors)
    assert not (assessments and any(not e.warning and e.row == 2 for e in errors))


def test_the_example_can_be_copied_anywhere(tmp_path):
    copy = shutil.copy(EXAMPLE_CSV, tmp_path / "kopie.txt")
    assessments, errors = read_portfolio(copy)
    assert errors == [] and len(assessments) >= 25

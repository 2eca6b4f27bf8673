"""The store commands as a user runs them: avgkit list / show / history / export / import."""

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import types

import pytest
from conftest import ROOT

from avgkit.assessment import Assessment
from avgkit.cli import main
from avgkit.commands._store_cli import message
from avgkit.store import ConflictError, Store, export_data


def run(*args, store=None):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
    env.pop("AVGKIT_STORE", None)
    if store is not None:
        env["AVGKIT_STORE"] = str(store)
    return subprocess.run([sys.executable, "-m", "avgkit", *map(str, args)], capture_output=True,
                          text=True, timeout=60, env=env)


@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "avgkit.sqlite"
    with Store(path) as s:
        s.create(Assessment(id="SW-001", corporation="Woonstad\x1b[31m", contractor="Bouw BV",
                            answers={"data_exchange": "client_system"}), "alice")
        s.update("SW-001", {"notes": "eerste", "answers.subcontractor": True}, "bob")
        s.update("SW-001", {"checklist.answers.tm-01": {"status": "aanwezig"},
                            "actions": [{"what": "MFA invoeren", "owner": "IT"}]}, "carol")
        s.create(Assessment(id="SW-002", status="afgerond"), "alice")
    return path


def test_list(store_path, tmp_path):
    proc = run("list", store=store_path)  # the store from $AVGKIT_STORE
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["Id", "Corporatie", "Aannemer", "Status", "Versie",
                                "Bijgewerkt", "(UTC)"]
    assert lines[1].startswith("SW-001") and " 3 " in lines[1] and "Bouw BV" in lines[1]
    assert "\x1b" not in proc.stdout  # a control sequence from the data is shown inert
    assert "2 beoordelingen in" in proc.stdout
    data = json.loads(run("list", "--store", store_path, "--json").stdout)
    assert [(d["id"], d["version"], d["status"]) for d in data] == [
        ("SW-001", 3, "concept"), ("SW-002", 1, "afgerond")]
    empty = tmp_path / "leeg.sqlite"
    Store(empty).close()
    assert "Geen beoordelingen" in run("list", "--store", empty).stdout


def test_show(store_path):
    proc = run("show", "SW-001", "--store", store_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("Beoordeling SW-001 (versie 3)")
    assert "Aannemer:     Bouw BV" in out
    assert "Aannemer/installateur: gezamenlijke verwerkingsverantwoordelijke" in out
    assert "subcontractor: ja" in out and "tm-01: aanwezig" in out
    assert "- [open] MFA invoeren (eigenaar: IT)" in out and "Notities:\n  eerste" in out
    data = json.loads(run("show", "SW-001", "--store", store_path, "--json").stdout)
    assert data["version"] == 3 and data["assessment"]["notes"] == "eerste"
    assert Assessment.from_dict(data["assessment"]) == Store(store_path).get("SW-001")


def test_show_as_of(store_path):
    with Store(store_path) as s:
        second = s.history("SW-001")[1].when
    proc = run("show", "SW-001", "--as-of", second.isoformat(), "--json", "--store", store_path)
    data = json.loads(proc.stdout)
    assert data["version"] == 2 and data["assessment"]["actions"] == []
    assert data["assessment"]["notes"] == "eerste"
    proc = run("show", "SW-001", "--as-of", "2001-01-01", "--store", store_path)
    assert proc.returncode == 1
    assert "bestond op 2001-01-01 23:59:59 UTC nog niet" in proc.stderr
    proc = run("show", "SW-001", "--as-of", "gisteren", "--store", store_path)
    assert proc.returncode == 2 and "geen datum of tijd" in proc.stderr


def test_history(store_path):
    proc = run("history", "SW-001", "--store", store_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "Geschiedenis van SW-001 (3 versies)"
    assert lines[1].startswith("versie 1  ") and lines[1].endswith("alice  aangemaakt")
    assert lines[2].startswith("versie 2  ") and lines[2].endswith("bob")
    assert '    notes: "" → eerste' in lines and "    answers.subcontractor: (leeg) → ja" in lines
    data = json.loads(run("history", "SW-001", "--json", "--store", store_path).stdout)
    assert [(c["version"], c["who"], c["path"]) for c in data][:3] == [
        (1, "alice", ""), (2, "bob", "notes"), (2, "bob", "answers.subcontractor")]


@pytest.mark.parametrize("command", [["show", "SW-999"], ["history", "SW-999"],
                                     ["export", "SW-999"]])
def test_unknown_id_exits_1(store_path, command):
    proc = run(*command, "--store", store_path)
    assert proc.returncode == 1
    assert "beoordeling 'SW-999' niet gevonden in" in proc.stderr and "Traceback" not in proc.stderr


def test_export_and_import_round_trip(store_path, tmp_path):
    out = tmp_path / "export.json"
    proc = run("export", "-o", out, "--store", store_path)
    assert proc.returncode == 0 and "2 beoordelingen geëxporteerd" in proc.stderr
    one = json.loads(run("export", "SW-002", "--store", store_path).stdout)
    assert [a["id"] for a in one["assessments"]] == ["SW-002"]

    target = tmp_path / "nieuw" / "avgkit.sqlite"
    proc = run("import", out, "--store", target)
    assert proc.returncode == 0, proc.stderr
    assert "2 nieuw, 0 bijgewerkt, 0 ongewijzigd, 0 geweigerd" in proc.stdout
    with Store(store_path) as a, Store(target) as b:
        assert b.list() == a.list()
        assert all(b.history(x.id) == a.history(x.id) for x in a.list())
    again = run("import", out, "--json", "--store", target)
    assert json.loads(again.stdout)["unchanged"] == ["SW-001", "SW-002"]


def test_import_refuses_a_diverged_assessment_with_exit_1(store_path, tmp_path):
    with Store(store_path) as s:
        data = export_data(s)
        s.update("SW-001", {"notes": "hier verder"}, "x")
    data["assessments"][0]["history"].append(
        {"version": 4, "who": "y", "when": data["exported"], "path": "notes", "old": "eerste",
         "new": "daar verder"})
    data["assessments"][0]["version"] = 4
    data["assessments"][0]["current"]["notes"] = "daar verder"
    data["assessments"][0]["current"]["updated"] = data["exported"].replace("+00:00", "Z")
    path = tmp_path / "ander.json"
    path.write_text(json.dumps(data))
    proc = run("import", path, "--store", store_path)
    assert proc.returncode == 1
    assert "0 nieuw, 0 bijgewerkt, 1 ongewijzigd, 1 geweigerd" in proc.stdout
    assert "SW-001: geweigerd" in proc.stderr and "differ from version 4" in proc.stderr
    assert Store(store_path).get("SW-001").notes == "hier verder"


@pytest.mark.parametrize(("name", "content", "needle"), [
    ("kapot.json", "{\"format\": ", "geen geldige JSON (regel 1"),
    ("ander.json", "{\"format\": \"iets\"}", "not an avgkit export"),
    ("lijst.txt", "x", "onbekend bestandstype '.txt'"),
    ("weg.json", None, "bestand niet gevonden"),
])
def test_import_of_a_bad_file_exits_2(tmp_path, name, content, needle):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    proc = run("import", path, "--store", tmp_path / "s.sqlite")
    assert proc.returncode == 2 and needle in proc.stderr and "Traceback" not in proc.stderr


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_not_a_store_exits_1_and_leaves_the_file_alone(tmp_path):
    foreign = tmp_path / "ander.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    text = tmp_path / "portfolio.csv"
    text.write_text("id;corporatie\n")
    for path, needle in ((foreign, "SQLite-database van een ander programma"),
                         (text, "geen SQLite-database")):
        before = digest(path)
        for command in (["list"], ["show", "X"], ["import", tmp_path / "leeg.json"]):
            (tmp_path / "leeg.json").write_text('{"format": "avgkit-export", '
                                                '"format_version": 1, "assessments": []}')
            proc = run(*command, "--store", path)
            assert proc.returncode == 1 and needle in proc.stderr, (command, proc.stderr)
            assert "Het bestand is niet gewijzigd" in proc.stderr
        assert digest(path) == before
    proc = run("list", "--store", tmp_path / "nergens.sqlite")
    assert proc.returncode == 1 and "geen avgkit-opslag gevonden" in proc.stderr
    assert not (tmp_path / "nergens.sqlite").exists()


def test_a_newer_store_exits_1(store_path):
    conn = sqlite3.connect(store_path)
    conn.execute("PRAGMA user_version = 5")
    conn.commit()
    conn.close()
    proc = run("list", "--store", store_path)
    assert proc.returncode == 1 and "nieuwere avgkit (schemaversie 5" in proc.stderr


def test_conflict_message_names_paths_and_who(store_path):
    with Store(store_path) as s:
        with pytest.raises(ConflictError) as info:
            s.update("SW-001", {"notes": "x", "checklist": {}}, "dave", base_version=1)
    text = message(info.value)
    assert text.startswith("beoordeling 'SW-001' is sinds versie 1 door anderen gewijzigd "
                           "(nu versie 3); niets opgeslagen:")
    assert "  notes: gewijzigd door bob op " in text
    assert "  checklist (via checklist.answers.tm-01)" not in text  # the path is named as asked
    assert "  checklist: gewijzigd door carol" in text


# -- portfolio import: avgkit.portfolio is another helper's module -----------------------------

def test_portfolio_import_without_the_portfolio_module(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "avgkit.portfolio", None)  # as if it were not installed
    path = tmp_path / "portfolio.csv"
    path.write_text("id\nSW-1\n")
    assert main(["import", str(path), "--store", str(tmp_path / "s.sqlite")]) == 1
    err = capsys.readouterr().err
    assert "portfolio-import (.csv, .xlsx) is in deze installatie niet beschikbaar" in err
    assert "avgkit.portfolio ontbreekt" in err


class RowError:
    """What read_portfolio reports for a refused row (file, row, column, value, expected)."""

    warning = note = False
    problem = "bad-value"

    def __init__(self, file, row, column, value, expected):
        self.file, self.row, self.column, self.value, self.expected = \
            file, row, column, value, expected

    def __str__(self):
        return f"{self.file}, rij {self.row}, kolom {self.column}: {self.value!r}; " \
               f"verwacht {self.expected}"


def test_portfolio_import_dispatches_to_read_portfolio(tmp_path, monkeypatch, capsys):
    # A stand-in with read_portfolio's contract, to test the dispatch until the module lands.
    path = tmp_path / "portfolio.xlsx"
    path.write_bytes(b"stand-in")
    seen = []

    def iter_portfolio(p):  # read_portfolio's streaming form: (assessment or None, errors)
        seen.append(p)
        yield Assessment(id="SW-1", corporation="Woonstad"), []
        yield Assessment(id="SW-2", contractor="Bouw BV"), []
        yield None, [RowError(p.name, 4, "vorm", "7", "1-4 of geen")]

    from avgkit.portfolio_errors import Counter

    module = types.ModuleType("avgkit.portfolio")
    module.iter_portfolio, module.Counter = iter_portfolio, Counter
    monkeypatch.setitem(sys.modules, "avgkit.portfolio", module)
    store = tmp_path / "s.sqlite"
    with Store(store) as s:
        s.create(Assessment(id="SW-2", notes="bewaard"), "alice")
    assert main(["import", str(path), "--store", str(store), "--who", "import-bot"]) == 1
    out, err = capsys.readouterr()
    assert seen == [path]
    assert "1 nieuw, 1 bijgewerkt, 0 ongewijzigd, 1 geweigerd" in out
    assert "portfolio.xlsx, rij 4, kolom vorm: '7'; verwacht 1-4 of geen" in err
    with Store(store) as s:
        assert s.get("SW-1").corporation == "Woonstad"
        assert s.get("SW-2").contractor == "Bouw BV" and s.get("SW-2").notes == "bewaard"
        assert s.history("SW-2")[-1].who == "import-bot"

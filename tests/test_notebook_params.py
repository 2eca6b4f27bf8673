"""Notebook parameters and the Voilà query string: untrusted input, parsed safely."""

import pytest

from avgkit.notebook import parse_query, resolve_store_path


def test_valid_query_is_taken(tmp_path):
    store = tmp_path / "s.sqlite"
    store.write_bytes(b"")
    params = parse_query(f"?id=SW-001&lang=en&store={store}")
    assert (params.assessment_id, params.lang, params.store) == ("SW-001", "en", str(store))
    assert params.ignored == []


@pytest.mark.parametrize(("query", "problem"), [
    ("id=../../etc/passwd", "id:"),
    ("id=%3Cscript%3E", "id:"),
    ("lang=de", "lang:"),
    ("store=/etc/passwd", "store:"),
    ("store=/nonexistent/x.sqlite", "store: no such file"),
    ("store=a%00.sqlite", "store:"),
    ("evil=1", "evil: unknown parameter"),
])
def test_bad_values_are_ignored_and_named(query, problem):
    params = parse_query(query)
    assert params.assessment_id is None and params.lang is None and params.store is None
    assert any(p.startswith(problem) for p in params.ignored), params.ignored


def test_empty_and_oversized_queries():
    assert parse_query("") == parse_query(None)
    assert parse_query("id=" + "x" * 5000).ignored


def test_store_path_resolution(tmp_path, monkeypatch):
    monkeypatch.delenv("AVGKIT_STORE", raising=False)
    assert resolve_store_path(str(tmp_path / "a.sqlite")) == tmp_path / "a.sqlite"
    monkeypatch.setenv("AVGKIT_STORE", str(tmp_path / "env.sqlite"))
    assert resolve_store_path("") == tmp_path / "env.sqlite"
    # a notebook runs in notebooks/: the default store is the checkout's data/
    monkeypatch.delenv("AVGKIT_STORE")
    (tmp_path / "avgkit").mkdir()
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    assert resolve_store_path("") == tmp_path / "data" / "avgkit.sqlite"


def test_run_takes_the_query_string_and_says_what_it_ignored(tmp_path, capsys):
    from avgkit.assessment import Assessment
    from avgkit.notebook import run
    from avgkit.store import Store

    path = tmp_path / "s.sqlite"
    Store(path).create(Assessment(id="SW-001", corporation="C", contractor="A"), "test")
    app = run("samenwerking", store_path=str(path), query="id=SW-001&lang=en&evil=<b>1</b>")
    assert app.session.id == "SW-001" and app.lang == "en"
    assert "evil: unknown parameter" in app.message.value and "<b>" not in app.message.value


def test_report_mode_never_creates_a_store_and_names_a_missing_id(tmp_path):
    from avgkit.notebook import run
    from avgkit.store import Store

    missing = tmp_path / "nope.sqlite"
    with pytest.raises(FileNotFoundError, match="never creates"):
        run("samenwerking", "SW-001", str(missing), interactive=False, query="")
    assert not missing.exists()
    Store(tmp_path / "s.sqlite")
    with pytest.raises(LookupError, match="SW-404"):
        run("samenwerking", "SW-404", str(tmp_path / "s.sqlite"), interactive=False, query="")
    with pytest.raises(ValueError, match="kind"):
        run("onzin", query="")


def test_interactive_run_on_a_foreign_file_says_so_and_leaves_it(tmp_path, capsys):
    from avgkit.notebook import run, store_problem_html

    foreign = tmp_path / "other.sqlite"
    foreign.write_bytes(b"not a database at all" * 100)
    before = foreign.read_bytes()
    assert run("samenwerking", store_path=str(foreign), query="") is None
    assert "could not be opened: &lt;x&gt;" in store_problem_html("en", OSError("<x>"))
    assert foreign.read_bytes() == before

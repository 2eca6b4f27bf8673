"""The store API on real SQLite files: saving, paths, history, rebuild, as-of reads, conflicts."""

import datetime as dt
import sqlite3
import time

import pytest

from avgkit.assessment import Action, Assessment
from avgkit.store import (
    ConflictError,
    NotFoundError,
    Store,
    StoreError,
    default_store_path,
)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "data" / "avgkit.sqlite") as s:
        yield s


def sample(id="SW-001", **fields):
    return Assessment(id=id, corporation="Woonstad", contractor="Bouwbedrijf X",
                      answers={"data_exchange": "client_system"}, **fields)


def test_create_get_version_list(store, tmp_path):
    assert (tmp_path / "data" / "avgkit.sqlite").is_file()  # parent folder made on first use
    assert store.create(sample(), "alice") == 1
    got = store.get("SW-001")
    assert got.corporation == "Woonstad" and got.answers == {"data_exchange": "client_system"}
    assert got.created is not None and got.created == got.updated
    assert got.created.tzinfo is not None
    assert store.version("SW-001") == 1
    store.create(sample("SW-000"), "alice")
    assert [a.id for a in store.list()] == ["SW-000", "SW-001"]
    assert store.versions() == {"SW-000": 1, "SW-001": 1}


def test_create_keeps_a_given_creation_date_and_refuses_a_taken_id(store):
    when = dt.datetime(2023, 3, 1, 9, 30, tzinfo=dt.UTC)
    store.create(sample(created=when), "alice")
    assert store.get("SW-001").created == when
    with pytest.raises(StoreError, match="already exists") as info:
        store.create(sample(), "bob")
    assert info.value.code == "exists"
    assert store.version("SW-001") == 1


def test_missing_ids_raise_not_found(store):
    for call in (store.get, store.version, store.history, store.rebuild):
        with pytest.raises(NotFoundError):
            call("nope")
    with pytest.raises(NotFoundError):
        store.update("nope", {"notes": "x"}, "alice")
    with pytest.raises(LookupError):  # NotFoundError is also a LookupError
        store.get("nope")


def test_update_by_paths(store):
    store.create(sample(), "alice")
    v = store.update("SW-001", {
        "notes": "eerste bezoek",
        "agreement.kind": "verwerkersovereenkomst",
        "agreement.date": dt.date(2024, 2, 1),
        "agreement.points.vo-01": True,
        "answers.subcontractor": True,
        "checklist.risk_profile.data_kind": "gevoelig",
        "checklist.answers.tm-01": {"status": "aanwezig", "note": "MFA"},
    }, "bob")
    assert v == 2
    a = store.get("SW-001")
    assert a.notes == "eerste bezoek"
    assert a.agreement.kind == "verwerkersovereenkomst" and a.agreement.date == dt.date(2024, 2, 1)
    assert a.agreement.points == {"vo-01": True}
    assert a.answers == {"data_exchange": "client_system", "subcontractor": True}
    assert a.checklist == {"risk_profile": {"data_kind": "gevoelig"},
                           "answers": {"tm-01": {"status": "aanwezig", "note": "MFA"}}}
    assert a.updated > a.created
    # None clears a key in answers / agreement.points / checklist.answers, and is kept as a
    # value elsewhere (risk_profile.data_kind may be null).
    store.update("SW-001", {"answers.subcontractor": None, "agreement.points.vo-01": None,
                            "checklist.answers.tm-01": None,
                            "checklist.risk_profile.data_kind": None}, "bob")
    a = store.get("SW-001")
    assert a.answers == {"data_exchange": "client_system"} and a.agreement.points == {}
    assert a.checklist == {"risk_profile": {"data_kind": None}, "answers": {}}


def test_actions_whole_list_append_and_item_fields(store):
    store.create(sample(), "alice")
    store.update("SW-001", {"actions": [Action(what="MFA invoeren", finding="tm-01")]}, "bob")
    store.update("SW-001", {"actions.1": {"what": "Logging", "owner": "IT"}}, "bob")  # append
    store.update("SW-001", {"actions.0.status": "gereed"}, "carol")
    a = store.get("SW-001")
    assert [(x.what, x.status) for x in a.actions] == [("MFA invoeren", "gereed"),
                                                        ("Logging", "open")]
    with pytest.raises(ValueError, match="past the end"):
        store.update("SW-001", {"actions.5": {"what": "x"}}, "bob")


def test_an_update_that_changes_nothing_keeps_the_version(store):
    store.create(sample(notes="x"), "alice")
    assert store.update("SW-001", {"notes": "x", "answers.subcontractor": None}, "bob") == 1
    assert len(store.history("SW-001")) == 1


@pytest.mark.parametrize(("changes", "needle"), [
    ({"colour": "red"}, "unknown field 'colour'"),
    ({"id": "other"}, "kept by the store"),
    ({"updated": "2020-01-01T00:00:00Z"}, "kept by the store"),
    ({"answers.colour": True}, "unknown fact key"),
    ({"answers.subcontractor": "misschien"}, "must be True, False or None"),
    ({"status": "klaar"}, "status"),
    ({"agreement.kind": "handdruk"}, "agreement.kind"),
    ({"notes.x": 1}, "not a mapping"),
    ({"agreement..kind": 1}, "empty segment"),
    ({"agreement": {}, "agreement.kind": "geen"}, "overlap"),
    ({"checklist.x": object()}, "cannot be saved as JSON"),
])
def test_bad_changes_are_refused_and_nothing_is_written(store, changes, needle):
    store.create(sample(), "alice")
    with pytest.raises(ValueError, match=needle):
        store.update("SW-001", changes, "bob")
    assert store.version("SW-001") == 1 and len(store.history("SW-001")) == 1


def test_who_is_required(store):
    with pytest.raises(ValueError, match="who"):
        store.create(sample(), " ")


def test_history_records_who_when_path_old_new_version(store):
    store.create(sample(), "alice")
    store.update("SW-001", {"notes": "a", "answers.subcontractor": True}, "bob")
    store.update("SW-001", {"notes": "b"}, "carol")
    h = store.history("SW-001")
    assert [(c.version, c.who, c.path) for c in h] == [
        (1, "alice", ""), (2, "bob", "notes"), (2, "bob", "answers.subcontractor"),
        (3, "carol", "notes")]
    assert h[0].old is None and h[0].new["corporation"] == "Woonstad"
    assert (h[1].old, h[1].new) == ("", "a") and (h[2].old, h[2].new) == (None, True)
    assert (h[3].old, h[3].new) == ("a", "b")
    assert all(c.when.tzinfo is not None for c in h)
    assert [c.when for c in h] == sorted(c.when for c in h)
    assert h[3].when == store.get("SW-001").updated


def test_rebuild_from_history_equals_the_saved_state_at_every_version(store):
    store.create(sample(), "alice")
    states = {1: store.get("SW-001")}
    edits = [{"notes": "a"}, {"answers.subcontractor": True, "agreement.kind": "geen"},
             {"checklist.answers.tm-02": {"status": "afwezig"}}, {"answers.subcontractor": None},
             {"actions": [{"what": "x"}]}, {"actions.0.owner": "Piet"}, {"checklist": {}},
             {"status": "afgerond"}]
    for edit in edits:
        v = store.update("SW-001", edit, "bob")
        states[v] = store.get("SW-001")
    assert store.rebuild("SW-001") == store.get("SW-001")
    for version, state in states.items():
        assert store.rebuild("SW-001", version) == state
    # The cache of the current state is not what rebuild reads: tamper with it and compare.
    conn = sqlite3.connect(store.path)
    conn.execute("UPDATE assessments SET data = replace(data, '\"afgerond\"', '\"concept\"')")
    conn.commit()
    conn.close()
    assert store.get("SW-001").status == "concept"
    assert store.rebuild("SW-001").status == "afgerond"


def test_as_of_reads_the_state_at_a_moment(store):
    store.create(sample(), "alice")
    store.update("SW-001", {"notes": "a"}, "bob")
    store.update("SW-001", {"notes": "b", "status": "afgerond"}, "carol")
    h = store.history("SW-001")
    created, second, third = h[0].when, h[1].when, h[2].when
    assert store.as_of("SW-001", created).notes == ""
    assert store.as_of("SW-001", second).notes == "a"
    assert store.as_of("SW-001", third) == store.get("SW-001")
    assert store.as_of("SW-001", third + dt.timedelta(days=1)) == store.get("SW-001")
    assert store.as_of("SW-001", third.date()) == store.get("SW-001")  # a date: end of that day
    # A naive datetime is read as UTC; another zone is converted.
    assert store.as_of("SW-001", second.replace(tzinfo=None)).notes == "a"
    cet = dt.timezone(dt.timedelta(hours=1))
    assert store.as_of("SW-001", second.astimezone(cet)).notes == "a"
    with pytest.raises(NotFoundError, match="did not exist yet") as info:
        store.as_of("SW-001", created - dt.timedelta(seconds=1))
    assert info.value.when is not None
    with pytest.raises(NotFoundError):
        store.as_of("nope", third)


def test_as_of_between_changes(store):
    store.create(sample(), "alice")
    store.update("SW-001", {"notes": "a"}, "bob")
    time.sleep(0.01)
    store.update("SW-001", {"notes": "b"}, "bob")
    h = store.history("SW-001")
    between = h[1].when + (h[2].when - h[1].when) / 2
    assert h[1].when < between < h[2].when
    assert store.as_of("SW-001", between).notes == "a"


def test_field_level_merge_between_two_store_objects(tmp_path):
    path = tmp_path / "s.sqlite"
    with Store(path) as one, Store(path) as two:
        one.create(sample(), "alice")
        base = two.version("SW-001")
        assert one.update("SW-001", {"answers.subcontractor": True}, "alice",
                          base_version=base) == 2
        # Disjoint paths with the same stale base merge.
        assert two.update("SW-001", {"checklist.answers.tm-01": {"status": "aanwezig"}}, "bob",
                          base_version=base) == 3
        a = one.get("SW-001")
        assert a.answers["subcontractor"] is True and "tm-01" in a.checklist["answers"]


@pytest.mark.parametrize(("theirs", "their_value", "mine", "my_value"), [
    ("notes", "x", "notes", "y"),
    ("checklist.answers.tm-01", {"status": "aanwezig"}, "checklist.answers.tm-01.note", "y"),
    ("checklist.answers.tm-01.status", "aanwezig", "checklist.answers.tm-01", {"status": "nvt"}),
    ("agreement.points.vo-03", True, "agreement", {"kind": "geen"}),
])
def test_a_stale_change_of_the_same_path_raises_conflict(store, theirs, their_value, mine,
                                                         my_value):
    store.create(sample(), "alice")
    store.update("SW-001", {"checklist.answers.tm-01": {"status": "afwezig"}}, "alice")
    base = store.version("SW-001")
    store.update("SW-001", {theirs: their_value}, "bob", base_version=base)
    before = store.get("SW-001")
    with pytest.raises(ConflictError) as info:
        store.update("SW-001", {mine: my_value, "description": "ok"}, "carol",
                     base_version=base)
    err = info.value
    assert err.paths == [mine] and err.conflicts[0].changed_path == theirs
    assert err.conflicts[0].who == "bob" and err.conflicts[0].version == base + 1
    assert err.base_version == base and err.current_version == base + 1
    assert "bob" in str(err) and mine in str(err)
    assert store.get("SW-001") == before  # nothing of the refused update was written
    # After reading again, the same change goes through.
    store.update("SW-001", {mine: my_value}, "carol", base_version=store.version("SW-001"))
    assert store.version("SW-001") == base + 2


def test_a_stale_write_of_the_value_already_there_still_conflicts(store):
    # Two read-modify-writes of a counter from the same base both compute 1; the second must
    # not pass as a no-op, or an increment is lost.
    store.create(sample(), "alice")
    store.update("SW-001", {"checklist.counter": 1}, "bob", base_version=1)
    with pytest.raises(ConflictError, match="checklist.counter"):
        store.update("SW-001", {"checklist.counter": 1}, "carol", base_version=1)


def test_without_base_version_the_last_writer_wins_but_history_keeps_both(store):
    store.create(sample(), "alice")
    store.update("SW-001", {"notes": "bob's"}, "bob")
    store.update("SW-001", {"notes": "carol's"}, "carol")
    assert [c.new for c in store.history("SW-001")[1:]] == ["bob's", "carol's"]


def test_a_base_version_from_the_future_is_refused(store):
    store.create(sample(), "alice")
    with pytest.raises(ValueError, match="newer than the stored"):
        store.update("SW-001", {"notes": "x"}, "bob", base_version=5)


def test_default_store_path(monkeypatch, tmp_path):
    monkeypatch.delenv("AVGKIT_STORE", raising=False)
    assert str(default_store_path()) == "data/avgkit.sqlite"
    monkeypatch.setenv("AVGKIT_STORE", str(tmp_path / "x.sqlite"))
    assert default_store_path() == tmp_path / "x.sqlite"
    with Store() as s:
        assert s.path == tmp_path / "x.sqlite" and s.path.is_file()


def test_wal_mode_and_integrity(store):
    store.create(sample(), "alice")
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert store.check() == "ok"

"""Who a change is recorded under, and what each role may do (issue 14).

The author of a change is the logged-in user (team server) or the OS user (laptop), never the
assessment's auditor field ("Beoordelaar"), which is an answer like any other."""

import pytest

from avgkit import identity
from avgkit.assessment import Assessment
from avgkit.roles import ACTIONS, ROLES, RoleError, action_for_update, allowed_update, can
from avgkit.server.session import ActingStore, ReadOnlyStore, split_store_param
from avgkit.store import Store
from avgkit.widgets import App


@pytest.fixture
def store(tmp_path, monkeypatch):
    for name in (identity.SERVER_ENV, identity.ROLE_ENV, identity.HUB_USER_ENV):
        monkeypatch.delenv(name, raising=False)
    store = Store(tmp_path / "avgkit.sqlite")
    store.create(Assessment(id="SW-001", corporation="C", contractor="A", auditor="Anna"),
                 "setup")
    return store


def change_something(app):
    assert app.session.save({"notes": "gewijzigd"})
    return app.session.store.history("SW-001")[-1].who


def test_laptop_author_is_the_os_user_not_the_auditor_field(store):
    app = App("samenwerking", store, "nl", "SW-001")
    assert change_something(app) == identity.os_user() != "Anna"


def test_server_author_is_the_logged_in_user_whatever_the_app_passes(store, monkeypatch):
    monkeypatch.setenv(identity.SERVER_ENV, "1")
    monkeypatch.setenv(identity.HUB_USER_ENV, "bob")
    monkeypatch.setenv(identity.ROLE_ENV, "auditor")
    acting = ActingStore(store.path, author=identity.author(), role=identity.role())
    app = App("samenwerking", acting, "nl", "SW-001", who="Anna")
    assert change_something(app) == "bob"
    assert acting.update("SW-001", {"description": "x"}, "mallory") > 1
    assert store.history("SW-001")[-1].who == "bob"


def test_server_mode_without_a_user_refuses_to_guess(monkeypatch):
    monkeypatch.setenv(identity.SERVER_ENV, "1")
    monkeypatch.delenv(identity.HUB_USER_ENV, raising=False)
    with pytest.raises(identity.IdentityError):
        identity.author("alice")


def test_unknown_role_is_treated_as_reader(monkeypatch):
    monkeypatch.setenv(identity.SERVER_ENV, "1")
    monkeypatch.setenv(identity.ROLE_ENV, "admin")
    assert identity.role() == "reader"
    monkeypatch.delenv(identity.SERVER_ENV)
    assert identity.role() is None  # laptop: everything allowed


def test_role_table():
    assert can("auditor", "edit") and can("auditor", "create")
    assert not can("auditor", "sign_off")
    assert can("reviewer", "sign_off") and can("reviewer", "reopen")
    assert not can("reviewer", "edit")
    assert [a for a in ACTIONS if can("reader", a)] == ["overview", "report"]
    assert all(can(None, a) for a in ACTIONS)
    assert not can("stranger", "report")
    with pytest.raises(ValueError):
        can("auditor", "delete everything")
    assert set(ROLES) == {"auditor", "reviewer", "reader"}
    assert action_for_update(["status"]) == "sign_off"
    assert action_for_update(["status", "answers.subcontractor"]) == "edit"
    assert allowed_update("reviewer", ["status"]) and not allowed_update("reader", ["status"])


def test_reviewer_and_reader_cannot_edit_through_the_store(store):
    reviewer = ActingStore(store.path, author="rita", role="reviewer")
    with pytest.raises(RoleError):
        reviewer.update("SW-001", {"answers.subcontractor": True}, "rita")
    with pytest.raises(RoleError):
        reviewer.create(Assessment(id="SW-009"), "rita")
    assert reviewer.update("SW-001", {"status": "afgerond"}, "x") == 2
    assert store.history("SW-001")[-1].who == "rita"
    reader = ActingStore(store.path, author="ron", role="reader")
    with pytest.raises(RoleError):
        reader.update("SW-001", {"status": "concept"}, "ron")
    assert store.version("SW-001") == 2


def test_read_only_store_reads_and_cannot_write_even_with_sql(store):
    ro = ReadOnlyStore(store.path)
    assert [a.id for a in ro.list()] == ["SW-001"]
    with pytest.raises(RoleError):
        ro.update("SW-001", {"notes": "x"}, "ron")
    import sqlite3
    with pytest.raises(sqlite3.OperationalError):
        ro._connection().execute("DELETE FROM history")
    assert len(store.history("SW-001")) == 1


def test_store_parameter_is_dropped_unread():
    assert split_store_param("id=SW-001&store=/etc/passwd&lang=en") == ("id=SW-001&lang=en",
                                                                        True)
    assert split_store_param("id=SW-001") == ("id=SW-001", False)
    assert split_store_param(None) == (None, False)


def test_creating_records_the_user_not_the_auditor_field(store, monkeypatch):
    app = App("samenwerking", store)
    p = app.picker
    p.new_id.value, p.new_corporation.value, p.new_contractor.value = "SW-002", "C", "A"
    p.new_auditor.value = "Anna"
    p.create_button.click()
    assert store.history("SW-002")[0].who == identity.os_user()
    assert store.get("SW-002").auditor == "Anna"  # still an answer
    monkeypatch.setenv(identity.SERVER_ENV, "1")
    monkeypatch.setenv(identity.HUB_USER_ENV, "bob")
    app = App("samenwerking", store)
    assert app.picker.new_auditor.value == "bob"  # the default answer is the logged-in user


def test_server_store_errors_carry_no_paths(store, monkeypatch):
    import sqlite3

    from avgkit.store import NotFoundError, StoreError

    acting = ActingStore(store.path, author="bob", role="auditor")
    with pytest.raises(NotFoundError):
        acting.get("SW-404")

    def locked(*_a, **_k):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(acting, "_connection", locked)
    with pytest.raises(StoreError) as err:
        acting.update("SW-001", {"notes": "x"})
    assert str(store.path) not in str(err.value) and str(store.path.parent) not in str(err.value)
    assert "niet beschikbaar" in str(err.value)

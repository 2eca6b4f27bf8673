"""Files that are not (usable) avgkit stores are refused with a clear error and left untouched;
older stores are migrated, all or nothing."""

import hashlib
import os
import sqlite3

import pytest

from avgkit.assessment import Assessment
from avgkit.store import Store, StoreError, schema


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sidecars(path):
    return sorted(p.name for p in path.parent.iterdir() if p.name != path.name)


def refuse(path, code, needle):
    """Open must fail with this code and message; the file's bytes stay the same."""
    before, around = digest(path), sidecars(path)
    with pytest.raises(StoreError, match=needle) as info:
        Store(path)
    assert info.value.code == code and info.value.path == path
    assert digest(path) == before
    return around


def make_foreign(path, wal=False, app_id=0):
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    if app_id:
        conn.execute(f"PRAGMA application_id = {app_id}")
    conn.execute("CREATE TABLE users (name TEXT)")
    conn.execute("INSERT INTO users VALUES ('piet')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("wal", [False, True])
@pytest.mark.parametrize("app_id", [0, 42])
def test_another_programs_sqlite_database_is_refused_untouched(tmp_path, wal, app_id):
    path = tmp_path / "other.db"
    make_foreign(path, wal=wal, app_id=app_id)
    around = refuse(path, "foreign", "another program's SQLite database")
    assert sidecars(path) == around == []  # not even opened: no -wal/-shm appear
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM users").fetchall() == [("piet",)]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    conn.close()


@pytest.mark.parametrize(("content", "code", "needle"), [
    (os.urandom(8192), "not-sqlite", "not a SQLite database"),
    (b"id;corporatie\nSW-1;Woonstad\n", "not-sqlite", "not a SQLite database"),
    (b"SQLite format 3\x00" + b"\x00" * 20, "not-sqlite", "not a SQLite database"),  # truncated
    (b"", "empty", "empty file"),
])
def test_corrupt_or_other_files_are_refused_untouched(tmp_path, content, code, needle):
    path = tmp_path / "avgkit.sqlite"
    path.write_bytes(content)
    refuse(path, code, needle)
    assert sidecars(path) == []


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(StoreError, match="directory"):
        Store(tmp_path)


def test_a_missing_store_is_not_created_when_asked_not_to(tmp_path):
    with pytest.raises(StoreError, match="no avgkit store") as info:
        Store(tmp_path / "nothere.sqlite", create=False)
    assert info.value.code == "missing" and not (tmp_path / "nothere.sqlite").exists()


def filled_store(path, n=30):
    with Store(path) as s:
        for i in range(n):
            s.create(Assessment(id=f"SW-{i:03d}", notes="x" * 2000), "alice")
    assert sidecars(path) == []  # closed cleanly: the log is checkpointed and removed
    return path


def test_a_newer_schema_is_refused_untouched(tmp_path):
    path = filled_store(tmp_path / "s.sqlite", n=1)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    refuse(path, "newer", "newer avgkit \\(schema version 99")


def test_a_newer_schema_still_in_the_write_ahead_log_is_refused(tmp_path):
    path = filled_store(tmp_path / "s.sqlite", n=1)
    conn = sqlite3.connect(path)  # a newer avgkit, still running: its change is in the log only
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    try:
        assert int.from_bytes(path.read_bytes()[60:64], "big") == 1  # the header lags
        refuse(path, "newer", "schema version 7")
    finally:
        conn.close()


def test_a_damaged_schema_page_is_refused_untouched(tmp_path):
    path = filled_store(tmp_path / "s.sqlite")
    data = bytearray(path.read_bytes())
    data[100:4096] = os.urandom(3996)  # page 1 after the header: the schema table
    path.write_bytes(bytes(data))
    refuse(path, "damaged", "damaged avgkit store")


def test_damaged_data_pages_give_a_store_error_not_a_raw_sqlite_error(tmp_path):
    path = filled_store(tmp_path / "s.sqlite")
    data = bytearray(path.read_bytes())
    for page in range(2, len(data) // 4096):  # every page but the first
        data[page * 4096:(page + 1) * 4096] = os.urandom(4096)
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(StoreError) as info:
        with Store(path) as s:
            s.list()
            s.check()
    assert info.value.code == "damaged"
    assert digest(path) == before


def test_a_store_without_its_tables_is_refused(tmp_path):
    path = filled_store(tmp_path / "s.sqlite", n=1)
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE history")
    conn.commit()
    conn.close()
    refuse(path, "damaged", "tables missing: history")


def test_a_new_store_is_marked_as_ours(tmp_path):
    path = filled_store(tmp_path / "s.sqlite", n=1)
    head = path.read_bytes()[:100]
    assert head[68:72] == b"avgk"
    assert int.from_bytes(head[60:64], "big") == schema.schema_version()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta WHERE key = 'format'").fetchone() == \
        ("avgkit-store",)
    conn.close()


def test_an_older_store_is_migrated(tmp_path, monkeypatch):
    path = filled_store(tmp_path / "s.sqlite", n=3)
    v2 = (2, "index for as-of reads", ("CREATE INDEX history_at ON history (assessment_id, at)",))
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, v2])
    with Store(path) as s:
        assert [a.id for a in s.list()] == ["SW-000", "SW-001", "SW-002"]
        s.update("SW-001", {"notes": "na migratie"}, "bob")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'history_at'"
                        ).fetchone()[0] == 1
    conn.close()
    # And this avgkit, which knows only version 1, now refuses the newer file.
    monkeypatch.undo()
    refuse(path, "newer", "schema version 2")


def test_a_failing_migration_changes_nothing(tmp_path, monkeypatch):
    path = filled_store(tmp_path / "s.sqlite", n=3)
    broken = (2, "broken", ("CREATE TABLE extra (x)", "CREATE TABLE history (x)"))
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, broken])
    with pytest.raises(StoreError, match="already exists"):
        Store(path)
    monkeypatch.undo()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'extra'"
                        ).fetchone()[0] == 0
    conn.close()
    with Store(path) as s:
        assert len(s.list()) == 3

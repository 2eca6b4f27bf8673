"""The store file: how an avgkit store is recognised, created and migrated.

An avgkit store is a SQLite file whose header carries our application_id and whose user_version
is the schema version. Any other file is refused before SQLite opens it for writing: the header
is read as plain bytes, then the schema through a read-only connection. A new store is built in
a temporary file and linked into place in one step, so a file at the path is never half made."""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from avgkit.store.errors import StoreError

MAGIC = b"SQLite format 3\x00"
APPLICATION_ID = int.from_bytes(b"avgk", "big")  # PRAGMA application_id of every avgkit store
TABLES = ("meta", "assessments", "history")

# (version, what it does, statements). A new store runs all of them in order; an older store runs
# those above its user_version, in one transaction. Never edit a released migration: add one.
MIGRATIONS: list[tuple[int, str, Sequence[str]]] = [
    (1, "meta, current state, history", (
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "INSERT INTO meta (key, value) VALUES ('format', 'avgkit-store')",
        # The current state of each assessment: a cache of its history, written together with it.
        "CREATE TABLE assessments (id TEXT PRIMARY KEY, version INTEGER NOT NULL,"
        " updated TEXT NOT NULL, data TEXT NOT NULL)",
        # One row per changed path; all rows of one update share a version. old/new are JSON
        # (NULL = key absent); path '' holds the whole record at creation.
        "CREATE TABLE history (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
        " assessment_id TEXT NOT NULL, version INTEGER NOT NULL, who TEXT NOT NULL,"
        " at TEXT NOT NULL, path TEXT NOT NULL, old TEXT, new TEXT,"
        " UNIQUE (assessment_id, version, path))",
    )),
]


def schema_version() -> int:
    return MIGRATIONS[-1][0]


def writable_folder(path: Path) -> bool:
    """Can SQLite create its -wal/-shm files beside the store? Not in a read-only folder or on a
    read-only file system (there a store can still be read: see _uri)."""
    folder = path.resolve().parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return False
    except OSError:
        return True
    return os.access(folder, os.W_OK)


def _uri(path: Path, mode: str) -> str:
    wal = Path(f"{path}-wal")
    if mode == "ro" and not writable_folder(path) and not (wal.exists() and wal.stat().st_size):
        # WAL needs a writable folder even to read; with no log pending (a store closed cleanly
        # has none) immutable reads the file as it is. With a pending log SQLite reads it as-is.
        return f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    return f"{path.resolve().as_uri()}?mode={mode}"


def connect(path: Path, timeout: float) -> sqlite3.Connection:
    """A read-write connection to an existing file (never creates one). Transactions are managed
    explicitly (BEGIN IMMEDIATE for writes) so writers queue on the lock instead of failing."""
    mode = "rw" if writable_folder(path) else "ro"  # read-only folder: listing still works
    conn = sqlite3.connect(_uri(path, mode), uri=True, timeout=timeout, isolation_level=None,
                           check_same_thread=False)
    # FULL: a commit that returned is on disk, even if the machine loses power right after.
    conn.execute("PRAGMA synchronous=FULL")
    return conn


def inspect(path: Path) -> None:
    """Refuse anything that is not an avgkit store this version can use; never writes."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except IsADirectoryError:
        raise StoreError(f"{path} is a directory, not a store file", path=path,
                         code="not-sqlite") from None
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}", path=path, code="io") from None
    if not head:
        raise StoreError(f"{path} is an empty file, not an avgkit store", path=path, code="empty")
    if len(head) < 100 or not head.startswith(MAGIC):
        raise StoreError(f"{path} is not an avgkit store: not a SQLite database "
                         "(damaged, or another kind of file)", path=path, code="not-sqlite")
    app_id = int.from_bytes(head[68:72], "big")
    if app_id != APPLICATION_ID:
        raise StoreError(f"{path} is another program's SQLite database (application_id "
                         f"{app_id:#x}), not an avgkit store", path=path, code="foreign",
                         application_id=app_id)
    _check_version(path, int.from_bytes(head[60:64], "big"))
    # The header can lag behind the write-ahead log; ask SQLite, read-only.
    try:
        conn = sqlite3.connect(_uri(path, "ro"), uri=True, timeout=30)
        try:
            found = conn.execute("PRAGMA user_version").fetchone()[0]
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:  # e.g. no access to the folder for the -shm file
        raise StoreError(f"cannot open {path} read-only: {exc}", path=path, code="io") from None
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is a damaged avgkit store: {exc}", path=path,
                         code="damaged") from None
    _check_version(path, found)
    missing = [t for t in TABLES if t not in names]
    if missing:
        raise StoreError(f"{path} is a damaged avgkit store: tables missing: "
                         f"{', '.join(missing)}", path=path, code="damaged")


def _check_version(path: Path, found: int) -> None:
    if found > schema_version():
        raise StoreError(f"{path} was written by a newer avgkit (schema version {found}; this "
                         f"avgkit knows up to {schema_version()}): upgrade avgkit", path=path,
                         code="newer", found=found, supported=schema_version())
    if found < 1:
        raise StoreError(f"{path} is a damaged avgkit store: no schema version", path=path,
                         code="damaged")


def _run_migrations(conn: sqlite3.Connection, start: int, target: int) -> None:
    for version, _what, statements in MIGRATIONS:
        if start < version <= target:
            for sql in statements:
                conn.execute(sql)
    conn.execute(f"PRAGMA user_version = {int(target)}")


def create(path: Path, target: int | None = None) -> None:
    """Make a new store at path unless one appears there first (then leave that one alone)."""
    target = schema_version() if target is None else target
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            _run_migrations(conn, 0, target)
            conn.execute("COMMIT")
        finally:
            conn.close()  # the last connection checkpoints the log into the file
        try:
            os.link(tmp, path)  # atomic: fails if a file appeared at path meanwhile
        except FileExistsError:
            pass
        except OSError:  # a filesystem without hard links
            if not path.exists():
                os.replace(tmp, path)
        _sync_dir(path.parent)
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)


def _sync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring an older store up to this schema version, all or nothing."""
    if conn.execute("PRAGMA user_version").fetchone()[0] == schema_version():
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = conn.execute("PRAGMA user_version").fetchone()[0]
        _check_version(path, found)
        if found < schema_version():
            _run_migrations(conn, found, schema_version())
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise

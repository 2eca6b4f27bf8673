"""The Store: saved assessments in one SQLite file, every change kept in a history table.

Writes run in `BEGIN IMMEDIATE` transactions: concurrent writers queue on SQLite's lock (up to
`timeout` seconds) instead of failing, and the version check, the history rows and the new
current state commit together or not at all."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import functools
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticSerializationError

from avgkit.assessment import Assessment
from avgkit.store import paths, schema
from avgkit.store.errors import Conflict, ConflictError, NotFoundError, StoreError

DEFAULT_PATH = Path("data") / "avgkit.sqlite"


def default_store_path() -> Path:
    """$AVGKIT_STORE if set, else data/avgkit.sqlite relative to the working directory."""
    return Path(os.environ.get("AVGKIT_STORE") or DEFAULT_PATH)


def utc_text(when: dt.datetime) -> str:
    """The one timestamp form in the history table: UTC, microseconds, fixed width, so text
    order is time order."""
    return when.astimezone(dt.UTC).isoformat(timespec="microseconds")


def as_utc(when: dt.datetime | dt.date) -> dt.datetime:
    """Aware datetimes are converted; naive ones are taken to be UTC already; a date means the
    end of that day (UTC)."""
    if not isinstance(when, dt.datetime):
        return dt.datetime.combine(when, dt.time.max, tzinfo=dt.UTC)
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


@dataclass(frozen=True)
class Change:
    """One changed path in one version. old/new are JSON values (None = not set)."""

    who: str
    when: dt.datetime
    path: str
    old: Any
    new: Any
    version: int

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "who": self.who, "when": utc_text(self.when),
                "path": self.path, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class Row:
    """A history row as stored (old/new may be paths.ABSENT)."""

    version: int
    who: str
    at: str
    path: str
    old: Any
    new: Any


def canonical(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON form of a valid Assessment; ValueError naming the bad fields otherwise."""
    try:
        return Assessment.model_validate(doc).to_dict()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'record'}: {e['msg']}"
                             for e in exc.errors())
        raise ValueError(f"{doc.get('id', '?')}: invalid value: {problems}") from None
    except PydanticSerializationError as exc:
        raise ValueError(f"{doc.get('id', '?')}: a value cannot be saved as JSON: {exc}") from None


def replay(rows: list[Row]) -> tuple[dict[str, Any], int]:
    """The record that a run of history rows leads to, and its version."""
    doc: dict[str, Any] | None = None
    for row in rows:
        if row.path == paths.ROOT:
            doc = copy.deepcopy(row.new)
        elif doc is None:
            raise ValueError(f"history starts with a change of {row.path!r}, not a creation")
        else:
            paths.put(doc, row.path.split("."), copy.deepcopy(row.new))
    if doc is None:
        raise ValueError("empty history")
    doc["updated"] = rows[-1].at
    return canonical(doc), rows[-1].version


def _check_who(who: str) -> str:
    if not isinstance(who, str) or not who.strip():
        raise ValueError("who made the change is required (a name or user id)")
    return who.strip()


def _guard(method):
    """SQLite errors leave the store as a StoreError with a plain message, never raw."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if "locked" in text or "busy" in text:
                raise StoreError(f"{self.path} stayed locked by another writer for more than "
                                 f"{self._timeout:g} s", path=self.path, code="busy") from None
            raise StoreError(f"{self.path}: {text}", path=self.path, code="io") from None
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is a damaged avgkit store: {exc}", path=self.path,
                             code="damaged") from None

    return wrapper


class Store:
    """Saved assessments with their full history. One Store per process or thread is cheap; many
    Stores (processes, notebooks) may use one file at the same time."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, create: bool = True,
                 timeout: float = 30.0) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self._timeout = timeout
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        if not self.path.exists() and not self.path.is_symlink():
            if not create:
                raise StoreError(f"no avgkit store at {self.path}", path=self.path,
                                 code="missing")
            try:
                schema.create(self.path)
            except (OSError, sqlite3.Error) as exc:
                raise StoreError(f"cannot create a store at {self.path}: {exc}",
                                 path=self.path, code="io") from None
        schema.inspect(self.path)
        self._connection()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None

    @_guard
    def _connection(self) -> sqlite3.Connection:
        # A connection must not cross fork(): a child process opens its own.
        if self._conn is None or self._pid != os.getpid():
            conn = schema.connect(self.path, self._timeout)
            try:
                schema.migrate(conn, self.path)
            except BaseException:
                conn.close()
                raise
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    @contextlib.contextmanager
    def _transaction(self, immediate: bool) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._connection().execute(sql, params).fetchall()

    # -- reading -------------------------------------------------------------------------------

    @_guard
    def get(self, id: str) -> Assessment:
        rows = self._query("SELECT data FROM assessments WHERE id = ?", (id,))
        if not rows:
            raise NotFoundError(id, path=self.path)
        return Assessment.model_validate_json(rows[0][0])

    @_guard
    def version(self, id: str) -> int:
        """The current version. To use it as base_version for an edit of what get() returned,
        read it before get() (or use get_with_version): a version read after the data could be
        newer than the data, and an edit based on it could then undo someone's change."""
        rows = self._query("SELECT version FROM assessments WHERE id = ?", (id,))
        if not rows:
            raise NotFoundError(id, path=self.path)
        return rows[0][0]

    @_guard
    def get_with_version(self, id: str) -> tuple[Assessment, int]:
        """The assessment and the version it is at, read together (the base for an update)."""
        rows = self._query("SELECT data, version FROM assessments WHERE id = ?", (id,))
        if not rows:
            raise NotFoundError(id, path=self.path)
        return Assessment.model_validate_json(rows[0][0]), rows[0][1]

    @_guard
    def list(self) -> list[Assessment]:
        return [Assessment.model_validate_json(data)
                for (data,) in self._query("SELECT data FROM assessments ORDER BY id")]

    @_guard
    def versions(self) -> dict[str, int]:
        """The current version of every assessment, by id."""
        return dict(self._query("SELECT id, version FROM assessments ORDER BY id"))

    @_guard
    def exists(self, id: str) -> bool:
        return bool(self._query("SELECT 1 FROM assessments WHERE id = ?", (id,)))

    def _rows(self, conn: sqlite3.Connection, id: str, until: str | None = None,
              upto_version: int | None = None) -> list[Row]:
        sql = ("SELECT version, who, at, path, old, new FROM history WHERE assessment_id = ?")
        params: list[Any] = [id]
        if until is not None:
            sql += " AND at <= ?"
            params.append(until)
        if upto_version is not None:
            sql += " AND version <= ?"
            params.append(upto_version)
        sql += " ORDER BY version, seq"
        return [Row(v, who, at, path, paths.loads(old), paths.loads(new))
                for v, who, at, path, old, new in conn.execute(sql, params)]

    @_guard
    def history(self, id: str) -> list[Change]:
        """Every change of one assessment, oldest first; version 1 is its creation (path '')."""
        with self._lock:
            rows = self._rows(self._connection(), id)
        if not rows:
            raise NotFoundError(id, path=self.path)
        return [Change(r.who, dt.datetime.fromisoformat(r.at), r.path,
                       None if r.old is paths.ABSENT else r.old,
                       None if r.new is paths.ABSENT else r.new, r.version) for r in rows]

    @_guard
    def rebuild(self, id: str, version: int | None = None) -> Assessment:
        """The assessment rebuilt from its history alone (up to a version, default the last)."""
        with self._lock:
            rows = self._rows(self._connection(), id, upto_version=version)
        if not rows:
            raise NotFoundError(id, path=self.path)
        return Assessment.from_dict(replay(rows)[0])

    @_guard
    def as_of(self, id: str, when: dt.datetime | dt.date) -> Assessment:
        """The assessment as it was at `when` (naive datetimes are read as UTC, a date as the end
        of that day)."""
        with self._lock:
            rows = self._rows(self._connection(), id, until=utc_text(as_utc(when)))
        if not rows:
            if self.exists(id):
                raise NotFoundError(id, path=self.path, when=as_utc(when))
            raise NotFoundError(id, path=self.path)
        return Assessment.from_dict(replay(rows)[0])

    # -- writing -------------------------------------------------------------------------------

    @staticmethod
    def _now(conn: sqlite3.Connection, id: str) -> dt.datetime:
        """Now, but never before this assessment's last change (clocks can step back), so
        history stays in time order and as_of stays right."""
        now = dt.datetime.now(dt.UTC)
        last = conn.execute("SELECT max(at) FROM history WHERE assessment_id = ?",
                            (id,)).fetchone()[0]
        return max(now, dt.datetime.fromisoformat(last)) if last else now

    @_guard
    def create(self, assessment: Assessment | Mapping[str, Any], who: str) -> int:
        """Save a new assessment as version 1; StoreError(code='exists') if the id is taken."""
        who = _check_who(who)
        if not isinstance(assessment, Assessment):
            assessment = Assessment.model_validate(canonical(assessment))
        with self._transaction(immediate=True) as conn:
            if conn.execute("SELECT 1 FROM assessments WHERE id = ?",
                            (assessment.id,)).fetchone():
                raise StoreError(f"an assessment {assessment.id!r} already exists",
                                 path=self.path, code="exists", id=assessment.id)
            now = self._now(conn, assessment.id)
            at = utc_text(now)
            doc = assessment.to_dict()
            doc["created"] = doc["created"] or at
            doc["updated"] = at
            doc = canonical(doc)
            conn.execute("INSERT INTO history (assessment_id, version, who, at, path, old, new)"
                         " VALUES (?, 1, ?, ?, ?, NULL, ?)",
                         (assessment.id, who, at, paths.ROOT, paths.dumps(doc)))
            conn.execute("INSERT INTO assessments (id, version, updated, data) VALUES (?, 1, ?, ?)",
                         (assessment.id, at, paths.dumps(doc)))
        return 1

    @_guard
    def update(self, id: str, changes: Mapping[str, Any], who: str,
               base_version: int | None = None) -> int:
        """Change fields by path and return the new version (the same one if nothing changed).

        With base_version (the version the caller's view was read at), the update is refused
        with ConflictError if anyone changed one of these paths, a prefix or an extension of one,
        after that version; changes to other paths merge. Without it, the update always applies.
        None on a path inside answers, agreement.points or checklist.answers clears that key."""
        who = _check_who(who)
        parsed = [(path, paths.split(path), value) for path, value in changes.items()]
        for i, (a, _, _) in enumerate(parsed):
            for b, _, _ in parsed[i + 1:]:
                if paths.overlap(a, b):
                    raise ValueError(f"paths {a!r} and {b!r} overlap; change them in two steps")
        if base_version is not None and (not isinstance(base_version, int) or base_version < 1):
            raise ValueError(f"base_version must be a version number >= 1, got {base_version!r}")
        with self._transaction(immediate=True) as conn:
            row = conn.execute("SELECT version, data FROM assessments WHERE id = ?",
                               (id,)).fetchone()
            if row is None:
                raise NotFoundError(id, path=self.path)
            version, old_doc = row[0], paths.loads(row[1])
            if base_version is not None and base_version > version:
                raise ValueError(f"{id}: base_version {base_version} is newer than the stored "
                                 f"version {version}")
            now = self._now(conn, id)
            at = utc_text(now)
            new_doc = copy.deepcopy(old_doc)
            for _path, parts, value in parsed:
                if value is None and paths.clears(parts):
                    value = paths.ABSENT
                paths.put(new_doc, parts, copy.deepcopy(value))
            new_doc["updated"] = at
            new_doc = canonical(new_doc)
            # Every requested path counts, also one whose value would not change: the caller
            # computed it from a stale view (a read-modify-write), so the coincidence is no proof.
            if base_version is not None and base_version < version:
                self._check_conflicts(conn, id, base_version, version, [p for p, _, _ in parsed])
            effective = []
            for path, parts, _ in parsed:
                old, new = paths.get(old_doc, parts), paths.get(new_doc, parts)
                if not paths.same(old, new):
                    effective.append((path, old, new))
            if not effective:
                return version
            new_version = version + 1
            conn.executemany(
                "INSERT INTO history (assessment_id, version, who, at, path, old, new)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(id, new_version, who, at, path, paths.dumps(old), paths.dumps(new))
                 for path, old, new in effective])
            conn.execute("UPDATE assessments SET version = ?, updated = ?, data = ? WHERE id = ?",
                         (new_version, at, paths.dumps(new_doc), id))
        return new_version

    def _check_conflicts(self, conn: sqlite3.Connection, id: str, base_version: int,
                         version: int, requested: list[str]) -> None:
        later = conn.execute("SELECT version, who, at, path FROM history"
                             " WHERE assessment_id = ? AND version > ? ORDER BY version, seq",
                             (id, base_version)).fetchall()
        conflicts = [Conflict(path, theirs, who, dt.datetime.fromisoformat(at), v)
                     for path in requested
                     for v, who, at, theirs in later if paths.overlap(path, theirs)]
        if conflicts:
            raise ConflictError(id, base_version, version, conflicts, path=self.path)

    @_guard
    def check(self) -> str:
        """SQLite's full integrity check: 'ok' or the problems it found."""
        rows = self._query("PRAGMA integrity_check")
        return "\n".join(r[0] for r in rows)

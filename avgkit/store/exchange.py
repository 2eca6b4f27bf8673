"""Moving assessments in and out of a store: JSON export/import with full history (exact round
trip), and create-or-update of assessments read from elsewhere (a portfolio)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from avgkit import __version__
from avgkit.assessment import Assessment
from avgkit.store import paths
from avgkit.store.core import Row, Store, _guard, canonical, replay, utc_text
from avgkit.store.errors import NotFoundError, StoreError

FORMAT = "avgkit-export"
FORMAT_VERSION = 1


@_guard  # a damaged store is a StoreError ("damaged"), never a raw sqlite3 error
def export_data(store: Store, ids: Iterable[str] | None = None) -> dict[str, Any]:
    """One or all assessments with their current state and every change, as one JSON value.
    Read in one transaction, so the export is a consistent snapshot."""
    with store._transaction(immediate=False) as conn:
        wanted = list(dict.fromkeys(ids)) if ids is not None else \
            [r[0] for r in conn.execute("SELECT id FROM assessments ORDER BY id")]
        items = []
        for id in wanted:
            row = conn.execute("SELECT version, data FROM assessments WHERE id = ?",
                               (id,)).fetchone()
            if row is None:
                raise NotFoundError(id, path=store.path)
            items.append({"id": id, "version": row[0], "current": paths.loads(row[1]),
                          "history": [_row_out(r) for r in store._rows(conn, id)]})
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "avgkit": __version__,
            "exported": utc_text(dt.datetime.now(dt.UTC)), "assessments": items}


def _row_out(row: Row) -> dict[str, Any]:
    out: dict[str, Any] = {"version": row.version, "who": row.who, "when": row.at,
                           "path": row.path}
    # A key left out means "not set"; null is a value (e.g. risk_profile.data_kind).
    if row.old is not paths.ABSENT:
        out["old"] = row.old
    if row.new is not paths.ABSENT:
        out["new"] = row.new
    return out


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # history extended with newer versions
    unchanged: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (id or position, reason)

    def to_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "refused": [{"id": i, "reason": r} for i, r in self.refused]}


def import_data(store: Store, data: Any) -> ImportReport:
    """Take assessments from an export. A new id is saved with its history as it was; an id the
    store has is extended if the file's history continues the store's, left as is if both are
    the same, and refused if they went different ways. One bad assessment never stops the rest."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StoreError(f"not an avgkit export (expected \"format\": \"{FORMAT}\")",
                         code="invalid-import")
    if data.get("format_version") != FORMAT_VERSION:
        raise StoreError(f"export format version {data.get('format_version')!r} is not "
                         f"supported (this avgkit reads version {FORMAT_VERSION})",
                         code="invalid-import")
    items = data.get("assessments")
    if not isinstance(items, list):
        raise StoreError("\"assessments\" must be a list", code="invalid-import")
    report = ImportReport()
    for n, item in enumerate(items, start=1):
        label = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) \
            else f"#{n}"
        try:
            rows, current, version = _parse_item(item)
            outcome = _take(store, label, rows, current, version)
        except (ValueError, TypeError, KeyError) as exc:
            report.refused.append((label, str(exc)))
        except StoreError as exc:
            if exc.code in ("busy", "io", "damaged"):
                raise
            report.refused.append((label, str(exc)))
        else:
            getattr(report, outcome).append(label)
    return report


def _parse_item(item: Any) -> tuple[list[Row], dict[str, Any], int]:
    if not isinstance(item, dict):
        raise ValueError("each assessment must be an object")
    for key, kind in (("id", str), ("version", int), ("current", dict), ("history", list)):
        if not isinstance(item.get(key), kind):
            raise ValueError(f"{key!r} is missing or not a {kind.__name__}")
    rows = []
    expected, seen = 1, set()
    for i, entry in enumerate(item["history"], start=1):
        if not isinstance(entry, dict):
            raise ValueError(f"history entry {i} is not an object")
        v, who, path = entry.get("version"), entry.get("who"), entry.get("path")
        if type(v) is not int or v not in (expected - 1, expected) or v < 1 or (v == 1 and i > 1):
            raise ValueError(f"history entry {i}: versions must run 1, 2, 3 ... (got {v!r})")
        expected = v + 1
        if not isinstance(who, str) or not who.strip():
            raise ValueError(f"history entry {i}: 'who' is missing")
        if not isinstance(path, str) or (v, path) in seen:
            raise ValueError(f"history entry {i}: bad or repeated path {path!r}")
        seen.add((v, path))
        if (path == paths.ROOT) != (i == 1):
            raise ValueError(f"history entry {i}: only the first entry (the creation) may hold "
                             "the whole record")
        if path != paths.ROOT:
            paths.split(path)
        at = _timestamp(entry.get("when"), i)
        if rows and at < rows[-1].at:
            raise ValueError(f"history entry {i}: 'when' goes back in time")
        rows.append(Row(v, who, at, path, entry.get("old", paths.ABSENT),
                        entry.get("new", paths.ABSENT)))
    if not rows or rows[-1].version != item["version"]:
        raise ValueError(f"history ends at version {rows[-1].version if rows else 0}, "
                         f"not at the stated version {item['version']}")
    rebuilt, _ = replay(rows)
    current = canonical(item["current"])
    if current["id"] != item["id"]:
        raise ValueError(f"the record's id {current['id']!r} differs from {item['id']!r}")
    if not paths.same(rebuilt, current) or not paths.same(current, item["current"]):
        raise ValueError("the history does not lead to the stated current state")
    return rows, current, item["version"]


def _timestamp(value: Any, i: int) -> str:
    try:
        when = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"history entry {i}: 'when' is not an ISO-8601 time: {value!r}") from None
    if when.tzinfo is None:
        raise ValueError(f"history entry {i}: 'when' has no time zone: {value!r}")
    return utc_text(when)


@_guard
def _take(store: Store, id: str, rows: list[Row], current: dict[str, Any], version: int) -> str:
    with store._transaction(immediate=True) as conn:
        have = store._rows(conn, id)
        if have:
            key = [(r.version, r.who, r.at, r.path, paths.dumps(r.old), paths.dumps(r.new))
                   for r in rows]
            mine = [(r.version, r.who, r.at, r.path, paths.dumps(r.old), paths.dumps(r.new))
                    for r in have]
            if key[:len(mine)] == mine and len(key) > len(mine):
                new_rows = rows[len(mine):]
            elif mine[:len(key)] == key:
                return "unchanged"  # the store holds all of it (and maybe more)
            else:
                first = next(a[0] for a, b in zip(key, mine, strict=False) if a != b)
                raise StoreError(f"the store's history of {id!r} (version {have[-1].version}) "
                                 f"and the file's (version {version}) differ from version "
                                 f"{first} on; nothing changed", code="diverged")
        else:
            new_rows = rows
        conn.executemany(
            "INSERT INTO history (assessment_id, version, who, at, path, old, new)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(id, r.version, r.who, r.at, r.path, paths.dumps(r.old), paths.dumps(r.new))
             for r in new_rows])
        conn.execute("INSERT OR REPLACE INTO assessments (id, version, updated, data)"
                     " VALUES (?, ?, ?, ?)", (id, version, rows[-1].at, paths.dumps(current)))
    return "updated" if have else "created"


# -- create-or-update from another source (a portfolio) ----------------------------------------

def provided(model: BaseModel) -> dict[str, Any]:
    """Only the fields a source actually gave (pydantic's model_fields_set), as JSON."""
    out = {}
    fields = type(model).model_fields
    for name in model.model_fields_set:
        if name in fields and fields[name].exclude:
            continue  # e.g. a portfolio row's source file and row number: not saved data
        value = getattr(model, name)
        out[name] = provided(value) if isinstance(value, BaseModel) else \
            to_jsonable_python(value)
    return out


def _diff(changes: dict[str, Any], path: str, old: Any, new: Any) -> None:
    if new is None or new == "" or new == {} or new == []:
        return  # a blank in the source never erases what was saved
    if isinstance(new, dict) and isinstance(old, dict) and not any("." in k for k in new):
        for key, value in new.items():
            _diff(changes, f"{path}.{key}", old.get(key, paths.ABSENT), value)
    elif isinstance(new, list) and isinstance(old, list):
        # Items (actions) the store lacks are appended; the store's own items stay.
        missing = [item for item in new if not any(paths.same(item, o) for o in old)]
        if missing:
            changes[path] = old + missing
    elif not paths.same(old, new):
        changes[path] = new


@_guard
def create_many(store: Store, items: list[dict[str, Any]], who: str) -> list[str]:
    """Save new assessments (the fields a source gave) as version 1, all in one transaction: a
    big portfolio is not one disk sync per row. Ids the store already has are left alone and
    returned, for upsert(). ValueError (nothing saved) if one of them is not a valid record."""
    who = who.strip()
    if not who:
        raise ValueError("who made the change is required (a name or user id)")
    docs = [canonical(item) for item in items]
    taken = []
    with store._transaction(immediate=True) as conn:
        for doc in docs:
            id = doc["id"]
            if conn.execute("SELECT 1 FROM assessments WHERE id = ?", (id,)).fetchone():
                taken.append(id)
                continue
            at = utc_text(store._now(conn, id))
            doc["created"] = doc["created"] or at
            doc["updated"] = at
            doc = canonical(doc)
            conn.execute("INSERT INTO history (assessment_id, version, who, at, path, old, new)"
                         " VALUES (?, 1, ?, ?, ?, NULL, ?)",
                         (id, who, at, paths.ROOT, paths.dumps(doc)))
            conn.execute("INSERT INTO assessments (id, version, updated, data) VALUES (?, 1, ?, ?)",
                         (id, at, paths.dumps(doc)))
    return taken


def upsert(store: Store, assessment: Assessment | dict[str, Any], who: str) -> tuple[str, int]:
    """Create the assessment, or update the saved one with the fields the source gave
    ("created" | "updated" | "unchanged", version). Saved answers the source leaves blank stay;
    a concurrent change of the same field raises ConflictError instead of being overwritten.
    assessment may also be provided(assessment): the fields a source gave, as JSON."""
    given = provided(assessment) if isinstance(assessment, BaseModel) else assessment
    try:
        saved, version = store.get_with_version(given["id"])
    except NotFoundError:
        return "created", store.create(assessment, who)
    current = saved.to_dict()
    changes: dict[str, Any] = {}
    for name, value in given.items():
        if name not in ("id", "created", "updated"):
            _diff(changes, name, current.get(name, paths.ABSENT), value)
    if not changes:
        return "unchanged", version
    new_version = store.update(given["id"], changes, who, base_version=version)
    return ("updated" if new_version != version else "unchanged"), new_version

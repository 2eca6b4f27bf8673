"""Field paths into the JSON form of an Assessment ("notes", "agreement.kind",
"checklist.answers.tm-01", "actions.0.status"): parse, read, write, compare.

A path is a list of keys separated by dots; a segment under a list is an index. History rows
record one path each, so the same functions replay history (rebuild, as_of, import)."""

from __future__ import annotations

import json
from typing import Any

from avgkit.assessment import Assessment


class _Absent:
    """A key that is not present (distinct from a JSON null); survives copying as itself."""

    def __repr__(self) -> str:
        return "ABSENT"

    def __copy__(self) -> _Absent:
        return self

    def __deepcopy__(self, memo: dict) -> _Absent:
        return self


ABSENT: Any = _Absent()
FIELDS = tuple(Assessment.model_fields)
MANAGED = ("id", "updated")  # kept by the store, never set through a path
# Mappings where a key's absence means "not answered": None on a path inside them clears it.
CLEARING_MAPS = ("answers", "agreement.points", "checklist.answers")
ROOT = ""  # the path of a row that holds the whole record (creation)


def split(path: str) -> list[str]:
    """The segments of a path a caller may change; ValueError naming the path otherwise."""
    if not isinstance(path, str) or not path:
        raise ValueError(f"a field path is a non-empty string like 'agreement.kind', got {path!r}")
    parts = path.split(".")
    if any(not p for p in parts):
        raise ValueError(f"field path {path!r} has an empty segment")
    if parts[0] not in FIELDS:
        raise ValueError(f"unknown field {parts[0]!r} in path {path!r}; fields: "
                         f"{', '.join(f for f in FIELDS if f not in MANAGED)}")
    if parts[0] in MANAGED:
        raise ValueError(f"field {parts[0]!r} is kept by the store and cannot be changed")
    return parts


def overlap(a: str, b: str) -> bool:
    """True if changing one path can change what the other holds (equal, prefix or extension)."""
    return a == b or a == ROOT or b == ROOT or a.startswith(b + ".") or b.startswith(a + ".")


def clears(parts: list[str]) -> bool:
    return ".".join(parts[:-1]) in CLEARING_MAPS


def _index(segment: str, size: int, path: str, allow_end: bool) -> int:
    if not segment.isdigit():
        raise ValueError(f"{path!r}: {segment!r} is not a list index")
    i = int(segment)
    if i > size or (i == size and not allow_end):
        raise ValueError(f"{path!r}: index {i} is past the end of a list of {size}")
    return i


def get(doc: Any, parts: list[str]) -> Any:
    """The value at a path, or ABSENT."""
    cur = doc
    for p in parts:
        if isinstance(cur, dict):
            if p not in cur:
                return ABSENT
            cur = cur[p]
        elif isinstance(cur, list) and p.isdigit() and int(p) < len(cur):
            cur = cur[int(p)]
        else:
            return ABSENT
    return cur


def put(doc: dict[str, Any], parts: list[str], value: Any) -> None:
    """Set the value at a path (ABSENT deletes it), creating missing mappings on the way.
    On a list, the last segment may be the length: that appends."""
    path = ".".join(parts)
    cur: Any = doc
    for depth, p in enumerate(parts[:-1]):
        if isinstance(cur, list):
            cur = cur[_index(p, len(cur), path, allow_end=False)]
            continue
        if not isinstance(cur, dict):
            raise ValueError(f"{path!r}: {'.'.join(parts[:depth])!r} is not a mapping")
        if cur.get(p) is None:
            if value is ABSENT:
                return  # nothing to clear
            cur[p] = {}
        cur = cur[p]
    last = parts[-1]
    if isinstance(cur, list):
        if value is ABSENT:
            raise ValueError(f"{path!r}: list items cannot be removed by index; set the whole list")
        i = _index(last, len(cur), path, allow_end=True)
        if i == len(cur):
            cur.append(value)
        else:
            cur[i] = value
    elif isinstance(cur, dict):
        if value is ABSENT:
            cur.pop(last, None)
        else:
            cur[last] = value
    else:
        raise ValueError(f"{path!r}: {'.'.join(parts[:-1])!r} is not a mapping")


def dumps(value: Any) -> str | None:
    """The one JSON text form used in the database (None for ABSENT)."""
    if value is ABSENT:
        return None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def loads(text: str | None) -> Any:
    return ABSENT if text is None else json.loads(text)


def same(a: Any, b: Any) -> bool:
    """Equal as JSON (so 1 and True differ, and a reordered mapping counts as a change)."""
    return dumps(a) == dumps(b)

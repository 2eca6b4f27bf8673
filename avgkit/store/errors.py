"""What can go wrong with a store. Each error carries structured fields, so the command line can
word its own (Dutch) message and a notebook can act on the details."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path


class StoreError(Exception):
    """The store cannot do what was asked. `code` says why:
    missing, not-sqlite, empty, foreign, newer, damaged, busy, io, exists, invalid-import."""

    def __init__(self, message: str, *, path: Path | str | None = None, code: str = "store",
                 **details: object) -> None:
        super().__init__(message)
        self.path = Path(path) if path is not None else None
        self.code = code
        self.details = details


class NotFoundError(StoreError, LookupError):
    """No assessment with this id (or none yet at the requested moment)."""

    def __init__(self, assessment_id: str, path: Path | str | None = None,
                 when: dt.datetime | None = None) -> None:
        text = (f"no assessment {assessment_id!r} in the store" if when is None else
                f"assessment {assessment_id!r} did not exist yet at {when:%Y-%m-%d %H:%M:%S} UTC")
        super().__init__(text, path=path, code="not-found")
        self.id = assessment_id
        self.when = when  # set when the assessment exists, but not yet at this moment


@dataclass(frozen=True)
class Conflict:
    """One path of an update that someone else changed after the writer's base version."""

    path: str  # the path the writer wanted to change
    changed_path: str  # the overlapping path the other change touched
    who: str
    when: dt.datetime
    version: int

    def __str__(self) -> str:
        where = self.path if self.path == self.changed_path else \
            f"{self.path} (via {self.changed_path})"
        return (f"{where}: changed by {self.who} at {self.when:%Y-%m-%d %H:%M:%S} UTC "
                f"in version {self.version}")


class ConflictError(StoreError):
    """An update touched paths that others changed after its base version; nothing was written."""

    def __init__(self, assessment_id: str, base_version: int, current_version: int,
                 conflicts: list[Conflict], path: Path | str | None = None) -> None:
        listed = "; ".join(str(c) for c in conflicts)
        super().__init__(f"{assessment_id}: changed since version {base_version} "
                         f"(now version {current_version}): {listed}", path=path, code="conflict")
        self.id = assessment_id
        self.base_version = base_version
        self.current_version = current_version
        self.conflicts = conflicts

    @property
    def paths(self) -> list[str]:
        return list(dict.fromkeys(c.path for c in self.conflicts))

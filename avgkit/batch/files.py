"""Safe file names and atomic writes for everything the batch puts in --out."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(identifier: str) -> str:
    """A file name for an id that can never leave the output folder or collide by case tricks:
    unsafe characters become '_', and a short hash of the original keeps names unique."""
    stem = _UNSAFE.sub("_", identifier).strip("._-")[:48] or "item"
    digest = hashlib.sha256(identifier.encode("utf-8")).hexdigest()[:8]
    return f"{stem}-{digest}"


def inside(folder: Path, name: str) -> Path:
    path = (folder / name).resolve()
    if folder.resolve() not in path.parents:
        raise ValueError(f"refusing to write outside {folder}: {name!r}")
    return path


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write to a temp file in the same folder, fsync, then rename: a crash or an interrupt
    never leaves a half-written report that a rerun would take as done."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; reports are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

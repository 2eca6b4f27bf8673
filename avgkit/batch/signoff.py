"""Signing off the management overview: who approved which run, in what role, when.

    avgkit signoff reports/ --by "A. de Vries" --role "directeur-bestuurder"

An approval belongs to the results it was given for: the batch's last run in that folder (what
the overview shows: every collaboration's status and summary, the refused rows). It is kept in
<out>/_avgkit/aftekeningen.json, every approval after the one before. The overview shows the
latest one; after a rerun whose results differ, it says that the approval was for an earlier run
and needs renewing, instead of carrying it over silently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from avgkit import __version__
from avgkit.batch.files import write_atomic
from avgkit.breach import AMSTERDAM

APPROVALS_FILE = "aftekeningen.json"
MAX_TEXT = 120
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def results_digest(records: list[dict[str, Any]], refused: list[str]) -> str:
    """What an approval covers: each collaboration's status, error and summary, and the refused
    rows (not timings, hashes or avgkit's code)."""
    shown = [{k: r.get(k) for k in ("id", "status", "error", "summary")}
             for r in sorted(records, key=lambda r: str(r.get("id")))]
    blob = json.dumps([shown, sorted(refused)], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def load_approvals(state_dir: Path) -> list[dict[str, Any]]:
    path = Path(state_dir) / APPROVALS_FILE
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path} is onleesbaar ({exc}); herstel of verwijder het bestand.") \
            from None
    if not isinstance(data, list):
        raise ValueError(f"{path}: verwacht een lijst van aftekeningen.")
    return data


def current(state_dir: Path, digest: str) -> dict[str, Any] | None:
    """The latest approval, with valid=True when it was given for these very results."""
    approvals = load_approvals(state_dir)
    if not approvals:
        return None
    latest = approvals[-1]
    return {**latest, "valid": latest.get("results") == digest}


def _text(value: str, option: str) -> str:
    value = _CONTROL.sub(" ", value or "").strip()
    if not value:
        raise ValueError(f"{option}: vul een naam in (leeg is niet genoeg voor een aftekening).")
    if len(value) > MAX_TEXT:
        raise ValueError(f"{option}: ten hoogste {MAX_TEXT} tekens (nu {len(value)}).")
    return value


def approve(out_dir: Path, by: str, role: str, now: dt.datetime | None = None
            ) -> dict[str, Any]:
    """Record the approval of the overview in out_dir and write index.html (and index.pdf, when
    the batch made one) again with it. Raises ValueError with one sentence when there is no
    batch to approve or the input is not usable."""
    from avgkit.batch.guard import STATE_DIR, batch_lock
    from avgkit.batch.overzicht import RESULTS_FILE, rewrite_index

    out_dir = Path(out_dir)
    state_dir = out_dir / STATE_DIR
    results = state_dir / RESULTS_FILE
    by, role = _text(by, "--by"), _text(role, "--role")
    if not results.is_file():
        raise ValueError(f"{out_dir} bevat geen overzicht van avgkit batch om af te tekenen; "
                         "maak het eerst met avgkit batch PORTEFEUILLE --out "
                         f"{out_dir}.")
    with batch_lock(out_dir):
        data = json.loads(results.read_text(encoding="utf-8"))
        approval = {
            "by": by, "role": role,
            "at": (now or dt.datetime.now(AMSTERDAM)).astimezone(AMSTERDAM)
            .isoformat(timespec="seconds"),
            "generated": data.get("generated"),
            "results": results_digest(data["records"], data["refused"]),
            "avgkit": __version__,
        }
        approvals = [*load_approvals(state_dir), approval]
        write_atomic(state_dir / APPROVALS_FILE,
                     json.dumps(approvals, ensure_ascii=False, indent=1))
        rewrite_index(out_dir)
    return approval

"""Kept run history and what changed since the last run (issue 12).

Every batch run whose results differ from the last kept run adds a snapshot to
<out>/_avgkit/runs/<timestamp>.json.gz: every collaboration's result record (so a rerun never loses
the previous run's results) and, per collaboration, the hash of its answers, its priority tier and
its problems. The overview compares the current results with the last kept run that differs from
them: new, resolved, worse, better, changed, gone.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

from avgkit.batch.files import write_atomic
from avgkit.batch.priorities import TIERS, prioritise

RUNS_DIR = "runs"
ORDER = ("slechter", "nieuw", "gewijzigd", "beter", "opgelost", "vervallen")
SEVERITY = {"slechter": "hoog", "nieuw": "open", "gewijzigd": "open", "beter": "laag",
            "opgelost": "laag", "vervallen": "open"}


def answers_hash(assessment_data: dict[str, Any]) -> str:
    """What the organisation entered, without the time stamps (code changes do not count)."""
    data = {k: v for k, v in assessment_data.items() if k not in ("created", "updated")}
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False,
                                     default=str).encode()).hexdigest()


def state_of(records: list[dict[str, Any]], hashes: dict[str, str]) -> dict[str, Any]:
    state = {}
    for rec in records:
        prio = prioritise(rec)
        s = rec.get("summary") or {}
        state[rec["id"]] = {"hash": hashes.get(rec["id"], ""), "tier": prio.tier,
                            "problems": sorted(set(prio.problems)),
                            "corporation": s.get("corporation", ""),
                            "contractor": s.get("contractor", "")}
    return state


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
    except (OSError, ValueError, EOFError):
        return None  # a damaged snapshot is skipped, never fatal


def runs(state_dir: Path) -> list[Path]:
    return sorted((state_dir / RUNS_DIR).glob("*.json.gz"))


def record_run(state_dir: Path, records: list[dict[str, Any]], refused: list[str],
               hashes: dict[str, str], generated: dt.datetime) -> dict[str, Any] | None:
    """Keep this run when its results differ from the last kept one; return the previous run
    to compare with (None on the first run)."""
    current = state_of(records, hashes)
    kept = [(p, _read(p)) for p in runs(state_dir)]
    kept = [(p, data) for p, data in kept if data]
    if kept and kept[-1][1]["state"] == current:
        return kept[-2][1] if len(kept) > 1 else None
    stamp = generated.strftime("%Y%m%dT%H%M%S%f")
    snapshot = {"run": generated.isoformat(timespec="seconds"), "state": current,
                "records": records, "refused": refused}
    path = state_dir / RUNS_DIR / f"{stamp}.json.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, gzip.compress(json.dumps(snapshot, ensure_ascii=False).encode("utf-8"),
                                     mtime=0))
    return kept[-1][1] if kept else None


def changes(previous: dict[str, Any] | None, records: list[dict[str, Any]],
            hashes: dict[str, str], lang: str = "nl") -> dict[str, Any]:
    """The overview's 'what changed' list, in the overview's language."""
    from avgkit.knowledge import load_knowledge

    if previous is None:
        return {"previous": None, "items": []}
    kb = load_knowledge()
    labels = {k: v.get(lang) for k, v in kb.overzicht.labels.items()}
    tiers = {k: v.get(lang) for k, v in kb.overzicht.priority.tiers.items()}
    reports = {r["id"]: r.get("report") if r.get("status") == "ok" else None for r in records}

    def problem(key: str) -> str:
        base, _, detail = key.partition(":")
        text = labels.get(f"problem_{base}") or labels.get(f"agreement_state_{base}") or base
        return f"{text}: {detail}" if detail else text

    before, now = previous["state"], state_of(records, hashes)
    items = []
    for ident, cur in now.items():
        old = before.get(ident)
        item = {"id": ident, "report": reports.get(ident), "corporation": cur["corporation"],
                "contractor": cur["contractor"], "before": "", "after": "", "added": [],
                "removed": []}
        if old is None:
            item.update(kind="nieuw", added=[problem(p) for p in cur["problems"]])
        else:
            added = [p for p in cur["problems"] if p not in old["problems"]]
            removed = [p for p in old["problems"] if p not in cur["problems"]]
            step = TIERS.index(cur["tier"]) - TIERS.index(old["tier"])
            if step < 0 or (step == 0 and added and not removed):
                kind = "slechter"
            elif step > 0 or (removed and not added):
                kind = "opgelost" if not cur["problems"] else "beter"
            elif added or removed or old["hash"] != cur["hash"]:
                kind = "gewijzigd"
            else:
                continue
            item.update(kind=kind, added=[problem(p) for p in added],
                        removed=[problem(p) for p in removed])
            if step:
                item.update(before=tiers[old["tier"]], after=tiers[cur["tier"]])
        items.append(item)
    for ident, old in before.items():
        if ident not in now:
            items.append({"id": ident, "report": None, "corporation": old["corporation"],
                          "contractor": old["contractor"], "kind": "vervallen", "before": "",
                          "after": "", "added": [], "removed": []})
    for item in items:
        item["severity"] = SEVERITY[item["kind"]]
    items.sort(key=lambda i: (ORDER.index(i["kind"]), i["id"]))
    return {"previous": previous["run"].replace("T", " ")[:16], "items": items}

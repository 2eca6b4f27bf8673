"""The management overview: index.html, results.xlsx and results.csv, from the batch's records.

Every string from the portfolio is hostile: Jinja2 autoescapes it in HTML, and spreadsheet cells
that a spreadsheet program would read as a formula are neutralised.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from avgkit import __version__
from avgkit.batch.priorities import (
    AGREEMENT_SEVERITY,
    AGREEMENT_STATES,
    SEVERITY_RANK,
    agreement_state,
    ordered,
)
from avgkit.batch.spreadsheet import write_results
from avgkit.knowledge import load_knowledge
from avgkit.notes import source_caveat

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SEVERITY_ORDER = {"hoog": 0, "midden": 1, "laag": 2}
VERDICT_ORDER = ("onvoldoende", "aandacht nodig", "voldoende")
# The columns of results.xlsx/csv (the keys of table_rows), most urgent row first.
TABLE_COLUMNS = ["id", "priority", "first", "corporation", "contractor", "provider_role",
                 "client_role", "variants", "agreement_needed", "necessity",
                 "agreement_in_place", "agreement_fits", "agreement_state", "risk", "verdict",
                 "score", "open_questions", "screening", "overdue", "assessment_status",
                 "signed_off", "report_status", "report"]


SEVERITY_COLOUR = {"hoog": "#b3261e", "midden": "#b36b00", "laag": "#1e7a3c", "open": "#5b6877"}
VERDICT_SEVERITY = {"onvoldoende": "hoog", "aandacht nodig": "midden", "voldoende": "laag",
                    "": "open"}


def bar_chart(items: list[tuple[str, int]], colour: str = "#0b5cad",
              colours: list[str] | None = None) -> Markup:
    """A small horizontal bar chart as inline SVG: no script, no image file, prints sharply."""
    if not items:
        return Markup("")
    top = max(n for _, n in items) or 1
    # Wide enough for the longest label at ~7 px a character (12 px system font).
    row, bar_w = 22, 300
    label_w = min(420, 12 + 7 * max(len(label) for label, _ in items))
    parts = [f'<svg class="chart" role="img" width="{label_w + bar_w + 50}" '
             f'height="{row * len(items) + 4}" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, n) in enumerate(items):
        y = i * row + 2
        width = max(2, round(bar_w * n / top)) if n else 0
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">'
                     f'{escape(label)}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{width}" height="{row - 6}" '
                     f'fill="{colours[i] if colours else colour}" rx="2"/>'
                     f'<text x="{label_w + width + 6}" y="{y + 15}">{n}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _labels(lang: str) -> dict[str, str]:
    return {k: v.get(lang) for k, v in load_knowledge().overzicht.labels.items()}


def score_text(sec: dict[str, Any] | None, labels: dict[str, str]) -> str:
    """'72 %', or 'niet ingevuld' when no measure was answered (never a misleading 0 %)."""
    if not sec or sec.get("score") is None or sec.get("answered") == 0:
        return labels["not_filled_in"]
    return f"{round(100 * sec['score'])} %"


def open_counts(summary: dict[str, Any] | None) -> tuple[int, int]:
    """Open questions as the report counts them: about the roles, about the checklist."""
    if not summary:
        return 0, 0
    return summary.get("open_questions") or 0, (summary.get("security") or {}).get("open") or 0


def _screening_text(screening: dict[str, Any] | None, lang: str) -> str:
    if not screening:
        return ""
    from avgkit.screen import summary_text

    return summary_text(screening, lang)


def _screening_severity(screening: dict[str, Any] | None) -> str:
    """hoog: a stop; midden: a question or a DPIA required; open: not screened or open."""
    if not screening:
        return "open"
    counts = screening.get("counts") or {}
    if counts.get("stop"):
        return "hoog"
    if counts.get("question") or screening["dpia"]["outcome"] == "required":
        return "midden"
    return "open" if screening["dpia"]["outcome"] == "open" else "laag"


def table_rows(records: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The one table behind index.html, results.xlsx and results.csv, most urgent first."""
    labels = _labels(lang)
    kb = load_knowledge()
    tiers = {k: v.get(lang) for k, v in kb.overzicht.priority.tiers.items()}
    word = {True: labels["word_yes"], False: labels["word_no"], None: ""}
    rows = []
    for rec, prio in ordered(records, lang):
        s = rec.get("summary") or {}
        sec = s.get("security") or {}
        roles_open, checklist_open = open_counts(s)
        state = s.get("agreement_state") or (agreement_state(s) if s else "onbekend")
        necessity = s.get("agreement_necessity")
        rows.append({
            "priority": tiers[prio.tier],
            "severity": prio.severity,
            "first": prio.first,
            "id": rec["id"],
            "corporation": s.get("corporation", ""),
            "contractor": s.get("contractor", ""),
            "provider_role": s.get("provider_role_label") or labels["undetermined"],
            "client_role": s.get("client_role_label") or labels["undetermined"],
            "variants": ", ".join(s.get("variants", [])),
            "agreement_needed": s.get("agreement_needed_label", ""),
            "necessity": labels[f"necessity_{necessity}"] if necessity else "",
            "agreement_in_place": (s.get("agreement_in_place_label")
                                   or labels["none_recorded"]),
            "agreement_fits": word[s.get("agreement_fits")],
            "agreement_state": labels[f"agreement_state_{state}"],
            "agreement_severity": AGREEMENT_SEVERITY[state],
            "risk": sec.get("risk_level", ""),
            "verdict": sec.get("verdict_label", labels["not_assessed"]),
            "verdict_key": sec.get("verdict", ""),
            "score": score_text(sec, labels) if s.get("security") else "",
            "open_questions": roles_open + checklist_open,
            "open_roles": roles_open,
            "open_checklist": checklist_open,
            # issue 11: stops/questions and the DPIA outcome (avgkit.screen)
            "screening": _screening_text(s.get("screening"), lang),
            "screening_stops": ((s.get("screening") or {}).get("counts") or {}).get("stop", 0),
            "screening_severity": _screening_severity(s.get("screening")),
            "overdue": len(s.get("actions_overdue") or []),
            "assessment_status": (labels[f"assessment_{s['status']}"] if s.get("status")
                                  else ""),
            "signed_off": (labels["signed_off_by"].format(**s["signoff"])
                           if s.get("signoff") else labels["not_signed_off"]),
            "report_status": (labels["ok"] if rec.get("status") == "ok"
                              else labels["failed_status"]),
            "report": rec.get("report") if rec.get("status") == "ok" else "",
            # not columns: for colours in results.xlsx (verdict_key: above)
            "fits_key": s.get("agreement_fits"), "failed": rec.get("status") != "ok",
        })
    return rows


def _security_per_contractor(records: list[dict[str, Any]], labels) -> list[dict[str, Any]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for rec in records:
        sec = (rec.get("summary") or {}).get("security")
        if sec:
            groups[rec["summary"]["contractor"]].append(sec)
    out = []
    for contractor, items in groups.items():
        scored = [i for i in items if i.get("score") is not None and i.get("answered") != 0]
        worst = min(items, key=lambda i: VERDICT_ORDER.index(i["verdict"]))
        out.append({"contractor": contractor, "count": len(items),
                    "score": (f"{round(100 * sum(i['score'] for i in scored) / len(scored))} %"
                              if scored else labels["not_filled_in"]),
                    "score_value": (sum(i["score"] for i in scored) / len(scored)
                                    if scored else -1),
                    "worst": worst["verdict_label"], "worst_key": worst["verdict"],
                    "findings": sum(len(i["findings"]) for i in items)})
    return sorted(out, key=lambda r: (VERDICT_ORDER.index(r["worst_key"]), r["score_value"]))


def _totals_by(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Per corporation or per contractor: how many, and how many of each kind of problem."""
    groups: dict[str, dict[str, Any]] = {}
    for r in rows:
        g = groups.setdefault(r[key], {"name": r[key], "count": 0, "required": 0,
                                       "recommended": 0, "insufficient": 0, "open": 0,
                                       "overdue": 0, "worst": "laag"})
        g["count"] += 1
        g["required"] += r["agreement_severity"] == "hoog"
        g["recommended"] += r["agreement_severity"] == "midden"
        g["insufficient"] += r["verdict_key"] == "onvoldoende"
        g["open"] += r["open_questions"]
        g["overdue"] += r["overdue"]
        if SEVERITY_RANK[r["severity"]] < SEVERITY_RANK[g["worst"]]:
            g["worst"] = r["severity"]
    return sorted(groups.values(), key=lambda g: (SEVERITY_RANK[g["worst"]], -g["required"],
                                                  -g["insufficient"], g["name"]))


FINDINGS_SHOWN = 20


def build_context(records: list[dict[str, Any]], refused: list[str], lang: str,
                  generated: dt.datetime, changes: dict[str, Any] | None = None,
                  signoff: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the overview's sections show. signoff: the latest approval of the overview
    (avgkit.batch.signoff.current), or None."""
    kb = load_knowledge()
    labels = _labels(lang)
    ok = [r for r in records if r.get("status") == "ok"]
    failed = [r for r in records if r.get("status") != "ok"]
    summaries = [r for r in records if r.get("summary")]
    rows = table_rows(records, lang)
    by_id = {r["id"]: r for r in rows}
    roles = Counter(r["summary"]["provider_role_label"] or labels["undetermined"]
                    for r in summaries)
    states = Counter(r["summary"].get("agreement_state") or agreement_state(r["summary"])
                     for r in summaries)
    verdicts = Counter((r["summary"]["security"] or {}).get("verdict", "")
                       for r in summaries)
    verdict_label = {"": labels["not_assessed"],
                     **{k: v.get(lang) for k, v in _verdict_labels().items()}}
    findings = sorted(
        ({**f, "id": r["id"], "contractor": r["summary"]["contractor"],
          "severity_label": labels.get(f"severity_{f['severity']}", f["severity"]),
          "report": r.get("report") if r.get("status") == "ok" else None}
         for r in summaries for f in (r["summary"]["security"] or {}).get("findings", [])),
        key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), f["id"]))
    actions = [{**a, "id": r["id"], "contractor": r["summary"]["contractor"],
                "report": r.get("report") if r.get("status") == "ok" else None,
                "status_label": labels.get(f"action_{a['status']}", a["status"])}
               for r in summaries for a in r["summary"].get("actions", [])
               if a["status"] != "gereed"]
    by_owner: dict[str, list[dict]] = defaultdict(list)
    for a in sorted(actions, key=lambda a: (not a["overdue"], a["due"] or "9999", a["id"])):
        by_owner[a["owner"] or labels["no_owner"]].append(a)
    overdue = sorted(
        ({**a, "id": r["id"], "contractor": r["summary"]["contractor"]}
         for r in summaries for a in r["summary"]["actions_overdue"]), key=lambda a: a["due"])
    required = [r for r in rows if r["agreement_severity"] == "hoog"]
    recommended = [r for r in rows if r["agreement_severity"] == "midden"]
    signed = sum(1 for r in summaries if r["summary"].get("signoff"))
    return {
        "lang": lang, "labels": labels, "version": __version__,
        "source_line": source_caveat(lang).line,  # the source's own caveat and authors
        "generated": amsterdam(generated),
        "priority_note": kb.overzicht.priority.note.get(lang),
        "totals": {"collaborations": len(records) + len(refused), "reported": len(ok),
                   "failed": len(failed), "refused": len(refused),
                   "required": len(required), "recommended": len(recommended),
                   "insufficient": verdicts.get("onvoldoende", 0),
                   "screening_stops": sum(1 for r in rows if r["screening_stops"]),
                   "signed": signed, "assessed": len(summaries),
                   "final": sum(1 for r in summaries if r["summary"].get("status") == "afgerond")},
        "roles_chart": bar_chart(roles.most_common()),
        "agreement_chart": bar_chart(
            [(labels[f"agreement_state_{s}"], states[s]) for s in AGREEMENT_STATES
             if states.get(s)], colours=[SEVERITY_COLOUR[AGREEMENT_SEVERITY[s]]
                                         for s in AGREEMENT_STATES if states.get(s)]),
        "verdict_chart": bar_chart(
            [(verdict_label[v], verdicts[v]) for v in (*VERDICT_ORDER, "") if verdicts.get(v)],
            colours=[SEVERITY_COLOUR[VERDICT_SEVERITY[v]] for v in (*VERDICT_ORDER, "")
                     if verdicts.get(v)]),
        "priorities": rows,
        "agreement_problems": [r for r in summaries if by_id[r["id"]]["agreement_severity"]
                               == "hoog"],
        "agreement_required": required,
        "agreement_recommended": recommended,
        "per_corporation": _totals_by(rows, "corporation"),
        "per_contractor": _totals_by(rows, "contractor"),
        "security": _security_per_contractor(records, labels),
        "findings": findings[:FINDINGS_SHOWN],
        "findings_rest": findings[FINDINGS_SHOWN:],
        "findings_total": len(findings),
        "actions_by_owner": sorted(by_owner.items(),
                                   key=lambda kv: (-sum(a["overdue"] for a in kv[1]), kv[0])),
        "actions_open": len(actions),
        "overdue": overdue,
        "failed": failed,
        "refused": refused,
        "rows": rows,
        "changes": changes or {"previous": None, "items": []},
        "overview_signoff": _signoff_view(signoff),
    }


def _signoff_view(signoff: dict[str, Any] | None) -> dict[str, Any] | None:
    """The approval as the overview shows it: times in Europe/Amsterdam, the zone named."""
    if not signoff:
        return None
    run = signoff.get("generated")
    return {"by": signoff["by"], "role": signoff["role"], "valid": bool(signoff.get("valid")),
            "at": amsterdam(dt.datetime.fromisoformat(signoff["at"])),
            "run": amsterdam(dt.datetime.fromisoformat(run)) if run else "?"}


def amsterdam(moment: dt.datetime) -> str:
    """A moment as the overview shows it: Europe/Amsterdam, the zone named (CET/CEST); a naive
    moment is this computer's local time."""
    from avgkit.breach import AMSTERDAM

    return f"{moment.astimezone(AMSTERDAM):%Y-%m-%d %H:%M %Z}"


def _verdict_labels():
    return load_knowledge().beveiliging.verdicts


def write_overview(out_dir: Path, records: list[dict[str, Any]], refused: list[str],
                   lang: str = "nl", generated: dt.datetime | None = None,
                   notebooks_dir: Path | None = None,
                   hashes: dict[str, str] | None = None,
                   run_notebook: Callable | None = None) -> None:
    """index.html (the overview notebook), results.xlsx/csv, and the kept run history.
    run_notebook(function, *args) runs the overview notebook elsewhere (a batch worker whose
    kernel is warm); by default it runs here."""
    from avgkit.batch.history import changes as history_changes
    from avgkit.batch.history import record_run
    from avgkit.batch.overzicht import write_index
    from avgkit.batch.runner import NOTEBOOKS

    generated = generated or dt.datetime.now()
    state_dir = out_dir / "_avgkit"
    hashes = hashes or {}
    previous = record_run(state_dir, records, refused, hashes, generated)
    changes = history_changes(previous, records, hashes, lang)
    write_index(out_dir, state_dir, records, refused, lang, Path(notebooks_dir or NOTEBOOKS),
                changes, generated, run_notebook)
    write_results(out_dir, table_rows(records, lang), _labels(lang), TABLE_COLUMNS)

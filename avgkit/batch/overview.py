"""The management overview: index.html, results.xlsx and results.csv, from the batch's records.

Every string from the portfolio is hostile: Jinja2 autoescapes it in HTML, and spreadsheet cells
that a spreadsheet program would read as a formula are neutralised.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from avgkit import __version__
from avgkit.batch.files import write_atomic
from avgkit.batch.spreadsheet import neutralise, write_results  # noqa: F401 (neutralise: API)
from avgkit.knowledge import load_knowledge

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SEVERITY_ORDER = {"hoog": 0, "midden": 1, "laag": 2}
VERDICT_ORDER = ("onvoldoende", "aandacht nodig", "voldoende")
TABLE_COLUMNS = ["id", "corporation", "contractor", "provider_role", "client_role", "variants",
                 "agreement_needed", "agreement_in_place", "agreement_fits", "risk", "verdict",
                 "score", "open_questions", "screening", "status", "report"]


def bar_chart(items: list[tuple[str, int]], colour: str = "#0b5cad") -> Markup:
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
                     f'fill="{colour}" rx="2"/>'
                     f'<text x="{label_w + width + 6}" y="{y + 15}">{n}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _screening_text(screening: dict[str, Any] | None, lang: str) -> str:
    if not screening:
        return ""
    from avgkit.screen import summary_text

    return summary_text(screening, lang)


def table_rows(records: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The one table behind index.html, results.xlsx and results.csv."""
    labels = load_knowledge().overzicht.labels
    word = {True: labels["word_yes"].get(lang), False: labels["word_no"].get(lang), None: ""}
    rows = []
    for rec in records:
        s = rec.get("summary") or {}
        sec = s.get("security") or {}
        rows.append({
            "id": rec["id"],
            "corporation": s.get("corporation", ""),
            "contractor": s.get("contractor", ""),
            "provider_role": s.get("provider_role_label") or labels["undetermined"].get(lang),
            "client_role": s.get("client_role_label") or labels["undetermined"].get(lang),
            "variants": ", ".join(s.get("variants", [])),
            "agreement_needed": s.get("agreement_needed_label", ""),
            "agreement_in_place": (s.get("agreement_in_place_label")
                                   or labels["none_recorded"].get(lang)),
            "agreement_fits": word[s.get("agreement_fits")],
            "risk": sec.get("risk_level", ""),
            "verdict": sec.get("verdict_label", labels["not_assessed"].get(lang)),
            "score": "" if sec.get("score") is None else round(100 * sec["score"]),
            "open_questions": s.get("open_questions", ""),
            # issue 11: stops/questions and the DPIA outcome (avgkit.screen)
            "screening": _screening_text(s.get("screening"), lang),
            "status": (labels["ok"] if rec.get("status") == "ok"
                       else labels["failed_status"]).get(lang),
            "report": rec.get("report") if rec.get("status") == "ok" else "",
            # not columns: for colours in results.xlsx
            "verdict_key": sec.get("verdict"), "fits_key": s.get("agreement_fits"),
            "failed": rec.get("status") != "ok",
        })
    return rows


def _security_per_contractor(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for rec in records:
        sec = (rec.get("summary") or {}).get("security")
        if sec:
            groups[rec["summary"]["contractor"]].append(sec)
    out = []
    for contractor, items in groups.items():
        scores = [i["score"] for i in items if i.get("score") is not None]
        worst = min(items, key=lambda i: VERDICT_ORDER.index(i["verdict"]))
        out.append({"contractor": contractor, "count": len(items),
                    "score": round(100 * sum(scores) / len(scores)) if scores else None,
                    "worst": worst["verdict_label"], "worst_key": worst["verdict"],
                    "findings": sum(len(i["findings"]) for i in items)})
    return sorted(out, key=lambda r: (VERDICT_ORDER.index(r["worst_key"]), r["score"] or 0))


def build_context(records: list[dict[str, Any]], refused: list[str], lang: str,
                  generated: dt.datetime) -> dict[str, Any]:
    kb = load_knowledge()
    labels = {k: v.get(lang) for k, v in kb.overzicht.labels.items()}
    ok = [r for r in records if r.get("status") == "ok"]
    failed = [r for r in records if r.get("status") != "ok"]
    summaries = [r for r in records if r.get("summary")]
    roles = Counter(r["summary"]["provider_role_label"] or labels["undetermined"]
                    for r in summaries)
    agreement_counts = Counter(
        {True: labels["agreement_ok"], False: labels["agreement_problem"]}.get(
            r["summary"]["agreement_fits"], labels["agreement_unknown"]) for r in summaries)
    verdicts = Counter((r["summary"]["security"] or {}).get("verdict_label",
                                                            labels["not_assessed"])
                       for r in summaries)
    findings = sorted(
        ({**f, "id": r["id"], "contractor": r["summary"]["contractor"],
          "report": r.get("report") if r.get("status") == "ok" else None}
         for r in summaries for f in (r["summary"]["security"] or {}).get("findings", [])),
        key=lambda f: SEVERITY_ORDER.get(f["severity"], 9))
    overdue = sorted(
        ({**a, "id": r["id"], "contractor": r["summary"]["contractor"]}
         for r in summaries for a in r["summary"]["actions_overdue"]), key=lambda a: a["due"])
    agreement_problems = [r for r in summaries if r["summary"]["agreement_fits"] is False]
    return {
        "lang": lang, "labels": labels, "version": __version__,
        "generated": generated.strftime("%Y-%m-%d %H:%M"),
        "css": (TEMPLATES / "report.css").read_text(encoding="utf-8"),
        "totals": {"collaborations": len(records) + len(refused), "reported": len(ok),
                   "failed": len(failed), "refused": len(refused)},
        "roles_chart": bar_chart(roles.most_common()),
        "agreement_chart": bar_chart(agreement_counts.most_common(), "#b36b00"),
        "verdict_chart": bar_chart(verdicts.most_common(), "#1e7a3c"),
        "agreement_problems": agreement_problems,
        "security": _security_per_contractor(records),
        "findings": findings[:20],
        "overdue": overdue,
        "failed": failed,
        "refused": refused,
        "rows": table_rows(records, lang),
    }


def write_overview(out_dir: Path, records: list[dict[str, Any]], refused: list[str],
                   lang: str = "nl", generated: dt.datetime | None = None) -> None:
    context = build_context(records, refused, lang, generated or dt.datetime.now())
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2"]))
    html = env.get_template("overview.html.j2").render(**context)
    write_atomic(out_dir / "index.html", html)
    write_results(out_dir, context["rows"], context["labels"], TABLE_COLUMNS)

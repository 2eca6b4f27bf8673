"""`avgkit checklist`: the Bijlage 2 security checklist (measures, risk factors, rules)."""

from __future__ import annotations

import argparse
import json
import textwrap

from avgkit.checklist import catalogue
from avgkit.cli import UsageError
from avgkit.knowledge import KnowledgeError, cli_labels
from avgkit.models import LANGS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("checklist", help="beveiligingschecklist (Bijlage 2) en risicoregels",
                       description="The Bijlage 2 security measures, risk factors and rules.")
    p.add_argument("--json", action="store_true", help="print the checklist as JSON")
    p.add_argument("--lang", choices=LANGS, default="nl")
    p.add_argument("--custom", metavar="FILE",
                   help="an organisation's own measures (YAML, see data/eigen-maatregelen.yaml)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        data = catalogue(args.custom)
    except KnowledgeError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(render(data, args.lang))
    return 0


def _wrap(text: str, indent: str = "  ", hang: str = "  ") -> str:
    return textwrap.fill(text, width=96, initial_indent=indent, subsequent_indent=indent + hang,
                         break_on_hyphens=False)


def _quote(q: dict, lang: str) -> str:
    return f"“{q[lang]}” ({q['source']})"


def _ours(item: dict, t: dict) -> str:
    return f" ({t['ours']})" if item.get("ours") else ""


def _condition(when: dict | None, data: dict, lang: str) -> str:
    """A rule's condition in words; factor values stay the codes one types in a checklist."""
    t = cli_labels("checklist", lang)
    if not when:
        return t["always"]
    if "factor" in when:
        if "at_least" in when:
            return f"{t['if']} {when['factor']} ≥ {when['at_least']}"
        values = [when["equals"]] if "equals" in when else when["one_of"]
        return f"{t['if']} {when['factor']} = {' | '.join(values)}"

    def label(key: str, value: object) -> str:
        table = data["statuses"] if key == "status" else data["levels"]
        return table[value]["label"][lang] if value in table else str(value)

    parts = []
    for key, value in when.items():
        if value is True:
            parts.append(t[key])
        elif isinstance(value, list):
            parts.append(f"{t[key]} {' | '.join(label(key, v) for v in value)}")
        else:
            parts.append(f"{t[key]} {label(key, value)}")
    return f"{t['if']} {', '.join(parts)}"


def render(data: dict, lang: str = "nl") -> str:
    t = cli_labels("checklist", lang)
    lines = [data["title"][lang], f"{t['source']}: {data['source']}"]
    lines += [_wrap(_quote(q, lang)) for q in data["intro"]]
    for note in data["notes"].values():
        lines.append(_wrap(f"{t['note']}: {note[lang]}", "", "  "))
    if data["custom"]:
        own = data["custom"]
        lines.append(f"{t['own_file']}: {own['file'] or ''} {own['organisation']}".rstrip())
        if own["note"]:
            lines.append(_wrap(own["note"][lang]))

    for category, label in data["categories"].items():
        lines.append(f"\n{label[lang]}")
        for m in (m for m in data["measures"] if m["category"] == category):
            tag = f"  [{t['own']}]" if m["custom"] else ""
            lines.append(f"  {m['id']}{tag}")
            lines.append(_wrap(f"nl: {m['text']['nl']}", "    "))
            lines.append(_wrap(f"en: {m['text']['en']}", "    "))
            if m["iso27002"]:
                refs = "; ".join(f"{r['control']} {r['title'][lang]}" if r["title"]
                                 else r["control"] for r in m["iso27002"])
                lines.append(_wrap(f"{t['iso']}: {refs}", "    "))
            lines.append(f"    {t['from']}: {data['levels'][m['expected_from']]['label'][lang]}"
                         f" ({t['ours']})")
            lines.append(_wrap(f"{t['evidence']}: {m['evidence_hint'][lang]}", "    "))
            if m["remark"]:
                lines.append(_wrap(m["remark"][lang], "    "))
            if m["citations"]:
                lines.append(_wrap(f"[{'; '.join(m['citations'])}]", "    "))

    lines.append(f"\n{t['factors']}")
    for f in data["factors"]:
        if f["kind"] == "count":
            kind = t["count"]
        elif f["kind"] == "text":
            kind = f"{t['free']} {' | '.join(o['value'] for o in f['options'])}"
        else:
            kind = " | ".join(o["value"] for o in f["options"])
        lines.append(_wrap(f"{f['key']} – {f['name'][lang]}: {kind}"))
        for o in f["options"]:
            cites = f" [{'; '.join(o['citations'])}]" if o["citations"] else ""
            lines.append(_wrap(f"- {o['value']}: {o['label'][lang]}{cites}", "    "))
        for q in f["quotes"]:
            lines.append(_wrap(f"{t['source']}: {_quote(q, lang)}", "    "))
        if f["note"]:
            lines.append(_wrap(f"{t['explained']}: {f['note'][lang]}", "    "))

    lines.append(f"\n{t['levels']}")
    for level in data["levels"].values():
        lines.append(_wrap(f"{level['label'][lang]}: {level['description'][lang]}"))
    points = ", ".join(f"{s['label'][lang]} {s['points']}" for s in data["statuses"].values()
                       if s["points"] is not None)
    lines.append(_wrap(f"{t['points']}: {points}"))

    lines.append(f"\n{t['rules']}")
    for i, r in enumerate(data["risk_rules"], 1):
        effect = (f"{t['at_least']} {data['levels'][r['target']]['label'][lang]}"
                  if r["effect"] == "min_level" else f"{r['target']} {t['raise']}")
        lines.append(_wrap(f"{i}. {r['id']}: {_condition(r['when'], data, lang)} → {effect}"
                           f"{_ours(r, t)}", "  ", "   "))
        lines.append(_wrap(f"{r['text'][lang]} [{'; '.join(r['citations'])}]", "     "))
        for q in r["quotes"]:
            lines.append(_wrap(f"{t['source']}: {_quote(q, lang)}", "     "))

    lines.append(f"\n{t['severity']}")
    for r in data["severity_rules"]:
        lines.append(_wrap(f"- {r['id']}: {_condition(r['when'], data, lang)} → "
                           f"{data['levels'][r['severity']]['label'][lang]}{_ours(r, t)}"))
        lines.append(_wrap(r["text"][lang], "    "))
    lines.append(f"\n{t['verdict']}")
    for r in data["verdict_rules"]:
        lines.append(_wrap(f"- {r['id']}: {_condition(r['when'], data, lang)} → "
                           f"{data['verdicts'][r['verdict']][lang]}{_ours(r, t)}"))
        lines.append(_wrap(f"{r['text'][lang]} [{'; '.join(r['citations'])}]", "    "))
    return "\n".join(lines)

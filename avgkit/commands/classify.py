"""`avgkit classify`: the role outcome of one collaboration in the terminal."""

from __future__ import annotations

import argparse
import json
import textwrap

from avgkit.answers import parse_answer, parse_form
from avgkit.classifier import VARIANT_KEYS, Classification, classify
from avgkit.knowledge import cli_labels, load_knowledge
from avgkit.models import LANGS
from avgkit.notes import note_line, source_caveat


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("classify", help="rolverdeling van één samenwerking",
                       description="Which GDPR role each party has, why, and what follows.")
    p.add_argument("--form", help="samenwerkingsvorm 1-4, or 0/geen for none of these")
    p.add_argument("--variant", action="append", default=[], choices=sorted(VARIANT_KEYS),
                   help="variant A, B or C applies (repeatable)")
    p.add_argument("--answer", action="append", default=[], metavar="KEY=VALUE",
                   help="an answer, e.g. on_behalf_of_client=ja (repeatable)")
    p.add_argument("--json", action="store_true", help="print the outcome as JSON")
    p.add_argument("--lang", choices=LANGS, default="nl")
    p.add_argument("--obligations", action="store_true", help="list the obligations per party")
    p.set_defaults(run=run)


def facts_from_args(args: argparse.Namespace) -> dict:
    facts: dict = {}
    if args.form is not None:
        facts["data_exchange"] = parse_form(args.form)
    for code in args.variant:
        facts[VARIANT_KEYS[code]] = True
    for item in args.answer:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--answer needs KEY=VALUE, got {item!r}")
        facts[key.strip()] = parse_answer(key.strip(), value)
    return facts


def run(args: argparse.Namespace) -> int:
    result = classify(facts_from_args(args))
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render(result, args.lang, with_obligations=args.obligations))
    return 0


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, width=96, initial_indent=indent, subsequent_indent=indent + "  ")


def render(result: Classification, lang: str = "nl", with_obligations: bool = False) -> str:
    kb = load_knowledge()
    t = cli_labels("classify", lang)

    def role(r):
        return kb.begrippen.roles[r.name].get(lang) if r else t["undetermined"]

    lines = [f"{t['provider']}: {role(result.provider_role)}",
             f"{t['client']}: {role(result.client_role)}"]
    if result.agreement:
        a = result.agreement
        lines.append(f"{t['agreement']}: {a.name.get(lang)} ({t[a.necessity.value]}; "
                     f"{', '.join(a.citations)})")
    if result.matched:
        lines.append(f"{t['matched']}: {result.matched}")
    ours = kb.bron.note_kinds["lezing"].get(lang)

    def reason(r, indent: str = "  ") -> None:
        label = f"{ours}: " if r.ours else ""
        lines.append(_wrap(f"- {label}{r.text.get(lang)} [{'; '.join(r.citations)}]", indent))
        lines.extend(_wrap(note_line(n, lang), indent + "    ") for n in r.notes)

    if result.reasons:
        lines.append(f"\n{t['reasons']}:")
        for r in result.reasons:
            reason(r)
    if result.variants:
        lines.append(f"\n{t['variants']}:")
        for v in result.variants:
            who = t["subcontractor"] if v.party == "subcontractor" else t["provider"]
            lines.append(f"  {v.code}: {who}: {role(v.provider_role)}; "
                         f"{t['client']}: {role(v.client_role)}")
            if v.agreement:
                lines.append(_wrap(f"{t['agreement']}: {v.agreement.name.get(lang)} "
                                   f"({t[v.agreement.necessity.value]}) – "
                                   f"{v.agreement.reason.get(lang)}", "    "))
            for r in v.reasons:
                reason(r, "    ")
            lines.extend(_wrap(note_line(n, lang), "      ") for n in v.notes)
    if result.open_questions:
        lines.append(f"\n{t['open']}:")
        for q in result.open_questions:
            lines.append(_wrap(f"- {q.text.get(lang)}"))
    if with_obligations:
        for party, items in result.obligations.items():
            lines.append(f"\n{t['obligations']} – {t[party]}:")
            for o in items:
                lines.append(_wrap(f"- {o.id}: {o.text.get(lang)} [{'; '.join(o.citations)}]"))
                lines.extend(_wrap(note_line(n, lang), "      ") for n in o.notes)
    lines.append("\n" + _wrap(source_caveat(lang).line, ""))
    return "\n".join(lines)

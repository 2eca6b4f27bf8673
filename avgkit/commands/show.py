"""`avgkit show ID`: one saved assessment, now or as it was at a given moment."""

from __future__ import annotations

import argparse
import datetime as dt

from avgkit.assessment import Assessment
from avgkit.commands._store_cli import (
    add_store_option,
    clean,
    open_store,
    print_json,
    store_errors,
    yes_no,
)
from avgkit.knowledge import load_knowledge

FIELDS = (("corporation", "Corporatie"), ("contractor", "Aannemer"),
          ("description", "Omschrijving"), ("auditor", "Auditor"), ("status", "Status"))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("show", help="één opgeslagen beoordeling",
                       description="Show one saved assessment.")
    p.add_argument("id", metavar="ID")
    p.add_argument("--as-of", metavar="WHEN", type=parse_when,
                   help="zoals het was op dit moment: 2024-05-01 (einde van die dag) of "
                        "2024-05-01T14:30 (UTC, tenzij een tijdzone erbij staat)")
    add_store_option(p)
    p.set_defaults(run=run)


def parse_when(text: str) -> dt.datetime:
    """A date means the end of that day; a time without a zone is UTC."""
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"geen datum of tijd: {text!r} (verwacht bijv. 2024-05-01 of 2024-05-01T14:30)"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


@store_errors
def run(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        if args.as_of is None:
            assessment, version = store.get_with_version(args.id)
        else:
            assessment = store.as_of(args.id, args.as_of)
            version = max(c.version for c in store.history(args.id) if c.when <= args.as_of)
    if args.json:
        print_json({"version": version,
                    "as_of": args.as_of.isoformat() if args.as_of else None,
                    "assessment": assessment.to_dict()})
    else:
        print(render(assessment, version, args.as_of))
    return 0


def _time(value: dt.datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S} UTC" if value else "-"


def render(a: Assessment, version: int, as_of: dt.datetime | None = None) -> str:
    when = f", zoals op {_time(as_of)}" if as_of else ""
    lines = [f"Beoordeling {a.id} (versie {version}{when})"]
    lines += [f"  {label + ':':<14}{clean(getattr(a, name)) or '-'}" for name, label in FIELDS]
    lines += [f"  {'Aangemaakt:':<14}{_time(a.created)}",
              f"  {'Bijgewerkt:':<14}{_time(a.updated)}"]

    result = a.classification()
    roles = load_knowledge().begrippen.roles

    def role(r):
        return roles[r.name].get("nl") if r else "nog niet vast te stellen"

    lines += ["", "Rolverdeling:", f"  Aannemer/installateur: {role(result.provider_role)}",
              f"  Corporatie: {role(result.client_role)}"]

    ag = a.agreement
    covered = sum(1 for v in ag.points.values() if v)
    lines += ["", "Overeenkomst:", f"  Soort: {ag.kind or 'nog niet vastgelegd'}",
              f"  Datum: {ag.date or '-'}", f"  Beoordeeld: {yes_no(ag.reviewed)}"]
    if ag.points:
        lines.append(f"  Punten: {covered} van {len(ag.points)} beoordeelde punten afgedekt")

    lines += ["", "Antwoorden:" if a.answers else "Antwoorden: nog geen"]
    lines += [f"  {key}: {yes_no(value)}" for key, value in a.answers.items()]

    checklist = a.checklist or {}
    profile = checklist.get("risk_profile") or {}
    answers = checklist.get("answers") or {}
    lines += ["", f"Beveiligingschecklist: {len(answers)} maatregel(en) beantwoord"]
    if profile:
        lines.append("  Risicoprofiel: " + ", ".join(f"{clean(k)}={yes_no(v)}"
                                                     for k, v in profile.items()))
    for mid, answer in answers.items():
        status = answer.get("status", "?") if isinstance(answer, dict) else answer
        lines.append(f"  {clean(mid)}: {yes_no(status)}")

    lines += ["", "Acties:" if a.actions else "Acties: geen"]
    for action in a.actions:
        extra = [f"eigenaar: {clean(action.owner)}" if action.owner else "",
                 f"uiterlijk: {action.due}" if action.due else "",
                 f"bevinding: {clean(action.finding)}" if action.finding else ""]
        detail = "; ".join(e for e in extra if e)
        lines.append(f"  - [{action.status}] {clean(action.what)}" + (f" ({detail})" if detail
                                                                        else ""))
    if a.notes:
        lines += ["", "Notities:", *(f"  {clean(line)}" for line in a.notes.splitlines())]
    return "\n".join(lines)

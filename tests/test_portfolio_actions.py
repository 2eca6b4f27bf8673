"""Actions from the portfolio (issue 12): owner, due date and status as optional columns, in the
report data and per owner in the overview; a detail without an action is a clear error."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from conftest import ROOT

from avgkit.batch.overview import build_context
from avgkit.batch.priorities import prioritise
from avgkit.batch.summary import summarise
from avgkit.portfolio import read_portfolio

EXAMPLE = ROOT / "data" / "voorbeeld-portefeuille.csv"


def _portfolio(tmp_path, extra_rows):
    lines = EXAMPLE.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0] + ";actie;actie_eigenaar;actie_uiterlijk;actie_status"
    path = tmp_path / "p.csv"
    path.write_text("\n".join([header, *(lines[i] + ";" + extra for i, extra in extra_rows)])
                    + "\n", encoding="utf-8")
    return path


def test_actions_are_read_and_listed_per_owner(tmp_path):
    path = _portfolio(tmp_path, [
        (1, "Bitlocker op alle laptops;Installatietechniek (P. de Boer);2024-01-31;bezig"),
        (2, "Overeenkomst ondertekenen;Inkoop;2099-12-31;"),
        (3, "Oude actie;Inkoop;2020-01-01;gereed")])
    assessments, errors = read_portfolio(path)
    assert not errors
    first = assessments[0].actions[0]
    assert (first.what, first.owner, first.due, first.status) == (
        "Bitlocker op alle laptops", "Installatietechniek (P. de Boer)", dt.date(2024, 1, 31),
        "bezig")
    assert assessments[1].actions[0].status == "open"  # empty status = open
    today = dt.date(2026, 11, 30)
    records = [{"id": a.id, "status": "ok", "report": f"{a.id}.html",
                "summary": summarise(a, "nl", today=today)} for a in assessments]
    assert records[0]["summary"]["actions_overdue"][0]["what"] == "Bitlocker op alle laptops"
    assert "over-datum:Bitlocker op alle laptops" in prioritise(records[0]).problems
    context = build_context(records, [], "nl", dt.datetime(2026, 11, 30))
    owners = dict(context["actions_by_owner"])
    assert [a["what"] for a in owners["Inkoop"]] == ["Overeenkomst ondertekenen"]  # not 'gereed'
    assert owners["Installatietechniek (P. de Boer)"][0]["overdue"] is True
    assert context["actions_open"] == 2


def test_owner_without_action_is_refused_with_row_and_column(tmp_path):
    path = _portfolio(tmp_path, [(1, ";Inkoop;;")])
    assessments, errors = read_portfolio(path)
    assert not assessments
    (error,) = errors
    text = str(error)
    assert "rij 2" in text and "actie_eigenaar" in text and "'actie'" in text
    proc = subprocess.run([sys.executable, "-m", "avgkit", "validate", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "actie_eigenaar" in proc.stdout + proc.stderr

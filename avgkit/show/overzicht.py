"""The sections of the management overview, one call each, for notebooks/overzicht.ipynb.

    overview = show.load(results, lang)   # results: <out>/_avgkit/overzicht.json of the batch
    show.priorities(overview)             # id="prioriteiten": what comes first
    show.totals(overview) ...

The batch writes the results file and runs the notebook with papermill (avgkit.batch.overzicht);
an organisation's copy of the notebook (`avgkit batch --notebooks DIR`) is its overview template.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PRIORITIES_SHOWN = 10


@dataclass
class Overview:
    context: dict[str, Any] | None  # None: no results file chosen (the notebook opened by hand)


def load(results: str, lang: str = "nl") -> Overview:
    """Read the batch's results file and show the overview's stylesheet and script once."""
    from IPython.display import HTML, display

    from avgkit.batch.overview import build_context
    from avgkit.models import check_lang

    check_lang(lang)
    if not results:  # "Run All" in JupyterLab or Voilà without a batch: say what to do
        from avgkit.batch.overview import _labels as labels

        display(HTML(f'<p class="avgkit-note">{html.escape(labels(lang)["no_results"])}</p>'))
        return Overview(None)
    data = json.loads(Path(results).read_text(encoding="utf-8"))
    context = build_context(data["records"], data["refused"], lang,
                            dt.datetime.fromisoformat(data["generated"]), data.get("changes"),
                            signoff=data.get("signoff"))
    display(HTML(render("style")))
    return Overview(context)


def render(section: str, overview: Overview | None = None) -> str:
    from avgkit.html import render as render_template
    from avgkit.show import section_css

    context = overview.context if overview else {}
    return render_template("overzicht_sections.html.j2", section=section, css=section_css(),
                           shown=PRIORITIES_SHOWN, **context)


def _show(overview: Overview, section: str) -> None:
    from IPython.display import HTML, display

    if overview.context is None:
        return
    display(HTML(render(section, overview)))


def header(overview: Overview) -> None:
    """Title, date and version, the sign-off block."""
    _show(overview, "header")


def priorities(overview: Overview) -> None:
    """The collaborations in order of risk, each with what to do first (id="prioriteiten")."""
    _show(overview, "priorities")


def totals(overview: Overview) -> None:
    """Counts and charts, coloured by severity."""
    _show(overview, "totals")


def changes(overview: Overview) -> None:
    """New, resolved, worse and better since the previous run."""
    _show(overview, "changes")


def per_corporation(overview: Overview) -> None:
    _show(overview, "per_corporation")


def per_contractor(overview: Overview) -> None:
    """Totals and security per provider."""
    _show(overview, "per_contractor")


def agreements(overview: Overview) -> None:
    """Required agreements missing or not fitting (red), recommended ones apart (amber)."""
    _show(overview, "agreements")


def findings(overview: Overview) -> None:
    """The security findings, the most serious first, with a visible '20 of 59'."""
    _show(overview, "findings")


def actions(overview: Overview) -> None:
    """The open actions per owner, overdue first."""
    _show(overview, "actions")


def problems(overview: Overview) -> None:
    """Failed collaborations and refused portfolio rows, with their reason."""
    _show(overview, "problems")


def table(overview: Overview) -> None:
    """Every collaboration: sortable (by severity), a filter per column, keyboard reachable."""
    _show(overview, "table")

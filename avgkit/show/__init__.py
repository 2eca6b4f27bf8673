"""The sections of a report, one call each, for the report notebooks (issue 12).

The notebook is the report: a markdown cell per section and a code cell that shows it.

    report = show.load("samenwerking", assessment_id, store_path, lang, interactive)
    show.findings(report)       # outcome, what is missing or wrong, actions
    show.screening(report)      # lawfulness stops and questions, the DPIA screening
    show.argumentation(report)  # why: the reasons with their citations, variants
    ...

In interactive mode (widgets) `load` returns None and every section shows nothing: the app cell
above is the page. Adding a section is one markdown cell plus one code cell; a section from
elsewhere in avgkit is shown with `show.custom(report, render)`, where `render(assessment, lang)`
returns HTML (escaped by its own templates).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from avgkit.assessment import Assessment

KINDS = ("samenwerking", "beveiliging")
SERIOUS_SHOWN = 3  # serious checklist findings named in the findings; the rest by id


@functools.cache
def section_css() -> str:
    return resources.files("avgkit").joinpath("templates", "sections.css").read_text("utf-8")


# Cell tags of the report notebooks: "report-only" cells are hidden in the app (Voilà gives every
# cell the class celltag_<tag>), "notebook-only" cells (about the notebook itself) are left out of
# the report too, and markdown tagged "lang-nl"/"lang-en" shows in that language's report only.
INTERACTIVE_STYLE = ("<style>.celltag_report-only, .celltag_notebook-only "
                     "{ display: none !important; }</style>")


@dataclass
class Report:
    """One assessment, ready to be shown section by section (report mode only)."""

    kind: str
    assessment: Assessment
    lang: str
    custom: str | None = None
    _context: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def context(self) -> dict[str, Any]:
        if self._context is None:
            from avgkit.report import SECTIONS, report_context

            self._context = report_context(self.assessment, self.lang, SECTIONS, self.custom)
            self._context.update(findings_context(self.assessment, self._context, self.lang))
        return self._context


def load(kind: str, assessment_id: str = "", store_path: str = "", lang: str = "nl",
         interactive: bool = True) -> Report | None:
    """The saved assessment for the section cells; None (and nothing shown) in interactive
    mode. Displays the report's stylesheet once, so the sections below are plain fragments."""
    import os

    from IPython.display import HTML, display

    from avgkit.models import check_lang
    from avgkit.notebook import MEASURES_ENV

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    if interactive:
        display(HTML(INTERACTIVE_STYLE))
        return None
    check_lang(lang)
    assessment = saved_assessment(assessment_id, store_path)
    report = Report(kind, assessment, lang, os.environ.get(MEASURES_ENV) or None)
    from avgkit.html import stylesheet

    display(HTML(f"<style>{stylesheet()}\n{section_css()}</style>"))
    return report


def saved_assessment(assessment_id: str, store_path: str = "") -> Assessment:
    """The saved assessment a report is about; report mode never creates a store."""
    from avgkit.notebook import resolve_store_path
    from avgkit.store import NotFoundError, Store

    if not assessment_id:
        raise ValueError("report mode needs an assessment_id")
    path = resolve_store_path(store_path)
    if not path.is_file():
        raise FileNotFoundError(f"no store at {path} (report mode never creates one)")
    try:
        return Store(path).get(assessment_id)
    except NotFoundError:
        raise LookupError(f"assessment {assessment_id!r} is not in the store {path}") from None


def findings_context(a: Assessment, ctx: dict[str, Any], lang: str) -> dict[str, Any]:
    """What the findings section adds: the problems in order of severity, the open questions
    counted as the overview counts them, every action, the sign-off."""
    from avgkit.batch.summary import signoff_view
    from avgkit.presentation import Labels
    from avgkit.report import actions_view

    problems = []
    agreement = ctx.get("agreement") or {}
    for r in agreement.get("remarks", []):
        if r["severity"] in ("hoog", "midden"):
            problems.append({"severity": r["severity"], "text": r["text"],
                             "citations": r["citations"]})
    checklist = ctx.get("checklist")
    serious = [f for f in (checklist or {}).get("findings", []) if f["severity"] == "hoog"]
    for f in serious[:SERIOUS_SHOWN]:
        problems.append({"severity": "hoog", "citations": [],
                         "text": f"{f['measure']} – {f['text']} ({f['status_label']})"})
    if len(serious) > SERIOUS_SHOWN:
        problems.append({"severity": "hoog", "citations": [], "text": Labels(lang).format(
            "report_more_findings", count=len(serious) - SERIOUS_SHOWN,
            ids=", ".join(f["measure"] for f in serious[SERIOUS_SHOWN:]))})
    screening = ctx.get("screening_result")
    if screening is not None:  # issue 11: a lawfulness stop (e.g. the BSN) is a serious finding
        from avgkit.screen import stop_problems

        problems.extend(stop_problems(screening, lang))
    problems.sort(key=lambda p: {"hoog": 0, "midden": 1}.get(p["severity"], 2))
    collaboration = ctx.get("collaboration") or {}
    return {
        "problems": problems,
        "open_roles": len(collaboration.get("open_questions", [])),
        "open_checklist": len(checklist["open"]) if checklist else 0,
        "all_actions": actions_view(a, lang),
        "signoff": signoff_view(a),
        "necessity_id": (collaboration.get("agreement") or {}).get("necessity_id"),
    }


def _show(report: Report | None, section: str, **extra: Any) -> None:
    if report is None:
        return
    from IPython.display import HTML, display

    display(HTML(render_section(report, section, **extra)))


def render_section(report: Report, section: str, **extra: Any) -> str:
    from avgkit.html import render

    return render("report_sections.html.j2", section=section, kind=report.kind,
                  **{**report.context, **extra})


def header(report: Report | None) -> None:
    """Title, parties, assessment status (concept/afgerond) and the sign-off block."""
    _show(report, "header")


def findings(report: Report | None) -> None:
    """Findings first: the outcome, what is missing or wrong, the open questions, the actions."""
    _show(report, "findings")


def screening(report: Report | None) -> None:
    """Lawfulness stops and questions (BSN, art. 9/10, ...) and whether a DPIA is needed."""
    _show(report, "screening")


def argumentation(report: Report | None) -> None:
    """Why the roles are what they are: situation, reasons with citations, variants."""
    _show(report, "argumentation")


def agreement(report: Report | None) -> None:
    """The agreement in place against the outcome, and the review of the 14 points."""
    _show(report, "agreement")


def obligations(report: Report | None) -> None:
    """The obligations per party and role, with their articles."""
    _show(report, "obligations")


def answers(report: Report | None) -> None:
    """The questions asked and the answers given."""
    _show(report, "answers")


def notes(report: Report | None) -> None:
    """The auditor's notes."""
    _show(report, "notes")


def security(report: Report | None) -> None:
    """The Bijlage 2 verdict, risk level, scores, findings and open items."""
    _show(report, "security")


def risk_profile(report: Report | None) -> None:
    """The risk profile and the rules that set the risk level."""
    _show(report, "risk_profile")


def measures(report: Report | None) -> None:
    """Every measure of the checklist with its status, explanation and evidence."""
    _show(report, "measures")


def custom(report: Report | None, render: Callable[[Assessment, str], str]) -> None:
    """A section rendered elsewhere: `render(assessment, lang)` returns escaped HTML."""
    if report is None:
        return
    from IPython.display import HTML, display

    display(HTML(f'<div class="avgkit report">{render(report.assessment, report.lang)}</div>'))


__all__ = ["Report", "agreement", "answers", "argumentation", "custom", "findings", "header",
           "load", "measures", "notes", "obligations", "risk_profile", "screening",
           "security"]

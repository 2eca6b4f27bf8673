"""Static HTML for one assessment: the collaboration outcome and, if answered, the Bijlage 2
checklist. Used by the notebooks' report mode and by the portfolio batch.

No scripts, no external resources: a self-contained page (or fragment) that reads offline and
prints. Every value from the assessment is escaped by the templates (jinja2 autoescape).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from avgkit.assessment import Assessment
from avgkit.html import render, stylesheet
from avgkit.knowledge import load_knowledge
from avgkit.models import check_lang
from avgkit.notes import source_caveat
from avgkit.presentation import Labels, agreement_view, answers_view, collaboration_view

SECTIONS = ("samenwerking", "beveiliging")


def _check_sections(sections: Sequence[str]) -> tuple[str, ...]:
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown or not sections:
        raise ValueError(f"sections must be a non-empty selection of {', '.join(SECTIONS)}; "
                         f"got {list(sections)!r}")
    return tuple(sections)


def actions_view(assessment: Assessment, lang: str,
                 sections: Sequence[str] = SECTIONS) -> list[dict[str, str]]:
    """The actions a part of the report lists: those on a checklist finding with the checklist,
    the others with the collaboration, so that the two notebooks together list each once."""
    t = Labels(lang)
    wanted = [x for x in assessment.actions
              if ("beveiliging" in sections and x.finding)
              or ("samenwerking" in sections and not x.finding)]
    return [{"what": x.what, "owner": x.owner, "due": x.due.isoformat() if x.due else "",
             "status": x.status, "status_label": t[f"action_status_{x.status}"],
             "finding": x.finding or ""} for x in wanted]


def checklist_started(assessment: Assessment) -> bool:
    checklist = assessment.checklist or {}
    profile = checklist.get("risk_profile") or {}
    return bool(checklist.get("answers")) or any(v not in (None, "") for v in profile.values())


def report_context(assessment: Assessment, lang: str = "nl",
                   sections: Sequence[str] = SECTIONS, custom: Any = None) -> dict[str, Any]:
    """Everything the report template shows. `custom`: an organisation's own measures (a path
    or what avgkit.checklist.load_measures takes), needed when the checklist answers them."""
    lang = check_lang(lang)
    sections = _check_sections(sections)
    kb = load_knowledge()
    t = Labels(lang, kb)
    context: dict[str, Any] = {
        "lang": lang, "t": t, "a": assessment, "css": stylesheet(),
        "title": t["report_title_" + ("beveiliging" if sections == ("beveiliging",)
                                      else "samenwerking")],
        "subtitle": f"{assessment.corporation} × {assessment.contractor}",
        "status": t[f"status_{assessment.status}"],
        "as_of": (assessment.updated or assessment.created).strftime("%Y-%m-%d %H:%M")
        if (assessment.updated or assessment.created) else "–",
        "collaboration": None, "checklist": None,
        "checklist_requested": "beveiliging" in sections,
        "actions": actions_view(assessment, lang, sections),
        "compact": "samenwerking" not in sections,  # the checklist part after the collaboration
        "source_line": source_caveat(lang, kb).line,  # the source's own caveat and authors
    }
    if "samenwerking" in sections:
        result = assessment.classification()
        context["collaboration"] = collaboration_view(result, lang, assessment, kb)
        context["agreement"] = agreement_view(assessment, result, lang, kb)
        context["answers"] = answers_view(assessment, lang, kb)
        from markupsafe import Markup

        from avgkit.screen import render_html, screen
        # issue 11: the lawfulness and DPIA screening (render_html escapes every value); the
        # same Screening as the overview's column (avgkit.batch.summary), so the counts agree
        screening = screen(assessment)
        context["screening_result"] = screening
        context["screening"] = Markup(render_html(screening, lang))
        context["screening_section"] = Markup(render_html(screening, lang, heading=False))
    if "beveiliging" in sections and checklist_started(assessment):
        from avgkit.presentation import checklist_view

        context["checklist"] = checklist_view(assessment, lang, kb, custom)
    return context


def render_report(assessment: Assessment, lang: str = "nl", sections: Sequence[str] = SECTIONS,
                  *, standalone: bool = True, custom: Any = None) -> str:
    """The report as a full HTML page (standalone) or a fragment with its own <style>."""
    return render("report.html.j2", standalone=standalone,
                  **report_context(assessment, lang, sections, custom))


def write_report(assessment: Assessment, path: str | Path, lang: str = "nl",
                 sections: Sequence[str] = SECTIONS, custom: Any = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(assessment, lang, sections, custom=custom), encoding="utf-8")
    return path

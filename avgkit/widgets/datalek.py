"""The datalek notebook: record a possible data breach with widgets, see its deadlines live.

    DatalekForm(store, assessment_id, lang).widget   # the form; saves on every change
    run(assessment_id, store_path, lang, interactive, incident_id)   # what the notebook calls

All rules live in avgkit.breach; this module only turns widget values into an Incident and the
plan back into HTML. Every change that gives a valid incident is saved at once (with the
version it was read at, so a concurrent edit of the same field is refused, not overwritten).
"""

from __future__ import annotations

import datetime as dt
import html
import os
from pathlib import Path
from typing import Any

import ipywidgets as w
from pydantic import ValidationError

from avgkit import breach
from avgkit.breach import AMSTERDAM, Incident, IncidentStore
from avgkit.knowledge import load_knowledge
from avgkit.models import check_lang

NEW = ""  # the incident dropdown's value for a new incident
CSS = """<style>
.avgkit-datalek table { border-collapse: collapse; width: 100%; }
.avgkit-datalek th, .avgkit-datalek td { border: 1px solid #bbb; padding: 2px 6px;
  vertical-align: top; text-align: left; }
.avgkit-datalek .state-open { background: #fff8d6; }
.avgkit-datalek .state-overdue, .avgkit-datalek .state-late { background: #fde0dc; }
.avgkit-datalek .state-on_time, .avgkit-datalek .state-not_required { background: #e3f4e1; }
.avgkit-datalek .cite { color: #555; font-size: 90%; }
.avgkit-datalek .clause { font-style: italic; margin: 2px 0; }
</style>"""


def _naive(value: dt.datetime | None) -> dt.datetime | None:
    """An aware time as Amsterdam wall-clock time, for a NaiveDatetimePicker."""
    return None if value is None else breach.local_time(value).replace(tzinfo=None)


class DatalekForm:
    """One incident of one assessment: the seven questions of Bijlage 3 and the dates."""

    def __init__(self, store, assessment_id: str, lang: str = "nl", incident_id: str | None = None,
                 who: str = "", autosave: bool = True, reports_dir: str | Path = "reports",
                 now=None):
        self.lang = check_lang(lang)
        self.kb = load_knowledge()
        self.labels = self.kb.datalekken.labels
        self.store = store
        self.incidents = IncidentStore(store)
        self.assessment_id = assessment_id
        self.who = who or os.environ.get("USER") or "notebook"
        self.autosave = autosave
        self.reports_dir = Path(reports_dir)
        self.now = now  # a fixed "now" for tests; None: the clock
        self.base_version: int | None = None
        self.loading = False
        self._build()
        self._reload_choices(incident_id or NEW)

    def t(self, key: str) -> str:
        return self.labels[key].get(self.lang)

    # --- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        t, lang = self.t, self.lang
        wide = w.Layout(width="100%")
        style = {"description_width": "16em"}
        text = {"layout": wide, "style": style, "continuous_update": False}
        self.choice = w.Dropdown(description=t("choose_incident"), style=style)
        parties = self.kb.datalekken.parties
        a = self.store.get(self.assessment_id)
        names = {"client": a.corporation, "provider": a.contractor}
        self.discovered_by = w.ToggleButtons(
            options=[(f"{names[p]} – {parties[p].get(lang)}" if names[p] else parties[p].get(lang),
                      p) for p in ("client", "provider")],
            description=t("discovered_by"), style=style)
        self.discovered_at = w.NaiveDatetimePicker(description=t("discovered_at"), style=style)
        self.reporter = w.Text(description=t("reporter"), **text)
        questions = [b for b in self.kb.verwerkersovereenkomst.annex("bijlage-3").blocks
                     if b.kind == "question"]
        self.answers: dict[str, w.Textarea] = {}
        boxes = []
        for q in questions:
            area = w.Textarea(placeholder=q.help.get(lang) if q.help else "",
                              layout=w.Layout(width="100%", height="4.5em"),
                              continuous_update=False)
            self.answers[q.id or ""] = area
            head = w.HTML(f"<b>{html.escape(q.number or '')} {html.escape(q.text.get(lang))}</b>"
                          + (f"<br><i>{html.escape(q.help.get(lang))}</i>" if q.help else ""))
            extra = self._extra(q.id or "", style)
            boxes.append(w.VBox([head, *extra, area]))
        self.other_informed = w.NaiveDatetimePicker(description=t("other_party_informed_at"),
                                                    style=style)
        yes_no = [(t("unknown"), None), (t("yes"), True), (t("no"), False)]
        self.ap_required = w.Dropdown(options=yes_no, description=t("ap_required"), style=style)
        self.ap_reason = w.Textarea(description=t("ap_reason"), layout=wide, style=style,
                                    continuous_update=False)
        self.ap_notified = w.NaiveDatetimePicker(description=t("ap_notified_at"), style=style)
        self.subjects_informed = w.NaiveDatetimePicker(description=t("subjects_informed_at"),
                                                       style=style)
        self.status = w.ToggleButtons(
            options=[(v.get(lang), k) for k, v in self.kb.datalekken.status.items()],
            description=t("status"), style=style)
        self.notes = w.Textarea(description=t("notes"), layout=wide, style=style,
                                continuous_update=False)
        self.deadlines = w.HTML()
        self.message = w.HTML()
        self.refresh_button = w.Button(description=t("refresh"), icon="refresh")
        self.export_button = w.Button(description=t("export"), icon="download")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.export_button.on_click(lambda _: self._export_clicked())
        self.choice.observe(self._choice_changed, names="value")
        for widget in self.inputs():
            widget.observe(self._changed, names="value")
        self.widget = w.VBox([
            w.HTML(f"<h3>{html.escape(t('title'))}: {html.escape(self.assessment_id)}</h3>"),
            self.choice, self.discovered_by, self.discovered_at, self.reporter,
            w.HTML(f"<h4>{html.escape(t('questions'))}</h4>"), *boxes,
            self.other_informed, self.ap_required, self.ap_reason, self.ap_notified,
            self.subjects_informed, self.status, self.notes,
            w.HBox([self.refresh_button, self.export_button]), self.message, self.deadlines,
        ], layout=w.Layout(width="100%"))
        self.widget.add_class("avgkit-datalek")

    def _extra(self, qid: str, style: dict) -> list[w.Widget]:
        """The structured fields beside a question: kinds of data (2), min/max persons (3),
        contact details known (5), the period (7)."""
        t = self.t
        if qid == "q2":
            opts = [(o.text.get(self.lang), o.value) for o in self.kb.datalekken.data_kinds.options]
            self.data_kinds = w.SelectMultiple(options=opts, rows=min(len(opts), 6),
                                               description=t("data_kinds"), style=style)
            return [self.data_kinds]
        if qid == "q3":
            self.persons_min = w.BoundedIntText(min=0, max=10**9, description=t("persons_min"),
                                                style=style)
            self.persons_max = w.BoundedIntText(min=0, max=10**9, description=t("persons_max"),
                                                style=style)
            self.persons_known = w.Checkbox(description=t("answer"), value=False)
            return [w.HBox([self.persons_min, self.persons_max, self.persons_known])]
        if qid == "q5":
            self.contact_known = w.Dropdown(
                options=[(t("unknown"), None), (t("yes"), True), (t("no"), False)],
                description=t("contact_known"), style=style)
            return [self.contact_known]
        if qid == "q7":
            self.period_start = w.NaiveDatetimePicker(description=t("period_start"), style=style)
            self.period_end = w.NaiveDatetimePicker(description=t("period_end"), style=style)
            return [w.HBox([self.period_start, self.period_end])]
        return []

    def inputs(self) -> list[w.Widget]:
        return [self.discovered_by, self.discovered_at, self.reporter, *self.answers.values(),
                self.data_kinds, self.persons_min, self.persons_max, self.persons_known,
                self.contact_known, self.period_start, self.period_end, self.other_informed,
                self.ap_required, self.ap_reason, self.ap_notified, self.subjects_informed,
                self.status, self.notes]

    # --- loading ----------------------------------------------------------------------------
    def _reload_choices(self, select: str) -> None:
        items = self.incidents.list(self.assessment_id)
        options = [(self.t("new_incident"), NEW)] + [(i.id, i.id) for i in items]
        self.loading = True
        try:
            self.choice.options = options
            self.choice.value = select if select in {v for _, v in options} else NEW
        finally:
            self.loading = False
        self.load(self.choice.value)

    def _choice_changed(self, change: dict[str, Any]) -> None:
        if not self.loading:
            self.load(change["new"])

    def load(self, incident_id: str) -> None:
        """Show a saved incident (or an empty form for a new one)."""
        self.loading = True
        try:
            if incident_id == NEW:
                self.current_id = None
                self.base_version = self.store.version(self.assessment_id)
                incident = None
            else:
                incident, self.base_version = self.incidents.get_with_version(
                    self.assessment_id, incident_id)
                self.current_id = incident.id
            self._fill(incident)
        finally:
            self.loading = False
        self.message.value = ""
        self.refresh()

    def _fill(self, i: Incident | None) -> None:
        self.discovered_by.value = i.discovered_by if i else "provider"
        self.discovered_at.value = _naive(i.discovered_at) if i else None
        self.reporter.value = i.reporter if i else ""
        for qid, area in self.answers.items():
            area.value = i.answers.get(qid, "") if i else ""
        known = {v for _, v in self.data_kinds.options}
        self.data_kinds.value = tuple(k for k in (i.data_kinds if i else ()) if k in known)
        self.persons_known.value = bool(i and i.persons_min is not None)
        self.persons_min.value = i.persons_min or 0 if i else 0
        self.persons_max.value = i.persons_max or 0 if i else 0
        self.contact_known.value = i.contact_known if i else None
        self.period_start.value = _naive(i.period_start) if i else None
        self.period_end.value = _naive(i.period_end) if i else None
        self.other_informed.value = _naive(i.other_party_informed_at) if i else None
        self.ap_required.value = i.ap_required if i else None
        self.ap_reason.value = i.ap_reason if i else ""
        self.ap_notified.value = _naive(i.ap_notified_at) if i else None
        self.subjects_informed.value = _naive(i.subjects_informed_at) if i else None
        self.status.value = i.status if i else "open"
        self.notes.value = i.notes if i else ""

    # --- the incident ----------------------------------------------------------------------
    def incident(self) -> Incident:
        """The incident the form shows; ValueError naming the field if it is not valid."""
        if self.discovered_at.value is None:
            raise ValueError(f"{self.t('discovered_at')}: {self.t('answer_missing')}")
        existing = {i.id for i in self.incidents.list(self.assessment_id)}
        incident_id = self.current_id or breach.next_incident_id(existing,
                                                                 self.discovered_at.value)
        data = {
            "id": incident_id, "discovered_at": self.discovered_at.value,
            "discovered_by": self.discovered_by.value, "reporter": self.reporter.value,
            "answers": {k: a.value for k, a in self.answers.items()},
            "data_kinds": list(self.data_kinds.value),
            "persons_min": self.persons_min.value if self.persons_known.value else None,
            "persons_max": self.persons_max.value if self.persons_known.value else None,
            "contact_known": self.contact_known.value,
            "period_start": self.period_start.value, "period_end": self.period_end.value,
            "other_party_informed_at": self.other_informed.value,
            "ap_required": self.ap_required.value, "ap_reason": self.ap_reason.value,
            "ap_notified_at": self.ap_notified.value,
            "subjects_informed_at": self.subjects_informed.value,
            "status": self.status.value, "notes": self.notes.value,
        }
        try:
            return Incident.from_dict(data)
        except ValidationError as exc:
            raise ValueError(breach.incident_error(exc)) from None

    def _changed(self, _change: dict[str, Any]) -> None:
        if self.loading:
            return
        self.refresh()
        if self.autosave:
            self.save()

    def refresh(self) -> None:
        """Recompute the deadlines from what the form holds now."""
        from avgkit.templating import environment

        try:
            incident = self.incident()
        except ValueError as exc:
            self.deadlines.value = f"<p><i>{html.escape(str(exc))}</i></p>"
            return
        context = breach.report_context(incident, self.store.get(self.assessment_id), self.lang,
                                        now=self._now())
        body = environment().get_template("_incident_deadlines.html.j2").render(**context)
        self.deadlines.value = f'{CSS}<div class="avgkit-datalek">{body}</div>'

    def _now(self) -> dt.datetime:
        return self.now or dt.datetime.now(AMSTERDAM)

    def save(self) -> int | None:
        """Save the incident; returns the assessment's new version, or None (message says why)."""
        from avgkit.store import ConflictError

        try:
            incident = self.incident()
            version = self.incidents.save(self.assessment_id, incident, self.who,
                                          base_version=self.base_version)
        except ConflictError as exc:
            paths = ", ".join(getattr(exc, "paths", []) or [str(exc)])
            self.message.value = html.escape(self.t("conflict").format(paths=paths))
            return None
        except ValueError as exc:
            self.message.value = html.escape(self.t("not_saved").format(problem=exc))
            return None
        others = self.base_version is not None and version > self.base_version + 1
        self.base_version = version
        if others and self.current_id is not None:
            self.load(incident.id)  # show what others changed meanwhile (merged by field)
        message = self.t("saved").format(id=incident.id, version=version)
        if others:
            message += " " + self.t("merged")
        self.message.value = html.escape(message)
        if self.current_id is None:
            self.current_id = incident.id
            self.loading = True
            try:
                ids = [v for _, v in self.choice.options]
                self.choice.options = [*self.choice.options, (incident.id, incident.id)] \
                    if incident.id not in ids else self.choice.options
                self.choice.value = incident.id
            finally:
                self.loading = False
        return version

    def export(self) -> Path:
        """Write the incident report (HTML) to the reports folder; returns its path."""
        incident = self.incident()
        assessment = self.store.get(self.assessment_id)
        history = self.incidents.history(self.assessment_id, incident.id) \
            if self.current_id else []
        self.reports_dir.mkdir(parents=True, exist_ok=True)
        path = self.reports_dir / (f"{breach.safe_filename(assessment.id)}-"
                                   f"{breach.safe_filename(incident.id)}.html")
        path.write_text(breach.render_report(incident, assessment, self.lang, self._now(),
                                             history), encoding="utf-8")
        return path

    def _export_clicked(self) -> None:
        try:
            path = self.export()
        except ValueError as exc:
            self.message.value = html.escape(self.t("not_saved").format(problem=exc))
            return
        self.message.value = html.escape(self.t("report_saved").format(path=path))


def _checkout_relative(path: Path) -> Path:
    """A notebook runs in notebooks/; relative default paths are meant from the checkout."""
    cwd = Path.cwd()
    if not path.is_absolute() and cwd.name == "notebooks" and (cwd.parent / "avgkit").is_dir():
        return cwd.parent / path
    return path


def store_path(path: str = "") -> Path:
    """The store: the given path, else $AVGKIT_STORE, else the checkout's data/avgkit.sqlite."""
    from avgkit.store import default_store_path

    if path:
        return Path(path).expanduser()
    if os.environ.get("AVGKIT_STORE"):
        return Path(default_store_path())
    return _checkout_relative(Path(default_store_path()))


def run(assessment_id: str = "", store: str = "", lang: str = "nl", interactive: bool = True,
        incident_id: str = "", reports_dir: str = ""):
    """The datalek notebook. Interactive: the form. Report mode (papermill): the static report of
    one incident (incident_id) or of every incident of the assessment, no widgets."""
    from IPython.display import HTML, display

    from avgkit.store import Store

    check_lang(lang)
    if not assessment_id:
        raise ValueError("the datalek notebook needs an assessment_id")
    path = store_path(store)
    if not interactive:
        if not path.is_file():
            raise FileNotFoundError(f"no store at {path} (report mode never creates one)")
        st = Store(path)
        assessment = st.get(assessment_id)
        incidents = IncidentStore(st)
        chosen = ([incidents.get(assessment_id, incident_id)] if incident_id
                  else incidents.list(assessment_id))
        for incident in chosen:
            display(HTML(breach.render_report(
                incident, assessment, lang,
                history=incidents.history(assessment_id, incident.id), standalone=False)))
        return None
    reports = Path(reports_dir) if reports_dir else _checkout_relative(Path("reports"))
    form = DatalekForm(Store(path), assessment_id, lang, incident_id or None,
                       reports_dir=reports)
    display(form.widget)
    return form

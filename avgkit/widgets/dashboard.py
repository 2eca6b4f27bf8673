"""The front door: every saved assessment in one table (id, parties, role outcome, agreement
gap, security verdict, % complete per part, open items, status, auditor, last change), with a
filter and a sort. An id is a link that opens the assessment (click, or Tab and Enter) in Voilà;
the "Openen (id)" box opens one by typing its id and Enter (also in JupyterLab).

Thin: every figure comes from avgkit.batch.summary.summarise (the management overview's record);
rows are cached per store version, so a filter or sort is instant."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import ipywidgets as w

from avgkit import walkthrough
from avgkit.assessment import Assessment
from avgkit.presentation import Labels
from avgkit.store import Store
from avgkit.widgets.common import ErrorLog
from avgkit.widgets.formats import local_time, percent

# A plain click (or Enter) on an id opens the assessment in place, through the "Openen (id)"
# box, without loading the page again; with a modifier key, or where that box is not found,
# the link opens the page ?id=… as any link does (new tab, bookmark).
OPEN_IN_PLACE = ("if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) "
                 "return true; var app = this.closest('.avgkit-app'); "
                 "var box = app && app.querySelector('.avgkit-dash-open input'); "
                 "if (!box) return true; box.value = this.dataset.id; "
                 "box.dispatchEvent(new Event('change', {bubbles: true})); return false;")

COLUMNS = ("id", "corporation", "contractor", "roles", "agreement", "security", "complete",
           "open", "status", "auditor", "updated")


def _agreement_gap(s: dict[str, Any], t: Labels) -> tuple[str, int]:
    """The agreement column: text and a sort rank (most serious first when descending)."""
    needed_label = s.get("agreement_needed_label") or ""
    if s.get("agreement_needed") is None and not needed_label:
        return t["gap_unknown"], 1
    if s.get("agreement_needed") is False:
        return t["gap_none_needed"], 0
    in_place = s.get("agreement_in_place")
    if not in_place or in_place == "geen":
        if s.get("agreement_necessity") == "recommended":
            return t.format("gap_recommended", needed=needed_label), 2
        return t.format("gap_missing", needed=needed_label), 3
    if s.get("agreement_fits") is False:
        return t.format("gap_wrong", needed=needed_label), 2
    return t["gap_ok"], 0


def measure_count(custom: Any = None) -> int:
    from avgkit.checklist import catalogue

    return len(catalogue(custom)["measures"])


def summary(a: Assessment, lang: str, custom: Any = None) -> dict[str, Any]:
    """The figures of one row, from the core (the same ones avgkit.batch.summary picks for the
    management overview; not imported from there, as that would load pandas into every app
    kernel)."""
    from avgkit.agreement_review import review_agreement
    from avgkit.checklist import assess
    from avgkit.knowledge import load_knowledge

    roles = load_knowledge().begrippen.roles
    result = a.classification()
    review = review_agreement(result, a.agreement)
    s: dict[str, Any] = {
        "provider_role_label": roles[result.provider_role.name].get(lang)
        if result.provider_role else "",
        "client_role_label": roles[result.client_role.name].get(lang)
        if result.client_role else "",
        "open_questions": len(result.open_questions),
        "agreement_needed": review.needed,
        "agreement_needed_label": result.agreement.name.get(lang) if result.agreement else "",
        "agreement_necessity": review.necessity.value if review.necessity else None,
        "agreement_in_place": review.in_place,
        "agreement_fits": review.fits,
        "security": None,
    }
    if a.checklist:
        checked = assess(a.checklist, actions=a.actions, custom=custom).to_dict()
        s["security"] = {"verdict_label": checked["verdict_label"][lang],
                         "score": checked["scores"]["overall"]["score"],
                         "open": len(checked["open"])}
    return s


def dashboard_row(a: Assessment, lang: str, t: Labels, custom: Any = None,
                  measures: int | None = None) -> dict[str, Any]:
    """One row of the front door: display texts and sort keys."""
    s = summary(a, lang, custom)
    keys = walkthrough.question_keys(a.answers)
    roles_done = sum(1 for k in keys if a.answers.get(k) is not None) / len(keys)
    answered = len((a.checklist or {}).get("answers") or {})
    total = measures or measure_count(custom)
    security_done = min(answered / total, 1.0) if total else None
    sec = s.get("security")
    security = (f'{sec["verdict_label"]} · {percent(sec["score"], lang)}' if sec
                else t["not_assessed"])
    gap, gap_rank = _agreement_gap(s, t)
    open_items = s["open_questions"] + (sec["open"] if sec else 0)
    status = t[f"status_{a.status}"]
    if a.signoff:
        status += f" · {a.signoff.name}"
    provider = s["provider_role_label"] or t["undetermined"]
    client = s["client_role_label"] or t["undetermined"]
    return {
        "id": a.id, "corporation": a.corporation, "contractor": a.contractor,
        "roles": f"{provider} / {client}", "agreement": gap,
        "security": security,
        "complete": f"{percent(roles_done, lang)} · {percent(security_done, lang)}",
        "open": str(open_items), "status": status, "auditor": a.auditor,
        "updated": local_time(a.updated),
        "_sort": {"id": a.id.casefold(), "corporation": a.corporation.casefold(),
                  "contractor": a.contractor.casefold(), "roles": f"{provider}/{client}",
                  "agreement": gap_rank, "security": sec["score"] if sec else -1.0,
                  "complete": roles_done + (security_done or 0), "open": open_items,
                  "status": a.status, "auditor": a.auditor.casefold(),
                  "updated": a.updated.isoformat() if a.updated else ""},
    }


class Dashboard:
    def __init__(self, store: Store, t: Labels, errors: ErrorLog,
                 on_open: Callable[[str], Any], custom: Any = None, links: bool = True):
        self.store, self.t, self.errors, self.on_open = store, t, errors, on_open
        self.lang, self.custom, self.links = t.lang, custom, links
        self._cache: dict[str, tuple[int, dict[str, Any]]] = {}
        self._measures = measure_count(custom)
        self.filter = w.Text(placeholder=t["dash_filter_placeholder"], continuous_update=True,
                             layout=w.Layout(flex="1 1 20em", min_width="12em"))
        self.filter.add_class("avgkit-dash-filter")
        self.sort = w.Dropdown(options=[(t[f"col_{c}"], c) for c in COLUMNS], value="updated",
                               description=t["dash_sort"], style={"description_width": "auto"},
                               layout=w.Layout(width="auto", min_width="14em"))
        self.direction = w.ToggleButtons(options=[(t["dash_sort_asc"], "asc"),
                                                  (t["dash_sort_desc"], "desc")], value="desc",
                                         style={"button_width": "auto"})
        self.open_box = w.Combobox(placeholder=t["dash_open_id"], ensure_option=True,
                                   continuous_update=False,
                                   layout=w.Layout(width="12em"))
        self.open_box.add_class("avgkit-dash-open")
        self.count = w.HTML()
        self.table = w.HTML(layout=w.Layout(width="100%", overflow="auto"))
        for control in (self.filter, self.sort, self.direction):
            control.observe(errors.guard(lambda _c: self.draw()), "value")
        self.open_box.observe(errors.guard(self._typed), "value")
        controls = w.HBox([self.filter, self.sort, self.direction, self.open_box],
                          layout=w.Layout(flex_flow="row wrap", align_items="center",
                                          width="100%"))
        self.widget = w.VBox([controls, self.count, self.table], layout=w.Layout(width="100%"))
        self.rows: list[dict[str, Any]] = []

    def refresh(self) -> None:
        """Read the store (only changed assessments are summarised again) and draw."""
        versions = self.store.versions()
        rows = []
        for a in self.store.list():
            cached = self._cache.get(a.id)
            if cached is None or cached[0] != versions.get(a.id):
                cached = (versions.get(a.id, 0),
                          dashboard_row(a, self.lang, self.t, self.custom, self._measures))
                self._cache[a.id] = cached
            rows.append(cached[1])
        self.rows = rows
        self.open_box.options = tuple(r["id"] for r in rows)
        self.draw()

    def visible(self) -> list[dict[str, Any]]:
        words = self.filter.value.casefold().split()
        shown = [r for r in self.rows
                 if all(word in " ".join(str(r[c]) for c in COLUMNS).casefold()
                        for word in words)]
        key = self.sort.value
        shown.sort(key=lambda r: (r["_sort"][key], r["_sort"]["id"]),
                   reverse=self.direction.value == "desc")
        return shown

    def _typed(self, change: dict[str, Any]) -> None:
        value = (change["new"] or "").strip()
        if value and value in {r["id"] for r in self.rows}:
            self.open_box.value = ""
            self.on_open(value)

    def draw(self) -> None:
        t = self.t
        shown = self.visible()
        count = t.format("dash_count", shown=len(shown), total=len(self.rows))
        self.count.value = (f'<div class="avgkit muted">{html.escape(count)} · '
                            f'{html.escape(t["dash_hint" if self.links else "dash_hint_lab"])}'
                            '</div>')
        head = "".join(f'<th scope="col">{html.escape(t[f"col_{c}"])}</th>' for c in COLUMNS)
        body = []
        for r in shown:
            cells = []
            for c in COLUMNS:
                text = html.escape(str(r[c]))
                if c == "id" and self.links:
                    query = urlencode({"id": r["id"], "lang": self.lang})
                    text = (f'<a class="avgkit-open" href="?{html.escape(query)}" '
                            f'data-id="{html.escape(r["id"])}" target="_self" '
                            f'onclick="{OPEN_IN_PLACE}">{text}</a>')
                cells.append(f"<td>{text}</td>")
            body.append(f'<tr data-id="{html.escape(r["id"])}">{"".join(cells)}</tr>')
        if not body:
            body.append(f'<tr><td colspan="{len(COLUMNS)}">{html.escape(t["dash_empty"])}'
                        '</td></tr>')
        self.table.value = (f'<div class="avgkit"><table class="avgkit-dashboard">'
                            f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody>'
                            '</table></div>')

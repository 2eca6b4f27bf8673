"""Completing ("afronden") an assessment is a sign-off: name, role and date are recorded with the
store version signed, and the answers are locked (Session refuses edits while it is set).
Reopening asks for a reason, saved in `reopen_reason`, so it stays in the history."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable

import ipywidgets as w

from avgkit.presentation import Labels
from avgkit.widgets.common import ErrorLog, Session


class SignOffPanel:
    def __init__(self, session: Session, t: Labels, errors: ErrorLog,
                 on_change: Callable[[], None]):
        self.session, self.t, self.on_change = session, t, on_change
        self.intro = w.HTML(f'<div class="avgkit"><h3>{html.escape(t["signoff_title"])}</h3>'
                            f'<p class="muted">{html.escape(t["signoff_intro"])}</p></div>')
        style = {"description_width": "8em"}
        self.name = w.Text(description=t["signoff_name"], value=session.who, style=style,
                           layout=w.Layout(width="min(100%, 32em)"))
        self.role = w.Text(description=t["signoff_role"], style=style,
                           placeholder=t["signoff_role_placeholder"],
                           layout=w.Layout(width="min(100%, 32em)"))
        self.sign_button = w.Button(description=t["signoff_button"], icon="check",
                                    button_style="success", layout=w.Layout(width="auto"))
        self.reason = w.Textarea(description=t["reopen_reason"],
                                 style={"description_width": "initial"},  # label in full
                                 layout=w.Layout(width="min(100%, 40em)", height="5em"))
        self.reopen_button = w.Button(description=t["reopen_button"], icon="unlock",
                                      button_style="warning", layout=w.Layout(width="auto"))
        self.message = w.HTML()
        self.state = w.HTML()
        self.sign_button.on_click(errors.guard(lambda _b: self.sign()))
        self.reopen_button.on_click(errors.guard(lambda _b: self.reopen()))
        self.sign_box = w.VBox([self.name, self.role, self.sign_button])
        self.reopen_box = w.VBox([self.reason, self.reopen_button])
        self.widget = w.VBox([self.intro, self.state, self.sign_box, self.reopen_box,
                              self.message], layout=w.Layout(width="100%"))
        self.draw()

    def _say(self, text: str, css: str = "warning") -> None:
        self.message.value = (f'<div class="avgkit"><div class="message {css}">'
                              f'{html.escape(text)}</div></div>')

    def draw(self) -> None:
        a, t = self.session.assessment, self.t
        if a.locked and a.signoff:
            s = a.signoff
            done = t.format("signoff_done", name=s.name, role=s.role,
                            date=s.date.strftime("%d-%m-%Y"), version=s.version or "–")
            self.state.value = (f'<div class="avgkit"><div class="message saved">'
                                f'{html.escape(done)}</div></div>')
        elif a.reopen_reason:
            self.state.value = (f'<div class="avgkit muted">'
                                f'{html.escape(t.format("reopened_with", reason=a.reopen_reason))}'
                                '</div>')
        else:
            self.state.value = ""
        self.sign_box.layout.display = "none" if a.locked else ""
        self.reopen_box.layout.display = "" if a.locked else "none"

    def sync(self) -> None:
        self.draw()

    def sign(self) -> bool:
        name, role = self.name.value.strip(), self.role.value.strip()
        if not name or not role:
            self._say(self.t["signoff_needs"])
            return False
        version = self.session.version + 1  # the version this write creates
        saved = self.session.save({
            "status": "afgerond",
            "signoff": {"name": name, "role": role, "date": dt.date.today().isoformat(),
                        "version": version}})
        self.message.value = ""
        self.draw()
        self.on_change()
        return saved

    def reopen(self) -> bool:
        reason = self.reason.value.strip()
        if not reason:
            self._say(self.t["reopen_needs_reason"])
            return False
        saved = self.session.save({"status": "concept", "signoff": None,
                                   "reopen_reason": reason})
        if saved:
            self.reason.value = ""
        self.message.value = ""
        self.draw()
        self.on_change()
        return saved

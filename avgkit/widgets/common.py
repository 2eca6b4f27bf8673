"""Small parts every view shares: the error log, the save status line, the saving session."""

from __future__ import annotations

import datetime as dt
import functools
import html
import logging
import traceback
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from avgkit.assessment import Assessment
from avgkit.presentation import Labels
from avgkit.store import ConflictError, Store

log = logging.getLogger("avgkit.widgets")


def full() -> w.Layout:
    """A new full-width layout. Never share one Layout between widgets: hiding one (display
    none) would hide every widget that shares it."""
    return w.Layout(width="calc(100% - 6px)")  # inputs have a margin: 100% would overflow


class ErrorLog:
    """An Output widget that shows every exception raised in a callback, with its traceback.

    ipywidgets drops callback exceptions on the floor (or into the server log); here they are
    written into the notebook, where the auditor sees them. Works with or without a kernel."""

    def __init__(self, t: Labels):
        self.t = t
        self.widget = w.Output(layout=w.Layout(width="100%"))
        self.count = 0

    def report(self, exc: BaseException) -> None:
        self.count += 1
        log.error("callback failed", exc_info=exc)
        tb = "".join(traceback.format_exception(exc))
        body = (f'<div class="avgkit"><div class="message error"><b>'
                f'{html.escape(self.t["error_in_callback"])}</b> {html.escape(str(exc))}'
                f'<details><summary>{html.escape(self.t["error_details"])}</summary>'
                f'<pre style="white-space:pre-wrap">{html.escape(tb)}</pre></details>'
                f'</div></div>')
        self.widget.outputs = (*self.widget.outputs, {
            "output_type": "display_data", "metadata": {},
            "data": {"text/html": body, "text/plain": f"{exc!r}\n{tb}"}})

    def clear(self) -> None:
        self.widget.outputs = ()
        self.count = 0

    def guard(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Wrap a callback so an exception in it lands in this log instead of vanishing."""

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - every callback error must be shown
                self.report(exc)
                return None

        return wrapper


class StatusLine:
    """One line saying whether the last change was saved, or why not."""

    def __init__(self, t: Labels):
        self.t = t
        self.html = w.HTML()
        self.reload_button = w.Button(description=t["reload"], icon="refresh",
                                      layout=w.Layout(display="none", width="auto"))
        self.widget = w.HBox([self.html, self.reload_button],
                             layout=w.Layout(align_items="center"))
        self.state = "idle"

    def _show(self, state: str, css: str, text: str, reload: bool = False) -> None:
        self.state = state
        self.html.value = (f'<div class="avgkit"><div class="message {css}">'
                           f'{html.escape(text)}</div></div>')
        self.reload_button.layout.display = "" if reload else "none"

    def saved(self, version: int) -> None:
        from avgkit.widgets.formats import AMSTERDAM

        when = dt.datetime.now(AMSTERDAM).strftime("%H:%M:%S %Z")  # the zone named
        self._show("saved", "saved", self.t.format("saved_version", version=version, time=when))

    def conflict(self, exc: Exception) -> None:
        # the view shows the stored value again (Session.save reloads): say so, next to it
        self._show("conflict", "error",
                   f'{self.t["conflict"]} ({exc}) {self.t["refused_shown_stored"]}')

    def refused(self, text: str) -> None:
        self._show("refused", "error", text)

    def failed(self, exc: Exception) -> None:
        self._show("failed", "error", f'{self.t["not_saved"]}: {exc}')

    def loaded(self, version: int) -> None:
        self._show("loaded", "saved", self.t.format("loaded_version", version=version))


class Session:
    """One assessment opened from the store; every change is written at once.

    Writes carry the version this session last read (base_version), so a change to a field
    that someone else changed in the meantime is refused with a ConflictError, shown to the
    auditor with a reload button, never swallowed."""

    def __init__(self, store: Store, assessment_id: str, who: str, status: StatusLine,
                 errors: ErrorLog):
        self.store, self.id, self.who, self.status = store, assessment_id, who, status
        # Data and version read together: a version newer than the data would let an edit
        # silently undo someone else's change.
        self.assessment: Assessment
        self.version: int
        self.assessment, self.version = store.get_with_version(assessment_id)
        self.on_reload: list[Callable[[], None]] = []
        status.loaded(self.version)
        status.reload_button.on_click(errors.guard(lambda _b: self.reload()))

    def save(self, changes: dict[str, Any]) -> bool:
        """Write the changes; True if saved. A conflict or a store error is shown, not raised,
        except that store errors other than conflicts also go to the error log via the caller.

        Refused (False): a change to a completed (signed-off) assessment, and a conflicting
        change; after a conflict the stored state is reloaded, so every view shows what is
        stored, never the refused value as if it were saved."""
        if self.assessment.locked_paths(changes):
            self.status.refused(self.status.t["locked_refused"])
            return False
        try:
            self.version = self.store.update(self.id, changes, self.who,
                                             base_version=self.version)
        except ConflictError as exc:
            self.reload()
            self.status.conflict(exc)
            return False
        except Exception as exc:
            self.status.failed(exc)
            raise
        self.assessment, self.version = self.store.get_with_version(self.id)
        self.status.saved(self.version)
        return True

    def reload(self) -> None:
        self.assessment = self.store.get(self.id)
        self.version = self.store.version(self.id)
        self.status.loaded(self.version)
        for callback in self.on_reload:
            callback()


def style_widget() -> w.HTML:
    """The stylesheet, once per app (widgets render HTML without the page's CSS)."""
    from avgkit.html import stylesheet

    return w.HTML(f"<style>{stylesheet()}</style>", layout=w.Layout(display="none"))

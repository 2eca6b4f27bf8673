"""Small bridges to the browser that work in Voilà and in JupyterLab without extensions:
files offered as downloads (a data: link made in memory, never a file on the server), and the
page URL following what is open (Voilà only; JupyterLab's own URL is left alone)."""

from __future__ import annotations

import base64
import html
import json
import re
from urllib.parse import urlencode

import ipywidgets as w

MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html;charset=utf-8",
    "pdf": "application/pdf",
    "json": "application/json",
}


def safe_filename(name: str) -> str:
    """A file name a browser can save anywhere: letters, digits, '.', '_' and '-' only."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "bestand"
    return cleaned[:120]


def download_html(data: bytes, filename: str, label: str) -> str:
    """An <a download> link holding the file itself (base64), styled as a button."""
    filename = safe_filename(filename)
    suffix = filename.rsplit(".", 1)[-1].lower()
    mime = MIME.get(suffix, "application/octet-stream")
    payload = base64.b64encode(data).decode("ascii")
    return (f'<a class="avgkit-download" download="{html.escape(filename)}" '
            f'href="data:{mime};base64,{payload}" role="button">'
            f'<i class="fa fa-download"></i> {html.escape(label)}</a>')


def size_text(size: int, lang: str) -> str:
    from avgkit.widgets.formats import number

    return f"{number(size / 1024, lang, 1)} KB"


_SCRIPT = """(function () {
  var body = document.body;
  if (!body || !body.dataset || body.dataset.voila !== "voila") { return; }
  var query = %s, mode = %s;
  var target = location.pathname + (query ? "?" + query : "");
  if (location.pathname + location.search === target) { return; }
  if (mode === "push") { history.pushState({avgkit: query}, "", target); }
  else { history.replaceState({avgkit: query}, "", target); }
  if (!window.avgkitPopstate) {
    window.avgkitPopstate = true;
    window.addEventListener("popstate", function () { location.reload(); });
  }
})();"""


class UrlSync:
    """Keeps the address bar of a Voilà page on what is open (?id=…&part=…&lang=…), so reload,
    back and bookmarks work: pushState for a navigation, replaceState for a language switch;
    going back reloads the page at the earlier address. Does nothing in JupyterLab."""

    def __init__(self) -> None:
        self.widget = w.Output(layout=w.Layout(display="none"))
        self.query = ""

    def set(self, params: dict[str, str | None], push: bool = True) -> str:
        query = urlencode([(k, v) for k, v in params.items() if v])
        if query == self.query:
            return query
        self.query = query
        script = _SCRIPT % (json.dumps(query), json.dumps("push" if push else "replace"))
        self.widget.outputs = ()
        self.widget.outputs = ({"output_type": "display_data", "metadata": {},
                                "data": {"application/javascript": script,
                                         "text/plain": f"url ?{query}"}},)
        return query

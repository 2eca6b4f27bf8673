"""What the two auditor notebooks run: one call per notebook, in two modes.

    run("samenwerking", assessment_id, store_path, lang, interactive)

Interactive (JupyterLab, Voilà): shows the widgets. Report mode (papermill, interactive=False):
shows nothing; the notebook's section cells show the report (avgkit.show). In Voilà the query string
(?id=SW-001&lang=en&store=/path/store.sqlite) opens an assessment directly; it is parsed as
untrusted input: only a valid id, a known language and an existing store file are taken.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

from avgkit.assessment import ID_PATTERN
from avgkit.models import LANGS, check_lang

KINDS = ("start", "samenwerking", "beveiliging")
PARTS = ("samenwerking", "beveiliging", "geschiedenis", "afronding")
# Each notebook reports its own part; the batch puts both notebooks' outputs in one page.
REPORT_SECTIONS = {"samenwerking": ("samenwerking",), "beveiliging": ("beveiliging",),
                   "start": ("samenwerking", "beveiliging")}
STORE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
MAX_QUERY = 2048
MEASURES_ENV = "AVGKIT_MEASURES"  # path of an organisation's own measures (YAML)


@dataclass
class QueryParams:
    assessment_id: str | None = None
    lang: str | None = None
    store: str | None = None
    part: str | None = None
    ignored: list[str] = field(default_factory=list)  # "name: why", shown to the user


def parse_query(query: str | None) -> QueryParams:
    """Take id, lang and store from a URL query string; anything invalid is ignored (and said)."""
    params = QueryParams()
    if not query:
        return params
    query = query.lstrip("?")
    if len(query) > MAX_QUERY:
        params.ignored.append(f"query: longer than {MAX_QUERY} characters")
        return params
    try:
        values = parse_qs(query, keep_blank_values=False, strict_parsing=False,
                          max_num_fields=20)
    except ValueError as exc:
        params.ignored.append(f"query: {exc}")
        return params
    for name, items in values.items():
        value = items[-1].strip()
        if name == "id":
            if ID_PATTERN.match(value):
                params.assessment_id = value
            else:
                params.ignored.append("id: not a valid assessment id")
        elif name == "lang":
            if value in LANGS:
                params.lang = value
            else:
                params.ignored.append(f"lang: expected one of {', '.join(LANGS)}")
        elif name == "part":
            if value in PARTS:
                params.part = value
            else:
                params.ignored.append(f"part: expected one of {', '.join(PARTS)}")
        elif name == "store":
            problem = _store_problem(value)
            if problem:
                params.ignored.append(f"store: {problem}")
            else:
                params.store = value
        else:
            params.ignored.append(f"{name[:40]}: unknown parameter")
    return params


def _store_problem(value: str) -> str | None:
    """A store named in a URL must be an existing store file: a URL never creates files."""
    if "\x00" in value or len(value) > 1024:
        return "not a usable path"
    path = Path(value).expanduser()
    if path.suffix.lower() not in STORE_SUFFIXES:
        return f"expected a file ending in {', '.join(STORE_SUFFIXES)}"
    if not path.is_file():
        return "no such file"
    return None


_request_seen = False


def in_voila() -> bool:
    """True in a kernel Voilà started (its pages can follow links and the URL)."""
    return any(k.startswith("VOILA_") for k in os.environ) or \
        os.environ.get("SERVER_SOFTWARE", "").startswith("voila")


def query_string() -> str | None:
    """The page's query string in Voilà (None elsewhere).

    A preheated Voilà kernel (--preheat_kernel=True) runs the notebook before anyone asks for
    the page, so the query string is not known yet: this waits for the request (Voilà's
    wait_for_request) once, then reads $QUERY_STRING. Everything a notebook does before calling
    it (imports, reading the knowledge files) is done ahead of the visitor."""
    global _request_seen
    if os.environ.get("VOILA_PREHEAT", "False") == "True" and not _request_seen:
        from voila.utils import wait_for_request

        wait_for_request()
    _request_seen = True
    return os.environ.get("QUERY_STRING")


def warm_up(lang: str = "nl") -> None:
    """Load what every view needs (modules, knowledge files, templates) before the visitor
    arrives; no widgets are made."""
    import avgkit.widgets.checklist  # noqa: F401
    import avgkit.widgets.collaboration  # noqa: F401
    import avgkit.widgets.dashboard  # noqa: F401
    from avgkit.checklist import catalogue
    from avgkit.html import environment, stylesheet
    from avgkit.knowledge import load_knowledge
    from avgkit.presentation import Labels

    load_knowledge()
    catalogue(None)
    stylesheet()
    environment().get_template("_macros.html.j2")
    Labels(lang)


def resolve_store_path(store_path: str | os.PathLike | None = None) -> Path:
    """The store to open: the given path, else $AVGKIT_STORE, else data/avgkit.sqlite.

    The default is relative to the working directory; a notebook runs with the notebooks/
    folder as its working directory (JupyterLab, Voilà), so there the checkout's data/ is used."""
    if store_path:
        return Path(store_path).expanduser()
    from avgkit.store import default_store_path

    path = Path(default_store_path())
    if not os.environ.get("AVGKIT_STORE") and not path.is_absolute():
        cwd = Path.cwd()
        if cwd.name == "notebooks" and (cwd.parent / "avgkit").is_dir():
            return cwd.parent / path
    return path


def store_problem_html(lang: str, exc: Exception) -> str:
    import html

    from avgkit.presentation import Labels

    text = Labels(lang).format("store_error", problem=str(exc))
    return f'<div class="message error" style="color:#a61b1b">{html.escape(text)}</div>'


def run(kind: str, assessment_id: str = "", store_path: str = "", lang: str = "nl",
        interactive: bool = True, query: str | None = None):
    """Show the app (interactive) or the report (not interactive) in the running notebook.

    `query` defaults to $QUERY_STRING (set by Voilà); its valid values win over the notebook's
    defaults, as the person opening the URL asked for them."""
    from IPython.display import HTML, display

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    check_lang(lang)
    if interactive and query is None and in_voila():
        warm_up(lang)
    query = query_string() if query is None else query
    from avgkit.identity import server_mode

    if server_mode():  # team server: one fixed store, author and role from the hub
        from avgkit.server.session import run_in_server

        return run_in_server(kind, assessment_id, lang, interactive, query)
    params = parse_query(query)
    assessment_id = params.assessment_id or assessment_id
    lang = params.lang or lang
    store_path = params.store or store_path
    path = resolve_store_path(store_path)
    custom = os.environ.get(MEASURES_ENV) or None  # an organisation's own measures file

    from avgkit.store import Store

    if not interactive:
        # Report mode: the notebook's section cells show the report (avgkit.show, issue 12);
        # here only the check that the saved assessment is there (never creating a store).
        from avgkit.show import saved_assessment

        saved_assessment(assessment_id, str(path))
        return None

    from avgkit.store import StoreError
    from avgkit.widgets import App

    try:
        store = Store(path)
    except StoreError as exc:  # not an avgkit store, newer schema, unreadable: say so plainly
        display(HTML(store_problem_html(lang, exc)))
        return None
    app = App(kind, store, lang, assessment_id or None, custom=custom, part=params.part,
              links=in_voila())
    if params.ignored:
        app.warn_ignored(params.ignored)
    display(app.widget)
    return app

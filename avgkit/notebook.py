"""What the two auditor notebooks run: one call per notebook, in two modes.

    run("samenwerking", assessment_id, store_path, lang, interactive)

Interactive (JupyterLab, Voilà): shows the widgets. Report mode (papermill, interactive=False):
displays the static HTML report of the saved assessment, no widgets. In Voilà the query string
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

KINDS = ("samenwerking", "beveiliging")
# Each notebook reports its own part; the batch puts both notebooks' outputs in one page.
REPORT_SECTIONS = {"samenwerking": ("samenwerking",), "beveiliging": ("beveiliging",)}
STORE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
MAX_QUERY = 2048
MEASURES_ENV = "AVGKIT_MEASURES"  # path of an organisation's own measures (YAML)


@dataclass
class QueryParams:
    assessment_id: str | None = None
    lang: str | None = None
    store: str | None = None
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
    query = os.environ.get("QUERY_STRING") if query is None else query
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
        if not assessment_id:
            raise ValueError("report mode needs an assessment_id")
        from avgkit.report import render_report
        from avgkit.store import NotFoundError

        if not path.is_file():
            raise FileNotFoundError(f"no store at {path} (report mode never creates one)")
        try:
            assessment = Store(path).get(assessment_id)
        except NotFoundError:
            raise LookupError(f"assessment {assessment_id!r} is not in the store {path}") from None
        display(HTML(render_report(assessment, lang, REPORT_SECTIONS[kind], standalone=False,
                                   custom=custom)))
        return None

    from avgkit.store import StoreError
    from avgkit.widgets import App

    try:
        store = Store(path)
    except StoreError as exc:  # not an avgkit store, newer schema, unreadable: say so plainly
        display(HTML(store_problem_html(lang, exc)))
        return None
    app = App(kind, store, lang, assessment_id or None, custom=custom)
    if params.ignored:
        app.warn_ignored(params.ignored)
    display(app.widget)
    return app

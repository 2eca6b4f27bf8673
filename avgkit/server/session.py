"""What an app does differently in a team server's single-user app (`AVGKIT_SERVER=1`).

- The store is the one the server was started with ($AVGKIT_STORE); `store=` in a URL is never
  looked at (not even whether such a file exists) and the app says so neutrally.
- Every write is recorded under the logged-in user and checked against the role
  (`ActingStore`), whatever the widgets pass as `who`.
- Problems opening the store are told without paths and without telling a missing file from a
  damaged or foreign one."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from avgkit import identity
from avgkit.roles import RoleError, allowed_update, require
from avgkit.store import ConflictError, NotFoundError, Store, StoreError


class ActingStore(Store):
    """A Store whose writes carry the logged-in user as author and obey the role.

    The `who` a caller passes is ignored: the author comes from `identity.author()`, which in
    server mode is $JUPYTERHUB_USER, set by the hub when it started this user's server."""

    def __init__(self, path: str | os.PathLike[str], *, author: str, role: str | None,
                 **kwargs: Any) -> None:
        super().__init__(path, create=False, **kwargs)
        self.author, self.role = author, role

    def create(self, assessment: Any, who: str | None = None) -> int:
        require(self.role, "create")
        return super().create(assessment, self.author)

    def update(self, id: str, changes: Mapping[str, Any], who: str | None = None,
               base_version: int | None = None) -> int:
        if not allowed_update(self.role, list(changes)):
            raise RoleError(self.role or "", "edit")
        return super().update(id, changes, self.author, base_version=base_version)


NEUTRAL = "de opslag is nu niet beschikbaar; probeer het later opnieuw of meld het de beheerder"


def _neutral(method):
    """Store errors carry the file's path; a browser gets a message without it (the log has
    the detail). Not-found, conflicts and "exists" say nothing about files and pass as they are."""
    import functools

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (NotFoundError, ConflictError):
            raise
        except StoreError as exc:
            if exc.code == "exists":
                raise
            import logging

            logging.getLogger("avgkit.server").error("store error: %s", exc)
            raise StoreError(NEUTRAL, code=exc.code) from None

    return wrapper


for _name in ("get", "get_with_version", "list", "versions", "exists", "version", "history",
              "rebuild", "as_of", "create", "update"):
    setattr(ActingStore, _name, _neutral(getattr(ActingStore, _name)))


class ReadOnlyStore(Store):
    """A Store on a read-only SQLite connection (`mode=ro`, `query_only`): for the readers'
    pages. It never migrates, creates or writes; a write attempt fails in SQLite itself."""

    def __init__(self, path: str | os.PathLike[str], **kwargs: Any) -> None:
        super().__init__(path, create=False, **kwargs)

    def _connection(self) -> sqlite3.Connection:  # type: ignore[override]
        with self._lock:
            if self._conn is None or self._pid != os.getpid():
                uri = Path(self.path).resolve().as_uri() + "?mode=ro"
                conn = sqlite3.connect(uri, uri=True, timeout=self._timeout,
                                       isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA query_only=ON")
                self._conn, self._pid = conn, os.getpid()
            return self._conn

    def create(self, *args: Any, **kwargs: Any) -> int:
        raise RoleError("reader", "create")

    def update(self, *args: Any, **kwargs: Any) -> int:
        raise RoleError("reader", "edit")


def split_store_param(query: str | None) -> tuple[str | None, bool]:
    """The query without any `store=` parameter, and whether one was there. The value is never
    looked at: a URL must not learn anything about files on the server."""
    if not query:
        return query, False
    pairs = parse_qsl(query.lstrip("?"), keep_blank_values=True, max_num_fields=40)
    kept = [(k, v) for k, v in pairs if k != "store"]
    return urlencode(kept), len(kept) != len(pairs)


def open_store() -> Store:
    """The server's store, for the logged-in user in their role. Raises StoreError with a
    message free of paths (the server log has the detail)."""
    path = os.environ.get("AVGKIT_STORE", "")
    if not path:
        raise StoreError("no store configured", code="io")
    try:
        return ActingStore(path, author=identity.author(), role=identity.role())
    except StoreError as exc:
        import logging

        logging.getLogger("avgkit.server").error("store cannot be opened: %s", exc)
        raise StoreError("store unavailable", code="io") from None


def run_in_server(kind: str, assessment_id: str, lang: str, interactive: bool,
                  query: str | None):
    """`avgkit.notebook.run` in a team server's app: the same app, with the server's store
    opened for the logged-in user; `store=` in the URL is dropped unread."""
    import html

    from IPython.display import HTML, display

    from avgkit.notebook import MEASURES_ENV, parse_query
    from avgkit.presentation import Labels
    from avgkit.widgets import App

    if not interactive:
        raise ValueError("report mode is not served by the team server")
    query, had_store = split_store_param(query)
    params = parse_query(query)
    lang = params.lang or lang
    t = Labels(lang)
    ignored = list(params.ignored)
    if had_store:
        ignored.insert(0, t["server_store_fixed"])
    try:
        store = open_store()
    except StoreError:
        display(HTML('<div class="message error" style="color:#a61b1b">'
                     f'{html.escape(t["server_store_unavailable"])}</div>'))
        return None
    app = App(kind, store, lang, params.assessment_id or assessment_id or None,
              custom=os.environ.get(MEASURES_ENV) or None, part=params.part)
    if ignored:
        app.warn_ignored(ignored)
    display(app.widget)
    return app

"""The readers' app (management): the overview of the server's assessments and each one's
report, as static pages, behind the hub's login. No kernel, no widgets, GET only: there is
nothing a reader can send that changes the store, which is opened read-only (`ReadOnlyStore`:
SQLite `mode=ro` and `query_only`)."""

from __future__ import annotations

import html
import logging
import os
import sys

from tornado import ioloop, web

from avgkit.assessment import ID_PATTERN
from avgkit.models import LANGS
from avgkit.presentation import Labels

log = logging.getLogger("avgkit.server.reader")
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'"


def page(title: str, body: str, lang: str) -> str:
    from avgkit.html import stylesheet

    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{html.escape(title)}</title><style>{stylesheet()}</style></head>'
            f'<body><div class="avgkit" style="max-width:60em;margin:2em auto">{body}</div>'
            '</body></html>')


def overview_html(assessments, lang: str, prefix: str, user: str) -> str:
    t = Labels(lang)
    other = "en" if lang == "nl" else "nl"
    head = (f'<p style="float:right"><span class="muted">{html.escape(user)}</span> · '
            f'<a href="?lang={other}">{other.upper()}</a> · '
            f'<a href="{html.escape(prefix)}logout">{html.escape(t["reader_logout"])}</a></p>'
            f'<h1>{html.escape(t["reader_title"])}</h1>'
            f'<p class="muted">{html.escape(t["reader_intro"])}</p>')
    if not assessments:
        return page(t["reader_title"], head + f'<p>{html.escape(t["reader_none"])}</p>', lang)
    cols = [t["field_id"], t["field_corporation"], t["field_contractor"], t["status"],
            t["reader_updated"], t["reader_report"]]
    rows = []
    for a in sorted(assessments, key=lambda a: a.id.casefold()):
        link = f'{prefix}report/{a.id}?lang={lang}'
        cells = [a.id, a.corporation or "–", a.contractor or "–", a.status,
                 a.updated.strftime("%Y-%m-%d %H:%M") if a.updated else ""]
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells)
                    + f'<td><a href="{html.escape(link)}">{html.escape(t["reader_report"])}'
                    "</a></td></tr>")
    table = ('<table class="table"><thead><tr>'
             + "".join(f"<th>{html.escape(c)}</th>" for c in cols)
             + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    return page(t["reader_title"], head + table, lang)


def make_app(store, prefix: str):
    from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated

    class Base(HubOAuthenticated, web.RequestHandler):
        def set_default_headers(self) -> None:
            self.set_header("Content-Security-Policy", CSP)
            self.set_header("X-Frame-Options", "DENY")
            self.set_header("Cache-Control", "no-store")
            self.set_header("Referrer-Policy", "same-origin")

        def lang(self) -> str:
            value = self.get_query_argument("lang", "nl")
            return value if value in LANGS else "nl"

        def write_error(self, status_code: int, **kwargs) -> None:  # no tracebacks, no paths
            t = Labels("nl")
            text = t["reader_not_found"] if status_code == 404 else f"{status_code}"
            self.finish(page(str(status_code), f"<p>{html.escape(text)}</p>", "nl"))

    class Overview(Base):
        @web.authenticated
        def get(self) -> None:
            lang = self.lang()
            self.finish(overview_html(store.list(), lang, prefix, self.current_user["name"]))

    class Report(Base):
        @web.authenticated
        def get(self, assessment_id: str) -> None:
            from avgkit.report import render_report
            from avgkit.store import NotFoundError

            if not ID_PATTERN.match(assessment_id):
                raise web.HTTPError(404)
            try:
                assessment = store.get(assessment_id)
            except NotFoundError:
                raise web.HTTPError(404) from None
            self.finish(render_report(assessment, self.lang()))

    class Logout(Base):
        def get(self) -> None:
            self.clear_cookie(self.hub_auth.cookie_name, path=self.hub_auth.base_url)
            self.redirect(self.hub_auth.hub_host + self.hub_auth.hub_prefix + "logout")

    hub_auth = HubOAuth.instance(cache_max_age=60)  # the one the handlers use
    _ = hub_auth.api_token  # read before it leaves the environment
    return web.Application(
        [(prefix, Overview), (prefix + "report/([^/?]+)", Report),
         (prefix + "oauth_callback", HubOAuthCallbackHandler), (prefix + "logout", Logout)],
        hub_auth=hub_auth, cookie_secret=os.urandom(32), login_url=hub_auth.login_url,
        xsrf_cookies=True)


def main() -> int:
    from avgkit.server.session import ReadOnlyStore
    from avgkit.server.singleuser import drop_hub_secrets, listen_address

    logging.basicConfig(level=logging.INFO)
    ip, port, prefix = listen_address()
    store = ReadOnlyStore(os.environ["AVGKIT_STORE"])
    app = make_app(store, prefix)
    drop_hub_secrets()
    app.listen(port, ip, xheaders=True)
    log.info("avgkit reader pages for %s at http://%s:%d%s", os.environ.get("JUPYTERHUB_USER"),
             ip, port, prefix)
    ioloop.IOLoop.current().start()
    return 0


if __name__ == "__main__":
    sys.exit(main())

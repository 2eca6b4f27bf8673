"""The team server (`avgkit serve`, issue 14) end to end: JupyterHub with its own user list, a
real proxy, each user's app; logins through Debian's Chromium.

One hub for the whole module (starting it and the users' apps is the expensive part); the
checks run in file order. Screenshots land in test-artifacts/team-*.png."""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from conftest import ROOT
from test_browser import ARTIFACTS, CHROMIUM, FORM_3, free_port, launch_chromium

from avgkit.assessment import Assessment
from avgkit.store import Store

PROXY = ROOT / ".hub-proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="needs Debian's Chromium at /usr/bin/chromium"),
    pytest.mark.skipif(not PROXY.exists() and not shutil.which("configurable-http-proxy"),
                       reason="configurable-http-proxy missing: run bash scripts/setup.sh"),
]
USERS = {"alice": ("auditor", "alice-geheim-2024!"), "bob": ("auditor", "bob-geheim-2024!x"),
         "rita": ("reviewer", "rita-geheim-2024!x"), "ron": ("reader", "ron-geheim-2024!x")}
CULL_IDLE = 12  # seconds; short for the test (the default is an hour)
MAX_KERNELS = 2
SECRET_DATA = "Woonstichting Noord"


def avgkit(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "avgkit", *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


def processes(store: Path, user: str | None = None, kind: str = "ipykernel") -> list[int]:
    """Pids of this server's processes of one kind (kernels, or users' apps), read from /proc:
    a kernel inherits its app's environment (AVGKIT_STORE, JUPYTERHUB_USER)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            env = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if kind not in cmd or f"AVGKIT_STORE={store}".encode() not in env:
            continue
        if user is None or f"JUPYTERHUB_USER={user}".encode() in env:
            found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("team")
    store = (tmp / "team.sqlite").resolve()
    with Store(store) as s:
        s.create(Assessment(id="SW-001", corporation=SECRET_DATA, contractor="Bouw & Zonen",
                            auditor="Anna"), "setup")
        s.create(Assessment(id="SW-002", corporation="Stichting Zuid",
                            contractor="Installatie BV", auditor="Anna"), "setup")
    from avgkit.server import users  # `avgkit users add` without a process per user

    for name, (role, password) in USERS.items():
        users.add(users.state_dir_for(store), name, role, password)
    port = free_port()
    log = tmp / "serve.log"
    env = {**os.environ, "PATH": f"/usr/bin:{os.environ.get('PATH', '')}"}
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "avgkit", "serve", "--store", str(store),
             "--port", str(port), "--cull-idle", str(CULL_IDLE), "--cull-interval", "2",
             "--max-kernels", str(MAX_KERNELS)],
            cwd=tmp, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"avgkit serve exited with {proc.returncode}:\n"
                            f"{log.read_text()[-3000:]}")
            try:
                if requests.get(f"{url}/hub/login", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the hub did not answer:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield {"url": url, "store": store, "log": log, "tmp": tmp}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for pid in processes(store, kind="avgkit.server") + processes(store):
            os.kill(pid, 9)  # only this test's own processes (matched on its store path)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)  # a user's app takes seconds to start on 2 busy cores

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        b = launch_chromium(pw)
        yield b
        b.close()


def log_in(browser, hub, name, foreign: list[list[str]] | None = None):
    """A logged-in page; requests to any host but the hub are aborted and recorded in a list
    that is appended to foreign."""
    from playwright.sync_api import expect
    from test_app_browser import local_only

    kernels_before = len(processes(hub["store"], name))
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    if foreign is not None:
        foreign.append(local_only(context, hub["url"]))
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(f"{hub['url']}/hub/login")
    page.locator("input[name=username]").fill(name)
    page.locator("input[name=password]").fill(USERS[name][1])
    if name == "alice":
        page.screenshot(path=str(ARTIFACTS / "team-login.png"))
    page.locator("form [type=submit]").first.click()
    if USERS[name][0] == "reader":
        expect(page).to_have_url(re.compile(rf"/user/{name}/"))
        return context, page
    # auditors and reviewers land on the front door; the test then goes on in a fresh page,
    # closing this one as a browser does (Playwright's goto skips beforeunload, where Voilà
    # shuts the page's kernel down), so that kernel counts stay what each test makes
    expect(page).to_have_url(re.compile(rf"/user/{name}/voila/render/start\.ipynb$"))
    expect(page.get_by_role("heading", name=re.compile("avgkit"))).to_be_visible()
    landing, page = page, context.new_page()
    page.set_default_timeout(90_000)
    landing.close(run_before_unload=True)
    deadline = time.monotonic() + 20  # the landing page's kernel is shut down asynchronously
    while len(processes(hub["store"], name)) > kernels_before and time.monotonic() < deadline:
        time.sleep(0.2)
    return context, page


def history_authors(store, ident="SW-001"):
    done = avgkit("history", ident, "--store", str(store), "--json")
    assert done.returncode == 0, done.stderr
    import json
    return [c["who"] for c in json.loads(done.stdout)]


def unauthenticated_gets(hub, paths, n=20):
    for i in range(n):
        r = requests.get(hub["url"] + paths[i % len(paths)], timeout=30)
        assert r.status_code == 200 and "/hub/login" in r.url, (r.status_code, r.url)
        assert 'name="password"' in r.text
        assert SECRET_DATA not in r.text


APP = "/user/alice/voila/render/samenwerking.ipynb?id=SW-001"


def test_unauthenticated_requests_get_the_login_page_and_start_nothing(hub):
    unauthenticated_gets(hub, ["/", "/hub/", APP, "/user/alice/", "/user/ron/",
                               "/user/alice/voila/render/samenwerking.ipynb?store=/etc/x.db"])
    assert processes(hub["store"], kind="avgkit.server") == []  # no user's app was started
    assert processes(hub["store"]) == []


def test_the_login_page_speaks_dutch_and_says_what_went_wrong(hub, browser):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.goto(f"{hub['url']}/hub/login")
    expect(page.get_by_text("Inloggen bij avgkit")).to_be_visible()
    assert page.title() == "Inloggen – avgkit"
    expect(page.get_by_label("Gebruikersnaam:")).to_be_visible()
    page.get_by_label("Gebruikersnaam:").fill("alice")
    page.get_by_label("Wachtwoord:", exact=True).fill("niet-het-wachtwoord")
    page.locator("#login_submit").click()
    expect(page.locator(".login_error")).to_have_text(re.compile(
        r"^Onjuiste gebruikersnaam of wachtwoord\."))
    assert "Invalid" not in page.inner_text("body") and "Sign In" not in page.inner_text("body")
    expect(page.get_by_label("Gebruikersnaam:")).to_have_value("alice")  # kept for a retry
    assert page.evaluate("document.documentElement.lang") == "nl"
    page.screenshot(path=str(ARTIFACTS / "team-login-error.png"))
    context.close()


def test_two_auditors_each_change_and_the_history_names_them(hub, browser):
    from playwright.sync_api import expect

    before = history_authors(hub["store"])
    foreign: list[list[str]] = []
    for name in ("alice", "bob"):
        context, page = log_in(browser, hub, name, foreign)  # lands on the front door
        if name == "alice":  # Voilà's own pages (file list, not found) fetch nothing outside
            page.goto(f"{hub['url']}/user/alice/voila/tree")
            expect(page.get_by_text("start.ipynb")).to_be_visible()
            page.goto(f"{hub['url']}/user/alice/voila/render/bestaat-niet.ipynb")
        page.goto(f"{hub['url']}/user/{name}/voila/render/samenwerking.ipynb"
                  "?id=SW-001&store=/etc/passwd.sqlite")
        expect(page.locator(".avgkit table.roles").first).to_be_visible()
        # ?store= is dropped unread, with a neutral message (no path, no "no such file")
        message = page.locator(".avgkit .message.warning")
        expect(message).to_contain_text("deze server werkt met één vaste opslag")
        assert "/etc/passwd" not in page.inner_text("body")
        if name == "alice":  # the form; the app then moves bob on to the first open question
            page.locator(".avgkit-q-data_exchange").get_by_text(FORM_3).click()
            expect(page.get_by_text("vastgesteld", exact=True)).to_be_visible()
        else:
            page.locator(".avgkit-q-own_purposes_use").get_by_role("button", name="nee").click()
            expect(page.locator(".avgkit-q-own_purposes_use button.mod-active")).to_have_text(
                "nee")
        expect(page.get_by_text("Opgeslagen (versie", exact=False)).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / f"team-{name}.png"), full_page=True)
        context.close()
    # avgkit's own Voilà template: no request to a CDN or any other host (the auditor's
    # browser tells nobody outside which server it uses)
    assert foreign == [[], []], foreign
    authors = history_authors(hub["store"])[len(before):]
    assert "alice" in authors and "bob" in authors, authors
    assert "Anna" not in authors  # the auditor field is an answer, not the author
    answers = Store(hub["store"]).get("SW-001").answers
    assert answers["data_exchange"] == "client_system" and answers["own_purposes_use"] is False
    done = avgkit("history", "SW-001", "--store", str(hub["store"]))
    assert "alice" in done.stdout and "bob" in done.stdout


def test_a_page_cannot_run_code_in_its_kernel(hub, browser):
    """Voilà accepts comm messages only: an execute_request crafted in the browser is dropped,
    so nobody can write to the store (or anywhere) under another name."""
    from playwright.sync_api import expect

    marker = hub["tmp"] / "executed.txt"
    context, page = log_in(browser, hub, "alice")
    page.goto(f"{hub['url']}{APP}")
    expect(page.locator(".avgkit table.roles").first).to_be_visible()
    version = Store(hub["store"]).version("SW-001")
    code = (f"open({str(marker)!r}, 'w').write('x'); "
            "from avgkit.store import Store; import os; "
            "Store(os.environ['AVGKIT_STORE']).update('SW-001', {'notes': 'vervalst'}, 'Anna')")
    replies = page.evaluate("""async (code) => {
        const cfg = JSON.parse(document.getElementById('jupyter-config-data').textContent);
        const id = cfg.kernelId;
        const url = location.origin.replace('http', 'ws') + cfg.baseUrl +
                    'api/kernels/' + id + '/channels';
        const ws = new WebSocket(url);
        const got = [];
        await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail; });
        ws.onmessage = (e) => got.push(typeof e.data === 'string' ? JSON.parse(e.data).msg_type
                                                                  : 'binary');
        ws.send(JSON.stringify({header: {msg_id: 'x1', username: 'alice', session: 's1',
                  msg_type: 'execute_request', version: '5.3', date: new Date().toISOString()},
                  parent_header: {}, metadata: {}, channel: 'shell',
                  content: {code: code, silent: false, store_history: false,
                            user_expressions: {}, allow_stdin: false, stop_on_error: true}}));
        await new Promise(r => setTimeout(r, 4000));
        ws.close();
        return got;
    }""", code)
    context.close()
    assert "execute_reply" not in replies
    assert not marker.exists()
    assert Store(hub["store"]).version("SW-001") == version


def test_a_reviewer_signs_off_in_the_browser_and_cannot_change_answers(hub, browser):
    """The reviewer's part of the work, as a reviewer does it: open the assessment's sign-off,
    complete it (locked, under the reviewer's own login), and find the answers closed to her."""
    from playwright.sync_api import expect

    before = history_authors(hub["store"], "SW-002")
    answers = Store(hub["store"]).get("SW-002").answers
    context, page = log_in(browser, hub, "rita")
    page.goto(f"{hub['url']}/user/rita/voila/render/start.ipynb?id=SW-002&part=afronding")
    role = page.get_by_label("Rol", exact=True)
    expect(role).to_be_visible()
    role.fill("FG")
    page.get_by_role("button", name="Afronden").click()
    expect(page.get_by_text(re.compile(r"Afgerond door .+ \(FG\) op"))).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "team-reviewer-signoff.png"), full_page=True)
    # the answers (one click away, in place): shown, but a click changes nothing in the store
    page.locator(".avgkit-parts").get_by_role("button", name="Rollen").click()
    expect(page.locator(".avgkit table.roles").first).to_be_visible()
    version = Store(hub["store"]).version("SW-002")
    page.locator(".avgkit-q-data_exchange").get_by_text(FORM_3).click()
    page.wait_for_timeout(1500)
    context.close()
    saved = Store(hub["store"]).get("SW-002")
    assert saved.status == "afgerond" and saved.signoff.role == "FG" and saved.locked
    assert saved.answers == answers and Store(hub["store"]).version("SW-002") == version
    assert set(history_authors(hub["store"], "SW-002")[len(before):]) == {"rita"}  # her login


def test_a_reader_sees_reports_and_cannot_change_anything(hub, browser):
    from playwright.sync_api import expect

    store = hub["store"]
    # the batch and the CLI write to the same store while the server runs
    Store(store).update("SW-002", {"contractor": "Installatie & Co"}, "batch")
    version, history = Store(store).version("SW-001"), len(Store(store).history("SW-001"))
    context, page = log_in(browser, hub, "ron")
    expect(page.get_by_role("heading", name="Overzicht beoordelingen")).to_be_visible()
    expect(page.get_by_text(SECRET_DATA)).to_be_visible()
    expect(page.get_by_text("Installatie & Co")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "team-reader-overview.png"), full_page=True)
    page.get_by_role("link", name="Rapport").first.click()
    expect(page.get_by_text("Bouw & Zonen").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "team-reader-report.png"), full_page=True)
    # crafted requests with the reader's own cookies: no app, no kernels, no writes
    api = context.request
    base = f"{hub['url']}/user/ron"
    for method, path in (("post", "/"), ("post", "/report/SW-001"),
                         ("get", "/voila/render/samenwerking.ipynb?id=SW-001"),
                         ("post", "/api/kernels"), ("get", "/api/kernels"),
                         ("put", "/api/contents/x.ipynb")):
        r = getattr(api, method)(base + path, max_redirects=0)
        assert r.status in (403, 404, 405), (method, path, r.status)
    # another user's app is not the reader's to open
    r = api.get(f"{hub['url']}{APP}", max_redirects=0)
    assert r.status in (302, 303, 403), r.status
    if r.status != 403:
        assert "/user/alice" not in (r.headers.get("location") or "/hub").split("?")[0] \
            or "/hub/" in r.headers.get("location", "")
    context.close()
    assert processes(store, "ron") == []  # a reader never gets a kernel
    assert Store(store).version("SW-001") == version
    assert len(Store(store).history("SW-001")) == history


def test_kernel_cap_per_user_gives_a_clear_message(hub, browser):
    from playwright.sync_api import expect

    context, page = log_in(browser, hub, "alice")
    pages = [page]
    page.goto(f"{hub['url']}{APP}")
    expect(page.locator(".avgkit table.roles").first).to_be_visible()
    while len(processes(hub["store"], "alice")) < MAX_KERNELS:
        extra = context.new_page()
        extra.goto(f"{hub['url']}{APP}")
        expect(extra.locator(".avgkit table.roles").first).to_be_visible()
        pages.append(extra)
    over = context.new_page()
    response = over.goto(f"{hub['url']}{APP}")
    assert response.status == 429
    expect(over.get_by_text("vensters met de app open", exact=False)).to_be_visible()
    over.screenshot(path=str(ARTIFACTS / "team-kernel-cap.png"))
    kernels = processes(hub["store"], "alice")
    assert len(kernels) == MAX_KERNELS
    for pid in kernels:  # the hub's API token never reaches a kernel
        assert b"JUPYTERHUB_API_TOKEN=" not in Path(f"/proc/{pid}/environ").read_bytes()
    hub["alice_context"] = context  # pages stay open for the culling check


def test_unauthenticated_gets_to_a_running_app_start_no_kernels(hub):
    before = len(processes(hub["store"]))
    unauthenticated_gets(hub, [APP, "/user/alice/", "/user/bob/voila/render/beveiliging.ipynb"])
    assert len(processes(hub["store"])) <= before


def test_idle_kernels_are_culled(hub):
    """Pages left open without activity: their kernels are stopped after CULL_IDLE seconds."""
    assert processes(hub["store"], "alice")
    deadline = time.monotonic() + CULL_IDLE + 30
    while processes(hub["store"], "alice") and time.monotonic() < deadline:
        time.sleep(1)
    assert processes(hub["store"], "alice") == []
    assert "Culling 'idle' kernel" in hub["log"].read_text()
    hub["alice_context"].close()

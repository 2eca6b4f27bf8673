"""How fast the auditor app is in a real browser (Debian Chromium driven by Playwright).

Measures, in the same run:
  - page ready for input: from navigation to the app's first input being visible and enabled,
    for the baseline (Voilà started as the README did before issue 13: one notebook, a fresh
    kernel per page) and for `avgkit app` (avgkit's template, preheated kernels);
  - opening an assessment from the start page's list (in place): click to its header;
  - the language switch NL→EN→NL in the open assessment: from the click to the new labels.

    .venv/bin/python benchmarks/app.py [--loads 5] [--switches 6] [--pause 6]

A preheated kernel is used by one page; the pool refills in the background (Voilà's fill
delay, 1 s, plus running the notebook up to its wait for the request), so loads are spaced
`--pause` seconds apart, as pages opened by one auditor would be. Figures are medians.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from avgkit.appserver import voila_command, voila_env  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ASSESSMENT = "DL-001"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_store(folder: Path) -> Path:
    store = folder / "store.sqlite"
    subprocess.run([sys.executable, "-m", "avgkit", "import",
                    str(ROOT / "data" / "voorbeeld-portefeuille.csv"), "--store", str(store),
                    "--who", "benchmark"], check=True, capture_output=True)
    return store


def serve(command: list[str], env: dict, log: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"server did not start: {log.read_text()[-2000:]}")


def wait_pool(log: Path, count: int, timeout: float = 180) -> None:
    """Wait until Voilà says its kernel pools are filled `count` times."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.read_text().count("is filled with") >= count:
            return
        time.sleep(0.3)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def page_ready(page, url: str) -> float:
    """Seconds from navigation until the first text input of the app accepts typing."""
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.locator(".avgkit-app input[type=text], .avgkit-app input[type=radio]").first \
        .wait_for(state="visible", timeout=120_000)
    page.wait_for_function(
        "() => { const i = document.querySelector('.avgkit-app input'); "
        "return i && !i.disabled; }", timeout=120_000)
    return time.perf_counter() - start


def language_switch(page, lang: str, label: str) -> float:
    start = time.perf_counter()
    page.locator(".avgkit-lang").get_by_role("button", name=lang.upper()).click()
    page.locator(".avgkit-to-list").get_by_text(label).wait_for(timeout=60_000)
    page.locator(".avgkit-parts").get_by_role(
        "button", name="Roles" if lang == "en" else "Rollen").wait_for(timeout=60_000)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--switches", type=int, default=6)
    parser.add_argument("--pause", type=float, default=6.0,
                        help="seconds between page loads (the pool refills meanwhile)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="avgkit-bench-app-"))
    store = make_store(folder)
    results: dict[str, list[float]] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1366, "height": 768})

            # baseline: the README's command before issue 13 (one notebook, cold kernel)
            port = free_port()
            log = folder / "baseline.log"
            proc = serve([sys.executable, "-m", "voila",
                          str(ROOT / "notebooks" / "samenwerking.ipynb"), "--no-browser",
                          f"--port={port}", "--Voila.ip=127.0.0.1"],
                         voila_env(store), log, port)
            try:
                url = f"http://127.0.0.1:{port}/?id={ASSESSMENT}"
                page_ready(page, url)  # first load warms the OS caches
                results["baseline page"] = [page_ready(page, url) for _ in range(args.loads)]
            finally:
                stop(proc)

            # avgkit app: template without CDN, preheated kernels
            port = free_port()
            log = folder / "app.log"
            command, env = voila_command(store, port)
            proc = serve(command, env, log, port)
            try:
                wait_pool(log, 3)
                base = f"http://127.0.0.1:{port}/voila/render/start.ipynb"
                times = []
                for i in range(args.loads + 1):
                    time.sleep(args.pause)
                    took = page_ready(page, f"{base}?id={ASSESSMENT}&lang=nl")
                    if i:  # the first load warms the browser's cache of Voilà's scripts
                        times.append(took)
                results["app page"] = times
                # opening from the list happens in place (no page load)
                opens = []
                for i in range(args.switches):
                    page.locator(".avgkit-to-list").click()
                    page.locator("a.avgkit-open").first.wait_for(timeout=60_000)
                    target = f"DL-00{2 + i % 3}"
                    start = time.perf_counter()
                    page.locator("a.avgkit-open", has_text=target).click()
                    page.locator(".avgkit-open-header", has_text=target).wait_for(
                        timeout=60_000)
                    page.locator(".avgkit-app input").first.wait_for(timeout=60_000)
                    opens.append(time.perf_counter() - start)
                results["open from the list (in place)"] = opens
                switches = []
                for i in range(args.switches):
                    lang, label = ("en", "Back to the list") if i % 2 == 0 else \
                        ("nl", "Naar de lijst")
                    switches.append(language_switch(page, lang, label))
                results["language switch (first NL→EN)"] = switches[:1]
                results["language switch (later)"] = switches[1:]
            finally:
                stop(proc)
            browser.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    print(f"{'measure':34} {'median s':>9} {'min':>6} {'max':>6}  n")
    for name, values in results.items():
        if values:
            print(f"{name:34} {statistics.median(values):9.2f} {min(values):6.2f} "
                  f"{max(values):6.2f}  {len(values)}")
    base, app = results.get("baseline page"), results.get("app page")
    if base and app:
        print(f"page ready: {statistics.median(base) / statistics.median(app):.1f}× faster "
              f"than the baseline; load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

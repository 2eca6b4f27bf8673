"""Benchmark: `avgkit batch` against the naive way a user would do it.

The naive way is a loop that calls the `papermill` command and then
`jupyter nbconvert --to html --no-input` for each collaboration. Both are measured in the same
run, on synthetic portfolios made from the example portfolio (ids renamed, answers cycled).

    .venv/bin/python benchmarks/batch.py                  # sizes 50 200 1000, naive sample 10
    .venv/bin/python benchmarks/batch.py --sizes 50 --naive-sample 5

It prints seconds per report, the speed-up against the naive loop, peak memory of the whole
process tree, report sizes, and the time of a rerun with nothing changed. The naive loop is timed
on a sample (default 10 collaborations) because at ~4 s a report it would take most of an hour at
1,000; its cost per report does not depend on N (one fresh process pair per report).
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "voorbeeld-portefeuille.csv"
BIN = Path(sys.executable).parent


def synthetic_portfolio(n: int, path: Path) -> Path:
    """n collaborations: the example rows cycled with fresh ids (valid rows only)."""
    with EXAMPLE.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=";")  # the example portfolio's delimiter
        header = next(reader)
        rows = [r for r in reader if any(r)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(header)
        for i in range(n):
            row = list(rows[i % len(rows)])
            row[0] = f"BENCH-{i:05d}"
            writer.writerow(row)
    return path


class PeakMemory:
    """Peak resident memory of a process and all its children, sampled every 50 ms."""

    def __init__(self, proc: subprocess.Popen):
        self.proc, self.peak, self._stop = proc, 0, threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                root = psutil.Process(self.proc.pid)
                total = sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            time.sleep(0.05)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def timed(cmd: list[str]) -> tuple[float, int, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watch = PeakMemory(proc)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    peak = watch.stop()
    return seconds, peak, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def naive(portfolio: Path, sample: int, work: Path) -> float:
    """Seconds per report the naive way: papermill CLI + nbconvert CLI per collaboration."""
    # The notebooks read the store the batch fills; reuse it so both ways report the same data.
    store = work / "avgkit-out" / "_avgkit" / "portefeuille.sqlite"
    ids = [f"BENCH-{i:05d}" for i in range(sample)]
    times = []
    for ident in ids:
        executed = work / "naive" / f"{ident}.ipynb"
        executed.parent.mkdir(exist_ok=True)
        start = time.perf_counter()
        subprocess.run([str(BIN / "papermill"), str(ROOT / "notebooks" / "samenwerking.ipynb"),
                        str(executed), "-p", "assessment_id", ident, "-p", "store_path",
                        str(store), "-p", "lang", "nl", "-p", "interactive", "False",
                        "--no-progress-bar"], check=True, capture_output=True)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                        str(executed)], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.mean(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 1000])
    parser.add_argument("--naive-sample", type=int, default=10)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="avgkit-bench-"))
    try:
        rows = []
        naive_per_report = None
        for n in args.sizes:
            portfolio = synthetic_portfolio(n, work / f"portefeuille-{n}.csv")
            out = work / "avgkit-out"
            shutil.rmtree(out, ignore_errors=True)
            cmd = [str(BIN / "avgkit"), "batch", str(portfolio), "--out", str(out), "--quiet"]
            if args.workers:
                cmd += ["--workers", str(args.workers)]
            seconds, peak, proc = timed(cmd)
            if proc.returncode != 0:
                print(proc.stdout, proc.stderr, file=sys.stderr)
                return 1
            rerun, _, proc2 = timed(cmd)
            reports = [p for p in out.glob("*.html") if p.name != "index.html"]
            sizes = [p.stat().st_size for p in reports]
            if naive_per_report is None:
                naive_per_report = naive(portfolio, min(args.naive_sample, n), work)
            per = seconds / n
            rows.append((n, per, naive_per_report / per, peak / 2**20,
                         statistics.mean(sizes) / 1024, rerun))
        print(f"naive (papermill CLI + nbconvert CLI), sample of {args.naive_sample}: "
              f"{naive_per_report:.2f} s per report")
        print(f"{'N':>6} {'s/report':>9} {'vs naive':>9} {'peak MiB':>9} {'report KiB':>10} "
              f"{'rerun s':>8}")
        for n, per, ratio, peak_mib, kib, rerun in rows:
            print(f"{n:>6} {per:>9.3f} {ratio:>8.1f}x {peak_mib:>9.0f} {kib:>10.1f} {rerun:>8.2f}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

"""How fast `avgkit batch --pdf` prints, against the naive way, in the same run.

    .venv/bin/python benchmarks/pdf.py reports/ [--workers 2] [--naive-sample 5]

reports/ is a finished batch output (bash scripts/run-example.sh makes one). avgkit prints with
one Chromium per worker driven over its DevTools pipe (avgkit.batch.pdf.Printer); the naive way
starts `chromium --headless --print-to-pdf` once per page (timed on a sample, one at a time).
PDFs are written to a temporary copy of the folder; the input is not touched.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from avgkit.batch.pdf import FLAGS, find_engine, printable, write_pdfs


def naive(engine: str, html: Path) -> None:
    copy = html.with_name(f".{html.stem}.naive.html")
    copy.write_text(printable(html.read_text("utf-8"), html.name == "index.html", "2026-01-01"),
                    encoding="utf-8")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([engine, *FLAGS, "--no-pdf-header-footer", f"--user-data-dir={profile}",
                        f"--print-to-pdf={html.with_suffix('.naive.pdf')}", copy.as_uri()],
                       capture_output=True, check=True, timeout=300)
    copy.unlink()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--naive-sample", type=int, default=5)
    args = ap.parse_args()
    engine = find_engine()
    if not engine:
        raise SystemExit("no Chromium: apt-get install chromium")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "out"
        shutil.copytree(args.out, work, ignore=shutil.ignore_patterns("*.pdf", "_avgkit"))
        pages = sorted(work.glob("*.html"))
        start = time.perf_counter()
        outcome = write_pdfs(work, pages, workers=args.workers, force=True)
        ours = (time.perf_counter() - start) / len(pages)
        assert not outcome.failed, outcome.failed
        start = time.perf_counter()
        for page in pages[:args.naive_sample]:
            naive(engine, page.resolve())
        slow = (time.perf_counter() - start) / min(len(pages), args.naive_sample)
    print(f"{len(pages)} pages, {args.workers} workers: avgkit {ours:.2f} s per page, naive "
          f"{slow:.2f} s per page (one at a time): {slow / ours:.1f}x")


if __name__ == "__main__":
    main()

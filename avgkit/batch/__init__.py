"""`avgkit batch`: assess a whole portfolio with papermill and write the reports management reads.

    run_batch(portfolio, out_dir, ...) -> BatchOutcome

1. Read and validate the portfolio; refused rows are listed, valid rows go on.
2. Copy the assessments into the batch's own store (<out>/_avgkit/portefeuille.sqlite) so the
   notebooks get identifiers and paths only, never text from the portfolio.
3. Skip collaborations whose inputs did not change since the last run (unless force).
4. Run the rest on all cores (or a Dask cluster): one report + JSON result per collaboration.
5. Write index.html, results.xlsx and results.csv over every collaboration of the portfolio.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from avgkit.assessment import Assessment
from avgkit.batch.files import safe_name
from avgkit.batch.guard import EXIT_INCOMPLETE, EXIT_PORTFOLIO, BatchError, die_with_parent, guarded
from avgkit.batch.history import answers_hash
from avgkit.batch.overview import write_overview
from avgkit.batch.overzicht import check_notebooks
from avgkit.batch.runner import (
    CHECKLIST_NB,
    COLLABORATION_NB,
    NOTEBOOKS,
    Job,
    environment_hash,
    input_hash,
    is_up_to_date,
    result_path,
    run_job,
)

STATE_DIR = "_avgkit"


@dataclass
class BatchOutcome:
    out_dir: Path
    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # one line per refused portfolio row
    interrupted: bool = False
    pdf: Any = None  # avgkit.batch.pdf.PdfOutcome when --pdf was asked

    @property
    def exit_status(self) -> int:
        """0 all done, 1 collaborations failed or rows refused, 130 interrupted (guard.py lists
        the codes of a run that could not go on)."""
        if self.interrupted:
            return 130
        return EXIT_INCOMPLETE if self.failed or self.refused else 0


def sync_store(store, assessments: Iterable[Assessment], who: str = "avgkit batch") -> None:
    """Make the batch store hold exactly these assessments' current answers."""
    from avgkit.store import NotFoundError

    for assessment in assessments:
        try:
            current = store.get(assessment.id)
        except NotFoundError:
            store.create(assessment, who)
            continue
        old, new = current.to_dict(), assessment.to_dict()
        changes = {k: v for k, v in new.items()
                   if k not in ("id", "created", "updated") and old.get(k) != v}
        if changes:
            store.update(assessment.id, changes, who)


def resolve_references(assessments: list, store_path: Path | None) -> tuple[list, list[str]]:
    """Rows with a beoordeling_ref take the saved assessment from the user's store (under the
    row's own id); a reference that is not there refuses that row."""
    from avgkit.store import NotFoundError, Store, StoreError, default_store_path

    if not any(getattr(a, "assessment_ref", None) for a in assessments):
        return assessments, []
    path = Path(store_path) if store_path else default_store_path()
    resolved, refused = [], []
    try:
        store = Store(path)
    except StoreError as exc:
        store, problem = None, str(exc)
    for a in assessments:
        ref = getattr(a, "assessment_ref", None)
        if not ref:
            resolved.append(a)
            continue
        try:
            if store is None:
                raise StoreError(problem)
            saved = store.get(ref)
        except (NotFoundError, StoreError) as exc:
            refused.append(f"{a.source}, rij {a.row}: beoordeling_ref {ref!r}: {exc}")
            continue
        resolved.append(Assessment.from_dict({**saved.to_dict(), "id": a.id}))
    return resolved, refused


def _ignore_sigint(parent: int | None = None) -> None:
    # Ctrl-C is for the parent: it stops handing out jobs while the workers finish theirs.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)  # a killed batch (SIGKILL) leaves no worker or kernel behind


class _Workers:
    """The batch's worker processes, each with its warm kernel. They stay up after the reports
    so that the overview notebook runs on a kernel that is already warm, not on a cold one."""

    def __init__(self, workers: int):
        # spawn: each worker starts clean (no inherited zmq sockets) and keeps its own warm kernel.
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                                        initializer=_ignore_sigint, initargs=(os.getpid(),))

    def map(self, jobs: list[Job], on_done: Callable[[dict], None]) -> None:
        futures = [self.pool.submit(run_job, job) for job in jobs]
        try:
            for future in as_completed(futures):
                on_done(future.result())
        except BaseException:
            for f in futures:
                f.cancel()
            raise

    def call(self, function: Callable, *args: Any) -> Any:
        return self.pool.submit(function, *args).result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _pool_map(jobs: list[Job], workers: int, on_done: Callable[[dict], None]) -> None:
    pool = _Workers(workers)
    try:
        pool.map(jobs, on_done)
    finally:
        pool.close()


def _dask_map(jobs: list[Job], scheduler: str, on_done: Callable[[dict], None]) -> None:
    from dask.distributed import Client
    from dask.distributed import as_completed as dask_completed

    with Client(scheduler) as client:
        futures = [client.submit(run_job, job, pure=False, key=f"avgkit-{job.name}")
                   for job in jobs]
        try:
            for future in dask_completed(futures):
                on_done(future.result())
        except BaseException:
            client.cancel(futures)
            raise


@guarded
def run_batch(portfolio: Path, out_dir: Path, *, workers: int | None = None, lang: str = "nl",
              only: list[str] | None = None, force: bool = False, scheduler: str | None = None,
              sheet: str | None = None, store: Path | None = None,
              measures: Path | None = None,
              notebooks_dir: Path = NOTEBOOKS,
              progress: bool = True, isolated: bool = False,
              pdf: bool = False) -> BatchOutcome:
    from tqdm import tqdm

    from avgkit.portfolio import FILE_PROBLEMS, read_portfolio, refused_rows
    from avgkit.store import Store

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    outcome = BatchOutcome(out_dir)
    assessments, errors = read_portfolio(Path(portfolio), sheet=sheet, measures=measures,
                                         check_measures=True)
    if any(e.problem in FILE_PROBLEMS and not e.warning for e in errors):  # nothing to report on
        raise BatchError(f"portefeuille {portfolio} geweigerd; niets geschreven.", EXIT_PORTFOLIO,
                         [str(e) for e in errors if not e.warning])
    outcome.refused = refused_rows(errors)  # one line per refused row, as `avgkit validate`
    assessments, unresolved = resolve_references(assessments, store)
    outcome.refused += unresolved
    if only:
        unknown = sorted(set(only) - {a.id for a in assessments})
        if unknown:
            raise ValueError(f"--only: no valid collaboration with id {', '.join(unknown)} "
                             f"in {portfolio}")
        assessments = [a for a in assessments if a.id in set(only)]

    store_path = out_dir / STATE_DIR / "portefeuille.sqlite"
    store_path.parent.mkdir(exist_ok=True)
    sync_store(Store(store_path), [Assessment.from_dict(a.to_dict()) for a in assessments])

    check_notebooks(Path(notebooks_dir))
    measures_path = str(Path(measures).resolve()) if measures else ""
    if measures_path and not Path(measures_path).is_file():
        raise ValueError(f"--measures: no such file: {measures}")
    env = environment_hash(Path(notebooks_dir), lang,
                           (Path(measures_path),) if measures_path else ())
    names = {a.id: safe_name(a.id) for a in assessments}
    jobs: list[Job] = []
    for a in assessments:
        wanted = input_hash(a.to_dict(), env)
        if not force and is_up_to_date(out_dir, names[a.id], wanted):
            outcome.skipped.append(a.id)
            continue
        jobs.append(Job(id=a.id, name=names[a.id], store_path=str(store_path.resolve()),
                        out_dir=str(out_dir.resolve()), lang=lang, input_hash=wanted,
                        with_checklist=bool(a.checklist), notebooks_dir=str(notebooks_dir),
                        isolated=isolated, measures=measures_path))

    bar = tqdm(total=len(jobs), unit="rapport", disable=not progress or not jobs,
               file=sys.stderr, desc="avgkit batch")

    def on_done(record: dict[str, Any]) -> None:
        (outcome.ran if record["status"] == "ok" else outcome.failed).append(record["id"])
        bar.update()

    pool = _Workers(workers or os.cpu_count() or 1) if jobs and not scheduler else None
    try:
        try:
            if jobs and scheduler:
                _dask_map(jobs, scheduler, on_done)
            elif pool:
                pool.map(jobs, on_done)
        except KeyboardInterrupt:
            outcome.interrupted = True  # what finished is on disk; a rerun resumes from there
        finally:
            bar.close()

        records = []
        for a in assessments:
            try:
                records.append(json.loads(result_path(out_dir, names[a.id]).read_text("utf-8")))
            except (OSError, ValueError):
                records.append({"id": a.id, "status": "failed", "report": None,
                                "error": "niet uitgevoerd (onderbroken)", "summary": None})
        write_overview(out_dir, records, outcome.refused, lang=lang, notebooks_dir=notebooks_dir,
                       hashes={a.id: answers_hash(a.to_dict()) for a in assessments},
                       run_notebook=pool.call if pool else None)
    finally:
        if pool:
            pool.close()
    if pdf:  # A4 PDFs of the finished pages; a missing engine is reported, never fatal
        from avgkit.batch.pdf import write_pdfs

        outcome.pdf = write_pdfs(out_dir, [out_dir / "index.html"] + [
            out_dir / r["report"] for r in records if r.get("report")],
            workers=workers or os.cpu_count() or 1, force=force, lang=lang)
    return outcome


__all__ = ["BatchOutcome", "CHECKLIST_NB", "COLLABORATION_NB", "run_batch"]

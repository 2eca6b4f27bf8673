"""Run the report notebooks for a portfolio: one job per collaboration, never letting one
failure escape, each leaving an HTML report and a JSON result in the output folder.

One job = before_start (skip when nothing changed) -> execute (papermill, warm kernel) -> export
(nbconvert, lean template) -> on_complete | on_failure (the JSON records the status, never raises).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from avgkit import __version__
from avgkit.batch.files import inside, write_atomic
from avgkit.notebook import MEASURES_ENV

PACKAGE = Path(__file__).resolve().parent.parent
NOTEBOOKS = PACKAGE.parent / "notebooks"
COLLABORATION_NB = "samenwerking.ipynb"
CHECKLIST_NB = "beveiliging.ipynb"


@dataclass(frozen=True)
class Job:
    """Everything a worker needs, as identifiers and paths only (picklable, no free text)."""

    id: str
    name: str  # safe file stem
    store_path: str
    out_dir: str
    lang: str
    input_hash: str
    with_checklist: bool
    notebooks_dir: str
    isolated: bool = False  # True: a fresh kernel per notebook (plain papermill), for comparison
    measures: str = ""  # path of an organisation's own measures file, or ""


def environment_hash(notebooks_dir: Path, lang: str, extra: tuple[Path, ...] = ()) -> str:
    """Everything besides the answers that shapes a report: knowledge, notebooks, templates,
    avgkit's version and code, the language."""
    h = hashlib.sha256(f"avgkit {__version__} lang={lang}".encode())
    files = sorted([*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.yaml"),
                    *(PACKAGE / "templates").rglob("*"), *notebooks_dir.glob("*.ipynb"),
                    *NOTEBOOKS.glob("*.ipynb"), *extra])
    for path in files:
        if path.is_file():
            h.update(path.relative_to(path.anchor).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def input_hash(assessment_data: dict[str, Any], env_hash: str) -> str:
    data = {k: v for k, v in assessment_data.items() if k not in ("created", "updated")}
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{env_hash}\n{blob}".encode()).hexdigest()


def result_path(out_dir: Path, name: str) -> Path:
    return inside(out_dir, f"{name}.json")


def is_up_to_date(out_dir: Path, name: str, wanted_hash: str) -> bool:
    """A previous run left a good report for exactly these inputs."""
    try:
        previous = json.loads(result_path(out_dir, name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (previous.get("status") == "ok" and previous.get("input_hash") == wanted_hash
            and inside(out_dir, f"{name}.html").exists())


def _execute(notebook: Path, job: Job):
    import papermill as pm

    from avgkit.batch.kernels import ENGINE_NAME

    return pm.execute_notebook(
        str(notebook), None,
        parameters={"assessment_id": job.id, "store_path": job.store_path, "lang": job.lang,
                    "interactive": False},
        engine_name=None if job.isolated else ENGINE_NAME,
        kernel_name="python3", progress_bar=False, log_output=False,
        execution_timeout=300,
    )


def _error_text(exc: BaseException) -> str:
    """A short, readable reason: papermill's ename/evalue when a cell failed."""
    ename = getattr(exc, "ename", None)
    if ename:
        return f"{ename}: {getattr(exc, 'evalue', '')}".strip()
    return f"{type(exc).__name__}: {exc}"


def run_job(job: Job) -> dict[str, Any]:
    """Run one collaboration; always returns its result record (status ok or failed)."""
    from avgkit.batch.cells import report_cells
    from avgkit.batch.export import notebook_to_html
    from avgkit.batch.overzicht import notebook_file
    from avgkit.batch.summary import summarise
    from avgkit.store import Store

    started = time.perf_counter()
    out_dir = Path(job.out_dir)
    # The notebooks read an organisation's own measures from the environment (avgkit.notebook);
    # set it before this worker's kernel starts, so it inherits it.
    if job.measures:
        os.environ[MEASURES_ENV] = job.measures
    else:
        os.environ.pop(MEASURES_ENV, None)
    record: dict[str, Any] = {"id": job.id, "name": job.name, "report": f"{job.name}.html",
                              "lang": job.lang, "avgkit": __version__}
    try:
        assessment = Store(job.store_path).get(job.id)
        record["summary"] = summarise(assessment, job.lang, custom=job.measures or None)
        notebooks = Path(job.notebooks_dir)
        nb = report_cells(_execute(notebook_file(notebooks, COLLABORATION_NB), job), job.lang)
        if job.with_checklist:
            nb.cells.extend(report_cells(_execute(notebook_file(notebooks, CHECKLIST_NB), job),
                                         job.lang).cells)
        title = " – ".join(filter(None, [assessment.corporation, assessment.contractor])) or job.id
        html = notebook_to_html(nb, title=title, lang=job.lang)
        write_atomic(inside(out_dir, f"{job.name}.html"), html)
        record.update(status="ok", error=None, input_hash=job.input_hash)
    except Exception as exc:  # noqa: BLE001 - one failing collaboration must not stop the batch
        record.update(status="failed", error=_error_text(exc), input_hash=None,
                      detail=traceback.format_exc(limit=3))
    record["seconds"] = round(time.perf_counter() - started, 3)
    write_atomic(result_path(out_dir, job.name), json.dumps(record, ensure_ascii=False, indent=1))
    return record


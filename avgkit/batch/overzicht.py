"""index.html from notebooks/overzicht.ipynb: the overview is a notebook too (issue 12).

The batch writes its results to <out>/_avgkit/overzicht.json, runs the overview notebook over them
with papermill (passing that path and the language only) and exports it like the reports: no code,
no request to any host. An organisation's copy in `--notebooks DIR` is used when it is there.
A rerun whose results did not change leaves index.html as it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from avgkit.batch.files import write_atomic

OVERVIEW_NB = "overzicht.ipynb"
RESULTS_FILE = "overzicht.json"


def notebook_file(notebooks_dir: Path, name: str) -> Path:
    """The organisation's copy when it has one, else avgkit's own notebook."""
    from avgkit.batch.runner import NOTEBOOKS

    own = Path(notebooks_dir) / name
    return own if own.is_file() else NOTEBOOKS / name


def check_notebooks(notebooks_dir: Path) -> None:
    """--notebooks DIR must be a folder; the notebooks in it must be readable notebooks."""
    from avgkit.batch.runner import NOTEBOOKS

    if not notebooks_dir.is_dir():
        raise ValueError(f"--notebooks: no such folder: {notebooks_dir}")
    if notebooks_dir.resolve() == NOTEBOOKS.resolve():
        return  # avgkit's own, validated by its tests; importing the validator costs ~1.5 s
    import nbformat

    for path in sorted(notebooks_dir.glob("*.ipynb")):
        try:
            nbformat.validate(nbformat.read(path, as_version=4))
        except Exception as exc:  # noqa: BLE001 - any unreadable notebook is the same error
            raise ValueError(f"--notebooks: {path} is not a valid notebook: "
                             f"{str(exc).splitlines()[0]}") from None


def write_index(out_dir: Path, state_dir: Path, records: list[dict[str, Any]],
                refused: list[str], lang: str, notebooks_dir: Path,
                changes: dict[str, Any], generated: dt.datetime,
                run_notebook: Callable | None = None) -> bool:
    """Run the overview notebook and write index.html; False when nothing changed."""
    from avgkit.batch import signoff
    from avgkit.batch.runner import environment_hash

    notebook = notebook_file(notebooks_dir, OVERVIEW_NB)
    approval = signoff.current(state_dir, signoff.results_digest(records, refused))
    stable = [{k: v for k, v in r.items() if k != "seconds"} for r in records]
    digest = hashlib.sha256(json.dumps(
        [environment_hash(notebook.parent, lang), notebook.read_bytes().hex(), stable, refused,
         changes, approval], sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()
    marker = state_dir / "overzicht.hash"
    index = out_dir / "index.html"
    if index.exists() and marker.is_file() and marker.read_text() == digest:
        return False
    results = state_dir / RESULTS_FILE
    write_atomic(results, json.dumps({"records": records, "refused": refused,
                                      "generated": generated.isoformat(timespec="seconds"),
                                      "changes": changes, "signoff": approval, "lang": lang,
                                      "notebooks": str(notebooks_dir)}, ensure_ascii=False))
    run_notebook = run_notebook or (lambda function, *args: function(*args))
    write_atomic(index, run_notebook(run_overview, notebook, results, lang))
    write_atomic(marker, digest)
    return True


def rewrite_index(out_dir: Path) -> None:
    """index.html again from the last run's results (after a sign-off), and index.pdf when the
    batch printed one, so that no output shows an older state than another."""
    from avgkit.batch.guard import STATE_DIR
    from avgkit.batch.runner import NOTEBOOKS

    state_dir = Path(out_dir) / STATE_DIR
    data = json.loads((state_dir / RESULTS_FILE).read_text(encoding="utf-8"))
    lang = data.get("lang", "nl")
    notebooks = Path(data.get("notebooks") or NOTEBOOKS)
    write_index(Path(out_dir), state_dir, data["records"], data["refused"], lang,
                notebooks if notebooks.is_dir() else NOTEBOOKS, data.get("changes") or {},
                dt.datetime.fromisoformat(data["generated"]))
    if (Path(out_dir) / "index.pdf").exists():
        from avgkit.batch.pdf import write_pdfs

        write_pdfs(Path(out_dir), [Path(out_dir) / "index.html"], workers=1, force=True,
                   lang=lang)


def run_overview(notebook: Path, results: Path, lang: str) -> str:
    import papermill as pm

    from avgkit.batch.cells import report_cells
    from avgkit.batch.export import notebook_to_html
    from avgkit.batch.kernels import ENGINE_NAME
    from avgkit.knowledge import load_knowledge

    nb = pm.execute_notebook(str(notebook), None,
                             parameters={"results": str(results.resolve()), "lang": lang},
                             engine_name=ENGINE_NAME, kernel_name="python3", progress_bar=False,
                             log_output=False, execution_timeout=600)
    title = load_knowledge().overzicht.labels["title"].get(lang)
    return notebook_to_html(report_cells(nb, lang), title=title, lang=lang)

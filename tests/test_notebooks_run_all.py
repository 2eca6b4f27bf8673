"""JupyterLab's "Run All" on every notebook, as an auditor would: the notebook exactly as
committed (no parameters injected), interactive, executed by nbclient in notebooks/ with the
store from $AVGKIT_STORE. The app must show (a widget output) and no cell may end in an error."""

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient

from avgkit.assessment import Assessment
from avgkit.store import Store

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def store_env(tmp_path_factory):
    path = tmp_path_factory.mktemp("runall") / "store.sqlite"
    Store(path).create(Assessment(id="SW-001", corporation="Woonstichting Noord",
                                  contractor="Bouw & Zonen"), "test")
    return path


def run_all(path, env_store, monkeypatch, parameters=None):
    monkeypatch.setenv("AVGKIT_STORE", str(env_store))
    monkeypatch.delenv("QUERY_STRING", raising=False)
    nb = nbformat.read(path, as_version=4)
    if parameters:  # what the auditor would type in the parameters cell
        (cell,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        cell.source += "\n" + "\n".join(f"{k} = {v!r}" for k, v in parameters.items())
    client = NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    errors = [f'{o["ename"]}: {o["evalue"]}' for o in outputs if o["output_type"] == "error"]
    return outputs, errors


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_run_all_shows_the_app_without_error(path, store_env, monkeypatch):
    outputs, errors = run_all(path, store_env, monkeypatch)
    assert errors == []
    if path.name == "overzicht.ipynb":  # the batch's overview: no app, it says what to do
        shown = " ".join(o.get("data", {}).get("text/html", "") for o in outputs)
        assert "avgkit batch" in shown
    else:
        assert any(WIDGET_MIME in o.get("data", {}) for o in outputs)


def test_run_all_on_the_start_page_with_an_id(store_env, monkeypatch):
    outputs, errors = run_all(ROOT / "notebooks" / "start.ipynb", store_env, monkeypatch,
                              {"assessment_id": "SW-001"})
    assert errors == [] and any(WIDGET_MIME in o.get("data", {}) for o in outputs)

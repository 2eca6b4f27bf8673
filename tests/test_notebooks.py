"""The two auditor notebooks: committed clean, and run headless with papermill in both modes
against a real store file."""

import ast
import json

import nbformat
import papermill
import pytest
from conftest import ROOT

from avgkit.assessment import Assessment
from avgkit.store import Store

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def test_both_notebooks_exist():
    assert {p.stem for p in NOTEBOOKS} >= {"samenwerking", "beveiliging"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: outputs"


@pytest.mark.parametrize("name", ["samenwerking.ipynb", "beveiliging.ipynb", "start.ipynb"])
def test_auditor_notebooks_have_the_shared_parameters(name):
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    (params,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    names = {t.id: ast.literal_eval(node.value) for node in ast.parse(params.source).body
             for t in node.targets}
    assert names == {"assessment_id": "", "store_path": "", "lang": "nl", "interactive": True}
    # the cells only call avgkit: no logic in the notebook, a line or two per cell
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "from avgkit.notebook import run" in code
    if name != "start.ipynb":  # the report notebooks show their sections through avgkit.show
        assert "from avgkit import show" in code
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", []):
            lines = [x for x in cell.source.splitlines() if x.strip() and not x.startswith("#")]
            assert len(lines) <= 3, cell.source
            assert not any(x.lstrip().startswith(("for ", "if ", "def ", "while ", "class "))
                           for x in lines), cell.source


@pytest.fixture
def store_file(tmp_path):
    path = tmp_path / "store.sqlite"
    Store(path).create(Assessment(
        id="SW-001", corporation="Woonstichting <Noord>", contractor="Bouw & Zonen",
        answers={"data_exchange": "client_system", "subcontractor": True},
        checklist={"risk_profile": {"data_kind": "gevoelig"},
                   "answers": {"tm-02": {"status": "afwezig", "note": "gewone sticks"}}}), "test")
    return path


def run(name, tmp_path, **parameters):
    out = tmp_path / f"out-{name}"
    papermill.execute_notebook(str(ROOT / "notebooks" / name), str(out), parameters=parameters,
                               kernel_name="python3", progress_bar=False)
    return nbformat.read(out, as_version=4)


def outputs(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


@pytest.mark.parametrize(("name", "needle", "absent"), [
    ("samenwerking.ipynb", "gezamenlijke verwerkingsverantwoordelijke", "gewone sticks"),
    ("beveiliging.ipynb", "gewone sticks", "Gegeven antwoorden"),
])
def test_report_mode_renders_static_html_without_widgets(name, needle, absent, tmp_path,
                                                         store_file):
    # each notebook reports its own part: the batch joins both into one page
    nb = run(name, tmp_path, assessment_id="SW-001", store_path=str(store_file),
             interactive=False)
    outs = outputs(nb)
    assert not any(WIDGET_MIME in o.get("data", {}) for o in outs)
    html = "".join(o["data"]["text/html"] for o in outs if "text/html" in o.get("data", {}))
    assert needle in html and "Woonstichting &lt;Noord&gt;" in html and absent not in html
    assert not any(o.get("output_type") == "error" for o in outs)


def test_report_mode_in_english(tmp_path, store_file):
    nb = run("samenwerking.ipynb", tmp_path, assessment_id="SW-001",
             store_path=str(store_file), interactive=False, lang="en")
    html = json.dumps([o.get("data") for o in outputs(nb)])
    assert "joint controller" in html


def test_report_mode_with_an_unknown_id_fails_clearly(tmp_path, store_file):
    with pytest.raises(papermill.PapermillExecutionError, match="not in the store"):
        run("samenwerking.ipynb", tmp_path, assessment_id="SW-404",
            store_path=str(store_file), interactive=False)


@pytest.mark.parametrize("name", ["samenwerking.ipynb", "beveiliging.ipynb"])
def test_interactive_mode_shows_the_widgets(name, tmp_path, store_file):
    nb = run(name, tmp_path, assessment_id="SW-001", store_path=str(store_file))
    outs = outputs(nb)
    assert any(WIDGET_MIME in o.get("data", {}) for o in outs)
    assert not any(o.get("output_type") == "error" for o in outs)

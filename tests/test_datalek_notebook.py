"""notebooks/datalek.ipynb: committed clean, and run for real with papermill in both modes."""

import json
from pathlib import Path

import nbformat
import papermill as pm
import pytest
from samples_issue7 import processor_assessment

from avgkit.assessment import AgreementInPlace
from avgkit.breach import Incident, IncidentStore
from avgkit.store import Store

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "datalek.ipynb"


def test_committed_without_outputs_and_with_parameters():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    params = [c for c in code if "parameters" in c["metadata"].get("tags", [])]
    assert len(params) == 1
    source = "".join(params[0]["source"])
    for name in ("assessment_id", "store_path", "lang", "interactive", "incident_id"):
        assert f"{name} =" in source
    nbformat.validate(nbformat.reads(json.dumps(nb), as_version=4))


@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "store.sqlite"
    with Store(path) as s:
        s.create(processor_assessment(
            agreement=AgreementInPlace(kind="verwerkersovereenkomst")), "tester")
        IncidentStore(s).save("SW-VO", Incident(
            id="DL-20250329-1", discovered_at="2025-03-29 10:00", discovered_by="provider",
            answers={"q1": "<script>alert(1)</script> laptop kwijt"}), "monteur")
    return path


def _outputs(nb) -> str:
    return "\n".join(o.get("data", {}).get("text/html", "") if isinstance(o.get("data"), dict)
                     else "" for c in nb.cells for o in c.get("outputs", []))


def test_report_mode_shows_the_saved_incident(store_path, tmp_path):
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(NOTEBOOK), str(out), kernel_name="python3", progress_bar=False,
                        parameters={"assessment_id": "SW-VO", "store_path": str(store_path),
                                    "lang": "nl", "interactive": False})
    html = _outputs(nbformat.read(out, as_version=4))
    assert "Incidentrapport datalek: DL-20250329-1" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; laptop kwijt" in html
    assert "<script>alert(1)" not in html
    assert "zo 30-03-2025 11:00 CEST" in html  # 24 hours across the DST change
    assert "<!DOCTYPE" not in html  # a fragment, not a page inside the notebook


def test_interactive_mode_builds_the_form(store_path, tmp_path):
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(NOTEBOOK), str(out), kernel_name="python3", progress_bar=False,
                        parameters={"assessment_id": "SW-VO", "store_path": str(store_path),
                                    "lang": "en", "interactive": True,
                                    "incident_id": "DL-20250329-1"})
    nb = nbformat.read(out, as_version=4)
    views = [o for c in nb.cells for o in c.get("outputs", [])
             if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert views, "the form was not displayed"
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]


# --- issue 11/13: the notebook opens without parameters (JupyterLab "Run All") ------------------

def test_run_all_with_empty_parameters_shows_the_picker_not_an_error(store_path, tmp_path):
    """Run All in JupyterLab: no assessment_id yet. It used to end in a ValueError."""
    out = tmp_path / "out.ipynb"
    import os
    env_store = os.environ.get("AVGKIT_STORE")
    os.environ["AVGKIT_STORE"] = str(store_path)
    try:
        pm.execute_notebook(str(NOTEBOOK), str(out), kernel_name="python3", progress_bar=False,
                            parameters={})
    finally:
        if env_store is None:
            os.environ.pop("AVGKIT_STORE", None)
        else:
            os.environ["AVGKIT_STORE"] = env_store
    nb = nbformat.read(out, as_version=4)
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    views = [o for c in nb.cells for o in c.get("outputs", [])
             if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert views, "the app (picker) was not displayed"

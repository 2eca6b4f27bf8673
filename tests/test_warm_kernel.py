"""The batch's warm kernel: one kernel serves many notebooks, and none sees what the one before
it left behind (names, figures, warnings, the execution counter)."""

from __future__ import annotations

import nbformat
import papermill as pm
import pytest
from nbformat import v4

from avgkit.batch import kernels


def _run(*sources: str) -> nbformat.NotebookNode:
    nb = v4.new_notebook(cells=[v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return pm.execute_notebook(nb, None, engine_name=kernels.ENGINE_NAME, kernel_name="python3",
                               progress_bar=False, log_output=False)


def _text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


@pytest.fixture(scope="module", autouse=True)
def _own_kernel():
    kernels.shutdown_warm_kernels()
    yield
    kernels.shutdown_warm_kernels()


def test_the_next_notebook_starts_clean_on_the_same_kernel():
    first = _run("import os, warnings\nleft_behind = 1\nprint(os.getpid())",
                 "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
                 "plt.figure(); warnings.warn('once')")
    second = _run("import os\nprint(os.getpid())",
                  "print('left_behind' in globals(), 'plt' in globals())",
                  "import gc, sys\nprint(len(sys.modules['matplotlib.pyplot'].get_fignums()),"
                  " gc.collect.__name__)")
    assert _text(first.cells[0]) == _text(second.cells[0])  # one kernel served both
    assert [c.execution_count for c in second.cells] == [1, 2, 3]
    assert _text(second.cells[1]).split() == ["False", "False"]
    # figures closed; the garbage collector is Python's own again after the reset
    assert _text(second.cells[2]).split() == ["0", "collect"]


def test_a_warning_shown_before_is_shown_again():
    code = "import warnings\nwarnings.warn('avgkit-test-warning')"
    for _ in range(2):
        nb = _run(code)
        assert "avgkit-test-warning" in "".join(
            o.get("text", "") for o in nb.cells[0].outputs if o.get("name") == "stderr")

"""Every notebook runs top to bottom, shows its figures, and is committed without outputs.

The executed copies go to build/notebooks/, where `make docs` (docs/run_notebooks.py) picks
them up for the site instead of running the notebooks a second time.
"""

import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def run_notebooks():
    spec = importlib.util.spec_from_file_location("run_notebooks",
                                                  ROOT / "docs" / "run_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_there_are_notebooks():
    names = {p.name for p in NOTEBOOKS}
    assert {"01_perceptrons_and_nand.ipynb", "02_sigmoid_neuron_is_logistic_regression.ipynb",
            "03_probit_and_other_links.ipynb"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stripped(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def figure_outputs(nb):
    """(cell source, output) for every output whose plain-text form is a matplotlib Figure."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            text = out.get("data", {}).get("text/plain", "")
            if "Figure size" in text or "Figure object" in text:
                yield cell.source, out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_and_shows_its_figures(path):
    nb = run_notebooks().execute(path)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors == []
    # no %matplotlib magic anywhere: the package's figures display themselves
    assert not any("%matplotlib" in c.source for c in nb.cells if c.cell_type == "code")
    shown = list(figure_outputs(nb))
    for source, out in shown:
        assert "image/png" in out["data"], f"a figure printed as text, not shown:\n{source}"
    plots = [c for c in nb.cells if c.cell_type == "code"
             and (".plot(" in c.source or "plots." in c.source)]
    if plots:
        assert shown, "the notebook draws figures but none was displayed"

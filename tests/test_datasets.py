import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

import glmnet_bridge as gb

ROOT = Path(__file__).resolve().parents[1]


def test_spector_equals_the_statsmodels_copy(spector):
    ours = gb.datasets.load_spector()
    assert list(ours.columns) == ["GPA", "TUCE", "PSI", "GRADE"]
    assert ours.shape == (32, 4)
    np.testing.assert_array_equal(ours.to_numpy(), spector.to_numpy())


def test_unknown_file_is_a_clear_error():
    with pytest.raises(FileNotFoundError, match="no bundled data file 'nope.csv'"):
        gb.datasets.data_path("nope.csv")


@pytest.mark.slow
def test_data_is_readable_from_an_installed_wheel(tmp_path):
    wheel_dir, target = tmp_path / "wheel", tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(wheel_dir), str(ROOT)], check=True, capture_output=True)
    (wheel,) = wheel_dir.glob("glmnet_bridge-*.whl")
    assert "glmnet_bridge/data/spector.csv" in zipfile.ZipFile(wheel).namelist()
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, capture_output=True)
    code = ("import glmnet_bridge as gb, sys; "
            f"assert gb.__file__.startswith({str(target)!r}), gb.__file__; "
            "d = gb.datasets.load_spector(); print(d.shape, d['GRADE'].sum())")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True,
                         capture_output=True, text=True,
                         env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "(32, 4) 11.0"

"""The CLI as a user meets it: one-line errors with exit status 2, sniffed CSVs, --version."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from glmnet_bridge.presentation import cli


def one_line_error(capsys, argv, *needles):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    for needle in needles:
        assert needle in err, err
    return err


@pytest.fixture
def fair(tmp_path):
    d = sm.datasets.fair.load_pandas().data.sample(800, random_state=0)
    d["affair"] = (d["affairs"] > 0).astype(int)
    return d


def test_version():
    out = subprocess.run([sys.executable, "-m", "glmnet_bridge.presentation.cli", "--version"],
                         capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("glmnet-bridge 0.")


def test_a_typo_in_a_column_names_the_columns_without_a_traceback(tmp_path, fair):
    src = tmp_path / "fair.csv"
    fair.to_csv(src, index=False)
    out = subprocess.run([sys.executable, "-m", "glmnet_bridge.presentation.cli", "compare",
                          "--data", str(src), "--formula", "afair ~ age"],
                         capture_output=True, text=True)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert "'afair' is not defined" in out.stderr and "rate_marriage" in out.stderr
    debug = subprocess.run([sys.executable, "-m", "glmnet_bridge.presentation.cli", "--debug",
                            "compare", "--data", str(src), "--formula", "afair ~ age"],
                           capture_output=True, text=True)
    assert debug.returncode != 0 and "Traceback" in debug.stderr


def test_missing_empty_file_and_missing_values(tmp_path, capsys):
    one_line_error(capsys, ["compare", "--data", str(tmp_path / "no.csv"), "--formula", "y ~ x"],
                   "no such file")
    (tmp_path / "empty.csv").write_text("")
    one_line_error(capsys, ["compare", "--data", str(tmp_path / "empty.csv"), "--formula",
                            "y ~ x"], "is empty")
    (tmp_path / "na.csv").write_text("y,x\n1,2\n,3\n1,4\n0,5\n0,6\n1,7\n0,2\n")
    one_line_error(capsys, ["compare", "--data", str(tmp_path / "na.csv"), "--formula",
                            "y ~ x"], "column 'y' has 1 missing value")


def test_output_paths_are_checked_before_any_work(capsys, monkeypatch):
    import glmnet_bridge.comparison.compare as compare_module

    def boom(*args, **kwargs):  # the fit must not even start
        raise AssertionError("fitted before checking the output path")

    monkeypatch.setattr(compare_module, "compare", boom)
    one_line_error(capsys, ["compare", "--output", "missing/t.csv"], "'missing' does not exist")
    one_line_error(capsys, ["report", "--output", "missing/x.md"], "'missing' does not exist")
    one_line_error(capsys, ["report", "--output", "x.pdf"], "must end in .html")
    one_line_error(capsys, ["train", "--save", "missing/net.npz"], "'missing' does not exist")


def test_unknown_activation_is_one_line_and_logit_is_accepted(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["compare", "--activations", "foo"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'foo' is not one of" in err
    args = cli.build_parser().parse_args(["compare", "--activations", "logit", "log"])
    assert args.activations == ["logistic", "exp"]


def test_semicolon_decimal_comma_latin1_csv_is_sniffed(tmp_path, fair, capsys):
    d = fair.rename(columns={"religious": "religión"})
    src = tmp_path / "fair_eu.csv"
    d.to_csv(src, index=False, sep=";", decimal=",", encoding="latin-1")
    assert cli.main(["compare", "--data", str(src), "--formula", "affair ~ age + religión",
                     "--activations", "logit", "--no-quadratic"]) == 0
    out = capsys.readouterr().out
    assert "delimiter ';', decimal comma, encoding cp1252" in out
    oracle = sm.Logit(d["affair"], sm.add_constant(d[["age", "religión"]])).fit(disp=0)
    assert f"{oracle.params['age']:.6g}" in out
    # given explicitly, the wrong delimiter is named in the error
    one_line_error(capsys, ["compare", "--data", str(src), "--sep", ",", "--formula",
                            "affair ~ age"], "single column", "--sep")


def test_compare_exp_needs_no_flags(tmp_path, capsys):
    rng = np.random.default_rng(1)
    x = rng.normal(size=60)
    d = pd.DataFrame({"count": rng.poisson(np.exp(0.5 + 0.3 * x)), "x": x})
    src = tmp_path / "counts.csv"
    d.to_csv(src, index=False)
    assert cli.main(["compare", "--data", str(src), "--formula", "count ~ x",
                     "--activations", "exp"]) == 0
    out = capsys.readouterr().out
    oracle = sm.GLM(d["count"], sm.add_constant(d["x"]), family=sm.families.Poisson()).fit()
    assert f"{oracle.params['x']:.6g}" in out and "quadratic" not in out.split("\n\n")[1]
    one_line_error(capsys, ["compare", "--activations", "exp", "--quadratic"],
                   "--quadratic fits the sigmoid")


def test_train_on_a_users_csv(tmp_path, capsys):
    rng = np.random.default_rng(0)
    n = 300
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    group = np.where(x1 + 0.5 * x2 + 0.3 * rng.normal(size=n) > 0, "Yes", "No")
    src = tmp_path / "t.csv"
    pd.DataFrame({"group": group, "x1": x1 * 100, "x2": x2,
                  "site": rng.choice(["a", "b"], n)}).to_csv(src, index=False)
    assert cli.main(["train", "--data", str(src), "--formula", "group ~ x1 + x2 + C(site)",
                     "--epochs", "15", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "180 training, 60 validation, 60 test rows" in out
    assert "Network([3, 30, 2]" in out and "classes No, Yes" in out
    assert float(out.strip().splitlines()[-1].split(":")[1]) > 0.85
    one_line_error(capsys, ["train", "--data", str(src), "--formula", "group ~ x1",
                            "--sizes", "1", "5", "3"], "output layer must have 2")


def test_train_refuses_a_stray_string_instead_of_coding_it_as_a_factor(tmp_path):
    # A numeric column with one text value must not become a factor with a level per value.
    import subprocess
    import sys

    path = tmp_path / "stray.csv"
    path.write_text("y,x1,x2\n0,1.0,2\n1,2.0,3\n0,abc,1\n1,4.0,5\n0,5.0,1\n1,6.0,7\n")
    out = subprocess.run([sys.executable, "-m", "glmnet_bridge.presentation.cli", "train",
                          "--data", str(path), "--formula", "y ~ x1 + x2", "--epochs", "1"],
                         capture_output=True, text=True)
    assert out.returncode == 2
    assert "column 'x1'" in out.stderr and "'abc'" in out.stderr
    assert "Traceback" not in out.stderr


def test_a_bad_number_of_digits_is_one_line_exit_2():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "glmnet_bridge.presentation.cli", "compare",
                          "--digits", "-3"], capture_output=True, text=True)
    assert out.returncode == 2
    assert "--digits" in out.stderr and "at least 1" in out.stderr
    assert "Traceback" not in out.stderr

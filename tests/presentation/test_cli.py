import subprocess
import sys

import pandas as pd
import pytest

from glmnet_bridge.presentation import cli


def run(*args):
    return subprocess.run([sys.executable, "-m", "glmnet_bridge.presentation.cli", *args],
                          capture_output=True, text=True)


def test_help_lists_the_three_verbs():
    out = run("--help")
    assert out.returncode == 0
    for verb in ("compare", "train", "report"):
        assert verb in out.stdout


@pytest.mark.parametrize("verb", ["compare", "train", "report"])
def test_every_verb_has_help(verb, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main([verb, "--help"])
    assert exc.value.code == 0
    assert "usage: glmnet-bridge " + verb in capsys.readouterr().out


def test_console_script_is_installed():
    import shutil
    exe = shutil.which("glmnet-bridge") or str(__import__("pathlib").Path(sys.executable)
                                                 .with_name("glmnet-bridge"))
    out = subprocess.run([exe, "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "compare" in out.stdout


def test_compare_default_prints_side_by_side_table(spector, capsys):
    import statsmodels.api as sm
    assert cli.main(["compare"]) == 0
    text = capsys.readouterr().out
    assert "GRADE ~ GPA + TUCE + PSI" in text
    X = sm.add_constant(spector[["GPA", "TUCE", "PSI"]])
    logit = sm.Logit(spector["GRADE"], X).fit(disp=0, method="newton", tol=1e-14)
    probit = sm.Probit(spector["GRADE"], X).fit(disp=0, method="newton", tol=1e-14)
    # the table shows the neuron weights beside the GLM coefficients, to 6 digits
    assert f"{logit.params['GPA']:.6g}" in text and f"{probit.params['GPA']:.6g}" in text
    assert "logistic neuron equals logistic regression" in text
    assert "quadratic cost is not the MLE" in text


def test_compare_on_a_csv_writes_the_table(tmp_path, spector, capsys):
    src = tmp_path / "in.csv"
    spector.to_csv(src, index=False)
    dst = tmp_path / "table.csv"
    code = cli.main(["compare", "--data", str(src), "--formula", "GRADE ~ GPA + PSI",
                     "--activations", "logistic", "cloglog", "--solver", "newton",
                     "--no-quadratic", "--output", str(dst)])
    assert code == 0
    table = pd.read_csv(dst)
    assert set(table["activation"]) == {"logistic", "cloglog"}
    assert list(table["term"][:3]) == ["Intercept", "GPA", "PSI"]
    assert table["abs_diff"].max() < 1e-8


def test_compare_needs_a_formula_with_data(tmp_path, spector, capsys):
    src = tmp_path / "in.csv"
    spector.to_csv(src, index=False)
    assert cli.main(["compare", "--data", str(src)]) == 2
    assert "--formula is required" in capsys.readouterr().err


def test_train_default_recipe_reaches_95_percent(capsys):
    assert cli.main(["train", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "bundled handwritten digits" in out and "Network([64, 30, 10]" in out
    acc = float(out.strip().splitlines()[-1].split(":")[1])
    assert acc >= 0.95
    assert "validation_accuracy" in out and "\n60 " in out


def test_train_options_and_save(tmp_path, capsys):
    path = tmp_path / "net.npz"
    assert cli.main(["train", "--quiet", "--epochs", "2", "--sizes", "64", "12", "10",
                     "--cost", "cross_entropy", "--seed", "3", "--save", str(path)]) == 0
    import glmnet_bridge as gb
    net = gb.Network.load(path)
    assert net.sizes == [64, 12, 10] and net.cost == "cross_entropy"
    assert cli.main(["train", "--quiet", "--sizes", "10", "10"]) == 2
    assert "input layer must have 64" in capsys.readouterr().err

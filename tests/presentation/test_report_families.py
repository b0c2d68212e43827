"""A report for every family: the right oracle, the sections that fit it, none that do not."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from test_report import Tables

import glmnet_bridge as gb
from glmnet_bridge.presentation import cli


def counts():
    rng = np.random.default_rng(3)
    n = 120
    d = pd.DataFrame({"x": rng.normal(size=n), "site": rng.choice(["a", "b", "c"], n),
                      "years": rng.uniform(0.5, 4, n)})
    d["claims"] = rng.poisson(d["years"] * np.exp(0.2 + 0.4 * d["x"]))
    return d


def parties():
    d = sm.datasets.anes96.load_pandas().data.iloc[::3]
    party = pd.cut(d["PID"], [-1, 1, 4, 6], labels=["Dem", "Ind", "Rep"]).astype(str)
    # the Categorical's own order decides the reference: Rep, not the alphabetical Dem
    return d.assign(party=pd.Categorical(party, categories=["Rep", "Dem", "Ind"]))


CASES = {
    "binomial": (lambda: gb.compare("GRADE ~ GPA + TUCE + PSI", data=gb.datasets.load_spector(),
                                    activations=("logit", "cloglog"), title="Spector links"),
                 ["GLM(Binomial(Logit))", "GLM(Binomial(CLogLog))",
                  'binomial(link = "cloglog")', "Separation check", "no separation",
                  "activations of this comparison"],
                 ["Poisson", "MNLogit", "Counterpoint"]),
    "poisson": (lambda: gb.compare("claims ~ x + site", data=counts(), activations=("exp",),
                                   exposure="years", title="Claims per year at risk"),
                ["GLM(Poisson())", "offset log(exposure), exposure column 'years'"],
                ["Binomial", "Separation check", "activations of this comparison",
                 "Counterpoint", "MNLogit", "Logit against probit"]),
    "multinomial": (lambda: gb.compare("party ~ age + educ", data=parties(),
                                       activations=("softmax",), title="Party ID"),
                    ["MNLogit, reference category 'Rep'", "Dem vs Rep", "Ind vs Rep",
                     "Separation check"],
                    ["Binomial", "Poisson", "activations of this comparison", "Counterpoint"]),
    "gaussian": (lambda: gb.compare("GPA ~ TUCE + PSI", data=gb.datasets.load_spector(),
                                    activations=("identity",), title="GPA by OLS"),
                 ["statsmodels OLS", "R: lm", "RSS/(n − k)"],
                 ["Binomial", "Poisson", "MNLogit", "Separation check",
                  "activations of this comparison", "Counterpoint", "information"]),
}


@pytest.mark.parametrize("family", CASES)
def test_each_family_names_its_oracle_and_only_its_sections(family, tmp_path):
    make, present, absent = CASES[family]
    cmp = make()
    text = cmp.report(tmp_path / "r.html").read_text(encoding="utf-8")
    heading = text[text.index("<h1>") + 4:text.index("</h1>")]
    assert heading == cmp.title  # compare(title=...) is the heading
    for needle in present:
        assert needle in text, needle
    for needle in absent:
        assert needle not in text, needle
    p = Tables()
    p.feed(text)
    models = p.tables["models"]
    # the wide table: an estimate row, then its standard error in parentheses beneath
    first = models[1]
    assert first[0] == "Intercept" and models[2][0] == "" and models[2][1].startswith("(")
    fit = next(iter(cmp.fits.values()))
    params = fit.params.iloc[:, 0] if isinstance(fit.params, pd.DataFrame) else fit.params
    assert float(first[1]) == pytest.approx(params.iloc[0], abs=6e-4)
    md = cmp.report(tmp_path / "r.md").read_text(encoding="utf-8")
    assert md.startswith(f"# {cmp.title}") and present[0] in md


def test_poisson_oracle_is_statsmodels_with_the_exposure(tmp_path):
    d = counts()
    cmp = gb.compare("claims ~ x + site", data=d, activations=("exp",), exposure="years")
    ref = sm.GLM.from_formula("claims ~ x + site", data=d, family=sm.families.Poisson(),
                              exposure=d["years"]).fit(tol=1e-12)
    np.testing.assert_allclose(cmp.oracles["exp"]["params"], ref.params, rtol=1e-9)
    p = Tables()
    p.feed(cmp.report(tmp_path / "r.html").read_text(encoding="utf-8"))
    rows = {r[0]: r for r in p.tables["models"]}
    assert float(rows["x"][1]) == pytest.approx(ref.params["x"], abs=6e-4)


def test_wide_table_in_latex_and_markdown():
    cmp = gb.compare("GRADE ~ GPA + PSI", data=gb.datasets.load_spector(),
                     activations=("logistic", "probit"), quadratic=True)
    tex = cmp.wide_table("latex")
    assert tex.startswith("\\begin{tabular}{lrrr}") and "\\bottomrule" in tex
    ref = sm.Probit(cmp.fits[("probit", "cross_entropy")].design.y,
                    sm.add_constant(gb.datasets.load_spector()[["GPA", "PSI"]])).fit(disp=0)
    assert f"GPA & {cmp.fits[('logistic', 'cross_entropy')].params['GPA']:.3f} & " \
           f"{ref.params['GPA']:.3f} &" in tex
    md = cmp.wide_table("markdown").splitlines()
    assert md[0] == "|  | logit | probit | logistic neuron, quadratic cost |"
    assert "not the MLE" in md[-1]
    with pytest.raises(ValueError, match="fmt"):
        cmp.wide_table("pdf")


@pytest.mark.parametrize("activation", cli.MODEL_ACTIVATIONS)
def test_cli_compare_defaults_work_for_every_listed_activation(activation, capsys, tmp_path):
    argv = ["compare", "--activations", activation]
    if activation == "softmax":  # categories: the bundled 0/1 outcome has only two
        parties().to_csv(tmp_path / "p.csv", index=False)
        argv += ["--data", str(tmp_path / "p.csv"), "--formula", "party ~ age + educ"]
    assert cli.main(argv) == 0
    assert " ~ " in capsys.readouterr().out


def test_a_yes_no_outcome_states_its_coding(tmp_path):
    d = gb.datasets.load_spector()
    d = d.assign(passed=np.where(d["GRADE"] == 1, "Yes", "No"))
    cmp = gb.compare("passed ~ GPA + PSI", data=d, activations=("logistic",))
    text = cmp.report(tmp_path / "r.html").read_text(encoding="utf-8")
    assert "passed coded 'Yes' = 1, 'No' = 0" in text
    ref = gb.compare("GRADE ~ GPA + PSI", data=d, activations=("logistic",))
    np.testing.assert_allclose(cmp.table["neuron"], ref.table["neuron"], rtol=1e-10)

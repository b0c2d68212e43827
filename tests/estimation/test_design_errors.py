"""Every kind of bad input gets a clear error that names the column or row."""

import numpy as np
import pandas as pd
import pytest

import glmnet_bridge as gb
import glmnet_bridge.engines.rowblocks as rowblocks

F = "GRADE ~ GPA + TUCE + PSI"


@pytest.fixture
def df():
    return gb.datasets.load_spector()


def test_missing_values_name_column_and_rows(df):
    df.loc[[3, 7], "GPA"] = np.nan
    with pytest.raises(gb.DataError, match=r"column 'GPA' has 2 missing values \(rows 3, 7\)"):
        gb.fit_neuron(F, data=df)


def test_missing_values_in_arrays(df):
    X = df[["GPA", "TUCE"]].to_numpy()
    X[5, 1] = np.nan
    with pytest.raises(gb.DataError, match=r"column 'x2' has 1 missing value \(row 5\)"):
        gb.fit_neuron(X=X, y=df["GRADE"])


def test_missing_outcome(df):
    y = df["GRADE"].copy()
    y[2] = None
    with pytest.raises(gb.DataError, match=r"outcome 'GRADE' has 1 missing value \(row 2\)"):
        gb.fit_neuron(X=df[["GPA"]], y=y)


def test_infinite_values(df):
    df.loc[4, "TUCE"] = np.inf
    with pytest.raises(gb.DataError, match=r"column 'TUCE' has infinite values \(row 4\)"):
        gb.fit_neuron(F, data=df)


def test_outcome_not_binary_names_rows(df):
    df.loc[[1, 9], "GRADE"] = [2.0, 0.5]
    with pytest.raises(gb.DataError, match=r"'GRADE' must be 0 or 1 for the cross-entropy "
                                           r"cost: rows 1, 9 hold values such as 2"):
        gb.fit_neuron(F, data=df)


@pytest.mark.parametrize("value", [1e-300, 1 - 1e-16, -1.0, 1 + 2e-16, 5e-324])
def test_outcome_near_but_not_0_or_1_is_refused(df, value):
    df.loc[7, "GRADE"] = value
    with pytest.raises(gb.DataError, match=r"must be 0 or 1 .* row 7 holds"):
        gb.fit_neuron(F, data=df)


@pytest.mark.parametrize("value", [0.0, 1.0])
def test_outcome_with_one_value(df, value):
    df["GRADE"] = value
    with pytest.raises(gb.DataError, match=f"takes only the value {value:g}"):
        gb.fit_neuron(F, data=df)


def test_outcome_constant_where_weights_are_positive(df):
    w = (df["GRADE"] == 1).astype(float)  # only the 1s count
    with pytest.raises(gb.DataError, match="takes only the value 1"):
        gb.fit_neuron(F, data=df, freq_weights=w)


@pytest.mark.parametrize("threads", [False, True])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_value_deep_in_a_large_array_is_found(monkeypatch, bad, threads):
    # The screen goes through X in blocks of rows (shared among threads on a large X):
    # a bad value in a late block counts too.
    if threads:
        monkeypatch.setattr(rowblocks, "PARALLEL_BYTES", 0)
        monkeypatch.setattr(rowblocks, "_threads", 2)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((70_000, 3))  # over four blocks of 16384 rows
    y = (rng.random(70_000) < 0.5).astype(float)
    X[69_998, 2] = bad
    with pytest.raises(gb.DataError, match=r"column 'x3' has .*row 69998"):
        gb.fit_neuron(X=X, y=y)


def test_constant_column_named(df):
    df["TUCE"] = 20.0
    with pytest.raises(gb.DataError, match=r"column 'TUCE' is constant \(every value is 20\)"):
        gb.fit_neuron(F, data=df)


def test_duplicated_column_named(df):
    df["GPA2"] = df["GPA"]
    with pytest.raises(gb.DataError, match="columns 'GPA' and 'GPA2' are identical"):
        gb.fit_neuron("GRADE ~ GPA + TUCE + GPA2", data=df)


def test_rank_deficient_design_names_the_relation(df):
    df["SUM"] = df["GPA"] + 2 * df["TUCE"]
    with pytest.raises(gb.DataError) as exc:
        gb.fit_neuron("GRADE ~ GPA + TUCE + SUM + PSI", data=df)
    msg = str(exc.value)
    assert "rank deficient (rank 4 < 5 columns)" in msg
    assert "['GPA', 'TUCE', 'SUM']" in msg
    # the stated relation is true of the data
    assert "SUM = +1·GPA +2·TUCE" in msg


def test_fewer_rows_than_parameters(df):
    small = df.iloc[:3]
    with pytest.raises(gb.DataError, match="3 rows are fewer than the 4 parameters"):
        gb.fit_neuron(F, data=small)


def test_mismatched_lengths(df):
    with pytest.raises(gb.DataError, match="X has 32 rows but y has 30"):
        gb.fit_neuron(X=df[["GPA"]], y=df["GRADE"].iloc[:30].to_numpy())
    with pytest.raises(gb.DataError, match="freq_weights has 5 rows but the design has 32"):
        gb.fit_neuron(F, data=df, freq_weights=np.ones(5))


def test_non_numeric_array_column(df):
    X = df[["GPA", "TUCE"]].to_numpy().astype(object)
    X[6, 1] = "high"
    with pytest.raises(gb.DataError, match=r"column 'x2' of X is not numeric: row 6 holds 'high'"):
        gb.fit_neuron(X=X, y=df["GRADE"])


def test_non_numeric_frame_column_suggests_formula(df):
    X = df[["GPA"]].assign(group=np.where(df.PSI > 0, "a", "b"))
    with pytest.raises(gb.DataError, match=r"column 'group' is not numeric .*C\(group\)"):
        gb.fit_neuron(X=X, y=df["GRADE"])


def test_empty_frame(df):
    with pytest.raises(gb.DataError, match="empty"):
        gb.fit_neuron(F, data=df.iloc[:0])
    with pytest.raises(gb.DataError, match=r"empty \(0 rows\)"):
        gb.fit_neuron(X=np.empty((0, 2)), y=np.empty(0))


def test_unknown_activation_solver_cost_and_cov_type(df):
    with pytest.raises(ValueError, match="unknown activation 'sigmoidal'; valid names"):
        gb.fit_neuron(F, data=df, activation="sigmoidal")
    with pytest.raises(ValueError, match="unknown solver 'adam'; valid names are: newton"):
        gb.fit_neuron(F, data=df, solver="adam")
    with pytest.raises(ValueError, match="unknown cost 'hinge'"):
        gb.fit_neuron(F, data=df, cost="hinge")
    with pytest.raises(ValueError, match="cov_type must be one of"):
        gb.fit_neuron(F, data=df, cov_type="robust")


def test_activation_and_cost_that_make_no_model_are_refused(df):
    with pytest.raises(ValueError, match="'exp' is not a distribution function"):
        gb.fit_neuron(F, data=df, activation="exp", cost="cross_entropy")
    with pytest.raises(ValueError, match="no likelihood to fit"):
        gb.fit_neuron(F, data=df, activation="step")
    with pytest.raises(ValueError, match="Poisson cost goes with the exp activation"):
        gb.fit_neuron(F, data=df, activation="logistic", cost="poisson")


def test_negative_counts_are_named(df):
    df.loc[3, "GRADE"] = -2.0
    with pytest.raises(gb.DataError, match=r"non-negative count for the poisson cost: row 3"):
        gb.fit_neuron(F, data=df, activation="exp")


def test_formula_outcome_with_three_levels_suggests_softmax(df):
    df["g"] = np.where(df.GRADE > 0, "yes", np.where(df.PSI > 0, "no", "maybe"))
    with pytest.raises(gb.DataError, match=r"outcome 'g' has 3 levels .*activation=\"softmax\""):
        gb.fit_neuron("g ~ GPA", data=df)


def test_formula_outcome_of_two_numeric_columns(df):
    with pytest.raises(gb.DataError, match=r"expands to 2 columns .*one outcome column"):
        gb.fit_neuron("GRADE + PSI ~ GPA", data=df)


def test_unknown_name_in_formula(df):
    with pytest.raises(gb.DataError, match="name 'NOPE' is not defined, it is not a column"):
        gb.fit_neuron("GRADE ~ GPA + NOPE", data=df)


def test_negative_weights(df):
    w = np.ones(32)
    w[3] = -1
    with pytest.raises(gb.DataError, match=r"freq_weights must be non-negative \(row 3\)"):
        gb.fit_neuron(F, data=df, freq_weights=w)


def test_errors_are_value_errors(df):
    assert issubclass(gb.DataError, ValueError)
    assert issubclass(gb.SeparationError, ValueError)


def test_wide_data_is_refused_without_a_penalty_and_fitted_with_one(df):
    small = df.iloc[:3]
    with pytest.raises(gb.DataError, match="fewer than the 4 parameters"):
        gb.fit_neuron(F, data=small)
    fit = gb.fit_neuron(F, data=df.iloc[:3].assign(GRADE=[0.0, 1.0, 0.0]), standardize=False,
                        lam=0.5, alpha=0.0)
    assert fit.converged


def test_many_bad_rows_are_summarised(df):
    big = pd.concat([df] * 10, ignore_index=True)
    big.loc[range(0, 100, 10), "GPA"] = np.nan
    with pytest.raises(gb.DataError, match=r"rows 0, 10, 20, 30, 40 and 5 more"):
        gb.fit_neuron(F, data=big)

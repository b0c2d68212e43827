"""A mini-batch schedule reports convergence by where it ends: the full gradient at the end."""

import statsmodels.api as sm

import glmnet_bridge as gb

F = "GRADE ~ GPA + TUCE + PSI"


def test_sgd_that_reaches_the_mle_says_it_converged(spector):
    sgd = gb.fit_neuron(F, data=spector, solver="sgd")
    ref = sm.Logit(spector["GRADE"], sm.add_constant(spector[["GPA", "TUCE", "PSI"]])).fit(
        disp=0, method="newton", tol=1e-12)
    assert abs(sgd.params.to_numpy() - ref.params.to_numpy()).max() < 1e-8
    assert sgd.converged and "stationary point" in sgd.message
    assert "did not converge" not in str(sgd.summary())


def test_a_short_schedule_says_it_is_not_there_yet(spector):
    short = gb.fit_neuron(F, data=spector, solver="sgd", epochs=30)
    assert not short.converged and "not yet at the optimum" in short.message

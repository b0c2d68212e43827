"""Which options apply to which model and solver: the rest are refused, never ignored.

Each check raises a ``ValueError`` that names the option and what it applies to.
"""

from __future__ import annotations

__all__ = ["SOLVERS", "refuse_options", "check_solver_options"]

SOLVERS = ("newton", "lbfgs", "gd", "sgd")


def refuse_options(act, cost, penalty, offset, exposure, trials, reference):
    """Refuse the options that do not apply to this activation: none is ignored."""
    if act.name == "step":
        raise ValueError("the step activation (a perceptron) has no likelihood to fit: its "
                         "derivative is 0; fit a sigmoid neuron, the limit of which it is")
    if reference is not None and not act.is_multiclass:
        raise ValueError("reference= names the reference category of a softmax outcome; it "
                         f"does not apply to the {act.name} activation")
    if exposure is not None and act.name != "exp":
        raise ValueError(f"exposure= is a log-link offset (Poisson, exp activation); it does "
                         f"not apply to the {act.name} activation: pass offset= instead")
    if trials is not None and not act.is_cdf:
        raise ValueError("trials= goes with a binary activation and the cross-entropy cost")
    if not act.is_multiclass:
        return
    if cost is not None and str(cost).strip().lower() != "log_likelihood":
        raise ValueError("a softmax layer's cost is the multinomial log-likelihood "
                         f"('log_likelihood'), not {cost!r}")
    if penalty.active:
        raise ValueError("penalised softmax fits (glmnet's multinomial family) are not "
                         "available yet: fit without lam, or compare penalties one "
                         "category against the reference with a binary activation")
    for name, value in (("offset", offset), ("trials", trials)):
        if value is not None:
            raise ValueError(f"{name}= does not apply to a softmax outcome")


def check_solver_options(solver, model, **given):
    """Refuse the solver options that do not apply to ``solver``."""
    if solver not in SOLVERS:
        raise ValueError(f"unknown solver {solver!r}; valid names are: " + ", ".join(SOLVERS))
    applies = {"tol": ("newton", "lbfgs", "gd"), "maxiter": ("newton", "lbfgs"),
               "epochs": ("gd", "sgd"), "eta": ("gd", "sgd"), "batch_size": ("sgd",),
               "progress": ("gd", "sgd"), "fisher_scoring": ("newton",)}
    for name, value in given.items():
        if value is None or value is False:
            continue
        if solver not in applies[name]:
            raise ValueError(f"{name}= does not apply to solver {solver!r} (it applies to "
                             + " and ".join(repr(s) for s in applies[name]) + ")")
    if model.penalty.active and solver != "newton":
        raise ValueError("penalised fits use solver='newton' (proximal Newton with coordinate "
                         "descent, exact for the L1 kink)")
    if model.activation.is_multiclass and solver in ("gd", "sgd"):
        raise ValueError(f"solver {solver!r} does not fit a softmax layer here; use "
                         "'newton' or 'lbfgs', or gb.Network for a trained softmax layer")

"""Which options apply to which model and solver: the rest are refused, never ignored.

Each check raises a :class:`DataError` (a ``ValueError``) naming the option and its uses.
"""

from __future__ import annotations

from ..exceptions import DataError

__all__ = ["SOLVERS", "refuse_options", "check_solver_options", "check_inference_options"]

SOLVERS = ("newton", "lbfgs", "gd", "sgd")


def refuse_options(act, cost, penalty, offset, exposure, trials, reference):
    """Refuse the options that do not apply to this activation: none is ignored."""
    if act.name == "step":
        raise DataError("the step activation (a perceptron) has no likelihood to fit: its "
                         "derivative is 0; fit a sigmoid neuron, the limit of which it is")
    if reference is not None and not act.is_multiclass:
        raise DataError("reference= names the reference category of a softmax outcome; it "
                         f"does not apply to the {act.name} activation")
    if exposure is not None and act.name != "exp":
        raise DataError(f"exposure= is a log-link offset (Poisson, exp activation); it does "
                         f"not apply to the {act.name} activation: pass offset= instead")
    if trials is not None and not act.is_cdf:
        raise DataError("trials= goes with a binary activation and the cross-entropy cost")
    if not act.is_multiclass:
        return
    if cost is not None and str(cost).strip().lower() != "log_likelihood":
        raise DataError("a softmax layer's cost is the multinomial log-likelihood "
                         f"('log_likelihood'), not {cost!r}")
    if penalty.active and penalty.penalize_bias:
        raise DataError("a penalised softmax fit is glmnet's multinomial family, whose "
                         "intercepts are never penalised: penalize_bias does not apply")
    if penalty.active and penalty.ridge_scale != 1.0:
        raise DataError("glmnet_gaussian applies to the identity (Gaussian) neuron only")
    for name, value in (("offset", offset), ("trials", trials)):
        if value is not None:
            raise DataError(f"{name}= does not apply to a softmax outcome")


def check_solver_options(solver, model, **given):
    """Refuse the solver options that do not apply to ``solver``."""
    if solver not in SOLVERS:
        raise DataError(f"unknown solver {solver!r}; valid names are: " + ", ".join(SOLVERS))
    applies = {"tol": ("newton", "lbfgs", "gd"), "maxiter": ("newton", "lbfgs"),
               "epochs": ("gd", "sgd"), "eta": ("gd", "sgd"), "batch_size": ("sgd",),
               "progress": ("gd", "sgd"), "fisher_scoring": ("newton",)}
    for name, value in given.items():
        if value is None or value is False:
            continue
        if solver not in applies[name]:
            raise DataError(f"{name}= does not apply to solver {solver!r} (it applies to "
                             + " and ".join(repr(s) for s in applies[name]) + ")")
    if model.penalty.active and solver != "newton":
        raise DataError("penalised fits use solver='newton' (proximal Newton with coordinate "
                         "descent, exact for the L1 kink)")
    if model.activation.is_multiclass and solver in ("gd", "sgd"):
        raise DataError(f"solver {solver!r} does not fit a softmax layer here; use "
                         "'newton' or 'lbfgs', or gb.Network for a trained softmax layer")


def check_inference_options(model, solver, cov_type, cov_kwds, scale, firth):
    """Refuse cov_kwds, scale, firth and robust covariances where they do not apply."""
    from .firth import FIRTH_ACTIVATIONS
    from .inference import ROBUST_TYPES

    act, cost, pen = model.activation, model.cost, model.penalty
    glm = cost.is_likelihood and not pen.active and not act.is_multiclass
    if cov_kwds is not None and cov_type != "cluster":
        raise DataError("cov_kwds= goes with cov_type='cluster' (cov_kwds={'groups': ...})")
    if cov_type == "cluster" and (not isinstance(cov_kwds, dict) or "groups" not in cov_kwds):
        raise DataError("cov_type='cluster' needs cov_kwds={'groups': g}: a column name of "
                         "the data or one cluster label per row")
    if cov_type in ROBUST_TYPES and not glm:
        raise DataError(f"cov_type={cov_type!r} is a robust covariance of an unpenalised GLM "
                         "fit (a likelihood cost, one output); it does not apply to "
                         + _what(model))
    if scale is not None:
        if not glm:
            raise DataError("scale= estimates the dispersion of an unpenalised GLM fit (a "
                             f"quasi family); it does not apply to {_what(model)}")
        if not (scale in ("X2", "dev") or (isinstance(scale, (int, float))
                                            and not isinstance(scale, bool) and scale > 0)):
            raise DataError("scale must be 'X2' (Pearson chi-square / df_resid, R's quasi "
                             f"families), 'dev' (deviance / df_resid) or a positive number, "
                             f"got {scale!r}")
    if firth:
        if act.name not in FIRTH_ACTIVATIONS or not glm:
            raise DataError("firth=True is Firth's bias reduction (the Jeffreys prior) for "
                             "an unpenalised logistic or exp (Poisson) neuron, where it equals "
                             f"brglm2's mean bias reduction; not the {act.name} activation"
                             + (" with a penalty" if pen.active else ""))
        if solver != "newton":
            raise DataError("firth=True is fitted by Fisher scoring on the modified score: "
                             "use solver='newton'")
        if scale is not None:
            raise DataError("scale= does not apply to a Firth fit (binomial and Poisson "
                             "dispersion is 1 there)")


def _what(model):
    if model.activation.is_multiclass:
        return "a softmax layer (it reports its information matrix)"
    if model.penalty.active:
        return "a penalised fit"
    return f"the {model.cost.name} cost of a {model.activation.name} neuron (not the MLE)"

"""Assemble a report's content from a Comparison and render it with jinja2."""

from __future__ import annotations

import base64
import io
import platform
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from .. import plots

__all__ = ["report_context", "write_report"]

_PACKAGES = ("glmnet_bridge", "numpy", "scipy", "pandas", "statsmodels", "patsy",
             "matplotlib", "jinja2")


def _versions():
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _fmt(v, digits=6):
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if isinstance(v, (int, np.integer)):
        return str(v)
    if isinstance(v, (float, np.floating)):
        return f"{v:.{digits}g}"
    return str(v)


def _table(frame, digits=6, diff_cols=("abs_diff",)):
    """Format a frame as header + rows of strings (differences in scientific notation)."""
    rows = []
    for _, r in frame.iterrows():
        rows.append([f"{r[c]:.1e}" if c in diff_cols else _fmt(r[c], digits)
                     for c in frame.columns])
    return {"columns": [str(c) for c in frame.columns], "rows": rows}


def _family(fit):
    return "multinomial" if fit.activation.name == "softmax" else fit.family


def _link_comparison(cmp):
    """Logit and probit weights side by side, and their average marginal effects."""
    fits = {a: f for (a, _), f in cmp.fits.items() if _family(f) == "binomial"
            and f.cost.is_likelihood}
    if not {"logistic", "probit"} <= set(fits):
        return None
    lg, pr = fits["logistic"], fits["probit"]
    ratio = lg.weights / pr.weights
    # The ratio is a property of the link only where both weights are clearly non-zero: a
    # weight within its noise can flip sign and wreck a mean of ratios.
    clear = (lg.pvalues.reindex(ratio.index) < 0.05) & (pr.pvalues.reindex(ratio.index) < 0.05)
    used = ratio[clear] if clear.any() else ratio
    weights = pd.DataFrame({"term": lg.weights.index, "logit weight": lg.weights.to_numpy(),
                            "probit weight": pr.weights.to_numpy(), "ratio": ratio.to_numpy()})
    me_l, me_p = lg.get_margeff(), pr.get_margeff()
    effects = pd.DataFrame({
        "variable": me_l.index,
        "AME logit": me_l["dy/dx"].to_numpy(), "SE logit": me_l["Std. Err."].to_numpy(),
        "AME probit": me_p["dy/dx"].reindex(me_l.index).to_numpy(),
        "SE probit": me_p["Std. Err."].reindex(me_l.index).to_numpy(),
    })
    return {"table": _table(weights, 4), "effects": _table(effects, 4), "pairs": (lg, pr),
            "median_ratio": float(np.median(used)), "n_ratio": int(len(used)),
            "n_weights": int(len(ratio)), "all_terms": not bool(clear.any())}


def _separation_lines(cmp):
    lines = []
    for (act, _), fit in cmp.fits.items():
        if not fit.cost.is_likelihood or _family(fit) not in ("binomial", "multinomial"):
            continue
        sep = getattr(fit, "separation", None)
        if sep is None:
            text = ("not run as a linear program before fitting (a large design); the fit "
                    "converged to a finite optimum, which certifies there is no separation"
                    if fit.converged else "not checked")
        else:
            text = sep.message()
        lines.append(f"{act}: {text}")
    return lines


def _formula_text(design):
    """Return the formula an X/y design amounts to (``- 1`` when it has no intercept)."""
    terms = " + ".join(design.names[int(design.intercept):])
    return f"{design.yname} ~ {terms}" + ("" if design.intercept else " - 1")


def _row_column(spec):
    """Name a per-row argument: its column, or that it came as an array."""
    return f"column {spec!r}" if isinstance(spec, str) else "given as an array"


def _oracles(cmp):
    """One line per oracle: the statsmodels call that a neuron is checked against."""
    lines, seen = [], set()
    for (act, _), fit in cmp.fits.items():
        fam = _family(fit)
        name = cmp.oracles[act]["name"]
        if name in seen:  # the quadratic cost's sigmoid shares the logistic MLE's oracle
            continue
        seen.add(name)
        if fam == "binomial":
            link = type(fit.activation.link).__name__
            lines.append(f"statsmodels {name}, refitted tightly (IRLS, then Newton from its "
                         f"answer); R: glm(family = binomial(link = \"{_R_LINK.get(link, link)}"
                         "\"))")
        elif fam == "poisson":
            model = getattr(fit, "model", None)
            extra = []
            if getattr(model, "exposure_spec", None) is not None:
                extra.append(f"offset log(exposure), exposure {_row_column(model.exposure_spec)}")
            if getattr(model, "offset_spec", None) is not None:
                extra.append(f"offset {_row_column(model.offset_spec)}")
            if not extra and np.any(np.asarray(fit.design.offset) != 0):
                extra.append("with the fit's offset")
            lines.append("statsmodels GLM(Poisson()) (log link)"
                         + (": " + "; ".join(extra) if extra else ", no offset or exposure")
                         + "; R: glm(family = poisson)")
        elif fam == "gaussian":
            lines.append("statsmodels OLS (GLM(Gaussian()) with the identity link); R: lm")
        else:
            lines.append(f"statsmodels MNLogit, reference category {fit.levels[0]!r} (its "
                         "weights fixed at 0; every coefficient is a log-odds against it); "
                         "R: nnet::multinom with the same first level")
    return lines


_R_LINK = {"Logit": "logit", "Probit": "probit", "Cauchy": "cauchit", "CLogLog": "cloglog",
           "LogLog": "loglog"}


def _standard_errors(cmp):
    fams = {_family(f) for f in cmp.fits.values()}
    if cmp.cov_type in ("HC0", "HC1", "HC2", "HC3"):
        text = f"{cmp.cov_type} robust (R's sandwich::vcovHC), in both columns"
    elif fams == {"gaussian"}:
        text = "OLS: σ̂²(X'X)⁻¹ with σ̂² = RSS/(n − k), as R's lm"
    else:
        text = f"{cmp.cov_type} information"
    if any(not f.cost.is_likelihood for f in cmp.fits.values()):
        text += "; sandwich for the quadratic cost"
    return text


def _figures(cmp, links):
    figures = [("Neuron weights beside GLM coefficients (95% Wald intervals); the intercept "
                "on its own axis", plots.coefficient_plot(cmp))]
    if links is not None:
        figures.append(("Logistic and probit predicted probabilities",
                        plots.probability_curves(*links["pairs"])))
    binary = [a for (a, _), f in cmp.fits.items() if _family(f) == "binomial"]
    if binary:
        shown = ("step", *dict.fromkeys(binary))
        figures.append(("The activations of this comparison against the step, rescaled to the "
                        "same slope at 0", plots.activation_gallery(shown)))
    return figures


def report_context(cmp, title=None):
    """Return the data a report template renders (tables as strings, figures as Figures).

    Sections follow the families in the comparison: the separation check for binary and
    softmax fits, the logit/probit section when both are there, the quadratic cost only
    when it was fitted.

    Parameters
    ----------
    cmp : glmnet_bridge.Comparison
    title : str, optional
        The heading; default the comparison's own title (``compare(title=...)``).

    Returns
    -------
    dict
    """
    from .wide import wide_table

    first = next(iter(cmp.fits.values()))
    design = first.design
    links = _link_comparison(cmp)
    mle = cmp.mle_rows()
    quad = cmp.table[~mle]
    heading = title or cmp.title or "Neurons and GLMs side by side"
    return {
        "title": heading,
        "model": {
            "formula": design.formula or _formula_text(design),
            "outcome": design.yname,
            "nobs": _fmt(first.nobs) if float(first.nobs) == design.nobs
            else f"{_fmt(first.nobs)} ({design.nobs} rows, frequency-weighted)",
            "terms": ", ".join(design.names), "solver": first.solver,
            "cov_type": _standard_errors(cmp),
            "source": cmp.title if cmp.title and cmp.title != heading else None,
            "oracles": _oracles(cmp),
            "coding": (f"{design.yname} coded {levels[1]!r} = 1, {levels[0]!r} = 0 (R's rule: "
                       "the first level is 0)"
                       if (levels := getattr(design, "outcome_levels", None)) else None),
        },
        "verdicts": cmp.verdicts(),
        "max_abs_diff": f"{cmp.max_abs_diff:.1e}",
        "wide": {"html": wide_table(cmp, "html"), "markdown": wide_table(cmp, "markdown")},
        "table": _table(cmp.table[mle]),
        "stats": _table(cmp.stats.copy(), 7),
        "links": links,
        "quadratic": _table(quad) if len(quad) else None,
        "separation": _separation_lines(cmp),
        "figures": _figures(cmp, links),
        "versions": _versions(),
    }


def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return buf.getvalue()


def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )


def write_report(cmp, path, title=None):
    """Write a self-contained report of a comparison.

    ``.html``: one file, figures embedded as PNG data, no network access needed,
    print-friendly. ``.md``: Markdown with the figures as PNG files in a folder
    ``<name>_files`` beside it.

    Parameters
    ----------
    cmp : glmnet_bridge.Comparison
    path : str or pathlib.Path
        Ends in ``.html`` (or ``.htm``) or ``.md``.
    title : str, optional

    Returns
    -------
    pathlib.Path
        The report's path.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".html", ".htm", ".md"):
        raise ValueError(f"report path must end in .html or .md, got {path.name!r}")
    if not path.parent.is_dir():
        raise ValueError(f"cannot write {str(path)!r}: the folder {str(path.parent)!r} does "
                         "not exist; create it first")
    ctx = report_context(cmp, title)
    env = _environment()
    if suffix == ".md":
        folder = path.with_name(path.stem + "_files")
        folder.mkdir(parents=True, exist_ok=True)
        figs = []
        for i, (caption, fig) in enumerate(ctx["figures"], start=1):
            name = f"figure{i}.png"
            (folder / name).write_bytes(_png(fig))
            figs.append((caption, f"{folder.name}/{name}"))
        text = env.get_template("report.md.j2").render(**{**ctx, "figures": figs})
    else:
        figs = [(caption, base64.b64encode(_png(fig)).decode("ascii"))
                for caption, fig in ctx["figures"]]
        text = env.get_template("report.html.j2").render(**{**ctx, "figures": figs})
    path.write_text(text, encoding="utf-8")
    return path

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


def _link_comparison(cmp):
    fits = {a: f for (a, _), f in cmp.fits.items() if f.family == "binomial"
            and f.cost.is_likelihood}
    if not {"logistic", "probit"} <= set(fits):
        return None
    lg, pr = fits["logistic"], fits["probit"]
    ratio = (lg.weights / pr.weights).rename("logit / probit")
    me_l, me_p = lg.get_margeff(), pr.get_margeff()
    frame = pd.DataFrame({
        "term": lg.weights.index,
        "logit weight": lg.weights.to_numpy(),
        "probit weight": pr.weights.to_numpy(),
        "ratio": ratio.to_numpy(),
        "AME logit": me_l["dy/dx"].to_numpy(), "SE logit": me_l["Std. Err."].to_numpy(),
        "AME probit": me_p["dy/dx"].to_numpy(), "SE probit": me_p["Std. Err."].to_numpy(),
    })
    return {"table": _table(frame, 4), "pairs": (lg, pr),
            "mean_ratio": float(np.mean(ratio))}


def _separation_lines(cmp):
    lines = []
    for (act, _), fit in cmp.fits.items():
        if not fit.cost.is_likelihood or fit.family != "binomial":
            continue
        sep = fit.separation
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


def report_context(cmp, title=None):
    """Return the data a report template renders (tables as strings, figures as Figures).

    Parameters
    ----------
    cmp : glmnet_bridge.Comparison
    title : str, optional

    Returns
    -------
    dict
    """
    first = next(iter(cmp.fits.values()))
    design = first.design
    stats = cmp.stats.copy()
    links = _link_comparison(cmp)
    mle = cmp.mle_rows()
    quad = cmp.table[~mle]
    figures = [("Neuron weights beside GLM coefficients (95% Wald intervals)",
                plots.coefficient_plot(cmp))]
    if links is not None:
        figures.append(("Logistic and probit predicted probabilities",
                        plots.probability_curves(*links["pairs"])))
    figures.append(("The activations compared, rescaled to the same slope at 0",
                    plots.activation_gallery()))
    return {
        "title": title or "Neurons and GLMs side by side",
        "model": {
            "formula": design.formula or _formula_text(design),
            "outcome": design.yname, "nobs": _fmt(first.nobs), "rows": design.nobs,
            "terms": ", ".join(design.names), "solver": first.solver,
            "cov_type": cmp.cov_type, "source": cmp.title,
        },
        "verdicts": cmp.verdicts(),
        "max_abs_diff": f"{cmp.max_abs_diff:.1e}",
        "table": _table(cmp.table[mle]),
        "stats": _table(stats, 7),
        "links": links,
        "quadratic": _table(quad) if len(quad) else None,
        "separation": _separation_lines(cmp),
        "figures": figures,
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

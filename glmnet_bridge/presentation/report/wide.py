"""The terms × models table of R's modelsummary/stargazer: one column per model, SE beneath.

Rendered from a Comparison as a DataFrame, HTML, Markdown or LaTeX (booktabs).
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

__all__ = ["wide_table", "model_label"]

_MODEL = {"logistic": "logit", "exp": "Poisson", "identity": "OLS", "softmax": "multinomial"}


def model_label(activation, cost, is_likelihood):
    """Return a column heading: the GLM a neuron is, or the neuron when it is no GLM."""
    if not is_likelihood:
        return f"{activation} neuron, {cost.replace('_', ' ')} cost"
    return _MODEL.get(activation, activation)


def _gof(cmp):
    """Return the goodness-of-fit rows: N, log-likelihood, AIC, BIC and the GLM agreement."""
    rows = {}
    for (act, cost), fit in cmp.fits.items():
        s = cmp.stats[(cmp.stats.activation == act) & (cmp.stats.cost == cost)].iloc[0]
        t = cmp.table[(cmp.table.activation == act) & (cmp.table.cost == cost)]
        rows[(act, cost)] = {
            "Num. obs.": f"{fit.nobs:g}",
            "Log-likelihood": f"{s.llf_neuron:.2f}" if fit.cost.is_likelihood else "",
            "AIC": f"{s.aic:.2f}" if fit.cost.is_likelihood else "",
            "BIC": f"{s.bic:.2f}" if fit.cost.is_likelihood else "",
            "max |neuron − GLM|": (f"{t.abs_diff.max():.1e}" if fit.cost.is_likelihood
                                   else "not the MLE"),
        }
    return rows


def _cells(cmp, digits):
    """Return (terms, column labels, estimates, standard errors) as formatted strings.

    A softmax fit gets one column per non-reference category, as modelsummary lays out
    R's ``multinom``; the keys of its columns carry the category.
    """
    labels, terms, est, se = {}, [], {}, {}
    for (act, cost), fit in cmp.fits.items():
        t = cmp.table[(cmp.table.activation == act) & (cmp.table.cost == cost)]
        for _, r in t.iterrows():
            term, key = r.term, (act, cost, None)
            if act == "softmax":
                term, cat = r.term[:-1].rsplit(" [", 1)
                key = (act, cost, cat)
                labels[key] = f"{cat} vs {fit.levels[0]}"
            else:
                labels[key] = model_label(act, cost, fit.cost.is_likelihood)
            if term not in terms:
                terms.append(term)
            est[(term, *key)] = f"{r.neuron:.{digits}f}"
            se[(term, *key)] = f"({r.neuron_se:.{digits}f})" if np.isfinite(r.neuron_se) else ""
    return terms, labels, est, se


def wide_table(cmp, fmt="frame", digits=3):
    """Return the comparison as a terms × models table, standard errors beneath estimates.

    One column per fit (the neuron's weights; each MLE column equals its GLM to the
    "max |neuron − GLM|" row at the foot), one row pair per term, then N, log-likelihood,
    AIC and BIC, as R's ``modelsummary`` and ``stargazer`` lay out regression tables.

    Parameters
    ----------
    cmp : glmnet_bridge.Comparison
    fmt : {"frame", "html", "markdown", "latex"}
    digits : int, default 3
        Decimals of estimates and standard errors.

    Returns
    -------
    pandas.DataFrame or str
    """
    terms, labels, est, se = _cells(cmp, digits)
    keys = list(labels)
    gof = _gof(cmp)
    body = []
    for term in terms:
        body.append([term] + [est.get((term, *k), "") for k in keys])
        body.append([""] + [se.get((term, *k), "") for k in keys])
    # goodness of fit once per model: a softmax fit's first category column carries it
    first = {k: k[:2] not in [q[:2] for q in keys[:i]] for i, k in enumerate(keys)}
    foot = [[name] + [gof[k[:2]][name] if first[k] else "" for k in keys]
            for name in next(iter(gof.values()))]
    header = [""] + [labels[k] for k in keys]
    if fmt == "frame":
        return pd.DataFrame(body + foot, columns=header)
    if fmt == "html":
        return _html(header, body, foot)
    if fmt == "markdown":
        return _markdown(header, body, foot)
    if fmt == "latex":
        return _latex(header, body, foot)
    raise ValueError(f"fmt must be 'frame', 'html', 'markdown' or 'latex', got {fmt!r}")


def _html(header, body, foot):
    esc = html.escape
    out = ['<table id="models" class="models">',
           "<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr></thead>",
           "<tbody>"]
    for i, row in enumerate(body):
        cls = ' class="se"' if i % 2 else ""
        out.append(f"<tr{cls}>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>")
    for i, row in enumerate(foot):
        cls = ' class="gof first"' if i == 0 else ' class="gof"'
        out.append(f"<tr{cls}>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def _markdown(header, body, foot):
    def line(row):
        return "| " + " | ".join(c.replace("|", "\\|") for c in row) + " |"

    out = [line(header), "|:---|" + "---:|" * (len(header) - 1)]
    out += [line(r) for r in body + foot]
    return "\n".join(out)


def _latex(header, body, foot):
    special = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "_": r"\_", "#": r"\#",
               "$": r"\$", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "−": "--",
               "|": r"$|$"}

    def tex(s):
        return "".join(special.get(ch, ch) for ch in s)

    cols = "l" + "r" * (len(header) - 1)
    out = [f"\\begin{{tabular}}{{{cols}}}", "\\toprule",
           " & ".join(tex(h) for h in header) + " \\\\", "\\midrule"]
    out += [" & ".join(tex(c) for c in row) + " \\\\" for row in body]
    out.append("\\midrule")
    out += [" & ".join(tex(c) for c in row) + " \\\\" for row in foot]
    out += ["\\bottomrule", "\\end{tabular}"]
    return "\n".join(out)

import numpy as np
import pytest
from matplotlib.figure import Figure

import glmnet_bridge as gb
from glmnet_bridge.presentation import plots

F = "GRADE ~ GPA + TUCE + PSI"


def assert_labelled(fig):
    assert isinstance(fig, Figure)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert visible
    for ax in visible:
        assert ax.get_xlabel().strip() and ax.get_ylabel().strip()


@pytest.fixture(scope="module")
def fits():
    d = gb.datasets.load_spector()
    return {
        "logistic": gb.fit_neuron(F, data=d),
        "probit": gb.fit_neuron(F, data=d, activation="probit"),
        "sgd": gb.fit_neuron(F, data=d, solver="sgd", epochs=200),
    }


def test_activation_gallery_matches_slopes_at_zero():
    fig = plots.activation_gallery()
    assert_labelled(fig)
    ax = fig.axes[0]
    z = ax.lines[1].get_xdata()
    i = np.searchsorted(z, 0.0)
    for line in ax.lines[1:]:  # every smooth curve rises with slope 1/4 at z = 0
        y = line.get_ydata()
        slope = (y[i + 1] - y[i - 1]) / (z[i + 1] - z[i - 1])
        assert slope == pytest.approx(0.25, rel=1e-3)


def test_sigmoid_limit():
    fig = plots.sigmoid_limit(cs=(1, 10, 1000))
    assert_labelled(fig)
    steep = fig.axes[0].lines[2].get_ydata()
    z = fig.axes[0].lines[2].get_xdata()
    assert np.all(steep[z < -0.01] < 1e-4) and np.all(steep[z > 0.01] > 1 - 1e-4)


def test_coefficient_plot_and_comparison_plot(spector):
    cmp = gb.compare(F, data=spector, quadratic=True)
    fig = cmp.plot()
    # per fit: the intercept on its own axis above the other terms; x labelled below them
    assert len(fig.axes) == 6
    assert all(ax.get_xlabel() for ax in fig.axes[3:]) and fig.axes[0].get_title()
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["Intercept"]


def test_coefficient_plot_with_thirty_terms_is_readable():
    import statsmodels.api as sm
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    d = sm.datasets.fair.load_pandas().data
    d["affair"] = (d["affairs"] > 0).astype(int)
    cmp = gb.compare("affair ~ C(occupation) + C(religious) + C(rate_marriage) + C(children)"
                     " + C(educ) + C(occupation_husb) + age + yrs_married", data=d,
                     activations=("logistic",))
    assert len(cmp.table) == 30
    fig = cmp.plot()
    FigureCanvasAgg(fig).draw()
    renderer = fig.canvas.get_renderer()
    icpt, rest = fig.axes
    assert [t.get_text() for t in icpt.get_yticklabels()] == ["Intercept"]
    labels = [t for t in rest.get_yticklabels() if t.get_text()]
    assert len(labels) == 29
    width, height = fig.bbox.width, fig.bbox.height
    for t in labels + [rest.xaxis.label]:  # nothing clipped at the figure's edges
        box = t.get_window_extent(renderer)
        assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= width and box.y1 <= height
    # the legend sits outside the panels, below them
    assert rest.get_legend() is None and len(fig.legends) == 1
    legend = fig.legends[0].get_window_extent(renderer)
    assert legend.y1 <= rest.get_window_extent(renderer).y0
    # the intercept's scale does not squash the others: their axis spans only their intervals
    lo, hi = rest.get_xlim()
    assert hi - lo < 4 * (cmp.table["glm"].iloc[1:].abs().max() + 2 * cmp.table["glm_se"].max())


def test_figures_show_themselves_in_jupyter():
    from matplotlib.figure import Figure

    fig = plots.activation_gallery()
    assert isinstance(fig, Figure)
    png = fig._repr_png_()  # what IPython calls to display an object, no magic needed
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_sgd_trajectory_and_cost_curve(fits):
    fig = plots.sgd_trajectory(fits["sgd"], mle=fits["logistic"].params)
    assert_labelled(fig)
    floor = -fits["logistic"].llf / fits["logistic"].nobs
    assert_labelled(plots.cost_curve(fits["sgd"], floor=floor))
    assert_labelled(plots.cost_curve(fits["sgd"], floor=floor, log=False))


def test_probability_curves(fits):
    fig = plots.probability_curves(fits["logistic"], fits["probit"])
    assert_labelled(fig)
    pts = fig.axes[0].collections[0].get_offsets()
    assert np.max(np.abs(pts[:, 0] - pts[:, 1])) < 0.05  # logit ≈ probit, row by row


def test_library_never_touches_pyplot_state():
    import matplotlib.pyplot as plt
    before = plt.get_fignums()
    plots.activation_gallery()
    assert plt.get_fignums() == before

"""glmnet_bridge: neural networks and generalised linear models side by side.

A sigmoid neuron fitted by maximum likelihood is logistic regression; this
package shows, with numbers, where the two are the same thing and where not.
"""

from . import datasets
from .comparison.compare import Comparison, compare
from .comparison.hidden import ModelComparison, compare_models
from .core import penalties
from .core.activations import Activation, get_activation
from .core.costs import get_cost
from .estimation.fit import fit_neuron
from .estimation.multinomial import MultinomialFit, fit_softmax
from .estimation.results import NeuronFit
from .estimation.separation import detect_separation
from .exceptions import ConvergenceWarning, DataError, SeparationError, SeparationWarning
from .glmnet.path import CVGlmnet, GlmnetPath, cv_glmnet, glmnet_path
from .neural.network import Network
from .neural.neurons import (
    Circuit,
    Neuron,
    Perceptron,
    Unit,
    add,
    adder_circuit,
    cheese_festival,
    full_adder,
    half_adder,
    half_adder_circuit,
    nand,
)

__version__ = "0.1.0"


def __getattr__(name):
    # matplotlib loads only when a figure is asked for: ``gb.plots`` imports on first use.
    if name == "plots":
        import importlib

        return importlib.import_module(".presentation.plots", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Activation", "CVGlmnet", "Circuit", "Comparison", "ConvergenceWarning", "DataError",
    "GlmnetPath", "ModelComparison", "MultinomialFit", "Network", "Neuron", "NeuronFit",
    "Perceptron", "SeparationError", "SeparationWarning", "Unit", "add", "adder_circuit",
    "cheese_festival", "compare", "compare_models", "cv_glmnet", "datasets",
    "detect_separation", "fit_neuron", "fit_softmax", "full_adder", "get_activation",
    "get_cost", "glmnet_path", "half_adder", "half_adder_circuit", "nand", "penalties",
    "plots",
]

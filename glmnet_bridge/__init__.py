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
from .core.penalties import Penalty
from .engines.rowblocks import get_num_threads, set_num_threads
from .estimation.anova import anova
from .estimation.fit import fit_neuron, fit_softmax
from .estimation.model import NeuronModel
from .estimation.multinomial import MultinomialFit
from .estimation.results import NeuronFit
from .estimation.separation import detect_separation
from .exceptions import (
    ConvergenceWarning,
    DataError,
    LocalOptimumWarning,
    SeparationError,
    SeparationWarning,
)
from .glmnet.cv import CVGlmnet, cv_glmnet
from .glmnet.multinomial import MultinomialPath, multinomial_path
from .glmnet.path import GlmnetPath, glmnet_path
from .neural.circuits import (
    Circuit,
    Unit,
    add,
    adder_circuit,
    full_adder,
    half_adder,
    half_adder_circuit,
)
from .neural.network import Network
from .neural.perceptrons import Neuron, Perceptron, cheese_festival, nand

__version__ = "0.1.0"


def __getattr__(name):
    # matplotlib loads only when a figure is asked for: ``gb.plots`` imports on first use.
    if name == "plots":
        import importlib

        return importlib.import_module(".presentation.plots", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Activation", "add", "adder_circuit", "anova", "cheese_festival", "Circuit", "compare",
    "compare_models", "Comparison", "ConvergenceWarning", "cv_glmnet", "CVGlmnet", "DataError",
    "datasets", "detect_separation", "fit_neuron", "fit_softmax", "full_adder",
    "get_activation", "get_cost", "get_num_threads", "glmnet_path", "GlmnetPath", "half_adder",
    "half_adder_circuit", "LocalOptimumWarning", "ModelComparison", "MultinomialFit",
    "MultinomialPath", "multinomial_path", "nand", "Network", "Neuron", "NeuronFit",
    "NeuronModel", "penalties", "Penalty", "Perceptron", "plots", "SeparationError",
    "SeparationWarning", "set_num_threads", "Unit",
]

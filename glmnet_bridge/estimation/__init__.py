"""Statistical models of one neuron: designs, checks, the model, its results and inference."""

"""The neuron's parts in a GLM's words: activations (inverse links), costs (families), penalties."""

"""Optimisers of a neuron's cost: one damped Newton, L-BFGS, gradient descent."""

"""Passes over the data: cost, gradient and X'WX at β, summed over row blocks."""

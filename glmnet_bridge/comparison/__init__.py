"""Neurons beside their GLM oracles, and GLMs beside networks with hidden layers."""

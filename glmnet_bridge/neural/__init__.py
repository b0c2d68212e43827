"""Chapter 1's objects: perceptrons, NAND circuits and the network trained by SGD."""

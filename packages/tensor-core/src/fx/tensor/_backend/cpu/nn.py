"""CPU kernels: nn (being written)."""

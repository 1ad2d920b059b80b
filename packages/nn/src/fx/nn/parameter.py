"""(being written)"""

__all__ = ["Parameter", "Buffer", "UninitializedParameter"]


class Parameter:
    pass


class Buffer:
    pass


class UninitializedParameter:
    pass

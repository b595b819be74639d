"""Deterministic sample order data (Chinese logistics exports) with planted defects, for demos,
tests and benchmarks of the order checks."""

from toolkit.samples.orders import GeneratedOrders, generate_orders
from toolkit.samples.write import write_samples

__all__ = ["GeneratedOrders", "generate_orders", "write_samples"]

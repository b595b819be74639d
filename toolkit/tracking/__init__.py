"""Tracking: carrier exports → canonical stages → overdue and stalled shipments."""

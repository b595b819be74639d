"""The default intake limits the samples are planted against.

They mirror `limits:` in config/rules/orders.yaml (a test keeps the two equal). Clean orders stay
below `CLEAN_SHARE` of every limit, so a small change of a threshold does not turn them into
findings; planted limit orders exceed exactly one limit by a clear margin.
"""

from __future__ import annotations

from typing import Final

MAX_PIECE_WEIGHT_KG: Final = 500.0
MAX_ORDER_WEIGHT_KG: Final = 5000.0
MAX_PIECE_VOLUME_M3: Final = 3.0
MAX_ORDER_VOLUME_M3: Final = 30.0

CLEAN_SHARE: Final = 0.9  # clean orders stay within 90% of each limit

DUPLICATE_WINDOW_MINUTES: Final = 30  # duplicates.window_minutes

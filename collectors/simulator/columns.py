"""Arrow columns the simulator's record tables share: exact yuan amounts, the
per-list line lists, and each site's trade mode."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from base.config import Config
from collectors.records import YUAN
from collectors.simulator.model import SAMPLE_HS

MAX_LINES = 6  # lines per list, at most
AGENT_CODE = "SIMAGT0001"  # the declaring agent of every simulated list and request
# ASSUMPTION: share of lines of 1, 2 and 3 pieces (the line's value stays as drawn)
LINE_QTY_SHARE = np.array([0.85, 0.11, 0.04])
# the airport site (栎社) is the direct-purchase site (9610); the others bonded (1210)
DIRECT_PURCHASE_SITES = ("lishe",)


def site_trade_modes(config: Config) -> np.ndarray:
    """The trade mode of each configured site, in their order."""
    return np.array(["9610" if s.code in DIRECT_PURCHASE_SITES else "1210" for s in config.sites], object)


def yuan(e5: np.ndarray) -> pa.Array:
    """Amounts given in units of 1e-5 yuan, as exact decimals (18, 5)."""
    words = np.zeros((len(e5), 2), np.int64)
    words[:, 0] = e5
    words[:, 1] = np.where(np.asarray(e5) < 0, -1, 0)  # two's complement, little endian
    return pa.Array.from_buffers(YUAN, len(e5), [None, pa.py_buffer(words.tobytes())])


def coded(values: pa.Array, at: np.ndarray, valid: np.ndarray | None = None) -> pa.DictionaryArray:
    """`values[at]` (null where not `valid`) as a dictionary column: a key
    repeated over many rows is stored once, each row an int32 index."""
    indices = pa.array(np.asarray(at, np.int32), mask=None if valid is None else ~np.asarray(valid))
    return pa.DictionaryArray.from_arrays(indices, values)


def code_column(values: pa.Array, at: np.ndarray, valid: np.ndarray | None = None) -> pa.DictionaryArray:
    """As `coded`, for one of a few codes fixed by the configuration (sites,
    platforms, statuses): a byte a row while they number under 128."""
    if len(values) >= 128:
        return coded(values, at, valid)
    indices = pa.array(np.asarray(at, np.int8), mask=None if valid is None else ~np.asarray(valid))
    return pa.DictionaryArray.from_arrays(indices, values)


def per_line(values: pa.Array, counts: np.ndarray) -> pa.ListArray:
    """Flat line values, `counts[i]` of them for row i, as one list a row."""
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def line_mask(lines: np.ndarray) -> np.ndarray:
    """(rows, MAX_LINES): True where the row has that line."""
    return np.arange(MAX_LINES) < np.asarray(lines)[:, None]


def line_gcodes(category_code: str, n: int) -> list[str]:
    """The HS codes of a list's lines: its category's on the first, the most
    valuable, and a generic code on the others."""
    return [SAMPLE_HS.get(category_code, SAMPLE_HS["other"])] + [SAMPLE_HS["other"]] * (n - 1)

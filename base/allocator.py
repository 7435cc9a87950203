"""How the C library's allocator hands back large blocks, for bulk commands.

glibc serves a block below its mmap threshold from its arenas, and each time a
mapped block is freed it raises that threshold to the block's size, up to 32
MiB. The arrays of a simulated chunk (numpy, 8 to 50 MiB each) then come from
the arenas, and once freed the arenas keep much of their memory: measured in
`cbec simulate`, about half a GiB of a 2 GiB peak. With the threshold fixed,
each such block is mapped on its own and returned whole when freed.
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
LARGE_BLOCK = 1 << 20


def map_large_blocks(threshold: int = LARGE_BLOCK) -> bool:
    """Blocks of `threshold` bytes and more are mapped on their own from now on.
    True when the C library took the setting; elsewhere (not glibc) nothing changes."""
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, threshold))

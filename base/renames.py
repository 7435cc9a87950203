"""Renames that Linux does in one step beyond `os.rename` (renameat2): without
replacing what is there, and exchanging two paths."""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
from functools import cache
from pathlib import Path

_NOREPLACE, _EXCHANGE = 1, 2  # linux/fs.h
_AT_FDCWD = -100


@cache
def _renameat2():
    name = ctypes.util.find_library("c")
    fn = getattr(ctypes.CDLL(name, use_errno=True), "renameat2", None) if name else None
    if fn is not None:
        fn.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    return fn


def _call(a: Path, b: Path, flags: int) -> bool | None:
    """True when done; None where the system or the file system cannot; OSError otherwise."""
    fn = _renameat2()
    if fn is None:
        return None
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), flags) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS):
        return None
    raise OSError(code, os.strerror(code), str(b))


def exchange(a: Path, b: Path) -> bool:
    """Swaps two paths in one step; False where the system cannot."""
    return bool(_call(a, b, _EXCHANGE))


def rename_new(src: Path, dst: Path) -> bool:
    """Moves `src` to `dst` unless something is named `dst` already (False then):
    one system call where renameat2 is, no check apart from the move."""
    try:
        done = _call(src, dst, _NOREPLACE)
    except FileExistsError:
        return False
    if done is None:  # a check, then the move: another writer could slip between them
        if os.path.lexists(dst):
            return False
        os.rename(src, dst)
    return True

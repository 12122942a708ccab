"""Calls a tirscript shared library from Python through ctypes, as the README documents: the direct
C entry point `add(float *A, float *B, float *C)` and the packed one `add_packed(const uint64_t *)`.

Usage: python3 ctypes_add.py path/to/libadd.so  (prints "ctypes checks passed", exits 1 otherwise)
"""

import ctypes
import sys

N = 1024
ALIGN = 64
KEEP = []  # The backing arrays of the aligned views, kept alive until the process ends.


def aligned_floats(values=None):
    """A float[N] view whose address is a multiple of 64 bytes, as the library's contract requires
    (ctypes arrays themselves are only 16-byte aligned, and the kernels may use aligned vector loads)."""
    backing = (ctypes.c_char * (N * 4 + ALIGN))()
    KEEP.append(backing)
    start = ctypes.addressof(backing)
    view = (ctypes.c_float * N).from_address(start + (-start) % ALIGN)
    if values is not None:
        for i, v in enumerate(values):
            view[i] = v
    return view


def main(path):
    lib = ctypes.CDLL(path)
    a = aligned_floats([i * 0.5 for i in range(N)])
    b = aligned_floats([1.0 - i * 0.25 for i in range(N)])
    c = aligned_floats()

    lib.add.restype = ctypes.c_int32
    lib.add.argtypes = [ctypes.POINTER(ctypes.c_float)] * 3
    status = lib.add(a, b, c)
    if status != 0:
        print(f"add returned status {status}")
        return 1
    for i in range(N):
        if c[i] != a[i] + b[i]:
            print(f"add: c[{i}] = {c[i]}, expected {a[i] + b[i]}")
            return 1

    # The packed entry: each argument in an 8-byte slot (pointers as addresses).
    d = aligned_floats()
    slots = (ctypes.c_uint64 * 3)(
        ctypes.addressof(b), ctypes.addressof(a), ctypes.addressof(d)
    )
    lib.add_packed.restype = ctypes.c_int32
    lib.add_packed.argtypes = [ctypes.POINTER(ctypes.c_uint64)]
    status = lib.add_packed(slots)
    if status != 0 or any(d[i] != c[i] for i in range(N)):
        print(f"add_packed: status {status} or results differ from add")
        return 1
    print("ctypes checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

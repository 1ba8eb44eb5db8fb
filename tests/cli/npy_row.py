"""Writes one float32 row as a .npy file to stdout: python3 npy_row.py 1 0 0 > q.npy (no numpy needed)."""
import struct
import sys

values = [float(v) for v in sys.argv[1:]]
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, %d), }" % len(values)
header += " " * (63 - (10 + len(header)) % 64) + "\n"
sys.stdout.buffer.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() +
                        struct.pack("<%df" % len(values), *values))

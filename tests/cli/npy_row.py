"""Writes one float32 row as a .npy file to stdout: python3 npy_row.py 1 0 0 > q.npy (no numpy needed)."""
import sys

from npy_file import npy_bytes

sys.stdout.buffer.write(npy_bytes([[float(v) for v in sys.argv[1:]]]))

"""The .npy bytes of a float32 matrix given as a list of equal-length rows (no numpy needed): shared by the CLI
test generators (gen_blobs.py, gen_anomalies.py, npy_row.py)."""
import struct


def npy_bytes(rows):
    dim = len(rows[0]) if rows else 0
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (len(rows), dim)
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    body = b"".join(struct.pack("<%df" % dim, *row) for row in rows)
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + body

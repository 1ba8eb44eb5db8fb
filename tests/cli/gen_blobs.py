"""Writes planted blobs for the analysis CLI tests (no numpy needed): python3 gen_blobs.py ROWS_PER_BLOB DIM OUT.npy LABELS.txt

Three blobs around centres 20 apart on different axes, noise uniform in [-1, 1], rows interleaved (0, 1, 2, 0, ...);
LABELS.txt gets the blob of each row (blob0, blob1, blob2). Deterministic (fixed seed).
"""
import random
import sys

from npy_file import npy_bytes

per_blob, dim, out, labels_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
rng = random.Random(7)
rows, labels = [], []
for i in range(3 * per_blob):
    blob = i % 3
    rows.append([(20.0 if j == blob else 0.0) + 5.0 + rng.uniform(-1, 1) for j in range(dim)])
    labels.append("blob%d" % blob)
with open(out, "wb") as f:
    f.write(npy_bytes(rows))
with open(labels_path, "w") as f:
    f.write("".join(label + "\n" for label in labels))

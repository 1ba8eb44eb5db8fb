"""Writes a normal cloud with planted outliers for the anomaly CLI tests (no numpy needed):
python3 gen_anomalies.py OUT.npy LABELS.txt

100 rows uniform in [-1, 1]^4, then 5 rows at distance 10-14 from the origin along the axes; LABELS.txt says
"normal" or "anomaly" per row. Deterministic (fixed seed).
"""
import random
import sys

from npy_file import npy_bytes

out, labels_path = sys.argv[1], sys.argv[2]
rng = random.Random(11)
dim = 4
rows = [[rng.uniform(-1, 1) for _ in range(dim)] for _ in range(100)]
for i in range(5):
    rows.append([(10.0 + i) if j == i % dim else 0.0 for j in range(dim)])
with open(out, "wb") as f:
    f.write(npy_bytes(rows))
with open(labels_path, "w") as f:
    f.write("".join(("normal" if i < 100 else "anomaly") + "\n" for i in range(len(rows))))

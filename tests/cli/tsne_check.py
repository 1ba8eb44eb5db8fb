"""Counts the rows of a 2-D or 3-D map (.npy float32) whose nearest other row has the same label (LABELS.txt, one
per line): python3 tsne_check.py MAP.npy LABELS.txt. No numpy needed."""
import ast
import struct
import sys

with open(sys.argv[1], "rb") as f:
    data = f.read()
header_len = struct.unpack("<H", data[8:10])[0]
header = ast.literal_eval(data[10:10 + header_len].decode())
rows, cols = header["shape"]
values = struct.unpack("<%df" % (rows * cols), data[10 + header_len:10 + header_len + 4 * rows * cols])
points = [values[r * cols:(r + 1) * cols] for r in range(rows)]
labels = open(sys.argv[2]).read().split()
same = 0
for i, p in enumerate(points):
    best = min((sum((a - b) ** 2 for a, b in zip(p, q)), j) for j, q in enumerate(points) if j != i)
    same += labels[best[1]] == labels[i]
print("nearest neighbour in the same blob: %d of %d" % (same, rows))

"""Independent reference for SIF sentence vectors (Arora, Liang & Ma 2017), numpy only.

usage: sif.py dir a
dir holds vectors.txt (N x d), counts.txt (N integers, or an empty file for "no counts": Zipf on rank),
sentences.txt (one line of vocabulary indices per sentence; an empty line is a sentence with no known words).
Writes weights.txt (N), pooled.txt (n x d, before removal), u.txt (d, top right singular vector of pooled,
sign fixed so its largest-magnitude entry is positive), removed.txt (n x d).
"""
import os
import sys

import numpy as np


def main():
    folder, a = sys.argv[1], float(sys.argv[2])
    vectors = np.loadtxt(os.path.join(folder, "vectors.txt"), ndmin=2)
    n_words = vectors.shape[0]
    counts_text = open(os.path.join(folder, "counts.txt")).read().split()
    if counts_text:
        counts = np.array([float(c) for c in counts_text])
        p = counts / counts.sum()
    else:
        zipf = 1.0 / np.arange(1, n_words + 1)
        p = zipf / zipf.sum()
    weights = a / (a + p)
    sentences = [line.split() for line in open(os.path.join(folder, "sentences.txt")).read().split("\n")[:-1]]
    pooled = np.zeros((len(sentences), vectors.shape[1]))
    for i, words in enumerate(sentences):
        ids = np.array([int(w) for w in words], dtype=int)
        if len(ids):
            pooled[i] = (weights[ids][:, None] * vectors[ids]).sum(axis=0) / len(ids)
    _, _, vt = np.linalg.svd(pooled, full_matrices=False)
    u = vt[0]
    u = u * np.sign(u[np.argmax(np.abs(u))])
    removed = pooled - np.outer(pooled @ u, u)
    np.savetxt(os.path.join(folder, "weights.txt"), weights, fmt="%.17g")
    np.savetxt(os.path.join(folder, "pooled.txt"), pooled, fmt="%.17g")
    np.savetxt(os.path.join(folder, "u.txt"), u, fmt="%.17g")
    np.savetxt(os.path.join(folder, "removed.txt"), removed, fmt="%.17g")


if __name__ == "__main__":
    main()

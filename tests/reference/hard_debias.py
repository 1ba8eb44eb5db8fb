"""Independent reference for hard debiasing (Bolukbasi et al. 2016, "Man is to Computer Programmer as Woman is
to Homemaker?"), numpy only, on unit vectors as the paper.

usage: hard_debias.py dir
dir holds vectors.npy (float32, one row per word), words.txt (one word per line, row order) and lists.json
({"definitional_pairs": [[a, b], ..], "equalize_pairs": [[a, b], ..], "specific_words": [..]}; words as in
words.txt, all present). Writes direction.txt (d values: the first principal component of the centred pairs,
oriented so that sum (a - b) . g > 0) and debiased.txt (the debiased unit vectors, one row per word).
Words of the pair lists are specific (never neutralised), as the semspace documentation states.
"""
import json
import os
import sys

import numpy as np


def main():
    folder = sys.argv[1]
    vectors = np.load(os.path.join(folder, "vectors.npy")).astype(np.float64)
    words = open(os.path.join(folder, "words.txt")).read().split()
    lists = json.load(open(os.path.join(folder, "lists.json")))
    index = {w: i for i, w in enumerate(words)}
    e = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    rows = []
    for a, b in lists["definitional_pairs"]:
        center = (e[index[a]] + e[index[b]]) / 2
        rows += [e[index[a]] - center, e[index[b]] - center]
    rows = np.array(rows)
    _, _, vt = np.linalg.svd(rows - rows.mean(axis=0), full_matrices=False)
    g = vt[0]
    if sum((e[index[a]] - e[index[b]]) @ g for a, b in lists["definitional_pairs"]) < 0:
        g = -g

    specific = set(lists.get("specific_words", []))
    for pairs in ("definitional_pairs", "equalize_pairs"):
        for a, b in lists.get(pairs, []):
            specific.update([a, b])
    for i, w in enumerate(words):
        if w not in specific:
            e[i] -= (e[i] @ g) * g
            e[i] /= np.linalg.norm(e[i])
    for a, b in lists.get("equalize_pairs", []):
        ia, ib = index[a], index[b]
        center = (e[ia] + e[ib]) / 2
        nu = center - (center @ g) * g
        z = np.sqrt(1 - nu @ nu)
        if (e[ia] - e[ib]) @ g < 0:
            z = -z
        e[ia], e[ib] = nu + z * g, nu - z * g
    np.savetxt(os.path.join(folder, "direction.txt"), g, fmt="%.17g")
    np.savetxt(os.path.join(folder, "debiased.txt"), e, fmt="%.17g")


if __name__ == "__main__":
    main()

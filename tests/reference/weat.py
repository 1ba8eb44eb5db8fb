"""Independent reference for WEAT (Caliskan, Bryson & Narayanan 2017, Science 356:183-186), numpy only.

usage: weat.py dir
dir holds x.npy, y.npy, a.npy, b.npy (float32 word vectors, one per row, any length). Writes result.txt:
"effect_size p_value partitions" with 17 digits, and s.txt: s(w, A, B) for the rows of X then Y.
The p-value enumerates every split of X u Y into sets of |X| and |Y| words (itertools.combinations) and
counts those whose test statistic sum_Xi s - sum_Yi s beats the observed one by more than 2e-10 * sum |s|
(closer ones are the observed value again up to rounding), as the paper's strict inequality.
"""
import itertools
import os
import sys

import numpy as np


def unit_rows(m):
    m = m.astype(np.float64)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return np.divide(m, norms, out=np.zeros_like(m), where=norms > 0)


def main():
    folder = sys.argv[1]
    x, y, a, b = (unit_rows(np.load(os.path.join(folder, n + ".npy"))) for n in ("x", "y", "a", "b"))
    targets = np.vstack([x, y])
    s = (targets @ a.T).mean(axis=1) - (targets @ b.T).mean(axis=1)
    sx, sy = s[: len(x)], s[len(x):]
    effect = (sx.mean() - sy.mean()) / s.std(ddof=1)
    observed = sx.sum() - sy.sum()
    tolerance = 2e-10 * np.abs(s).sum()
    everyone = set(range(len(s)))
    greater = total = 0
    for xi in itertools.combinations(range(len(s)), len(x)):
        yi = list(everyone - set(xi))
        statistic = s[list(xi)].sum() - s[yi].sum()
        greater += statistic > observed + tolerance
        total += 1
    with open(os.path.join(folder, "result.txt"), "w") as out:
        out.write("%.17g %.17g %d\n" % (effect, greater / total, total))
    np.savetxt(os.path.join(folder, "s.txt"), s, fmt="%.17g")


if __name__ == "__main__":
    main()

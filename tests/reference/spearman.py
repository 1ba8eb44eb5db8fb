"""Independent reference for Spearman's rho (average ranks for ties) and Pearson's r, numpy only.

usage: spearman.py pairs.txt out.txt
pairs.txt: one "x y" pair per line. out.txt gets "spearman pearson" with 17 significant digits.
"""
import sys

import numpy as np


def average_ranks(a):
    order = np.argsort(a, kind="mergesort")
    sorted_a = a[order]
    starts = np.r_[True, sorted_a[1:] != sorted_a[:-1]]
    first = np.flatnonzero(starts)
    last = np.r_[first[1:], len(a)] - 1
    group = np.cumsum(starts) - 1
    ranks = np.empty(len(a))
    ranks[order] = ((first + last) / 2.0 + 1.0)[group]
    return ranks


def main():
    data = np.loadtxt(sys.argv[1], ndmin=2)
    x, y = data[:, 0], data[:, 1]
    pearson = np.corrcoef(x, y)[0, 1]
    spearman = np.corrcoef(average_ranks(x), average_ranks(y))[0, 1]
    with open(sys.argv[2], "w") as out:
        out.write("%.17g %.17g\n" % (spearman, pearson))


if __name__ == "__main__":
    main()

"""Independent reference for clustering: scikit-learn's KMeans, adjusted Rand index and silhouette, in float64.

usage: clustering.py dir k n_init seed
dir holds x.npy (n x d float32), truth.txt (one true class per row, integers) and ours.txt (one cluster per row,
the labels under test). Writes kmeans_inertia.txt (scikit-learn KMeans, k-means++ init, Lloyd, the given n_init and
random_state), ari.txt (adjusted Rand index of ours against truth) and silhouette.txt (exact silhouette_score of
ours, Euclidean), each with 17 digits.
"""
import os
import sys

# One thread: the reference is small, and OpenMP workers spinning on a shared 2-core machine made KMeans 5x slower.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.metrics import adjusted_rand_score, silhouette_score  # noqa: E402


def main():
    folder, k, n_init, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    x = np.load(os.path.join(folder, "x.npy")).astype(np.float64)
    truth = np.loadtxt(os.path.join(folder, "truth.txt"), dtype=np.int64, ndmin=1)
    ours = np.loadtxt(os.path.join(folder, "ours.txt"), dtype=np.int64, ndmin=1)
    km = KMeans(n_clusters=k, n_init=n_init, random_state=seed, algorithm="lloyd").fit(x)
    out = lambda name, value: np.savetxt(os.path.join(folder, name), [value], fmt="%.17g")
    out("kmeans_inertia.txt", km.inertia_)
    out("ari.txt", adjusted_rand_score(truth, ours))
    out("silhouette.txt", silhouette_score(x, ours, metric="euclidean"))


if __name__ == "__main__":
    main()

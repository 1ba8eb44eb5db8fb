"""Independent reference for PCA: scikit-learn's PCA with the full LAPACK SVD solver, in float64.

usage: pca.py dir components
dir holds x.npy (n x d float32, the data to fit) and new.npy (m x d float32, rows to project).
Writes components.txt (components x d), explained_variance.txt, explained_variance_ratio.txt,
projected.txt (m x components: new.npy through the fitted model), mean.txt (d), all with 17 digits.
"""
import os
import sys

# One thread: the reference is small, and OpenMP workers spinning on a shared 2-core machine made KMeans 5x slower.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402


def main():
    folder, k = sys.argv[1], int(sys.argv[2])
    x = np.load(os.path.join(folder, "x.npy")).astype(np.float64)
    new = np.load(os.path.join(folder, "new.npy")).astype(np.float64)
    pca = PCA(n_components=k, svd_solver="full").fit(x)
    out = lambda name, values: np.savetxt(os.path.join(folder, name), np.atleast_1d(values), fmt="%.17g")
    out("components.txt", pca.components_)
    out("explained_variance.txt", pca.explained_variance_)
    out("explained_variance_ratio.txt", pca.explained_variance_ratio_)
    out("projected.txt", pca.transform(new))
    out("mean.txt", pca.mean_)


if __name__ == "__main__":
    main()

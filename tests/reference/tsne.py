"""Independent reference for t-SNE: scikit-learn's exact TSNE (PCA initialisation, learning rate 'auto').

usage: tsne.py dir perplexity iterations
dir holds x.npy (n x d float32), or several inputs x0.npy, x1.npy, ... (one map each). Writes kl.txt (the final
KL divergence of each map, one per line in input order, 17 digits) and embedding.npy (of the first input).
"""
import glob
import os
import re
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from sklearn.manifold import TSNE  # noqa: E402


def inputs(folder):
    single = os.path.join(folder, "x.npy")
    if os.path.exists(single):
        return [single]
    numbered = glob.glob(os.path.join(folder, "x[0-9]*.npy"))
    return sorted(numbered, key=lambda p: int(re.search(r"x(\d+)\.npy$", p).group(1)))


def main():
    folder, perplexity, iterations = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    kls = []
    for i, path in enumerate(inputs(folder)):
        x = np.load(path).astype(np.float64)
        tsne = TSNE(n_components=2, perplexity=perplexity, n_iter=iterations, method="exact", init="pca",
                    learning_rate="auto", random_state=0)
        embedding = tsne.fit_transform(x)
        kls.append(tsne.kl_divergence_)
        if i == 0:
            np.save(os.path.join(folder, "embedding.npy"), embedding.astype(np.float32))
    if not kls:
        sys.exit(f"tsne.py: no x.npy or x0.npy in {folder}")
    np.savetxt(os.path.join(folder, "kl.txt"), kls, fmt="%.17g")


if __name__ == "__main__":
    main()

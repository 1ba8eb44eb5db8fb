"""Independent reference for t-SNE: scikit-learn's exact TSNE (PCA initialisation, learning rate 'auto').

usage: tsne.py dir perplexity iterations
dir holds x.npy (n x d float32). Writes kl.txt (the final KL divergence, 17 digits) and embedding.npy.
"""
import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from sklearn.manifold import TSNE  # noqa: E402


def main():
    folder, perplexity, iterations = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    x = np.load(os.path.join(folder, "x.npy")).astype(np.float64)
    tsne = TSNE(n_components=2, perplexity=perplexity, n_iter=iterations, method="exact", init="pca",
                learning_rate="auto", random_state=0)
    embedding = tsne.fit_transform(x)
    np.savetxt(os.path.join(folder, "kl.txt"), [tsne.kl_divergence_], fmt="%.17g")
    np.save(os.path.join(folder, "embedding.npy"), embedding.astype(np.float32))


if __name__ == "__main__":
    main()

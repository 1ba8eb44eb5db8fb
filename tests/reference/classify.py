"""Independent reference for classification and anomaly scores: scikit-learn in float64.

usage: classify.py MODE DIR [ARGS]
  logistic DIR C   DIR/x.npy (n x d float32), DIR/y.txt (one integer class per row): multinomial
                   LogisticRegression(solver="lbfgs", C) fitted to tol 1e-10; writes coef.txt (classes x d),
                   intercept.txt, proba.txt (predict_proba on x, n x classes) and loss.txt (the objective
                   mean CE + |W|^2 / (2 C n) there). scikit-learn stops on SciPy's relative-decrease rule (ftol)
                   with gradients near 1e-6 left, so the optimum is also polished: SciPy L-BFGS-B on that objective
                   in numpy from scikit-learn's solution, ftol 0, gtol 1e-12: exact_coef.txt, exact_intercept.txt,
                   exact_proba.txt.
  lof DIR K        DIR/x.npy: LocalOutlierFactor(n_neighbors=K); writes lof.txt (-negative_outlier_factor_).
  knn DIR K        DIR/x.npy (reference), DIR/q.npy (queries), DIR/y.txt: KNeighborsClassifier(K, Euclidean,
                   brute force) predictions for q, weights uniform and distance: knn_uniform.txt, knn_distance.txt.
  auc DIR          DIR/scores.txt, DIR/flags.txt (0/1): roc_auc_score into auc.txt.
  digits DIR       scikit-learn's digits, split 75/25 (stratified, random_state 0): train_x.npy, train_y.txt,
                   test_x.npy, test_y.txt, and accuracy.txt of multinomial LogisticRegression(C=1, max_iter=1000).
Numbers are written with 17 digits.
"""
import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from scipy.optimize import minimize  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier, LocalOutlierFactor  # noqa: E402


def save(folder, name, values):
    np.savetxt(os.path.join(folder, name), np.atleast_1d(values), fmt="%.17g")


def main():
    mode, folder = sys.argv[1], sys.argv[2]
    path = lambda name: os.path.join(folder, name)  # noqa: E731
    if mode == "logistic":
        x = np.load(path("x.npy")).astype(np.float64)
        y = np.loadtxt(path("y.txt"), dtype=np.int64)
        model = LogisticRegression(C=float(sys.argv[3]), solver="lbfgs", multi_class="multinomial", tol=1e-10,
                                   max_iter=100000).fit(x, y)
        save(folder, "coef.txt", model.coef_)
        save(folder, "intercept.txt", model.intercept_)
        save(folder, "proba.txt", model.predict_proba(x))
        c, d, n, C = len(model.classes_), x.shape[1], x.shape[0], float(sys.argv[3])
        onehot = np.eye(c)[y]

        def objective(w):
            coef, intercept = w[: c * d].reshape(c, d), w[c * d:]
            z = x @ coef.T + intercept
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            loss = -np.log(p[np.arange(n), y]).mean() + (coef ** 2).sum() / (2 * C * n)
            grad_coef = (p - onehot).T @ x / n + coef / (C * n)
            return loss, np.concatenate([grad_coef.ravel(), (p - onehot).sum(axis=0) / n])

        if c == 2:  # scikit-learn keeps one row, W1 - W0, of the symmetric 2-class solution W0 = -W1
            start = np.concatenate([-0.5 * model.coef_.ravel(), 0.5 * model.coef_.ravel(),
                                    [-0.5 * model.intercept_[0], 0.5 * model.intercept_[0]]])
        else:
            start = np.concatenate([model.coef_.ravel(), model.intercept_])
        save(folder, "loss.txt", objective(start)[0])
        exact = minimize(objective, start, jac=True, method="L-BFGS-B",
                         options={"ftol": 0, "gtol": 1e-12, "maxiter": 100000}).x
        coef, intercept = exact[: c * d].reshape(c, d), exact[c * d:]
        save(folder, "exact_coef.txt", coef)
        save(folder, "exact_intercept.txt", intercept)
        z = x @ coef.T + intercept
        p = np.exp(z - z.max(axis=1, keepdims=True))
        save(folder, "exact_proba.txt", p / p.sum(axis=1, keepdims=True))
    elif mode == "lof":
        x = np.load(path("x.npy")).astype(np.float64)
        lof = LocalOutlierFactor(n_neighbors=int(sys.argv[3])).fit(x)
        save(folder, "lof.txt", -lof.negative_outlier_factor_)
    elif mode == "knn":
        x = np.load(path("x.npy")).astype(np.float64)
        q = np.load(path("q.npy")).astype(np.float64)
        y = np.loadtxt(path("y.txt"), dtype=np.int64)
        for weights in ("uniform", "distance"):
            knn = KNeighborsClassifier(n_neighbors=int(sys.argv[3]), weights=weights, algorithm="brute").fit(x, y)
            save(folder, "knn_%s.txt" % weights, knn.predict(q))
    elif mode == "auc":
        scores = np.loadtxt(path("scores.txt"))
        flags = np.loadtxt(path("flags.txt"), dtype=np.int64)
        save(folder, "auc.txt", roc_auc_score(flags, scores))
    elif mode == "digits":
        digits = load_digits()
        x_train, x_test, y_train, y_test = train_test_split(digits.data, digits.target, test_size=0.25,
                                                            stratify=digits.target, random_state=0)
        for name, m in (("train_x.npy", x_train), ("test_x.npy", x_test)):
            np.save(path(name), m.astype(np.float32))
        np.savetxt(path("train_y.txt"), y_train, fmt="%d")
        np.savetxt(path("test_y.txt"), y_test, fmt="%d")
        model = LogisticRegression(C=1.0, solver="lbfgs", multi_class="multinomial", max_iter=1000).fit(x_train, y_train)
        save(folder, "accuracy.txt", model.score(x_test, y_test))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()

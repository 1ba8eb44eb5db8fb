#!/usr/bin/python3
"""k-means and PCA: semspace `cluster` / `project` vs FAISS 1.7.3 k-means (python3-faiss) and scikit-learn
KMeans / PCA, same data, same threads (2).

Data: the first 100,000 non-empty lines of $SEMSPACE_HOME/corpus/corpus.txt (scripts/build_corpus: GCIDE, WordNet
glosses, KJV) embedded once by `semspace embed --model default` (SIF, dim 100); the 20,000 set is its first
20,000 rows.
k-means: k = 100, 20 Lloyd iterations for everyone (semspace --max-iter 20 --tol 0 --algorithm lloyd --n-init 1,
k-means++ seeding; scikit-learn KMeans(n_init=1, max_iter=20, tol=0, algorithm="lloyd"), k-means++; FAISS
Kmeans(niter=20, nredo=1), its random seeding, max_points_per_centroid raised so it trains on every row, not its
default sample of 256 per centroid). Quality: the inertia of each final partition, recomputed here the same way
for all (each row's squared distance to the mean of its cluster; FAISS's labels from its centroids), and its
ratio to scikit-learn's.
PCA: 50 components; semspace exact (covariance + LAPACK) and randomized vs scikit-learn PCA svd_solver "full"
and "randomized" (random_state 0). Quality: the explained variance ratio of the 50 components.
Seconds: median of REPEATS (default 3) runs; semspace = whole `cluster` / `project` process (start-up ~0.07 s,
reading the .npy, writing labels / coordinates), FAISS and scikit-learn = the fit call.
Usage: OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 bench/compare/kmeans_pca_vs_sklearn_faiss.py [BUILD_DIR]
(env: REPEATS, THREADS). Writes bench/results/kmeans_pca_vs_sklearn_faiss-<date>.md; then bench/update_results.sh.
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import issue5_bench as bench  # noqa: E402  (sets the thread count before numpy loads OpenBLAS)
from issue5_bench import REPEATS, THREADS  # noqa: E402

import faiss  # noqa: E402
import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402

K, ITERATIONS, COMPONENTS = 100, 20, 50
CORPUS = os.path.join(os.environ.get("SEMSPACE_HOME", os.path.expanduser("~/.cache/semspace")), "corpus", "corpus.txt")


def corpus_lines(count):
    lines = []
    with open(CORPUS, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.strip():
                lines.append(line.strip())
                if len(lines) == count:
                    break
    return lines


def partition_inertia(x, labels):
    """Sum over rows of the squared distance to the mean of the row's cluster (float64)."""
    x = x.astype(np.float64)
    inertia = 0.0
    for c in np.unique(labels):
        members = x[labels == c]
        inertia += ((members - members.mean(axis=0)) ** 2).sum()
    return inertia


def timed_call(fn):
    def run():
        start = bench.time.perf_counter()
        result = fn()
        return bench.time.perf_counter() - start, result
    return run


def fit_seconds_of(cmd):
    """(seconds of the fit alone as the command reports it in --json fit_seconds, stdout): the anchors are timed
    around their fit call, so reading the input and starting the process are left out on our side too."""
    _, out = bench.run_timed(cmd)
    return bench.json_line(out)["fit_seconds"], out


def kmeans_rows(build_dir, folder, x, name):
    path = os.path.join(folder, "x.npy")
    labels_path = os.path.join(folder, "labels.txt")
    cmd = [bench.semspace_binary(build_dir), "cluster", "--input", path, "--k", str(K), "--n-init", "1", "--max-iter",
           str(ITERATIONS), "--tol", "0", "--algorithm", "lloyd", "--silhouette-sample", "0", "--threads",
           str(THREADS), "--seed", "1", "--output", labels_path, "--json"]
    ours_s, _ = bench.median_of(REPEATS, lambda: fit_seconds_of(cmd))
    ours = partition_inertia(x, np.loadtxt(labels_path, dtype=np.int64))

    def sklearn_fit():
        return KMeans(n_clusters=K, n_init=1, max_iter=ITERATIONS, tol=0, algorithm="lloyd", random_state=0).fit(x)

    sk_s, sk_model = bench.median_of(REPEATS, timed_call(sklearn_fit))
    sk = partition_inertia(x, sk_model.labels_)

    faiss.omp_set_num_threads(THREADS)

    def faiss_fit():
        km = faiss.Kmeans(x.shape[1], K, niter=ITERATIONS, nredo=1, seed=1, max_points_per_centroid=10 ** 9)
        km.train(x)
        return km

    fa_s, fa_model = bench.median_of(REPEATS, timed_call(faiss_fit))
    fa = partition_inertia(x, fa_model.index.search(x, 1)[1].ravel())
    return [f"| {name} | semspace cluster | {ours_s:.3f} | {sk_s / ours_s:.2f} | {fa_s / ours_s:.2f} | {ours:.6g} | "
            f"{ours / sk:.4f} |",
            f"| {name} | scikit-learn KMeans | {sk_s:.3f} | 1.00 | {fa_s / sk_s:.2f} | {sk:.6g} | 1.0000 |",
            f"| {name} | FAISS Kmeans | {fa_s:.3f} | {sk_s / fa_s:.2f} | 1.00 | {fa:.6g} | {fa / sk:.4f} |"]


def pca_rows(build_dir, folder, x, name):
    path = os.path.join(folder, "x.npy")
    rows = []
    ours = {}
    for solver in ("exact", "randomized"):
        cmd = [bench.semspace_binary(build_dir), "project", "--input", path, "--dim", str(COMPONENTS), "--solver",
               solver, "--threads", str(THREADS), "--output", os.path.join(folder, "coords.npy"), "--json"]
        seconds, out = bench.median_of(REPEATS, lambda: fit_seconds_of(cmd))
        ours[solver] = (seconds, sum(bench.json_line(out)["explained_variance_ratio"]))
    theirs = {}
    for solver in ("full", "randomized"):
        seconds, model = bench.median_of(REPEATS, timed_call(
            lambda: PCA(n_components=COMPONENTS, svd_solver=solver, random_state=0).fit(x)))
        theirs[solver] = (seconds, float(model.explained_variance_ratio_.sum()))
    for ours_solver, their_solver in (("exact", "full"), ("randomized", "randomized")):
        (s, q), (ts, tq) = ours[ours_solver], theirs[their_solver]
        rows.append(f"| {name} | semspace {ours_solver} | {s:.3f} | scikit-learn {their_solver} | {ts:.3f} | "
                    f"{ts / s:.2f} | {q:.6f} | {tq:.6f} |")
    return rows


def main():
    build_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(bench.ROOT, "build")
    run_start = bench.RunStart()
    kmeans_table, pca_table = [], []
    with tempfile.TemporaryDirectory() as folder:
        vectors = os.path.join(folder, "all.npy")
        bench.embed_lines(build_dir, corpus_lines(100000), vectors, THREADS)
        everything = np.load(vectors)
        for rows in (20000, 100000):
            x = np.ascontiguousarray(everything[:rows])
            np.save(os.path.join(folder, "x.npy"), x)
            name = f"{rows} x {x.shape[1]}"
            kmeans_table += kmeans_rows(build_dir, folder, x, name)
            print("\n".join(kmeans_table[-3:]), flush=True)
            pca_table += pca_rows(build_dir, folder, x, name)
            print("\n".join(pca_table[-2:]), flush=True)
    header = bench.report_header(
        "k-means and PCA vs FAISS and scikit-learn (issue 5)",
        bench.reproduce("kmeans_pca_vs_sklearn_faiss.py"), run_start,
        [f"anchors: FAISS {faiss.__version__} (Debian python3-faiss), scikit-learn {sklearn.__version__} (Debian "
         f"python3-sklearn); threads {THREADS} (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, faiss.omp_set_num_threads; "
         "semspace --threads)",
         "data: first 100,000 non-empty lines of the build_corpus corpus.txt, `semspace embed --model default` "
         "(SIF, dim 100); 20,000 = its first 20,000 rows",
         f"k-means: k {K}, {ITERATIONS} Lloyd iterations each, one seeding (semspace and scikit-learn k-means++, FAISS "
         "random rows, FAISS on every row); inertia recomputed here for every partition (rows to their cluster "
         "means, float64); inertia ratio = over scikit-learn's",
         f"PCA: {COMPONENTS} components; quality = sum of the explained variance ratios",
         f"seconds: median of {REPEATS} runs; semspace = the fit alone as the CLI reports it (--json "
         "fit_seconds), anchors = the fit call; speed-up = anchor seconds / these seconds"])
    text = (header + "\n### k-means\n\n| data | tool | seconds | speed-up vs scikit-learn | speed-up vs FAISS | "
            "inertia | inertia / scikit-learn's |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |\n"
            + "\n".join(kmeans_table) + "\n\n### PCA\n\n| data | semspace | seconds | anchor | anchor seconds | "
            "speed-up | semspace variance ratio | anchor variance ratio |\n| --- | --- | ---: | --- | ---: | ---: | "
            "---: | ---: |\n" + "\n".join(pca_table) + "\n")
    print(f"wrote {bench.write_report('kmeans_pca_vs_sklearn_faiss', text)}")


if __name__ == "__main__":
    main()

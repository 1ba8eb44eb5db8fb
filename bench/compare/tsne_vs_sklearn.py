"""t-SNE, semspace (`project --method tsne`) vs scikit-learn's Barnes-Hut TSNE, same data and threads.

usage: /usr/bin/python3 bench/compare/tsne_vs_sklearn.py [BUILD_DIR]     (default build)
env:   THREADS (2), DATA_DIR (~/.cache/semspace/bench/tsne_vs_sklearn), DATASETS (digits,words20k,sentences100k)

Data (made once, kept in DATA_DIR): digits (scikit-learn's 1,797 x 64), words20k (the default model's 20,000 most
frequent words, 100-d, through `semspace convert`), sentences100k (the first 100,000 lines of the default corpus
through `semspace embed`, SIF, 100-d). Setup: perplexity 30, 1000 iterations, 2-D, PCA init, learning rate 'auto';
scikit-learn TSNE(method='barnes_hut', angle=0.5, n_jobs=THREADS) with OpenMP and BLAS at THREADS threads;
semspace with --threads THREADS (exact gradient below 2,000 rows, FFT interpolation above). Measured: wall
seconds of the whole fit (affinities + optimisation; semspace as a process, so it includes reading the .npy),
the final KL each tool reports, and 10-NN preservation (mean fraction of each row's 10 nearest input neighbours,
exact Euclidean, that are among its 10 nearest in the map; on a 5,000-row sample for 100k). scikit-learn is
skipped for sentences100k (hours). Prints one markdown row per data set, and writes the report
bench/results/tsne_vs_sklearn-<date>.md (then run bench/update_results.sh).
"""
import datetime
import json
import os
import platform
import subprocess
import sys
import time

THREADS = int(os.environ.get("THREADS", "2"))
os.environ["OMP_NUM_THREADS"] = str(THREADS)
os.environ["OPENBLAS_NUM_THREADS"] = str(THREADS)
os.environ.setdefault("OPENBLAS_CORETYPE", "SkylakeX")  # OpenBLAS 0.3.21 misdetects this CPU

import numpy as np  # noqa: E402

from foreign_cpu import ForeignCpu  # noqa: E402  (bench/compare/foreign_cpu.py, beside this script)

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
SEMSPACE = os.path.join(BUILD, "semspace")
DATA = os.path.expanduser(os.environ.get("DATA_DIR", "~/.cache/semspace/bench/tsne_vs_sklearn"))
DATASETS = os.environ.get("DATASETS", "digits,words20k,sentences100k").split(",")


def prepare(name):
    path = os.path.join(DATA, name + ".npy")
    if os.path.exists(path):
        return path
    os.makedirs(DATA, exist_ok=True)
    if name == "digits":
        from sklearn.datasets import load_digits
        np.save(path, load_digits().data.astype(np.float32))
    elif name == "words20k":
        vec = os.path.join(DATA, "default.vec")
        subprocess.run([SEMSPACE, "convert", "default", vec, "--to", "vec"], check=True, stdout=subprocess.DEVNULL)
        rows = []
        with open(vec) as f:
            next(f)
            for line in f:
                rows.append([float(v) for v in line.split()[1:]])
                if len(rows) == 20000:
                    break
        np.save(path, np.array(rows, dtype=np.float32))
    elif name == "sentences100k":
        corpus = os.path.expanduser("~/.cache/semspace/corpus/corpus.txt")
        with open(corpus, "rb") as f:
            lines = b"".join(f.readline() for _ in range(100000))
        subprocess.run([SEMSPACE, "embed", "--output", path], input=lines, check=True)
    return path


def knn_preservation(x, y, k=10, sample=None):
    from sklearn.neighbors import NearestNeighbors
    rows = np.arange(len(x))
    if sample is not None and sample < len(x):
        rows = np.random.default_rng(0).choice(len(x), sample, replace=False)
    nx = NearestNeighbors(n_neighbors=k + 1, algorithm="brute").fit(x).kneighbors(x[rows], return_distance=False)
    ny = NearestNeighbors(n_neighbors=k + 1).fit(y).kneighbors(y[rows], return_distance=False)
    kept = 0
    for i, r in enumerate(rows):
        a = set(nx[i][nx[i] != r][:k])
        b = set(ny[i][ny[i] != r][:k])
        kept += len(a & b)
    return kept / (k * len(rows))


def run_semspace(path):
    out = path.replace(".npy", "-semspace-map.npy")
    start = time.perf_counter()
    done = subprocess.run([SEMSPACE, "project", "--input", path, "--method", "tsne", "--threads", str(THREADS),
                           "--output", out, "--json"], check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    report = json.loads(done.stdout)
    return seconds, report["kl_divergence"], np.load(out), report["tsne_method"]


def run_sklearn(x):
    from sklearn.manifold import TSNE
    tsne = TSNE(n_components=2, perplexity=30, n_iter=1000, method="barnes_hut", angle=0.5, init="pca",
                learning_rate="auto", n_jobs=THREADS, random_state=0)
    start = time.perf_counter()
    y = tsne.fit_transform(x)
    return time.perf_counter() - start, float(tsne.kl_divergence_), y


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor())
    return f"{cpu}; {os.cpu_count()} cores"


def load():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def main():
    import sklearn
    start_load = load()
    foreign = ForeignCpu()  # whether other processes took CPU during the run
    lines = [f"| data | rows x dim | semspace s (method) | sklearn s | speed-up | semspace KL | sklearn KL | KL ratio "
             "| semspace 10-NN kept | sklearn 10-NN kept |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    print(f"# t-SNE vs scikit-learn {sklearn.__version__} Barnes-Hut, {THREADS} threads, perplexity 30, 1000 iterations")
    print("\n".join(lines), flush=True)
    for name in DATASETS:
        path = prepare(name)
        x = np.load(path).astype(np.float32)
        sample = 5000 if len(x) > 20000 else None
        s_sec, s_kl, s_map, method = run_semspace(path)
        s_keep = knn_preservation(x, s_map, sample=sample)
        if name == "sentences100k":
            row = (f"| {name} | {x.shape[0]} x {x.shape[1]} | {s_sec:.1f} ({method}) | - | - | {s_kl:.3f} | - | - "
                   f"| {s_keep:.3f} | - |")
        else:
            k_sec, k_kl, k_map = run_sklearn(x)
            k_keep = knn_preservation(x, k_map, sample=sample)
            row = (f"| {name} | {x.shape[0]} x {x.shape[1]} | {s_sec:.1f} ({method}) | {k_sec:.1f} | "
                   f"{k_sec / s_sec:.1f}x | {s_kl:.3f} | {k_kl:.3f} | {s_kl / k_kl:.3f} | {s_keep:.3f} | {k_keep:.3f} |")
        print(row, flush=True)
        lines.append(row)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    today = datetime.date.today().isoformat()
    foreign.stop()
    banner = ([f"**Disturbed run: other processes used {foreign.percent:.1f}% of the machine's CPU while it ran, so "
               "the timings are not results; they only show that the harness works.**", ""] if foreign.disturbed else [])
    report = [
        "# t-SNE vs scikit-learn (issue 5)", "", *banner,
        f"- date: {today}; commit: {commit}",
        f"- machine: {machine()}; load average (1/5/15 min) at start: {start_load}, at end: {load()}; "
        f"{foreign.sentence()}",
        f"- anchor: scikit-learn {sklearn.__version__} (Debian), TSNE(method='barnes_hut', angle=0.5, init='pca', "
        f"learning_rate='auto', n_jobs={THREADS}), OpenMP and BLAS at {THREADS} threads",
        f"- semspace: `project --method tsne --threads {THREADS}` as a process (exact below 2,000 rows, FFT "
        "interpolation above); seconds are wall time of the whole fit; KL as each tool reports it; 10-NN kept = "
        "mean fraction of each row's 10 nearest input neighbours among its 10 nearest in the map (5,000-row sample "
        "for 100k)",
        "- one run each, no warm-up; reproduce: `/usr/bin/python3 bench/compare/tsne_vs_sklearn.py build`", "",
    ] + lines
    results = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "results", f"tsne_vs_sklearn-{today}.md")
    with open(results, "w") as f:
        f.write("\n".join(report) + "\n")
    print(f"wrote {os.path.normpath(results)}", file=sys.stderr)


if __name__ == "__main__":
    main()

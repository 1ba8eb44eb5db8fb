#!/usr/bin/python3
"""Exact search, semspace FlatIndex vs FAISS IndexFlatIP / IndexFlatL2, on the same data and threads.

1,000 queries over 100,000 x 128 clustered Gaussian vectors (100 centres, noise 0.3, seeded), k = 10, 1 and 2
threads. Writes base.npy / queries.npy to a temporary directory, times FAISS here (best of REPEATS full
searches), runs build/bench/flat_index_bench on the same files and prints queries/s and the ratio.
Usage: /usr/bin/python3 bench/compare/flat_vs_faiss.py [BUILD_DIR]   (env: ROWS, QUERIES, DIM, REPEATS)
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROWS = int(os.environ.get("ROWS", 100000))
QUERIES = int(os.environ.get("QUERIES", 1000))
DIM = int(os.environ.get("DIM", 128))
REPEATS = int(os.environ.get("REPEATS", 5))
K = 10


def clustered(rng, rows, centres):
    picks = rng.integers(0, len(centres), rows)
    return (centres[picks] + 0.3 * rng.standard_normal((rows, DIM))).astype(np.float32)


def faiss_qps(metric, base_path, query_path, threads):
    """FAISS in a child process: OpenBLAS sizes its own thread pool at load time from OPENBLAS_NUM_THREADS,
    and FAISS's sgemm runs on that pool, not on OpenMP's; both are limited to `threads`. With more than one
    thread, FAISS is also run with a single OpenMP thread (only BLAS parallel), which is faster for it on
    this batch size, and its better configuration is reported."""
    configs = [(threads, threads)] + ([(1, threads)] if threads > 1 else [])
    best = 0.0
    for omp, blas in configs:
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(blas), OMP_NUM_THREADS=str(omp))
        out = subprocess.run([sys.executable, __file__, "--faiss", metric, base_path, query_path, str(omp)], env=env,
                             check=True, capture_output=True, text=True).stdout
        best = max(best, float(out))
    return best


def faiss_worker(metric, base_path, query_path, threads):
    import faiss  # after OPENBLAS_NUM_THREADS is set
    faiss.omp_set_num_threads(threads)
    base, queries = np.load(base_path), np.load(query_path)
    index = faiss.IndexFlatIP(DIM) if metric == "dot" else faiss.IndexFlatL2(DIM)
    index.add(base)
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        index.search(queries, K)
        best = min(best, time.perf_counter() - start)
    print(len(queries) / best)


def semspace_qps(bench, base_path, query_path):
    env = dict(os.environ, SEMSPACE_BENCH_BASE=base_path, SEMSPACE_BENCH_QUERIES=query_path)
    out = subprocess.run([bench, "--benchmark_format=json", "--benchmark_filter=BM_FlatSearch/[02]/0/",
                          f"--benchmark_repetitions={REPEATS}", "--benchmark_report_aggregates_only=false"],
                         env=env, check=True, capture_output=True, text=True).stdout
    qps = {}
    for run in json.loads(out)["benchmarks"]:
        if run.get("run_type") != "iteration":
            continue
        _, metric, _, threads = run["run_name"].split("/")[:4]
        key = ("l2" if metric == "0" else "dot", int(threads))
        qps[key] = max(qps.get(key, 0), run["qps"])  # best repetition, as for FAISS
    return qps


def main():
    if len(sys.argv) == 6 and sys.argv[1] == "--faiss":
        faiss_worker(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
        return
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    bench = os.path.join(build, "bench", "flat_index_bench")
    rng = np.random.default_rng(7)
    centres = rng.standard_normal((100, DIM)).astype(np.float32)
    base, queries = clustered(rng, ROWS, centres), clustered(rng, QUERIES, centres)
    with tempfile.TemporaryDirectory() as tmp:
        base_path, query_path = os.path.join(tmp, "base.npy"), os.path.join(tmp, "queries.npy")
        np.save(base_path, base)
        np.save(query_path, queries)
        ours = semspace_qps(bench, base_path, query_path)
        theirs = {(metric, threads): faiss_qps(metric, base_path, query_path, threads)
                  for metric in ("dot", "l2") for threads in (1, 2)}
    print(f"exact search, {QUERIES} queries x {ROWS} x {DIM}, k={K}, best of {REPEATS}; load {os.getloadavg()[0]:.2f}")
    print("| metric | threads | semspace q/s | FAISS q/s | semspace / FAISS |")
    print("| --- | --- | --- | --- | --- |")
    for metric in ("dot", "l2"):
        for threads in (1, 2):
            mine, other = ours[(metric, threads)], theirs[(metric, threads)]
            name = "IndexFlatIP" if metric == "dot" else "IndexFlatL2"
            print(f"| {metric} ({name}) | {threads} | {mine:.0f} | {other:.0f} | {mine / other:.2f} |")


if __name__ == "__main__":
    main()

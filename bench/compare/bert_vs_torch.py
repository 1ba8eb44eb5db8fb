"""BERT encoder forward pass, semspace vs PyTorch eager (python3-torch 1.13), same weights and token ids.

usage: /usr/bin/python3 bench/compare/bert_vs_torch.py [BUILD_DIR] [--repeats N]
  (after `ninja -C build bert_bench`)

The model: all-MiniLM-L6-v2's shape (6 layers, hidden 384, 12 heads, FFN 1536, vocab 30522, GELU) with random
weights, written once by tests/reference/bert_reference.py --shape minilm into BUILD_DIR/bench_bert/. Batches of 1
and 32 sequences of 8, 32 and 128 tokens, no padding. semspace: build/bench/bert_bench (Google Benchmark, 1 and
2 threads, OpenBLAS single-threaded inside). PyTorch: the reference's plain torch.nn BertModel in float32 under
torch.inference_mode, torch.set_num_threads 1 and 2 (its OpenBLAS keeps its default thread count; the
OPENBLAS_NUM_THREADS in effect is printed). Time: median of REPEATS calls after 2 warm-up calls.
Prints one markdown row per shape: ms per batch for each contender and semspace(2) / best torch throughput.
"""
import ctypes
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
import bert_reference  # noqa: E402


def load_torch_model(folder):
    config = json.load(open(os.path.join(folder, "config.json")))
    model = bert_reference.Bert(config)
    raw = open(os.path.join(folder, "model.safetensors"), "rb").read()
    length = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + length])
    data = raw[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        tensors[name] = torch.from_numpy(np.frombuffer(data[begin:end], dtype="<f4").reshape(entry["shape"]).copy())
    with torch.no_grad():
        # hf_state returns detached views of the parameters: copying into them fills the parameters.
        for hf_name, view in model.hf_state().items():
            view.copy_(tensors[hf_name])
    return model.eval()


def time_torch(model, ids, threads, repeats):
    torch.set_num_threads(threads)
    mask = torch.ones_like(ids)
    types = torch.zeros_like(ids)
    with torch.inference_mode():
        for _ in range(2):
            model(ids, mask, types)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            x = model(ids, mask, types)
            x.mean(1)  # mean pooling, as semspace does
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def same_blas_kernels_as_semspace(build):
    """The semspace CLI restarts itself with OPENBLAS_CORETYPE when OpenBLAS fell back to its slow generic kernels
    (src/core/kernels/gemm.hpp); bert_bench and torch do not. Restart this script with the kernels `semspace
    --version` reports, so that both contenders run the ones semspace users get."""
    if os.environ.get("OPENBLAS_CORETYPE"):
        return
    version = subprocess.run([os.path.join(build, "semspace"), "--version"], capture_output=True, text=True).stdout
    if "OpenBLAS kernels: " not in version:
        return
    core = version.split("OpenBLAS kernels: ")[1].split(")")[0]
    os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, OPENBLAS_CORETYPE=core))


def main():
    build = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("--") else os.path.join(ROOT, "build")
    same_blas_kernels_as_semspace(build)
    repeats = int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else 10
    folder = os.path.join(build, "bench_bert")
    if not os.path.exists(os.path.join(folder, "gelu", "model.safetensors")):
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests", "reference", "bert_reference.py"), folder,
                        "--shape", "minilm", "--no-outputs"], check=True)
    folder = os.path.join(folder, "gelu")
    env = dict(os.environ, SEMSPACE_BENCH_BERT=folder)
    run = subprocess.run([os.path.join(build, "bench", "bert_bench"), "--benchmark_format=json",
                          f"--benchmark_repetitions={repeats}", "--benchmark_report_aggregates_only=true"],
                         env=env, check=True, capture_output=True, text=True)
    ours = {}
    for b in json.loads(run.stdout)["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        parts = dict(p.split(":") for p in b["run_name"].split("/")[1:] if ":" in p)  # skips real_time
        ours[(int(parts["batch"]), int(parts["tokens"]), int(parts["threads"]))] = b["real_time"]

    model = load_torch_model(folder)
    rng = np.random.default_rng(1)
    # OpenBLAS 0.3.21 does not recognise some newer CPUs and falls back to its SSE3 "Prescott" kernels, 3x slower
    # here; same_blas_kernels_as_semspace has set OPENBLAS_CORETYPE for both contenders then.
    corename = "unknown"
    try:
        blas = ctypes.CDLL("libopenblas.so.0")
        blas.openblas_get_corename.restype = ctypes.c_char_p
        corename = blas.openblas_get_corename().decode()
    except OSError:
        pass
    print(f"torch {torch.__version__}, OpenBLAS core {corename}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, load {os.getloadavg()[0]:.2f}")
    print("| batch x tokens | semspace 1T ms | semspace 2T ms | torch 1T ms | torch 2T ms | semspace 2T / best torch |")
    print("| --- | --- | --- | --- | --- | --- |")
    for batch in (1, 32):
        for tokens in (8, 32, 128):
            ids = torch.from_numpy(rng.integers(0, 30522, (batch, tokens)))
            t1 = time_torch(model, ids, 1, repeats)
            t2 = time_torch(model, ids, 2, repeats)
            s1, s2 = ours[(batch, tokens, 1)], ours[(batch, tokens, 2)]
            print(f"| {batch} x {tokens} | {s1:.2f} | {s2:.2f} | {t1:.2f} | {t2:.2f} | {min(t1, t2) / s2:.2f}x |")


if __name__ == "__main__":
    main()

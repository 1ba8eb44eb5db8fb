"""Transformer inference (issue 4): semspace's BERT runtime vs PyTorch eager and ONNX Runtime, same weights, ids, threads.

usage: /usr/bin/python3 bench/compare/transformer_vs_torch_onnx.py [BUILD_DIR] [--repeats N] [--models minilm,bge_small]
                                                                   [--threads 1,2] [--no-results]
  (after `cmake --build build --target transformer_runner semspace` and `scripts/setup --bench`)

Models (tests/reference/bert_reference.py, random weights, written once into BUILD_DIR/bench_bert/<model>/gelu):
  minilm     all-MiniLM-L6-v2's shape: 6 layers, hidden 384, 12 heads, FFN 1536, vocab 30522; mean pooling + Normalize
  bge_small  bge-small-en-v1.5's shape: the same with 12 layers; CLS pooling + Normalize
Inputs: random ids (numpy seed 1), batch 1 and 32 of 8, 32 and 128 tokens, no padding.
Contenders, each in its own process per (model, threads), all given OPENBLAS_CORETYPE as semspace's CLI picks it:
  semspace  BUILD_DIR/bench/transformer_runner (bench/compare/transformer/semspace_runner.cpp)
  torch     the reference's plain torch.nn BertModel + pooling, float32, torch.inference_mode, set_num_threads(T)
            and OPENBLAS_NUM_THREADS=T; at T=2 also intra-op 1 with OpenBLAS 2 (environment.md's faster setting for
            libtorch), the faster of the two is reported per shape
  ort       onnxruntime-node (bench/compare/onnx/ort_runner.js) on the same model + pooling exported by torch.onnx
            (opset 14, dynamic batch and sequence axes), intraOpNumThreads = T
Before timing, each contender's output for every shape must have cosine > 0.9999 to torch's, row by row.
Time: median of REPEATS calls after one warm-up call. Peak RSS: the runner process's ru_maxrss (model, all shapes).
Writes bench/results/transformer_vs_torch_onnx-<date>.md and regenerates bench/RESULTS.md (unless --no-results).
"""
import datetime
import json
import os
import statistics
import subprocess
import sys
import threading

import numpy as np

from foreign_cpu import ForeignCpu  # bench/compare/foreign_cpu.py, beside this script

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ONNX_DIR = os.path.join(HERE, "onnx")
SHAPES = [(1, 8), (1, 32), (1, 128), (32, 8), (32, 32), (32, 128)]
MIN_COSINE = 0.9999


# ---- the torch side: model loading, the torch runner and the ONNX export run in child processes of this script ----

def load_torch_model(folder):
    """The reference BertModel with the folder's weights, wrapped with the folder's pooling and Normalize."""
    import torch
    sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
    import bert_reference

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
    cls = json.load(open(os.path.join(folder, "1_Pooling", "config.json")))["pooling_mode_cls_token"]

    class Pooled(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            x = self.bert(input_ids, attention_mask, token_type_ids)
            if cls:
                pooled = x[:, 0]
            else:
                keep = attention_mask.unsqueeze(-1).to(x.dtype)
                pooled = (x * keep).sum(1) / keep.sum(1)
            return torch.nn.functional.normalize(pooled, p=2.0, dim=1)

    return Pooled().eval()


def torch_runner(folder, ids_dir, out_dir, threads, repeats, shapes):
    """Same protocol as semspace_runner.cpp and ort_runner.js."""
    import time
    import torch
    torch.set_num_threads(threads)
    model = load_torch_model(folder)
    for shape in shapes.split(","):
        batch, length = map(int, shape.split("x"))
        ids = torch.from_numpy(np.fromfile(os.path.join(ids_dir, f"ids_{batch}_{length}.bin"), dtype="<i8")
                               .reshape(batch, length))
        mask, types = torch.ones_like(ids), torch.zeros_like(ids)
        with torch.inference_mode():
            model(ids, mask, types).numpy().astype("<f4").tofile(os.path.join(out_dir, f"torch_{batch}_{length}.bin"))
            ms = []
            for _ in range(repeats):
                start = time.perf_counter()
                model(ids, mask, types)
                ms.append((time.perf_counter() - start) * 1e3)
        print(json.dumps({"batch": batch, "tokens": length, "ms": ms}), flush=True)


def export_onnx(folder, path):
    import torch
    model = load_torch_model(folder)
    ids = torch.randint(0, 1000, (2, 16))
    torch.onnx.export(model, (ids, torch.ones_like(ids), torch.zeros_like(ids)), path,
                      input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["embedding"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                                    "token_type_ids": {0: "batch", 1: "sequence"}, "embedding": {0: "batch"}},
                      opset_version=14)
    import onnx
    onnx.checker.check_model(path)


# ---- the driver ----

class LoadSampler:
    """The 1-minute load average at start, every 10 s, and at the end, next to the CPU other processes took during
    the run (foreign_cpu.py), which decides whether the run was disturbed: the load average alone cannot, as a
    2-thread contender raises it to 2 by itself."""

    def __init__(self):
        self.samples = [os.getloadavg()[0]]
        self.foreign = ForeignCpu()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop.wait(10):
            self.samples.append(os.getloadavg()[0])

    def finish(self):
        self.stop.set()
        self.samples.append(os.getloadavg()[0])
        self.foreign.stop()
        return self.samples[0], self.samples[-1], max(self.samples), self.foreign


def blas_coretype(build):
    """The kernels semspace's CLI restarts itself with (`semspace --version`), so every contender runs them."""
    if os.environ.get("OPENBLAS_CORETYPE"):
        return os.environ["OPENBLAS_CORETYPE"]
    version = subprocess.run([os.path.join(build, "semspace"), "--version"], capture_output=True, text=True).stdout
    if "OpenBLAS kernels: " in version:
        return version.split("OpenBLAS kernels: ")[1].split(")")[0]
    return None


def run_contender(command, env):
    """Runs one runner process; returns ({(batch, tokens): [ms]}, peak RSS in MB)."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    lines = process.stdout.read().splitlines()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"transformer_vs_torch_onnx: {' '.join(command)} failed with exit code {process.returncode}")
    times = {}
    for line in lines:
        row = json.loads(line)
        times[(row["batch"], row["tokens"])] = row["ms"]
    return times, usage.ru_maxrss / 1024.0


def contender_commands(build, name, folder, onnx_path, ids_dir, out_dir, threads, repeats):
    """(label, command, extra environment) for each configuration of one contender."""
    shapes = ",".join(f"{b}x{t}" for b, t in SHAPES)
    tail = [ids_dir, out_dir, str(threads), str(repeats), shapes]
    if name == "semspace":
        return [("semspace", [os.path.join(build, "bench", "transformer_runner"), folder] + tail, {})]
    if name == "ort":
        return [("ort", ["node", os.path.join(ONNX_DIR, "ort_runner.js"), onnx_path] + tail, {})]
    configs = [(threads, threads)] + ([(1, threads)] if threads > 1 else [])
    return [(f"torch intra-op {intra}, OpenBLAS {blas}",
             [sys.executable, os.path.abspath(__file__), "--torch-runner", folder] + tail[:2] + [str(intra)] + tail[3:],
             {"OPENBLAS_NUM_THREADS": str(blas)}) for intra, blas in configs]


def prepare_model(build, model):
    base = os.path.join(build, "bench_bert", model)
    folder = os.path.join(base, "gelu")
    if not os.path.exists(os.path.join(folder, "model.safetensors")):
        subprocess.run([sys.executable, os.path.join(ROOT, "tests", "reference", "bert_reference.py"), base,
                        "--shape", model, "--no-outputs"], check=True)
    onnx_path = os.path.join(base, "model.onnx")
    if not os.path.exists(onnx_path) or os.path.getmtime(onnx_path) < os.path.getmtime(
            os.path.join(folder, "model.safetensors")):
        subprocess.run([sys.executable, os.path.abspath(__file__), "--export-onnx", folder, onnx_path], check=True,
                       stderr=subprocess.DEVNULL)
    return folder, onnx_path


def write_ids(ids_dir):
    os.makedirs(ids_dir, exist_ok=True)
    rng = np.random.default_rng(1)
    for batch, tokens in SHAPES:
        rng.integers(0, 30522, (batch, tokens)).astype("<i8").tofile(os.path.join(ids_dir, f"ids_{batch}_{tokens}.bin"))


def min_cosine(out_dir, name):
    worst = 1.0
    for batch, tokens in SHAPES:
        ours = np.fromfile(os.path.join(out_dir, f"{name}_{batch}_{tokens}.bin"), dtype="<f4").reshape(batch, -1)
        ref = np.fromfile(os.path.join(out_dir, f"torch_{batch}_{tokens}.bin"), dtype="<f4").reshape(batch, -1)
        cos = (ours * ref).sum(1) / np.linalg.norm(ours, axis=1) / np.linalg.norm(ref, axis=1)
        worst = min(worst, float(cos.min()))
    return worst


def machine():
    cpu = "unknown CPU"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{cpu}, {os.cpu_count()} cores"


def versions():
    torch_version = subprocess.run([sys.executable, "-c", "import torch; print(torch.__version__)"],
                                   capture_output=True, text=True).stdout.strip()
    ort_version = subprocess.run(["node", "-p", "require('onnxruntime-node/package.json').version"], cwd=ONNX_DIR,
                                 capture_output=True, text=True).stdout.strip()
    return torch_version, ort_version


def ratio(a, b):
    return f"{a / b:.2f}x" if b > 0 else "-"


def report(results, rss, cosines, load, command, coretype, repeats):
    """Markdown: the header, one throughput and one latency table per model, peak RSS, agreement and the bars."""
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                           text=True).stdout.strip()
    torch_version, ort_version = versions()
    start, end, peak, foreign = load
    disturbed = foreign.disturbed
    out = ["# Transformer inference (issue 4)", "",
           f"- date: {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, commit {commit}{' (with local changes)' if dirty else ''}",
           f"- machine: {machine()}; OPENBLAS_CORETYPE={coretype} for every contender",
           f"- anchors: PyTorch {torch_version} eager (python3-torch), onnxruntime-node {ort_version} (CPU provider)",
           f"- load average (1 min): {start:.2f} at start, {end:.2f} at end, {peak:.2f} highest sampled (the run's own "
           f"threads count in it); {foreign.sentence()}"
           + (" -- **disturbed**: the machine was shared during this run, so absolute numbers are low and noisy; "
              "ratios are between contenders that ran one after the other" if disturbed else ""),
           f"- method: median of {repeats} calls after one warm-up, each contender in its own process; random weights "
           f"and ids; no padding; outputs pooled and normalised in every contender",
           f"- command: `{command}`", ""]
    bars = []
    for model, per_threads in results.items():
        title = {"minilm": "all-MiniLM-L6-v2 shape (6 layers, mean pooling)",
                 "bge_small": "bge-small shape (12 layers, CLS pooling)"}.get(model, model)
        out += [f"## {title}", "",
                "Throughput at batch 32 (sentences/s, higher is better):", "",
                "| tokens | threads | semspace | torch | ORT | semspace / torch | semspace / ORT |",
                "| --- | --- | --- | --- | --- | --- | --- |"]
        for tokens in (8, 32, 128):
            for threads, r in per_threads.items():
                s, t, o = (32e3 / r[name][(32, tokens)] for name in ("semspace", "torch", "ort"))
                out.append(f"| {tokens} | {threads} | {s:.0f} | {t:.0f} | {o:.0f} | {ratio(s, t)} | {ratio(s, o)} |")
                bars.append((s >= 1.5 * t, s >= o, None))
        out += ["", "Latency at batch 1 (ms, median, lower is better):", "",
                "| tokens | threads | semspace | torch | ORT | torch / semspace | ORT / semspace |",
                "| --- | --- | --- | --- | --- | --- | --- |"]
        for tokens in (8, 32, 128):
            for threads, r in per_threads.items():
                s, t, o = (r[name][(1, tokens)] for name in ("semspace", "torch", "ort"))
                out.append(f"| {tokens} | {threads} | {s:.2f} | {t:.2f} | {o:.2f} | {ratio(t, s)} | {ratio(o, s)} |")
                bars.append((None, None, s <= o))
        out += ["", "Peak RSS (MB, whole runner process: model + all shapes; node's own runtime included for ORT):", "",
                "| threads | semspace | torch | ORT |", "| --- | --- | --- | --- |"]
        for threads in per_threads:
            m = rss[(model, threads)]
            out.append(f"| {threads} | {m['semspace']:.0f} | {m['torch']:.0f} | {m['ort']:.0f} |")
        c = cosines[model]
        out += ["", f"Agreement with torch (lowest cosine over every output row): semspace {c['semspace']:.7f}, "
                    f"ORT {c['ort']:.7f} (required > {MIN_COSINE}).", ""]
        torch_configs = sorted({label for r in per_threads.values() for label in r["torch_config"].values()})
        out += [f"torch configurations (the faster per shape is shown): {'; '.join(torch_configs)}.", ""]

    def count(index):
        rows = [b[index] for b in bars if b[index] is not None]
        return f"{sum(rows)} of {len(rows)}"
    out += ["## Bars (issue 4)", "",
            f"- f32 throughput >= 1.5x PyTorch (batch 32 rows): {count(0)}",
            f"- f32 throughput >= ONNX Runtime (batch 32 rows): {count(1)}",
            f"- single-sentence latency <= ONNX Runtime (batch 1 rows): {count(2)}"]
    return "\n".join(out) + "\n"


def main():
    if "--torch-runner" in sys.argv:
        i = sys.argv.index("--torch-runner")
        folder, ids_dir, out_dir, threads, repeats, shapes = sys.argv[i + 1:i + 7]
        torch_runner(folder, ids_dir, out_dir, int(threads), int(repeats), shapes)
        return
    if "--export-onnx" in sys.argv:
        i = sys.argv.index("--export-onnx")
        export_onnx(sys.argv[i + 1], sys.argv[i + 2])
        return

    def option(name, default):
        return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("--")
                            else os.path.join(ROOT, "build"))
    repeats = int(option("--repeats", "5"))
    models = option("--models", "minilm,bge_small").split(",")
    thread_counts = [int(t) for t in option("--threads", "1,2").split(",")]
    if not os.path.exists(os.path.join(ONNX_DIR, "node_modules", "onnxruntime-node")):
        sys.exit("transformer_vs_torch_onnx: onnxruntime-node is not installed; run scripts/setup --bench")
    runner = os.path.join(build, "bench", "transformer_runner")
    if not os.path.exists(runner):
        sys.exit(f"transformer_vs_torch_onnx: {runner} is missing; cmake --build {build} --target transformer_runner")

    coretype = blas_coretype(build)
    env = dict(os.environ, **({"OPENBLAS_CORETYPE": coretype} if coretype else {}))
    ids_dir = os.path.join(build, "bench_bert", "ids")
    write_ids(ids_dir)
    load = LoadSampler()
    results, rss, cosines = {}, {}, {}
    for model in models:
        folder, onnx_path = prepare_model(build, model)
        out_dir = os.path.join(build, "bench_bert", model, "outputs")
        os.makedirs(out_dir, exist_ok=True)
        # Agreement first: every contender once (no timed repeats) on every shape, compared with torch.
        for name in ("torch", "semspace", "ort"):
            _, command, extra = contender_commands(build, name, folder, onnx_path, ids_dir, out_dir, 1, 0)[0]
            run_contender(command, dict(env, **extra))
        cosines[model] = {name: min_cosine(out_dir, name) for name in ("semspace", "ort")}
        print(f"{model}: lowest cosine to torch: {cosines[model]}", file=sys.stderr)
        for name, value in cosines[model].items():
            if not value > MIN_COSINE:
                sys.exit(f"transformer_vs_torch_onnx: {model}: {name} output disagrees with torch (cosine {value:.6f} "
                         f"<= {MIN_COSINE}); not timing a wrong model")
        results[model] = {}
        for threads in thread_counts:
            r = {"torch_config": {}}
            rss[(model, threads)] = {}
            for name in ("semspace", "torch", "ort"):
                for label, command, extra in contender_commands(build, name, folder, onnx_path, ids_dir, out_dir,
                                                                threads, repeats):
                    times, peak = run_contender(command, dict(env, **extra))
                    medians = {shape: statistics.median(ms) for shape, ms in times.items()}
                    print(f"{model} {threads}T {label}: " + ", ".join(f"{b}x{t} {m:.2f} ms" for (b, t), m in
                                                                    medians.items()) + f"; peak RSS {peak:.0f} MB",
                          file=sys.stderr)
                    best = r.setdefault(name, {})
                    for shape, m in medians.items():
                        if shape not in best or m < best[shape]:
                            best[shape] = m
                            if name == "torch":
                                r["torch_config"][shape] = label
                    rss[(model, threads)][name] = max(rss[(model, threads)].get(name, 0), peak)
            results[model][threads] = r

    command = "/usr/bin/python3 bench/compare/transformer_vs_torch_onnx.py " + " ".join(sys.argv[1:])
    text = report(results, rss, cosines, load.finish(), command.strip(), coretype, repeats)
    print(text)
    if "--no-results" not in sys.argv:
        path = os.path.join(ROOT, "bench", "results", f"transformer_vs_torch_onnx-{datetime.date.today():%Y-%m-%d}.md")
        with open(path, "w") as f:
            f.write(text)
        subprocess.run([os.path.join(ROOT, "bench", "update_results.sh")], check=True)


if __name__ == "__main__":
    main()

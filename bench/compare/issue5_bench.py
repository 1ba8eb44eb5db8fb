"""What the issue-5 comparisons (classify_vs_sklearn.py, kmeans_pca_vs_sklearn_faiss.py) share: the thread count
(THREADS, default 2, given to OpenMP and OpenBLAS here, so import this before numpy, scikit-learn or FAISS),
running build/semspace under a wall clock, medians of repeated runs, embedding texts with semspace, and the report
header (date, commit, machine, load) every bench/results/*.md starts with."""
import datetime
import json
import os
import platform
import statistics
import subprocess
import time

from foreign_cpu import ForeignCpu  # bench/compare/foreign_cpu.py, beside this script

THREADS = int(os.environ.get("THREADS", 2))
REPEATS = int(os.environ.get("REPEATS", 3))
os.environ["OMP_NUM_THREADS"] = str(THREADS)
os.environ["OPENBLAS_NUM_THREADS"] = str(THREADS)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def semspace_binary(build_dir):
    return os.path.join(build_dir, "semspace")


def run_timed(cmd, env=None, stdin=None):
    """(wall seconds, stdout) of one process."""
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env, input=stdin).stdout
    return time.perf_counter() - start, out


def median_of(repeats, fn):
    """fn() -> (seconds, result); the median seconds over `repeats` runs and the last result."""
    times, result = [], None
    for _ in range(repeats):
        seconds, result = fn()
        times.append(seconds)
    return statistics.median(times), result


def embed_lines(build_dir, lines, out_npy, threads):
    """semspace embed --model default (SIF over the default word vectors) of one text per line."""
    text = "".join(line.replace("\n", " ").replace("\r", " ") + "\n" for line in lines)
    subprocess.run([semspace_binary(build_dir), "embed", "--model", "default", "--threads", str(threads),
                    "--output", out_npy], input=text, check=True, capture_output=True, text=True)


def cpu_name():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


class RunStart:
    """What the report header needs from the start of a run: the load average then, and the CPU other processes
    take from now on (foreign_cpu.py), which decides whether the run was disturbed."""

    def __init__(self):
        self.load = load_average()
        self.foreign = ForeignCpu()


def report_header(title, command, run, extra_lines):
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    foreign = run.foreign.stop()
    lines = [f"# {title}", ""]
    if foreign.disturbed:
        lines += [f"**Disturbed run: other processes used {foreign.percent:.1f}% of the machine's CPU while it ran, so "
                  "the timings are not results; they only show that the harness works.**", ""]
    lines += [f"- date: {datetime.date.today().isoformat()}; commit: {commit}",
              f"- machine: {cpu_name()}; {os.cpu_count()} cores; OPENBLAS_CORETYPE="
              f"{os.environ.get('OPENBLAS_CORETYPE', 'unset')}; load average (1/5/15 min) at start: {run.load}, "
              f"at end: {load_average()}; {foreign.sentence()}"]
    lines += [f"- {line}" for line in extra_lines]
    lines.append(f"- reproduce: `{command}`")
    return "\n".join(lines) + "\n"


def reproduce(script):
    """The command that ran this script, with the OpenBLAS kernels it ran on (set, or left to semspace)."""
    core = os.environ.get("OPENBLAS_CORETYPE")
    prefix = f"OPENBLAS_CORETYPE={core}" if core else "env -u OPENBLAS_CORETYPE"
    return f"{prefix} /usr/bin/python3 bench/compare/{script} build"


def write_report(name, text):
    path = os.path.join(ROOT, "bench", "results", f"{name}-{datetime.date.today().isoformat()}.md")
    with open(path, "w") as f:
        f.write(text)
    return path


def json_line(text):
    return json.loads(text.strip().splitlines()[-1])

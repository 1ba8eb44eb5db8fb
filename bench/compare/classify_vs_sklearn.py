#!/usr/bin/python3
"""Classification, semspace `classify` vs scikit-learn, same data, same threads (2), fixed settings.

Data: (1) every labelled text of shared/data's three classification sets (AG News test.csv, 4 topics; SMS Spam
Collection, ham/spam; SpamAssassin e-mail, ham/spam: 19,220 texts, 8 classes, label = set + class), embedded once by
`semspace embed --model default` (SIF over the default word vectors); (2) scikit-learn's digits (1,797 x 64). Each
is split once 75/25, stratified, random_state 0. Settings are fixed in advance, not tuned on the test split:
logistic regression C = 1, max_iter 100 (both tools' default), tol 1e-4, multinomial; k-NN k = 10, uniform votes,
cosine distance (texts) and Euclidean (digits), brute force.
Measured: fit seconds (semspace: the `fit_seconds` that `classify train --folds 0 --json` reports for the library
call alone; sklearn: fit()), predict seconds (semspace: `predict_seconds` of `classify predict --json`; sklearn:
predict()), test accuracy; also semspace's whole-process seconds (start-up, reading .npy, writing files).
Median of REPEATS runs (default 3).
Usage: OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 bench/compare/classify_vs_sklearn.py [BUILD_DIR]
(env: REPEATS, THREADS). Writes bench/results/classify_vs_sklearn-<date>.md; then bench/update_results.sh.
"""
import csv
import json
import os
import sys
import tempfile
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import issue5_bench as bench  # noqa: E402  (sets the thread count before numpy loads OpenBLAS)
from issue5_bench import REPEATS, THREADS  # noqa: E402

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402

DATA = os.path.join(os.path.dirname(bench.ROOT), "shared", "data")
MAX_CHARS = 2000  # e-mails are long; SIF over the first 2,000 characters


def labelled_texts():
    texts, labels = [], []
    topics = ["world", "sports", "business", "scitech"]
    with open(os.path.join(DATA, "ag_news", "test.csv"), newline="") as f:
        for cls, title, description in csv.reader(f):
            texts.append(f"{title}. {description}")
            labels.append("news_" + topics[int(cls) - 1])
    with open(os.path.join(DATA, "sms_spam", "SMSSpamCollection.tsv")) as f:
        for line in f:
            label, text = line.rstrip("\n").split("\t", 1)
            texts.append(text)
            labels.append("sms_" + label)
    for kind in ("ham", "spam"):
        with open(os.path.join(DATA, "spam_assassin", f"spam_assassin_{kind}.jsonl")) as f:
            for line in f:
                record = json.loads(line)
                texts.append((record.get("subject", "") + ". " + record["text"])[:MAX_CHARS])
                labels.append("email_" + kind)
    return texts, labels


def write_split(folder, name, x, y):
    np.save(os.path.join(folder, f"{name}.npy"), x.astype(np.float32))
    with open(os.path.join(folder, f"{name}.txt"), "w") as f:
        f.write("".join(f"{label}\n" for label in y))


def semspace_side(build_dir, folder, method, extra):
    """(fit s, predict s, accuracy, train process s, predict process s); library seconds from --json."""
    binary = bench.semspace_binary(build_dir)
    model = os.path.join(folder, f"{method}.clf")

    def timed(cmd, key):
        def run():
            wall, out = bench.run_timed(cmd)
            result = bench.json_line(out)
            return result[key], (wall, result)
        return run

    fit_s, (train_wall, trained) = bench.median_of(REPEATS, timed(
        [binary, "classify", "train", "--input", os.path.join(folder, "train.npy"), "--labels",
         os.path.join(folder, "train.txt"), "--method", method, "--folds", "0", "--threads", str(THREADS),
         "--output", model, "--json"] + extra, "fit_seconds"))
    predict_s, (predict_wall, result) = bench.median_of(REPEATS, timed(
        [binary, "classify", "predict", "--input", os.path.join(folder, "test.npy"), "--classifier", model,
         "--threads", str(THREADS), "--json"], "predict_seconds"))
    with open(os.path.join(folder, "test.txt")) as f:
        truth = [line.rstrip("\n") for line in f]
    accuracy = float(np.mean([a == b for a, b in zip(result["labels"], truth)]))
    iterations = f"{trained['iterations']}{'' if trained['converged'] else ' (max)'}" if "iterations" in trained else "-"
    return fit_s, predict_s, accuracy, train_wall, predict_wall, iterations


def sklearn_side(model, x_train, y_train, x_test, y_test):
    def fit():
        start = bench.time.perf_counter()
        model.fit(x_train, y_train)
        return bench.time.perf_counter() - start, None

    def predict():
        start = bench.time.perf_counter()
        p = model.predict(x_test)
        return bench.time.perf_counter() - start, p

    fit_s, _ = bench.median_of(REPEATS, fit)
    predict_s, predicted = bench.median_of(REPEATS, predict)
    iterations = f"{model.n_iter_[0]}{' (max)' if model.n_iter_[0] >= model.max_iter else ''}" if hasattr(model, "n_iter_") else "-"
    return fit_s, predict_s, float(np.mean(predicted == y_test)), iterations


def compare(build_dir, name, x, y, knn_metric, rows_out):
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, stratify=y, random_state=0)
    with tempfile.TemporaryDirectory() as folder:
        write_split(folder, "train", x_train, y_train)
        write_split(folder, "test", x_test, y_test)
        x_train32, x_test32 = x_train.astype(np.float32), x_test.astype(np.float32)
        for method, ours_flags, theirs in (
                ("logistic", ["--C", "1", "--max-iter", "100"],
                 LogisticRegression(C=1.0, max_iter=100, multi_class="multinomial")),
                ("knn", ["--k", "10", "--metric", "cosine" if knn_metric == "cosine" else "l2"],
                 KNeighborsClassifier(n_neighbors=10, metric=knn_metric, algorithm="brute", n_jobs=THREADS))):
            ours = semspace_side(build_dir, folder, method, ours_flags)
            ref = sklearn_side(theirs, x_train32, y_train, x_test32, y_test)
            rows_out.append(f"| {name} | {method} | {ours[0]:.4f} | {ref[0]:.4f} | {ref[0] / ours[0]:.2f} | "
                            f"{ours[1]:.4f} | {ref[1]:.4f} | {ref[1] / ours[1]:.2f} | {ours[2]:.4f} | {ref[2]:.4f} | "
                            f"{ours[5]} / {ref[3]} | {ours[3]:.3f} / {ours[4]:.3f} |")
            print(rows_out[-1], flush=True)


def main():
    warnings.filterwarnings("ignore", category=ConvergenceWarning)  # stated in the report instead
    build_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(bench.ROOT, "build")
    run_start = bench.RunStart()
    rows = []
    texts, labels = labelled_texts()
    with tempfile.TemporaryDirectory() as folder:
        vectors = os.path.join(folder, "texts.npy")
        bench.embed_lines(build_dir, texts, vectors, THREADS)
        x = np.load(vectors)
    compare(build_dir, f"texts {len(texts)} x {x.shape[1]}, {len(set(labels))} classes", x, np.array(labels),
            "cosine", rows)
    digits = load_digits()
    compare(build_dir, "digits 1797 x 64, 10 classes", digits.data.astype(np.float32),
            np.array([str(v) for v in digits.target]), "euclidean", rows)
    header = bench.report_header(
        "Classification vs scikit-learn (issue 5)",
        bench.reproduce("classify_vs_sklearn.py"), run_start,
        [f"anchor: scikit-learn {sklearn.__version__} (Debian python3-sklearn), numpy {np.__version__}; threads "
         f"{THREADS} (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS; n_jobs for k-NN; semspace --threads)",
         "data: texts = AG News test.csv + SMS Spam Collection + SpamAssassin (shared/data), embedded by `semspace "
         "embed --model default` (SIF, dim 100); digits = scikit-learn's; each split 75/25, stratified, "
         "random_state 0",
         "settings fixed in advance: logistic C 1, max_iter 100, tol 1e-4, multinomial; k-NN k 10, uniform, brute "
         "force, cosine (texts) / Euclidean (digits)",
         "seconds: median of " + str(REPEATS) + " runs of the library calls (semspace: fit_seconds / "
         "predict_seconds from --json; scikit-learn: fit() / predict() on float32); speed-up = scikit-learn "
         "seconds / semspace seconds; the last column is semspace's whole train / predict processes (start-up "
         "~0.07 s, reading .npy, writing the classifier or the JSON)",
         "L-BFGS iterations: \"(max)\" = stopped at max_iter 100 without meeting tol (scikit-learn warns; the "
         "warning is silenced here)"])
    table = ["| data | method | semspace fit s | sklearn fit s | fit speed-up | semspace predict s | "
             "sklearn predict s | predict speed-up | semspace accuracy | sklearn accuracy | L-BFGS iterations semspace / "
             "sklearn | semspace processes s |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"] + rows
    path = bench.write_report("classify_vs_sklearn", header + "\n" + "\n".join(table) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

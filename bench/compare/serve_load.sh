#!/usr/bin/env bash
# HTTP serving under load (issue 6): wrk against POST /v1/embeddings (one short text per request) and
# POST /collections/demo/search (a text query) at several concurrencies; the in-process library's throughput and
# single-text latency on the same texts (semspace embed, start-up subtracted) for the 90% bar; the server's RSS
# over a soak. Writes bench/results/serve_load-DATE.md and regenerates bench/RESULTS.md.
#
#   MODEL=minilm        a random all-MiniLM-L6-v2-shaped transformer (tests/reference/bert_reference.py), or any
#                       --model spec (default = the word-vector default model)
#   CONCURRENCY="1 8 16 64"  DURATION=10 (seconds per wrk run)  SOAK_SECONDS=300  THREADS=2 (model threads)
#   MAX_WAIT_MS=5  MAX_BATCH=64  TEXTS=2000 (texts for the in-process run)
#   bench/compare/serve_load.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build}
MODEL=${MODEL:-minilm}
CONCURRENCY=${CONCURRENCY:-"1 8 16 64"}
DURATION=${DURATION:-10}
SOAK_SECONDS=${SOAK_SECONDS:-300}
THREADS=${THREADS:-2}
MAX_WAIT_MS=${MAX_WAIT_MS:-5}
MAX_BATCH=${MAX_BATCH:-64}
TEXTS=${TEXTS:-2000}
PORT=${PORT:-18080}
# OPENBLAS_CORETYPE is left as the caller has it: unset, semspace picks the kernels itself (see `semspace --version`,
# which the report records); server and in-process runs inherit the same.
SEMSPACE_HOME=${SEMSPACE_HOME:-$HOME/.cache/semspace}
export SEMSPACE_HOME
command -v wrk >/dev/null || { echo "serve_load: wrk is missing: scripts/setup --bench" >&2; exit 1; }
semspace=$build/semspace
work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then kill -TERM "$server_pid"; wait "$server_pid" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
source "$root/bench/compare/lib/foreign_cpu.sh"  # whether other processes took CPU during the run
foreign_cpu_start "$work"

model=$MODEL
if [[ "$MODEL" == minilm ]]; then
  folder=$build/bench_bert
  if [[ ! -f $folder/gelu/model.safetensors ]]; then
    /usr/bin/python3 "$root/tests/reference/bert_reference.py" "$folder" --shape minilm --no-outputs >/dev/null
  fi
  model=$folder/gelu
  # That folder has weights but no tokenizer (the runtime bench feeds ids): a BERT-style vocab.txt of the vocabulary
  # size, special tokens at BERT's ids, single characters and their ## forms, then the corpus's most frequent words.
  if [[ ! -f $model/vocab.txt ]]; then
    /usr/bin/python3 - "$SEMSPACE_HOME/corpus/entries.jsonl" "$model/vocab.txt" <<'PY'
import collections, json, os, re, string, sys
source, out = sys.argv[1], sys.argv[2]
vocab = ["[PAD]"] + [f"[unused{i}]" for i in range(99)] + ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
chars = list(string.ascii_lowercase + string.digits + string.punctuation)
vocab += chars + ["##" + c for c in string.ascii_lowercase + string.digits]
counts = collections.Counter()
if os.path.exists(source):
    with open(source) as f:
        for i, line in enumerate(f):
            counts.update(re.findall(r"[a-z]+", json.loads(line).get("text", "").lower()))
            if i > 50000:
                break
seen = set(vocab)
for word, _ in counts.most_common():
    if len(vocab) >= 30522:
        break
    if word not in seen:
        vocab.append(word)
        seen.add(word)
while len(vocab) < 30522:
    vocab.append(f"[unused{len(vocab)}]")
with open(out, "w") as f:
    f.write("\n".join(vocab) + "\n")
PY
  fi
fi

# Short texts: the first words of WordNet glosses from the demo corpus when present, else generated sentences.
/usr/bin/python3 - "$SEMSPACE_HOME/corpus/entries.jsonl" "$work" "$TEXTS" "$model" <<'PY'
import json, os, random, sys
source, work, count, model = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
texts = []
if os.path.exists(source):
    with open(source) as f:
        for line in f:
            text = json.loads(line).get("text", "")
            words = text.split()[:12]
            if len(words) >= 3:
                texts.append(" ".join(words))
            if len(texts) >= count:
                break
rng = random.Random(1)
vocab = "the a king queen man woman apple fruit car road fast slow red green blue eat breakfast healthy food city".split()
while len(texts) < count:
    texts.append(" ".join(rng.choice(vocab) for _ in range(rng.randint(4, 12))))
with open(os.path.join(work, "texts.txt"), "w") as f:
    f.write("\n".join(texts) + "\n")
with open(os.path.join(work, "embed.jsonl"), "w") as f:
    for t in texts:
        f.write(json.dumps({"input": t, "model": model}) + "\n")
with open(os.path.join(work, "search.jsonl"), "w") as f:
    for t in texts:
        f.write(json.dumps({"text": t, "k": 10}) + "\n")
PY
mean_words=$(awk '{ n += NF } END { printf "%.1f", n / NR }' "$work/texts.txt")

seconds() { /usr/bin/time -f %e "$@" 2>&1 >/dev/null | tail -1; }
# In-process: semspace embed on all texts minus the same command on one text (start-up and model load).
head -1 "$work/texts.txt" > "$work/one.txt"
head -201 "$work/texts.txt" > "$work/some.txt"
embed=("$semspace" embed --model "$model" --pooling mean --threads "$THREADS" --output "$work/out.npy")
t_one=$(seconds "${embed[@]}" --batch "$MAX_BATCH" < "$work/one.txt")
t_all=$(seconds "${embed[@]}" --batch "$MAX_BATCH" < "$work/texts.txt")
t_one_b1=$(seconds "${embed[@]}" --batch 1 < "$work/one.txt")
t_some_b1=$(seconds "${embed[@]}" --batch 1 < "$work/some.txt")
inproc_tps=$(python3 -c "print(round(($TEXTS - 1) / max($t_all - $t_one, 1e-9), 1))")
inproc_latency_ms=$(python3 -c "print(round(($t_some_b1 - $t_one_b1) / 200 * 1000, 2))")

db_flag=()
"$semspace" serve --port "$PORT" --model "$model" --threads "$THREADS" --max-wait-ms "$MAX_WAIT_MS" \
  --max-batch "$MAX_BATCH" "${db_flag[@]}" > "$work/serve.out" 2> "$work/serve.err" &
server_pid=$!
for _ in $(seq 200); do curl -fs "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "http://127.0.0.1:$PORT/health" >/dev/null || { cat "$work/serve.err" >&2; exit 1; }
has_demo=$(curl -fs "http://127.0.0.1:$PORT/collections/demo" >/dev/null 2>&1 && echo yes || echo no)

run_wrk() {  # path bodies connections seconds -> RESULT json
  SERVE_BODIES=$2 wrk -t1 -c"$3" -d"$4s" --timeout 30s -s "$root/bench/compare/serve_load.lua" \
    "http://127.0.0.1:$PORT$1" | sed -n 's/^RESULT //p'
}
row() {  # name connections json
  python3 - "$1" "$2" "$3" "$inproc_tps" <<'PY'
import json, sys
name, c, r, inproc = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]), float(sys.argv[4])
rps = r["requests"] / (r["duration_us"] / 1e6)
ratio = f"{rps / inproc:.2f}" if name == "/v1/embeddings" else ""
print(f"| {name} | {c} | {rps:.1f} | {rps:.1f} | {r['p50_us'] / 1000:.2f} | {r['p99_us'] / 1000:.2f} | "
      f"{r['non2xx'] + r['socket_errors']} | {ratio} |")
PY
}
rows=()
warm=$(run_wrk /v1/embeddings "$work/embed.jsonl" 4 3)  # warm-up; every request must succeed
python3 -c "import json,sys; r=json.loads(sys.argv[1]); sys.exit(r['non2xx'] + r['socket_errors'] > 0)" "$warm" ||
  { echo "serve_load: errors in the warm-up: $warm" >&2; curl -s "http://127.0.0.1:$PORT/v1/embeddings" -d "$(head -1 "$work/embed.jsonl")" >&2; exit 1; }
for c in $CONCURRENCY; do
  rows+=("$(row /v1/embeddings "$c" "$(run_wrk /v1/embeddings "$work/embed.jsonl" "$c" "$DURATION")")")
done
if [[ $has_demo == yes ]]; then
  for c in $CONCURRENCY; do
    rows+=("$(row "/collections/demo/search" "$c" "$(run_wrk /collections/demo/search "$work/search.jsonl" "$c" "$DURATION")")")
  done
fi
batches=$(curl -fs "http://127.0.0.1:$PORT/metrics" |
  awk '/^semspace_embedding_batch_size_count /{ n = $2 } /^semspace_embedding_batch_size_sum /{ t = $2 }
       END { printf "%d model calls for %d texts (%.1f texts per call)", n, t, n ? t / n : 0 }')

# Soak: /v1/embeddings at concurrency 16 for SOAK_SECONDS; RSS sampled every 5 s (the first sample after 10 s of load).
rss() { awk '/^VmRSS/{ print $2 }' "/proc/$server_pid/status"; }
run_wrk /v1/embeddings "$work/embed.jsonl" 16 "$SOAK_SECONDS" > "$work/soak.json" &
wrk_pid=$!
sleep 10
samples=()
while kill -0 "$wrk_pid" 2>/dev/null; do samples+=("$(rss)"); sleep 5; done
wait "$wrk_pid"
soak=$(cat "$work/soak.json")
soak_summary=$(python3 - "${samples[*]}" "$soak" <<'PY'
import json, sys
s = [int(x) for x in sys.argv[1].split()]
r = json.loads(sys.argv[2])
growth = (s[-1] - s[0]) / s[0] * 100 if s else float("nan")
print(f"{len(s)} samples; RSS first {s[0] / 1024:.1f} MB, last {s[-1] / 1024:.1f} MB, max {max(s) / 1024:.1f} MB; "
      f"growth first->last {growth:+.2f}%; {r['requests']} requests, {r['non2xx'] + r['socket_errors']} errors, "
      f"p99 {r['p99_us'] / 1000:.2f} ms")
PY
)
kill -TERM "$server_pid"
wait "$server_pid" && drained="exit 0 after SIGTERM" || drained="exit $? after SIGTERM"
server_pid=
foreign_cpu_stop "$work"

date=$(date -u +%F)
mkdir -p "$root/bench/results"
report=$root/bench/results/serve_load-$date.md
{
  echo "# HTTP serving (issue 6)"
  echo
  if [[ $disturbed == 1 ]]; then
    echo "**Disturbed run: other processes used $foreign_percent% of the machine's CPU while it ran, so the numbers"
    echo "are not results; they only show that the harness works.**"
    echo
  fi
  echo "- date: $date; commit: $(git -C "$root" rev-parse --short HEAD)"
  echo "- machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(nproc) cores; load average at end: $(cut -d' ' -f1-3 /proc/loadavg); $foreign_cpu_sentence"
  echo "- $("$semspace" --version); OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}"
  echo "- model: $MODEL ($model); texts: $TEXTS short texts, mean $mean_words words (WordNet glosses cut to 12 words); one text per request"
  echo "- server: \`semspace serve --model M --threads $THREADS --max-wait-ms $MAX_WAIT_MS --max-batch $MAX_BATCH\`; wrk $(wrk -v 2>&1 | head -1 | cut -d' ' -f2), 1 thread, $DURATION s per row, on the same 2 cores as the server"
  echo "- in-process (same texts, same threads): \`semspace embed --pooling mean --batch $MAX_BATCH\`, start-up subtracted: $inproc_tps texts/s; single text (batch 1): $inproc_latency_ms ms"
  echo "- ratio = HTTP texts/s over in-process texts/s (bar: >= 0.90 at concurrency 16); errors = non-2xx + socket errors"
  echo "- embedding batches before the soak: $batches"
  echo "- soak (concurrency 16, $SOAK_SECONDS s): $soak_summary; server $drained"
  echo "- reproduce: \`MODEL=$MODEL CONCURRENCY=\"$CONCURRENCY\" DURATION=$DURATION SOAK_SECONDS=$SOAK_SECONDS THREADS=$THREADS bench/compare/serve_load.sh\`"
  echo
  echo "| endpoint | concurrency | req/s | texts/s | p50 ms | p99 ms | errors | ratio to in-process |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${rows[@]}"
} > "$report"
cat "$report"
bash "$root/bench/update_results.sh"

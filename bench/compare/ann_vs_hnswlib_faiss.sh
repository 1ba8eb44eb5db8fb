#!/usr/bin/env bash
# Benchmark (not a test): nearest-neighbour search, semspace vs hnswlib and FAISS, on clustered Gaussian vectors
# and on vectors made by semspace. See bench/compare/README.md for what is compared. Environment:
#   N=1000000          clustered base vectors (N=100000 for a check run); DIM=128, CLUSTERS=1000, QUERIES=1000
#   SEED=42            data, held-out queries and filter
#   THREADS="1 2"      search threads; BUILD_THREADS (default = THREADS) build threads
#   EFS="10 16 32 64 128 256 512"  ef values of every recall/QPS curve (10 = k: brackets recall 0.95 when ef 16
#                      already exceeds it); REPEATS=3 (best QPS of the repeats)
#   DATASETS="clustered words sentences"
#   FAMILIES="semspace hnswlib hnswlib-native faiss"   which libraries to run
#   SQ8_RERANK="0 -1"  one semspace HnswIndex sq8 row per re-ranking depth (0 = auto: min(ef, 3k); -1 = none)
#   REAL_N=0           if > 0, use only the first REAL_N word / sentence vectors (before holding out queries)
#   MODEL=             default $SEMSPACE_HOME/models/default.sem (word vectors; also embeds the sentences)
#   ENTRIES=           default $SEMSPACE_HOME/corpus/entries.jsonl (demo collection entries, "text" field)
#   WORK_DIR=          data, ground truth and per-run files; default $SEMSPACE_HOME/bench/ann. Data and ground
#                      truth are reused when present, so an interrupted run restarts without regenerating them.
#   BUILD_DIR=         default <repo>/build
#   RESULTS_DIR=       default <repo>/bench/results (then bench/update_results.sh regenerates RESULTS.md)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SEMSPACE_HOME=${SEMSPACE_HOME:-$HOME/.cache/semspace}
export SEMSPACE_HOME
N=${N:-1000000}
DIM=${DIM:-128}
CLUSTERS=${CLUSTERS:-1000}
QUERIES=${QUERIES:-1000}
SEED=${SEED:-42}
THREADS=${THREADS:-1 2}
BUILD_THREADS=${BUILD_THREADS:-$THREADS}
EFS=${EFS:-10 16 32 64 128 256 512}
REPEATS=${REPEATS:-3}
DATASETS=${DATASETS:-clustered words sentences}
FAMILIES=${FAMILIES:-semspace hnswlib hnswlib-native faiss}
SQ8_RERANK=${SQ8_RERANK:-0 -1}
REAL_N=${REAL_N:-0}
MODEL=${MODEL:-$SEMSPACE_HOME/models/default.sem}
ENTRIES=${ENTRIES:-$SEMSPACE_HOME/corpus/entries.jsonl}
WORK_DIR=${WORK_DIR:-$SEMSPACE_HOME/bench/ann}
BUILD_DIR=${BUILD_DIR:-$repo/build}
RESULTS_DIR=${RESULTS_DIR:-$repo/bench/results}
M=16 EF_CONSTRUCTION=200
prog=$BUILD_DIR/bench/ann_vs_hnswlib_faiss
semspace=$BUILD_DIR/semspace
python=/usr/bin/python3

log() { echo "ann_vs_hnswlib_faiss: $*" >&2; }
csv() { echo "$*" | tr -s ' ' ',' | sed 's/^,//; s/,$//'; }
[[ -x $prog ]] || { log "$prog not built: install the anchors (scripts/setup --bench) and run make"; exit 1; }

# Whether other processes took CPU during the run (the load average cannot tell): see lib/foreign_cpu.sh.
source "$repo/bench/compare/lib/foreign_cpu.sh"
load_start=$(cut -d" " -f1-3 /proc/loadavg)
start_seconds=$SECONDS
run_dir=$WORK_DIR/runs/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$run_dir"
# The highest 1-minute load average seen while the run lasts (sampled every 15 s by a child we stop at the end).
( while sleep 15; do cut -d" " -f1 /proc/loadavg; done > "$run_dir/load.txt" ) &
load_sampler=$!
foreign_cpu_start "$run_dir"
trap 'kill "$load_sampler" 2>/dev/null || true' EXIT

key_of() { stat -c '%s-%Y' "$@" | md5sum | cut -c1-10; }
skipped=()   # report lines for data sets that could not be run
ran=()       # data set sections, in order

# run_dataset NAME DIR METRIC DESCRIPTION
run_dataset() {
  local name=$1 dir=$2 metric=$3 description=$4
  log "running $name ($dir)"
  "$prog" run --dir "$dir" --name "$name" --metric "$metric" --description "$description" \
    --markdown "$run_dir/$name.md" --tsv "$run_dir/$name.tsv" \
    --threads "$(csv "$THREADS")" --build-threads "$(csv "$BUILD_THREADS")" --ef "$(csv "$EFS")" \
    --families "$(csv "$FAMILIES")" --sq8-rerank "$(csv "$SQ8_RERANK")" --repeats "$REPEATS" \
    --m $M --ef-construction $EF_CONSTRUCTION --seed "$SEED" 2> >(tee "$run_dir/$name.log" >&2)
  ran+=("$name")
}

for dataset in $DATASETS; do
  case $dataset in
    clustered)
      dir=$WORK_DIR/clustered-n$N-d$DIM-c$CLUSTERS-q$QUERIES-s$SEED
      if [[ ! -s $dir/base.npy || ! -s $dir/queries.npy ]]; then
        log "generating $dir"
        "$prog" clustered --dir "$dir" --n "$N" --dim "$DIM" --clusters "$CLUSTERS" --queries "$QUERIES" \
          --seed "$SEED" > /dev/null
      fi
      run_dataset clustered "$dir" l2 \
        "$N x $DIM clustered Gaussian vectors: $CLUSTERS centres ~ N(0, 1), per-cluster σ ~ U[0.2, 0.6], each point a random centre plus N(0, σ²) noise; $QUERIES held-out queries from the same distribution; seed $SEED"
      ;;
    words)
      if [[ ! -r $MODEL ]]; then
        skipped+=("words: **skipped**, model $MODEL not found (\`make demo\` trains it)")
        log "${skipped[-1]}"
        continue
      fi
      dir=$WORK_DIR/words-$(key_of "$MODEL")-r$REAL_N-q$QUERIES-s$SEED
      if [[ ! -s $dir/base.npy || ! -s $dir/queries.npy || ! -s $dir/split.txt ]]; then
        log "splitting the word vectors of $MODEL into $dir"
        "$prog" words --model "$MODEL" --dir "$dir" --queries "$QUERIES" --seed "$SEED" --max-rows "$REAL_N" \
          > "$dir.info.tmp" && mv "$dir.info.tmp" "$dir/split.txt"
      fi
      read -r base_rows dim_ q_ dropped < "$dir/split.txt" || dropped=?
      run_dataset words "$dir" cosine \
        "word vectors of $(basename "$MODEL") (read with semspace::io::read_word_vectors; subword n-grams averaged in), $( ((REAL_N > 0)) && echo "the $REAL_N most frequent words" || echo "the whole vocabulary"); $dropped zero vectors dropped; $QUERIES random words held out as queries; seed $SEED"
      ;;
    sentences)
      if [[ ! -r $MODEL || ! -r $ENTRIES || ! -x $semspace ]]; then
        why="model $MODEL"; [[ -r $MODEL ]] && why="entries $ENTRIES"; [[ -r $MODEL && -r $ENTRIES ]] && why="$semspace"
        skipped+=("sentences: **skipped**, $why not found (\`make demo\` builds the model and the collection)")
        log "${skipped[-1]}"
        continue
      fi
      dir=$WORK_DIR/sentences-$(key_of "$MODEL" "$ENTRIES")-r$REAL_N-q$QUERIES-s$SEED
      if [[ ! -s $dir/base.npy || ! -s $dir/queries.npy || ! -s $dir/split.txt ]]; then
        mkdir -p "$dir"
        all=$dir/all.npy
        if [[ ! -s $all ]]; then
          log "embedding the texts of $ENTRIES with $semspace embed --pooling sif"
          "$python" -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.strip()
    if line:
        print(" ".join(str(json.loads(line).get("text", "")).split()))
' "$ENTRIES" > "$dir/texts.txt"
          "$semspace" embed --model "$MODEL" --pooling sif --output "$all.tmp.npy" < "$dir/texts.txt"
          mv "$all.tmp.npy" "$all"
        fi
        "$prog" split --input "$all" --dir "$dir" --queries "$QUERIES" --seed "$SEED" --max-rows "$REAL_N" \
          > "$dir.info.tmp" && mv "$dir.info.tmp" "$dir/split.txt"
      fi
      read -r base_rows dim_ q_ dropped < "$dir/split.txt" || dropped=?
      run_dataset sentences "$dir" cosine \
        "sentence vectors of the demo collection's entries ($(basename "$ENTRIES"), field \"text\"$( ((REAL_N > 0)) && echo ", the first $REAL_N")) by \`semspace embed --model $(basename "$MODEL") --pooling sif\`; $dropped texts without known words (zero vectors) dropped; $QUERIES random entries held out as queries; seed $SEED"
      ;;
    *) log "unknown data set '$dataset' (clustered, words, sentences)"; exit 2 ;;
  esac
done

kill "$load_sampler" 2>/dev/null || true
load_end=$(cut -d" " -f1-3 /proc/loadavg)
load_max=$(sort -g "$run_dir/load.txt" 2>/dev/null | tail -1)
elapsed=$((SECONDS - start_seconds))
foreign_cpu_stop "$run_dir"

# Report.
date_=$(date +%F)
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$repo" diff --quiet HEAD 2>/dev/null || commit="$commit (dirty)"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
simd=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|fma|avx512f)$' | tr '\n' ' ' | sed 's/ $//')
mem=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
hnswlib_version=$(dpkg-query -W -f='${Version}' libhnswlib-dev 2>/dev/null || echo unknown)
faiss_version=$(dpkg-query -W -f='${Version}' libfaiss-dev 2>/dev/null || echo unknown)
flags=$(sed -n 's/^CMAKE_CXX_FLAGS_RELEASE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null)
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null)
reproduce="N=$N DIM=$DIM CLUSTERS=$CLUSTERS QUERIES=$QUERIES SEED=$SEED THREADS=\"$THREADS\" BUILD_THREADS=\"$BUILD_THREADS\" EFS=\"$EFS\" REPEATS=$REPEATS DATASETS=\"$DATASETS\" FAMILIES=\"$FAMILIES\" SQ8_RERANK=\"$SQ8_RERANK\" REAL_N=$REAL_N bench/compare/ann_vs_hnswlib_faiss.sh"
mkdir -p "$RESULTS_DIR"
report=$RESULTS_DIR/ann_vs_hnswlib_faiss-$date_.md
{
  echo "# Nearest-neighbour search: semspace vs hnswlib vs FAISS"
  echo
  if [[ $disturbed == 1 ]]; then
    echo "**Disturbed run: other processes used $foreign_percent% of the machine's CPU while it ran (see below), so the"
    echo "timings are not results; they only show that the harness works.**"
    echo
  fi
  echo "- date: $date_; commit: $commit; wall time of the run: $((elapsed / 60)) min $((elapsed % 60)) s"
  echo "- machine: $cpu ($simd); $(nproc) cores; $mem; load average (1/5/15 min) at start: $load_start," \
       "at end: $load_end; highest 1-min load sampled during the run: ${load_max:-n/a}" \
       "(the run's own threads count in it); $foreign_cpu_sentence"
  echo "- anchors: hnswlib $hnswlib_version (Debian libhnswlib-dev, header-only, compiled in this program with our" \
       "flags \`${build_type:-?} ${flags:-?} -Wall -Wextra\`, which leave it on its SSE path; a second copy with" \
       "\`-march=native\` is the \"-march=native\" row); FAISS $faiss_version (Debian libfaiss-dev, prebuilt static" \
       "library, GENERIC: no AVX2 kernels)"
  echo "- settings: M $M, ef_construction $EF_CONSTRUCTION for every graph index; k = 10; ef in {$(csv "$EFS")};" \
       "search threads {$(csv "$THREADS")}, build threads {$(csv "$BUILD_THREADS")}; OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-unset (= cores)}"
  echo "- reproduce: \`$reproduce\`"
  for line in "${skipped[@]}"; do echo "- $line"; done
  echo
  for name in "${ran[@]}"; do
    cat "$run_dir/$name.md"
  done
  echo "Raw numbers (TSV, one line per build and per search) are in \`$run_dir\`."
} > "$report"
log "wrote $report ($((elapsed / 60)) min $((elapsed % 60)) s)"
if [[ $RESULTS_DIR == "$repo/bench/results" ]]; then
  "$repo/bench/update_results.sh"
fi

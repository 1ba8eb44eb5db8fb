#!/usr/bin/env bash
# Benchmark (not a test): skip-gram training speed and quality of semspace vs fastText and gensim.
# See bench/compare/README.md for what is compared. Environment:
#   EPOCHS=5           training epochs (EPOCHS=1 for a quick run)
#   SEEDS="1 2 3"      one training run per seed and tool; the report gives the mean and the range
#   CORPUS_WORDS=      if set, train on the first N tokens' worth of lines of the tokenized corpus
#   THREADS=2          threads for every tool
#   CORPUS=            raw text; default $SEMSPACE_HOME/corpus/corpus.txt (built by scripts/build_corpus)
#   DATA_DIR=          evaluation data; default <repo>/../shared/data
#   WORK_DIR=          models and logs; default $SEMSPACE_HOME/bench/train_vs_fasttext
#   TOOLS="semspace fasttext gensim"   which tools to run
#   SUBWORDS="on off"  which subword settings to run
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SEMSPACE_HOME=${SEMSPACE_HOME:-$HOME/.cache/semspace}
EPOCHS=${EPOCHS:-5}
SEEDS=${SEEDS:-1 2 3}
THREADS=${THREADS:-2}
CORPUS_WORDS=${CORPUS_WORDS:-}
CORPUS=${CORPUS:-$SEMSPACE_HOME/corpus/corpus.txt}
DATA_DIR=${DATA_DIR:-$repo/../shared/data}
WORK_DIR=${WORK_DIR:-$SEMSPACE_HOME/bench/train_vs_fasttext}
TOOLS=${TOOLS:-semspace fasttext gensim}
SUBWORDS=${SUBWORDS:-on off}
semspace=$repo/build/semspace
python=/usr/bin/python3
# Shared training settings (fastText/gensim/semspace spellings below).
dim=100 window=5 neg=5 min_count=5 sample=1e-4 minn=3 maxn=6

log() { echo "train_vs_fasttext: $*" >&2; }
analogy_data=$DATA_DIR/analogy/questions-words.txt
wordsim_data=$DATA_DIR/word_similarity/wordsim353.tsv
men_data=$DATA_DIR/word_similarity/EN-MEN-TR-3k.txt
for f in "$analogy_data" "$wordsim_data" "$men_data"; do
  [[ -r $f ]] || { log "evaluation file $f not found (set DATA_DIR to shared/data)"; exit 1; }
done
[[ -x $semspace ]] || { log "$semspace not built; run make first"; exit 1; }
load_start=$(cut -d" " -f1-3 /proc/loadavg)
source "$repo/bench/compare/lib/foreign_cpu.sh"  # whether other processes took CPU during the run

if [[ ! -r $CORPUS ]]; then
  log "building the corpus with scripts/build_corpus"
  "$repo/scripts/build_corpus" "$(dirname "$CORPUS")"
fi
mkdir -p "$WORK_DIR"
foreign_cpu_start "$WORK_DIR"

# 1. Tokenize once with semspace's tokenizer so that every tool sees identical tokens.
tokens_all=$WORK_DIR/tokens-all.txt
tokens_key="$(stat -c '%s %Y' "$CORPUS") $(stat -c '%Y' "$semspace")"
if [[ ! -s $tokens_all || "$(cat "$tokens_all.key" 2>/dev/null)" != "$tokens_key" ]]; then
  log "tokenizing $CORPUS"
  "$semspace" tokenize < "$CORPUS" > "$tokens_all.tmp"
  mv "$tokens_all.tmp" "$tokens_all"
  echo "$tokens_key" > "$tokens_all.key"
fi
tokens=$tokens_all
if [[ -n $CORPUS_WORDS ]]; then
  tokens=$WORK_DIR/tokens-$CORPUS_WORDS.txt
  awk -v limit="$CORPUS_WORDS" '{ print; n += NF; if (n >= limit) exit }' "$tokens_all" > "$tokens"
fi
corpus_tokens=$(wc -w < "$tokens")
log "corpus: $corpus_tokens tokens, $(wc -l < "$tokens") lines; epochs $EPOCHS; threads $THREADS; seeds $SEEDS"

# 2. Train. Each run: /usr/bin/time -v gives wall seconds and peak RSS of the whole process
#    (reading, vocabulary, training, saving). Files: $WORK_DIR/<tool>-<sw>-s<seed>.{vec,log,time,own}.
wall_seconds() {  # "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.34" -> 62.34
  sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" \
    | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }'
}
peak_rss_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }

# run_tool TOOL SW SEED: trains one model, leaves its files; returns 1 (with a .skip file) if it cannot.
run_tool() {
  local tool=$1 sw=$2 seed=$3 base=$WORK_DIR/$1-$2-s$3 cmd=()
  rm -f "$base".{vec,bin,own,log,time,skip}
  case $tool in
    fasttext)
      command -v fasttext >/dev/null || { echo "n/a (fasttext missing)" > "$base.skip"; return 1; }
      cmd=(fasttext skipgram -input "$tokens" -output "$base" -dim $dim -ws $window -neg $neg
           -minCount $min_count -epoch "$EPOCHS" -thread "$THREADS" -t $sample -seed "$seed" -verbose 2)
      if [[ $sw == on ]]; then cmd+=(-minn $minn -maxn $maxn); else cmd+=(-maxn 0); fi ;;
    gensim)
      "$python" -c 'import gensim' 2>/dev/null || { echo "n/a (python3-gensim missing)" > "$base.skip"; return 1; }
      cmd=("$python" "$repo/bench/compare/gensim_train.py" "$tokens" "$base.vec" --threads "$THREADS"
           --epochs "$EPOCHS" --dim $dim --window $window --neg $neg --min-count $min_count
           --sample $sample --seed "$seed" --minn $minn)
      if [[ $sw == on ]]; then cmd+=(--maxn $maxn); else cmd+=(--maxn 0); fi ;;
    semspace)
      cmd=("$semspace" train --input "$tokens" --output "$base.vec" --model skipgram --dim $dim
           --window $window --neg $neg --epochs "$EPOCHS" --min-count $min_count --threads "$THREADS"
           --sample $sample --seed "$seed" --quiet)
      if [[ $sw == on ]]; then cmd+=(--minn $minn --maxn $maxn); else cmd+=(--no-subwords); fi ;;
  esac
  log "training $tool, subwords $sw, seed $seed: ${cmd[*]}"
  if ! /usr/bin/time -v -o "$base.time" "${cmd[@]}" > "$base.log" 2>&1; then
    echo "failed (see $base.log)" > "$base.skip"
    return 1
  fi
  rm -f "$base.bin"   # fastText's .bin (~0.9 GB with subwords) is not evaluated
  # The tool's own words/sec/thread: fastText's last progress report, gensim's and semspace's JSON.
  case $tool in
    fasttext) tr '\r' '\n' < "$base.log" | sed -n 's/.*words\/sec\/thread: *\([0-9.]*\).*/\1/p' | tail -1 ;;
    *) grep -o '"words_per_sec_per_thread": *[0-9.e+]*' "$base.log" | tail -1 | sed 's/.*: *//' ;;
  esac > "$base.own"
}

# 3. Quality, evaluated identically for every model by `semspace eval`.
json_number() { grep -o "\"$1\": *-\?[0-9.e+-]*" | head -1 | sed 's/.*: *//'; }
evaluate() {  # evaluate VEC -> "analogy wordsim men"
  local vec=$1 a w m
  a=$("$semspace" eval analogy --model "$vec" --data "$analogy_data" --max-vocab 30000 --json | json_number accuracy || true)
  w=$("$semspace" eval similarity --model "$vec" --data "$wordsim_data" --json | json_number spearman || true)
  m=$("$semspace" eval similarity --model "$vec" --data "$men_data" --json | json_number spearman || true)
  echo "${a:-NaN} ${w:-NaN} ${m:-NaN}"
}

# One line per successful run in $WORK_DIR/runs.tsv: key seed speed own wall rss analogy wordsim men.
runs=$WORK_DIR/runs.tsv
: > "$runs"
for sw in $SUBWORDS; do
  for tool in $TOOLS; do
    for seed in $SEEDS; do
      key=$tool-$sw
      base=$WORK_DIR/$key-s$seed
      if ! run_tool "$tool" "$sw" "$seed"; then
        log "$key seed $seed: $(cat "$base.skip")"
        continue
      fi
      wall=$(wall_seconds "$base.time")
      speed=$(awk -v w="$corpus_tokens" -v e="$EPOCHS" -v s="$wall" -v t="$THREADS" 'BEGIN { printf "%.0f", w * e / s / t }')
      own=$(cat "$base.own"); own=${own:-NaN}
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$key" "$seed" "$speed" "$own" "$wall" "$(peak_rss_mb "$base.time")" \
        "$(evaluate "$base.vec" | tr ' ' '\t')" >> "$runs"
      log "$(tail -1 "$runs")"
    done
  done
done

# 4. Report: per (tool, subwords) the mean over seeds, and for accuracy also the range.
date_=$(date +%F)
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$repo" diff --quiet HEAD 2>/dev/null || commit="$commit (dirty)"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
ft_version=$(dpkg-query -W -f='${Version}' fasttext 2>/dev/null || echo missing)
gensim_version=$("$python" -c 'import gensim; print(gensim.__version__)' 2>/dev/null || echo missing)
reproduce="EPOCHS=$EPOCHS SEEDS=\"$SEEDS\" THREADS=$THREADS${CORPUS_WORDS:+ CORPUS_WORDS=$CORPUS_WORDS} TOOLS=\"$TOOLS\" SUBWORDS=\"$SUBWORDS\" bench/compare/train_vs_fasttext.sh"
foreign_cpu_stop "$WORK_DIR"
mkdir -p "$repo/bench/results"
report=$repo/bench/results/train_vs_fasttext-$date_.md
{
  echo "# Skip-gram training: semspace vs fastText vs gensim"
  echo
  if [[ $disturbed == 1 ]]; then
    echo "**Disturbed run: other processes used $foreign_percent% of the machine's CPU while it ran, so the speeds are"
    echo "not results; they only show that the harness works.**"
    echo
  fi
  echo "- date: $date_; commit: $commit"
  echo "- machine: $cpu; $(nproc) cores; load average (1/5/15 min) at start: $load_start, at end: $(cut -d' ' -f1-3 /proc/loadavg);" \
       "$foreign_cpu_sentence"
  echo "- anchors: fastText $ft_version (Debian), gensim $gensim_version (Debian, /usr/bin/python3)"
  echo "- corpus: $corpus_tokens tokens ($(basename "$tokens")), tokenized by build/semspace tokenize"
  echo "- settings: skip-gram, dim $dim, window $window, neg $neg, min-count $min_count, epochs $EPOCHS," \
       "threads $THREADS, sample $sample; subwords on = minn $minn maxn $maxn, off = maxn 0 / --no-subwords;" \
       "learning rates and negative-sampling tables are each tool's default"
  echo "- words/s/thread = corpus tokens x epochs / process wall seconds / threads (wall time from" \
       "/usr/bin/time -v, includes reading, vocabulary, training and saving); ratio = that number over" \
       "fastText's with the same subword setting. \"own\" = the tool's self-report: fastText's last" \
       "progress line; gensim raw words x epochs / train() seconds / threads; semspace's final JSON."
  echo "- quality: analogy accuracy (questions-words, top 30k words), Spearman on wordsim353 and MEN," \
       "evaluated by build/semspace eval; Δ analogy = points against fastText's mean with the same subword setting"
  echo "- seeds $SEEDS, one run each, no warm-up; every number is the mean over seeds, [min–max] for analogy;" \
       "reproduce: \`$reproduce\`"
  echo
  echo "| tool | subwords | runs | words/s/thread | ratio to fastText | own words/s/thread | wall s | peak RSS MB | analogy acc [min–max] | Δ analogy (points) | wordsim353 ρ | MEN ρ |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  awk -F'\t' -v tools="$TOOLS" -v subwords="$SUBWORDS" '
    { k = $1; n[k]++; sp[k] += $3; own[k] += $4; wall[k] += $5; rss[k] += $6; acc[k] += $7; ws[k] += $8; men[k] += $9
      if (!(k in lo) || $7 < lo[k]) lo[k] = $7; if (!(k in hi) || $7 > hi[k]) hi[k] = $7 }
    END {
      nt = split(tools, T, " "); ns = split(subwords, S, " ")
      for (j = 1; j <= ns; j++) for (i = 1; i <= nt; i++) {
        k = T[i] "-" S[j]; name = T[i]
        if (T[i] == "gensim") name = (S[j] == "on") ? "gensim FastText" : "gensim Word2Vec"
        if (!(k in n)) { printf "| %s | %s | 0 | n/a | | | | | | | | |\n", name, S[j]; continue }
        f = "fasttext-" S[j]
        ratio = (f in n) ? sprintf("%.2f", (sp[k] / n[k]) / (sp[f] / n[f])) : "n/a"
        delta = (f in n) ? sprintf("%+.1f", 100 * (acc[k] / n[k] - acc[f] / n[f])) : "n/a"
        printf "| %s | %s | %d | %.0f | %s | %.0f | %.1f | %.0f | %.3f [%.3f–%.3f] | %s | %.3f | %.3f |\n",
          name, S[j], n[k], sp[k] / n[k], ratio, own[k] / n[k], wall[k] / n[k], rss[k] / n[k],
          acc[k] / n[k], lo[k], hi[k], delta, ws[k] / n[k], men[k] / n[k]
      }
    }' "$runs"
  echo
  echo "Per run (tool-subwords, seed, words/s/thread, own, wall s, RSS MB, analogy, wordsim353, MEN):"
  echo
  echo '```'
  cat "$runs"
  echo '```'
} | tee "$report"
log "wrote $report"
"$repo/bench/update_results.sh"

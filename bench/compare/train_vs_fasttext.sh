#!/usr/bin/env bash
# Benchmark (not a test): skip-gram training speed and quality of semspace vs fastText and gensim.
# See bench/compare/README.md for what is compared. Environment:
#   EPOCHS=5           training epochs (EPOCHS=1 for a quick run)
#   CORPUS_WORDS=      if set, train on the first N tokens' worth of lines of the tokenized corpus
#   THREADS=2          threads for every tool
#   CORPUS=            raw text; default $SEMSPACE_HOME/corpus/corpus.txt (built by scripts/build_corpus)
#   DATA_DIR=          evaluation data; default <repo>/../shared/data
#   WORK_DIR=          models and logs; default $SEMSPACE_HOME/bench/train_vs_fasttext
#   TOOLS="semspace fasttext gensim"   which tools to run
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SEMSPACE_HOME=${SEMSPACE_HOME:-$HOME/.cache/semspace}
EPOCHS=${EPOCHS:-5}
THREADS=${THREADS:-2}
CORPUS_WORDS=${CORPUS_WORDS:-}
CORPUS=${CORPUS:-$SEMSPACE_HOME/corpus/corpus.txt}
DATA_DIR=${DATA_DIR:-$repo/../shared/data}
WORK_DIR=${WORK_DIR:-$SEMSPACE_HOME/bench/train_vs_fasttext}
TOOLS=${TOOLS:-semspace fasttext gensim}
semspace=$repo/build/semspace
python=/usr/bin/python3
# Shared training settings (fastText/gensim/semspace spellings below).
dim=100 window=5 neg=5 min_count=5 sample=1e-4 minn=3 maxn=6 seed=1

analogy_data=$DATA_DIR/analogy/questions-words.txt
wordsim_data=$DATA_DIR/word_similarity/wordsim353.tsv
men_data=$DATA_DIR/word_similarity/EN-MEN-TR-3k.txt
for f in "$analogy_data" "$wordsim_data" "$men_data"; do
  if [[ ! -r $f ]]; then
    echo "train_vs_fasttext: skipped: evaluation file $f not found (set DATA_DIR to shared/data)" >&2
    exit 0
  fi
done

log() { echo "train_vs_fasttext: $*" >&2; }
load_start=$(cut -d" " -f1-3 /proc/loadavg)
has_semspace_command() { [[ -x $semspace ]] && "$semspace" "$1" --help >/dev/null 2>&1; }

if [[ ! -r $CORPUS ]]; then
  log "building the corpus with scripts/build_corpus"
  "$repo/scripts/build_corpus" "$(dirname "$CORPUS")"
fi
mkdir -p "$WORK_DIR"

# 1. Tokenize once so that every tool sees identical tokens. semspace's tokenizer is the reference;
#    until it exists, a Perl stand-in (lowercase, runs of [a-z0-9] with an optional 's-like suffix).
if has_semspace_command tokenize; then
  tokenizer="build/semspace tokenize"
  tokenize() { "$semspace" tokenize; }
else
  tokenizer="perl stand-in (build/semspace tokenize missing)"
  tokenize() { perl -ne 'print join(" ", lc($_) =~ /[a-z0-9]+(?:\x27[a-z]+)?/g), "\n"'; }
fi
tokens_all=$WORK_DIR/tokens-all.txt
tokens_key="$(stat -c '%s %Y' "$CORPUS") $tokenizer"
if [[ ! -s $tokens_all || "$(cat "$tokens_all.key" 2>/dev/null)" != "$tokens_key" ]]; then
  log "tokenizing $CORPUS with $tokenizer"
  tokenize < "$CORPUS" > "$tokens_all.tmp"
  mv "$tokens_all.tmp" "$tokens_all"
  echo "$tokens_key" > "$tokens_all.key"
fi
tokens=$tokens_all
if [[ -n $CORPUS_WORDS ]]; then
  tokens=$WORK_DIR/tokens-$CORPUS_WORDS.txt
  awk -v limit="$CORPUS_WORDS" '{ print; n += NF; if (n >= limit) exit }' "$tokens_all" > "$tokens"
fi
corpus_tokens=$(wc -w < "$tokens")
log "corpus: $corpus_tokens tokens, $(wc -l < "$tokens") lines; epochs $EPOCHS; threads $THREADS"

# 2. Train. Each run: /usr/bin/time -v gives wall seconds and peak RSS of the whole process
#    (reading, vocabulary, training, saving). Results go to $WORK_DIR/<tool>-<sw>.{vec,log,time,own}.
wall_seconds() {  # "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.34" -> 62.34
  sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" \
    | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }'
}
peak_rss_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }

# run_tool TOOL SW: trains one model; prints nothing, leaves files, returns 1 if unavailable.
run_tool() {
  local tool=$1 sw=$2 base=$WORK_DIR/$1-$2 cmd=()
  rm -f "$base".{vec,bin,own,log,time,skip}
  case $tool in
    fasttext)
      command -v fasttext >/dev/null || { echo "n/a (fasttext missing)" > "$base.skip"; return 1; }
      cmd=(fasttext skipgram -input "$tokens" -output "$base" -dim $dim -ws $window -neg $neg
           -minCount $min_count -epoch "$EPOCHS" -thread "$THREADS" -t $sample -seed $seed -verbose 2)
      if [[ $sw == on ]]; then cmd+=(-minn $minn -maxn $maxn); else cmd+=(-maxn 0); fi ;;
    gensim)
      "$python" -c 'import gensim' 2>/dev/null || { echo "n/a (python3-gensim missing)" > "$base.skip"; return 1; }
      cmd=("$python" "$repo/bench/compare/gensim_train.py" "$tokens" "$base.vec" --threads "$THREADS"
           --epochs "$EPOCHS" --dim $dim --window $window --neg $neg --min-count $min_count
           --sample $sample --seed $seed --minn $minn)
      if [[ $sw == on ]]; then cmd+=(--maxn $maxn); else cmd+=(--maxn 0); fi ;;
    semspace)
      has_semspace_command train || { echo "n/a (build/semspace missing)" > "$base.skip"; return 1; }
      cmd=("$semspace" train --input "$tokens" --output "$base.vec" --model skipgram --dim $dim
           --window $window --neg $neg --epochs "$EPOCHS" --min-count $min_count --threads "$THREADS"
           --sample $sample --seed $seed)
      if [[ $sw == on ]]; then cmd+=(--minn $minn --maxn $maxn); else cmd+=(--no-subwords); fi ;;
  esac
  log "training $tool, subwords $sw: ${cmd[*]}"
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

# 3. Quality, evaluated identically for every model: `semspace eval` when it exists, otherwise
#    gensim's evaluators (marked in the header) so that no speed number stands without quality.
if has_semspace_command eval; then
  evaluator="build/semspace eval"
else
  evaluator="gensim $("$python" -c 'import gensim; print(gensim.__version__)' 2>/dev/null) evaluate_word_analogies/evaluate_word_pairs (build/semspace eval missing)"
fi
json_number() { grep -o "\"$1\": *-\?[0-9.e+-]*" | head -1 | sed 's/.*: *//'; }
evaluate() {  # evaluate VEC -> "analogy wordsim men"
  local vec=$1
  if has_semspace_command eval; then
    local a w m
    a=$("$semspace" eval analogy --model "$vec" --data "$analogy_data" --max-vocab 30000 --json | json_number accuracy || true)
    w=$("$semspace" eval similarity --model "$vec" --data "$wordsim_data" --json | json_number spearman || true)
    m=$("$semspace" eval similarity --model "$vec" --data "$men_data" --json | json_number spearman || true)
    echo "$a $w $m"
  else
    "$python" "$repo/bench/compare/gensim_eval.py" "$vec" --analogy "$analogy_data" --max-vocab 30000 \
        --pairs "wordsim=$wordsim_data" "men=$men_data" \
      | perl -ne 'printf "%s %s %s\n", /"analogy_accuracy": ([-\d.e]+)/, /"wordsim": \{"spearman": ([-\d.e]+|NaN)/, /"men": \{"spearman": ([-\d.e]+|NaN)/' || true
  fi
}

declare -A speed wall rss own quality
for sw in on off; do
  for tool in $TOOLS; do
    key=$tool-$sw
    if run_tool "$tool" "$sw"; then
      base=$WORK_DIR/$key
      wall[$key]=$(wall_seconds "$base.time")
      rss[$key]=$(peak_rss_mb "$base.time")
      own[$key]=$(cat "$base.own")
      speed[$key]=$(awk -v w="$corpus_tokens" -v e="$EPOCHS" -v s="${wall[$key]}" -v t="$THREADS" \
                      'BEGIN { if (s > 0) printf "%.0f", w * e / s / t; else print "n/a" }')
      quality[$key]=$(evaluate "$base.vec")
      log "$key: ${wall[$key]} s, ${rss[$key]} MB, ${speed[$key]} words/s/thread, quality ${quality[$key]}"
    else
      log "$key: $(cat "$WORK_DIR/$key.skip")"
    fi
  done
done

# 4. Report.
date_=$(date +%F)
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$repo" diff --quiet HEAD 2>/dev/null || commit="$commit (dirty)"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
ft_version=$(dpkg-query -W -f='${Version}' fasttext 2>/dev/null || echo missing)
gensim_version=$("$python" -c 'import gensim; print(gensim.__version__)' 2>/dev/null || echo missing)
reproduce="EPOCHS=$EPOCHS THREADS=$THREADS${CORPUS_WORDS:+ CORPUS_WORDS=$CORPUS_WORDS} TOOLS=\"$TOOLS\" bench/compare/train_vs_fasttext.sh"
mkdir -p "$repo/bench/results"
report=$repo/bench/results/train_vs_fasttext-$date_.md
fmt3() { [[ -n ${1:-} && $1 != NaN ]] && printf '%.3f' "$1" || echo n/a; }
{
  echo "# Skip-gram training: semspace vs fastText vs gensim"
  echo
  echo "- date: $date_; commit: $commit"
  echo "- machine: $cpu; $(nproc) cores; load average (1/5/15 min) at start: $load_start, at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- anchors: fastText $ft_version (Debian), gensim $gensim_version (Debian, /usr/bin/python3)"
  echo "- corpus: $corpus_tokens tokens ($(basename "$tokens")), tokenized by $tokenizer"
  echo "- settings: skip-gram, dim $dim, window $window, neg $neg, min-count $min_count, epochs $EPOCHS," \
       "threads $THREADS, sample $sample; subwords on = minn $minn maxn $maxn, off = maxn 0 / --no-subwords;" \
       "learning rates are each tool's default"
  echo "- words/s/thread = corpus tokens x epochs / process wall seconds / threads (wall time from" \
       "/usr/bin/time -v, includes reading, vocabulary, training and saving); ratio = that number over" \
       "fastText's with the same subword setting. \"own\" = the tool's self-report: fastText's last" \
       "progress line; gensim raw words x epochs / train() seconds / threads; semspace's final JSON."
  echo "- quality: analogy accuracy (questions-words, top 30k words), Spearman on wordsim353 and MEN," \
       "evaluated by $evaluator"
  echo "- one run each, no warm-up; reproduce: \`$reproduce\`"
  echo
  echo "| tool | subwords | words/s/thread | ratio to fastText | own words/s/thread | wall s | peak RSS MB | analogy acc | wordsim353 ρ | MEN ρ |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for sw in on off; do
    for tool in $TOOLS; do
      key=$tool-$sw
      name=$tool
      [[ $tool == gensim ]] && name=$([[ $sw == on ]] && echo "gensim FastText" || echo "gensim Word2Vec")
      if [[ -z ${speed[$key]:-} ]]; then
        echo "| $name | $sw | $(cat "$WORK_DIR/$key.skip") | | | | | | | |"
        continue
      fi
      ratio=n/a
      [[ ${speed[fasttext-$sw]:-n/a} != n/a && ${speed[$key]} != n/a ]] && ratio=$(awk -v a="${speed[$key]}" -v b="${speed[fasttext-$sw]}" 'BEGIN { printf "%.2f", a / b }')
      read -r acc ws men <<< "${quality[$key]}"
      printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$sw" "${speed[$key]}" "$ratio" \
        "${own[$key]:-n/a}" "${wall[$key]}" "${rss[$key]}" "$(fmt3 "$acc")" "$(fmt3 "$ws")" "$(fmt3 "$men")"
    done
  done
} | tee "$report"
log "wrote $report"
"$repo/bench/update_results.sh"

# The real evaluation sets, when ../shared/data is present (a clone elsewhere skips with a message).
require-data: analogy/questions-words.txt
run: sh {source}/tests/cli/gen_topics.sh 500 > corpus.txt && {semspace} train --input corpus.txt --output m.vec --dim 8 --epochs 1 --min-count 1 --quiet
run: {semspace} eval analogy --model m.vec --data {data}/analogy/questions-words.txt --json
stdout~ "total":19544
run: {semspace} eval similarity --model m.vec --data {data}/word_similarity/wordsim353.tsv --json
stdout~ "pairs":353

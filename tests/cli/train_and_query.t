# Train on a planted corpus, then ask the questions of the foundation issue through every query command.
run: sh {source}/tests/cli/gen_topics.sh 3000 > corpus.txt
run: {semspace} train --input corpus.txt --output model.sem --dim 16 --epochs 5 --min-count 1 --threads 1 --bucket 5000 --quiet
stdout~ "words_per_sec_per_thread":[0-9]
stdout~ "vocabulary":21
run: test -s model.sem
# king is nearer queen than car
run: a=$({semspace} similarity --model model.sem king queen); b=$({semspace} similarity --model model.sem king car); echo "$a $b"; awk -v a="$a" -v b="$b" 'BEGIN { exit !(a > b) }'
run: {semspace} similarity --model model.sem king queen --json
stdout~ ^\{"similarity":0\.[0-9]+,"word1":"king","word2":"queen"\}
run: {semspace} neighbors --model model.sem king -k 3 --json
stdout~ ^\{"neighbors":\[\{"score":[-0-9.e]+,"word":"(queen|prince|princess|royal|crown|throne|palace)"\}
run: {semspace} neighbors --model model.sem king -k 3
stdout~ 1\. +(queen|prince|princess|royal|crown|throne|palace)
run: {semspace} analogy --model model.sem car truck king -k 3 --json
stdout~ ^\{"answers":\[
stdout!~ "word":"(car|truck|king)"
# Unknown words get vectors through subwords in a .sem model.
run: {semspace} similarity --model model.sem kings king
stdout~ ^-?[0-9]
# ... but not in a plain word2vec file: a clear error naming the word, exit 1.
run: {semspace} convert model.sem model.vec
run: {semspace} similarity --model model.vec kings king
exit: 1
stderr~ "kings"
# 1 thread + same seed = identical model
run: {semspace} train --input corpus.txt --output again.sem --dim 16 --epochs 5 --min-count 1 --threads 1 --bucket 5000 --quiet
run: cmp model.sem again.sem
# CBOW and plain word2vec train too
run: {semspace} train --input corpus.txt --output cbow.vec --model cbow --no-subwords --dim 16 --min-count 1 --threads 2 --quiet
stdout~ "subwords":false
run: head -1 cbow.vec
stdout~ ^21 16
# gzip input is detected from the content
run: gzip -c corpus.txt > corpus.gz && {semspace} train --input corpus.gz --output gz.vec --dim 8 --epochs 1 --min-count 1 --quiet
stdout~ "lines":3000

# convert round trips, tokenize, embed, eval on tiny fixtures, collections.
run: sh {source}/tests/cli/gen_topics.sh 3000 > corpus.txt
run: {semspace} train --input corpus.txt --output m.sem --dim 16 --epochs 5 --min-count 1 --threads 1 --bucket 1000 --quiet
run: {semspace} convert m.sem m.vec && {semspace} convert m.vec m.bin && {semspace} convert m.bin m2.vec && cmp m.vec m2.vec
run: {semspace} convert m.vec m.glove.txt && {semspace} convert m.glove.txt m3.txt --to vec && tail -n +2 m.vec | cmp - m.glove.txt
run: {semspace} convert m.sem m2.sem --json
stdout~ "subwords":true
run: printf 'Hello, World! Don’t panic: 3.14 ÉCOLE ﬁne\n' | {semspace} tokenize
stdout~ ^hello world don't panic 3\.14 école fine\n
run: printf 'the king and the queen\nthe car on the road\n' | {semspace} embed --model m.sem --output e.npy && head -c 6 e.npy | od -c | head -1
stdout~ N   U   M   P   Y
run: printf 'king queen\ncar\n' | {semspace} embed --model m.sem --pooling mean
stdout~ ^-?[0-9]
# eval analogy on a tiny fixture: 2 sections, one OOV question
run: printf ': royal\nking queen prince princess\nking queen zzz princess\n: gram-vehicles\ncar truck engine wheel\n' > q.txt && {semspace} eval analogy --model m.vec --data q.txt --json
stdout~ "accuracy":
stdout~ "oov":1
run: printf 'word1\tword2\tscore\nking\tqueen\t9\nking\tcar\t1\nqueen\tprincess\t8\ncar\ttruck\t8.5\nking\troad\t0.5\n' > sim.tsv && {semspace} eval similarity --model m.vec --data sim.tsv --json
stdout~ "spearman":
stdout~ "pairs":5
# collections
run: {semspace} collection create docs --model {tmp}/m.sem --db c.db --json
stdout~ "dim":16
run: printf '{"id":"r1","text":"the king and the queen in the palace","metadata":{"topic":"royal"}}\n{"id":"v1","text":"a car and a truck on the road","metadata":{"topic":"vehicle"}}\n{"id":7,"text":"engine wheel motor","metadata":{}}\n{"id":"r2","text":"the prince and the princess","metadata":{}}\n{"id":"v2","text":"the bus on the road","metadata":{}}\n{"id":"r3","text":"a royal crown","metadata":{}}\n' > docs.jsonl && {semspace} collection upsert docs --input docs.jsonl --db c.db --json
stdout~ "upserted":6
run: {semspace} collection search docs --text "crown throne" -k 2 --db c.db --json
stdout~ ^\{"results":\[\{"id":"r[123]".*"id":"r[123]"
run: {semspace} collection info docs --db c.db --json
stdout~ "count":6
run: {semspace} collection search docs --text "engine wheel motor" -k 1 --db c.db --json
stdout~ ^\{"results":\[\{"id":7,
run: {semspace} collection search docs --text "crown throne" -k 5 --filter '{"topic": "royal"}' --db c.db --json
stdout~ ^\{"results":\[\{"id":"r1"[^\]]*\]\}\s*$
run: {semspace} collection create other --model {tmp}/m.sem --dim 17 --db c.db
exit: 2
stderr~ --dim 17 does not match model
run: {semspace} collection create plain --dim 16 --db c.db && {semspace} collection search plain --text "king" --db c.db
exit: 1
stderr~ collection 'plain' has no model
run: printf '{"id":"bad","vector":[1,2]}\n' > bad.jsonl && {semspace} collection upsert docs --input bad.jsonl --db c.db
exit: 1
stderr~ bad\.jsonl:1: .*dimension 2 but collection 'docs' has dimension 16
run: printf '{"id":"x" "text":1}\n' > broken.jsonl && {semspace} collection upsert docs --input broken.jsonl --db c.db
exit: 1
stderr~ broken\.jsonl:1: not valid JSON
run: {semspace} collection info docs --db c.db --json
stdout~ "count":6
run: {semspace} collection drop docs --db c.db && {semspace} collection info docs --db c.db
exit: 1
stderr~ does not exist

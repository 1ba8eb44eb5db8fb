# Bad input: one clear line naming the file or flag, exit 1 (runtime) or 2 (usage), never a crash.
run: {semspace} train --input missing.txt --output m.sem --quiet
exit: 1
stderr~ missing\.txt
run: {semspace} train --input x --output m.sem --dim 0 --quiet
exit: 2
stderr~ --dim
run: {semspace} train --output m.sem
exit: 2
stderr~ --input
run: {semspace} frobnicate
exit: 2
run: printf '' > empty.txt && {semspace} train --input empty.txt --output m.sem --quiet
exit: 1
stderr~ empty\.txt.*no words
run: head -c 200000 /dev/urandom > binary.dat && {semspace} train --input binary.dat --output m.vec --min-count 1 --epochs 1 --quiet
exit: 0
stdout~ "invalid_utf8":[1-9]
run: {semspace} similarity --model nonexistent.vec a b
exit: 1
stderr~ nonexistent\.vec
run: printf '2 3\nfoo 1 2 3\nbar 1 2\n' > short.vec && {semspace} neighbors --model short.vec foo
exit: 1
stderr~ short\.vec:3
run: printf '1 3\nfoo 1 nan 3\n' > nan.vec && {semspace} neighbors --model nan.vec foo
exit: 1
stderr~ nan\.vec:2
run: printf '1000000000 300\nfoo 1 2 3\n' > liar.vec && {semspace} neighbors --model liar.vec foo
exit: 1
stderr~ liar\.vec
# A truncated native model: the checksum or the size check catches it.
run: sh {source}/tests/cli/gen_topics.sh 200 > c.txt && {semspace} train --input c.txt --output m.sem --dim 8 --epochs 1 --min-count 1 --bucket 100 --quiet
run: head -c 3000 m.sem > cut.sem && {semspace} neighbors --model cut.sem king
exit: 1
stderr~ cut\.sem
run: {semspace} neighbors --model m.sem zzzz_not_a_word -k 3
exit: 0
run: {semspace} convert m.sem m.vec && {semspace} neighbors --model m.vec zzzz_not_a_word
exit: 1
stderr~ zzzz_not_a_word
# A 30 MB line without a newline trains in bounded memory.
run: awk 'BEGIN { for (i = 0; i < 3000000; i++) printf "word%d ", i % 50 }' > long.txt && {semspace} train --input long.txt --output long.vec --dim 8 --epochs 1 --min-count 1 --no-subwords --quiet
stdout~ "vocabulary":50

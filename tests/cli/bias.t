# bias weat and bias debias on a small .vec with planted gender and pleasantness axes (gen_bias_model.py).
run: /usr/bin/python3 {source}/tests/cli/gen_bias_model.py m.vec
# Built-in Caliskan et al. tests: WEAT1 runs on the flowers and insects the model has, exactly (6 + 6 words);
# tests whose whole set is missing fail with a message naming the set, the others still run, exit 1.
run: {semspace} bias weat --model m.vec --json
exit: 1
stdout~ ^\{"max_exact":100000,"model":"m\.vec","permutations":100000,"seed":1,"sets":"built-in sets \(Caliskan et al\. 2017\)"
stdout~ "effect_size":1\.[5-9][0-9]*,"id":"WEAT1","mean_association_x":0\.[0-9]+,"mean_association_y":-0\.[0-9]+,"missing":\["aster","clover",
stdout~ "p_value":0\.0,"p_value_method":"exact","partitions":924,"reference_effect_size":\{"glove":1\.5\}
stdout~ "words":\{"A":8,"B":8,"X":6,"Y":6\}
stdout~ "effect_size":null,"error":"WEAT3: set X \(\\"european_american_names_5\\", 32 words\): none of its words is in the model","id":"WEAT3"
stderr~ semspace: error: WEAT2: set X \("instruments", 25 words\): none of its words is in the model
stderr~ semspace: error: WEAT10: set X
run: {semspace} bias weat --model m.vec
exit: 1
stdout~ ^test +effect +p-value +partitions +words X/Y/A/B +missing\n
stdout~ \nWEAT1 +1\.[5-9][0-9]* +0 +exact 924 +6/6/8/8 +aster clover
stdout~ \nWEAT3 +- +- +- +0/0/8/7 +Adam Harry
# Sets and tests from files in the shared format: names fall back to lower case, repeated words are missing once.
run: printf '{"_c": "ours", "fem": ["she", "Woman", "girl"], "mas": ["he", "man", "boy", "nobody"], "care": ["nurse", "doctor"], "build": ["engineer", "nobody"]}' > sets.json
run: printf '{"tests": [{"id": "job", "X": "fem", "Y": "mas", "A": "care", "B": "build", "reference_effect_size": {"paper": 1.0}}]}' > tests.json
run: {semspace} bias weat --model m.vec --sets sets.json --tests tests.json --json
stdout~ "missing":\["nobody"\]
stdout~ "p_value_method":"exact","partitions":20,"reference_effect_size":\{"paper":1\.0\}
stdout~ "effect_size":1\.[0-9]+,"id":"job"
stdout~ "words":\{"A":2,"B":1,"X":3,"Y":3\}
# Above --max-exact partitions the p-value is sampled (--permutations, seeded), and says so
run: {semspace} bias weat --model m.vec --sets sets.json --tests tests.json --max-exact 10 --permutations 2000 --seed 3 --json
stdout~ "p_value_method":"sampled","partitions":2000
run: {semspace} bias weat --model m.vec --sets sets.json --tests tests.json --max-exact 10 --permutations 2000 --seed 3 --json > a.json && {semspace} bias weat --model m.vec --sets sets.json --tests tests.json --max-exact 10 --permutations 2000 --seed 3 --json > b.json && cmp a.json b.json
# --tests alone takes its sets from the built-in ones
run: printf '{"tests": [{"id": "fi", "X": "flowers", "Y": "insects", "A": "pleasant_5", "B": "unpleasant_5a"}]}' > builtin_sets.json
run: {semspace} bias weat --model m.vec --tests builtin_sets.json --json
stdout~ "id":"fi"
stdout~ "partitions":924
# Bad files: exit 1 naming the file and field; bad flags: exit 2
run: printf '{"tests": [{"id": "t", "X": "fem", "Y": "mas", "A": "care", "B": "pleasant"}]}' > unknown.json && {semspace} bias weat --model m.vec --sets sets.json --tests unknown.json
exit: 1
stderr~ unknown\.json: tests\[0\] \(t\): field "B" names set "pleasant", which sets\.json does not define
run: printf '{"fem": ["she", 4]}' > bad_sets.json && {semspace} bias weat --model m.vec --sets bad_sets.json
exit: 1
stderr~ bad_sets\.json: set "fem"\[1\] must be a string
run: printf '{"tests": [' > truncated.json && {semspace} bias weat --model m.vec --tests truncated.json
exit: 1
stderr~ truncated\.json: invalid JSON at byte 12
run: {semspace} bias weat --model m.vec --sets missing.json
exit: 1
stderr~ missing\.json: cannot open
run: {semspace} bias weat --model m.vec --permutations 0
exit: 2
run: {semspace} bias weat --model nothing.vec
exit: 1
stderr~ nothing\.vec
run: {semspace} bias weat --help
stdout~ --permutations
stdout~ --max-exact
stdout~ --subwords
run: {semspace} bias
exit: 2

# Hard debiasing with the built-in gender lists: neutral words lose their gender component (direct bias 0),
# "nurse" and "engineer" become equally similar to "he" and "she"; the WEAT of gender terms drops.
run: printf ': family\nhe she king queen\nman woman boy girl\nfather mother son daughter\n' > analogies.txt && printf 'nurse doctor 8\nking queen 8\nrose tulip 7\nant spider 6\nriver paper 1\n' > pairs.txt
run: {semspace} bias debias --model m.vec --output d.vec --sets sets.json --tests tests.json --analogies analogies.txt --similarity pairs.txt --json
stdout~ "direct_bias":\{"after":[0-9.]+e-[0-9]+,"before":0\.[0-9]+\}
stdout~ "direction":\{"explained_variance_ratio":0\.[0-9]+,"missing_pairs":\[\],"pairs_used":10\}
stdout~ "analogy":\{"after":\{"accuracy":[0-9.]+,"answered":3,
stdout~ "similarity":\{"after":\{"found":5,"pairs":5,"pearson":-?[0-9.]+,"spearman":-?[0-9.]+\},"before":
stdout~ "equalized_pairs":10,"format":"vec"
stdout~ "neutralized":38,.*"specific":24,"subwords_neutralized":false
stdout~ "weat":\{"after":\[\{.*"effect_size":(-?[0-9.]+e-[0-9]+|-?0\.0[0-9]*),.*"before":\[\{.*"effect_size":1\.
run: test "$({semspace} similarity --model d.vec nurse he)" = "$({semspace} similarity --model d.vec nurse she)" && test "$({semspace} similarity --model d.vec engineer man)" = "$({semspace} similarity --model d.vec engineer woman)" && echo equal
stdout~ equal
run: test "$({semspace} similarity --model m.vec nurse he)" != "$({semspace} similarity --model m.vec nurse she)" && echo differ
stdout~ differ
run: {semspace} bias debias --model m.vec --output d2.sem
stdout~ bias direction: 10 of 10 definitional pairs; the first component holds [0-9.]+% of their variance
stdout~ neutralised 38 words, kept 24 specific words, equalised 10 pairs
stdout~ direct bias \(mean \|cos\| of neutralised words with the direction\): 0\.[0-9]+ -> 0\.0000
stdout~ \nWEAT1 +1\.[0-9]+ +1\.[0-9]+ +0 +0\n
stdout~ analogy accuracy: not measured: no --analogies FILE given
stdout~ wrote d2\.sem \(native, 62 words, dimension 12\)
stderr~ semspace: note: WEAT2: set X \("instruments"
# --keep leaves more words alone; absent evaluation files are a note, not an error
run: printf '# gendered jobs in this model\nnurse\n' > keep.txt && {semspace} bias debias --model m.vec --output k.vec --keep keep.txt --analogies nowhere.txt --json
stdout~ "analogy":\{"skipped":"not measured: --analogies nowhere\.txt does not exist"\}
stdout~ "neutralized":37,
run: test "$({semspace} similarity --model k.vec nurse he)" != "$({semspace} similarity --model k.vec nurse she)" && echo kept
stdout~ kept
# Own lists: a pleasantness direction from pleasant/unpleasant pairs
run: printf '{"definitional_pairs": [["love", "abuse"], ["peace", "crash"], ["friend", "murder"]], "specific_words": ["heaven"]}' > lists.json && {semspace} bias debias --model m.vec --output p.vec --lists lists.json --sets sets.json --tests tests.json --json
stdout~ "lists":"lists\.json"
stdout~ "equalized_pairs":0,
# errors
run: printf '{"definitional_pairs": [["nope", "none"]]}' > nopairs.json && {semspace} bias debias --model m.vec --output x.vec --lists nopairs.json
exit: 1
stderr~ m\.vec: none of the 1 definitional pairs has both words in the model
run: test ! -e x.vec && echo no-output
stdout~ no-output
run: printf '{"definitional_pairs": [["a", "b"]], "equalise_pairs": []}' > typo.json && {semspace} bias debias --model m.vec --output x.vec --lists typo.json
exit: 1
stderr~ typo\.json: unknown field "equalise_pairs"
run: printf 'nurse doctor\n' > keep2.txt && {semspace} bias debias --model m.vec --output x.vec --keep keep2.txt
exit: 1
stderr~ keep2\.txt:1: expected one word, found 2
run: {semspace} bias debias --model m.vec --output x.xyz
exit: 2
run: {semspace} bias debias --model m.vec --output x.bin --to fasttext-bin
exit: 2
stderr~ cannot be written
run: {semspace} bias debias --model m.vec
exit: 2
stderr~ --output is required
run: printf 'nurse doctor 3\nking queen x\n' > badpairs.txt && {semspace} bias debias --model m.vec --output x.vec --similarity badpairs.txt
exit: 1
stderr~ badpairs\.txt:2
run: {semspace} bias debias --help
stdout~ --keep
stdout~ --analogies
stdout~ --similarity

# The shared WEFE files (../shared/data/bias_weat) read as they are
require-data: bias_weat/WEAT.json
run: {semspace} bias weat --model m.vec --sets {data}/bias_weat/WEAT.json --tests {data}/bias_weat/weat_tests.json --json
exit: 1
stdout~ "reference_effect_size":\{"glove":1\.5,"word2vec":1\.54\}
stdout~ "id":"WEAT1"

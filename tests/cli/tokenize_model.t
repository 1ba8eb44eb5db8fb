# semspace tokenize --model: a HF model folder's BERT tokenizer (tests/data/tokenizer holds tokenizer.json + vocab.txt).
run: printf 'Café naïve, Ångström!\nunaffable 中文\n' | {semspace} tokenize --model {source}/tests/data/tokenizer
stdout~ ^\[CLS\] cafe naive , angstrom ! \[SEP\]\n\[CLS\] unaffable 中 文 \[SEP\]\n$
run: printf 'a [SEP] b[MASK] [mask]\n' | {semspace} tokenize --model {source}/tests/data/tokenizer
stdout~ ^\[CLS\] a \[SEP\] b \[MASK\] \[ m ##a ##s ##k \] \[SEP\]\n$
run: printf 'hello world hello\n' | {semspace} tokenize --model {source}/tests/data/tokenizer --ids --max-length 4
stdout~ ^101 242 243 102\n$
run: printf 'x\n' > in.txt && mkdir -p vocab_only && cp {source}/tests/data/tokenizer/vocab.txt vocab_only/ && printf '{"do_lower_case": false}' > vocab_only/tokenizer_config.json && {semspace} tokenize --model vocab_only --input in.txt
stdout~ ^\[CLS\] x \[SEP\]\n$
run: printf 'Hello\n' | {semspace} tokenize --model vocab_only
stdout~ ^\[CLS\] Hello \[SEP\]\n$
run: {semspace} tokenize --model missing_dir
exit: 1
stderr~ missing_dir: no tokenizer\.json or vocab\.txt
run: printf '{"model": {"type": "BPE"}}' > vocab_only/tokenizer.json && {semspace} tokenize --model vocab_only
exit: 1
stderr~ tokenizer\.json: model\.type "BPE" is not supported
run: {semspace} tokenize --ids
exit: 2
stderr~ --ids requires --model
run: {semspace} tokenize --model vocab_only --no-normalize
exit: 2
stderr~ excludes
run: {semspace} tokenize --model vocab_only --max-length 2
exit: 2
stderr~ --max-length

"""gensim anchor for bench/compare/train_vs_fasttext.sh: skip-gram on a pre-tokenized corpus.

Run with /usr/bin/python3 (Debian's gensim). Writes OUTPUT in word2vec text format and prints one
JSON line: build_vocab and train() seconds, raw and effective (after subsampling) words, and
raw words x epochs / train seconds / threads. --maxn 0 trains gensim.models.Word2Vec; --maxn > 0
trains gensim.models.FastText (character n-grams minn..maxn, fastText's 2M buckets).
"""
import argparse
import json
import time

from gensim.models import FastText, Word2Vec
from gensim.models.word2vec import LineSentence


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", help="one sentence per line, tokens separated by spaces")
    parser.add_argument("output", help="vectors in word2vec text format (.vec)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--window", type=int, default=5)
    parser.add_argument("--neg", type=int, default=5)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--sample", type=float, default=1e-4)
    parser.add_argument("--minn", type=int, default=3)
    parser.add_argument("--maxn", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    common = dict(sg=1, vector_size=args.dim, window=args.window, negative=args.neg,
                  min_count=args.min_count, sample=args.sample, workers=args.threads,
                  epochs=args.epochs, seed=args.seed)
    if args.maxn > 0:
        model = FastText(min_n=args.minn, max_n=args.maxn, **common)
    else:
        model = Word2Vec(**common)

    sentences = LineSentence(args.corpus)
    start = time.perf_counter()
    model.build_vocab(sentences)
    vocab_seconds = time.perf_counter() - start
    start = time.perf_counter()
    effective_words, raw_words = model.train(sentences, total_examples=model.corpus_count,
                                             epochs=model.epochs)
    train_seconds = time.perf_counter() - start
    model.wv.save_word2vec_format(args.output)

    print(json.dumps({
        "tool": "gensim-fasttext" if args.maxn > 0 else "gensim-word2vec",
        "vocab_size": len(model.wv),
        "vocab_seconds": round(vocab_seconds, 3),
        "train_seconds": round(train_seconds, 3),
        "raw_words": raw_words,
        "effective_words": effective_words,
        "words_per_sec_per_thread": round(raw_words / train_seconds / args.threads),
    }))


if __name__ == "__main__":
    main()

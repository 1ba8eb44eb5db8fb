"""Fallback quality check for bench/compare scripts while build/semspace lacks `eval`.

Run with /usr/bin/python3. Loads a word2vec text file and prints one JSON line with gensim's own
analogy accuracy (restricted to the 30,000 most frequent words, like `semspace eval analogy
--max-vocab 30000`) and Spearman correlations on word-pair files (pairs with unknown words skipped).
"""
import argparse
import json
import logging

from gensim.models import KeyedVectors


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model", help="vectors in word2vec text format")
    parser.add_argument("--analogy", required=True)
    parser.add_argument("--max-vocab", type=int, default=30000)
    parser.add_argument("--pairs", nargs="*", default=[], help="NAME=PATH word-pair files")
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    vectors = KeyedVectors.load_word2vec_format(args.model)
    accuracy, _ = vectors.evaluate_word_analogies(args.analogy, restrict_vocab=args.max_vocab,
                                                  case_insensitive=True)
    result = {"analogy_accuracy": round(accuracy, 4)}
    for named in args.pairs:
        name, path = named.split("=", 1)
        _, spearman, oov_percent = vectors.evaluate_word_pairs(path, case_insensitive=True)
        result[name] = {"spearman": round(spearman.correlation, 4), "oov_percent": round(oov_percent, 1)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()

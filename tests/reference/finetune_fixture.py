#!/usr/bin/python3
"""A fine-tuning task whose answer is known: a small random BERT folder (bert_reference.py's BertModel, mean pooling
+ Normalize) over a vocabulary of 200 words w0..w199 in which w{i} and w{i+100} are synonyms, and paraphrase pairs
"anchor: 4 words of the first hundred" / "positive: their synonyms, shuffled". An untrained model cannot match them
(the two sides share no token); a model that learnt the synonyms can, also on held-out combinations.

usage: finetune_fixture.py OUT_DIR
Writes OUT_DIR/model/ (config.json, model.safetensors, vocab.txt, tokenizer_config.json, modules.json,
1_Pooling/config.json, sentence_bert_config.json), OUT_DIR/train.jsonl (600 pairs), OUT_DIR/eval.jsonl (100 pairs
whose word sets do not occur in train), OUT_DIR/train.csv (the same pairs as CSV), OUT_DIR/triplets.jsonl (each
pair with another pair's positive as the negative), OUT_DIR/labelled.jsonl (4 words of one of 4 word groups, either
side of the synonym table, labelled with the group) and OUT_DIR/scored.jsonl (two 4-word texts whose score is the
fraction of the first text's words whose synonym the second holds).
"""
import csv
import json
import os
import random
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bert_reference  # noqa: E402

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = [f"w{i}" for i in range(200)]


def main():
    out = sys.argv[1]
    folder = os.path.join(out, "model")
    os.makedirs(folder, exist_ok=True)
    vocab = SPECIALS + WORDS
    config = dict(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                  intermediate_size=64, max_position_embeddings=32, type_vocab_size=2, layer_norm_eps=1e-12,
                  hidden_act="gelu", hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
    torch.manual_seed(0)
    model = bert_reference.Bert(config)
    bert_reference.randomize(model, seed=5)
    bert_reference.write_folder(folder, config, model.hf_state(), "F32")
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(vocab) + "\n")
    with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
        json.dump({"do_lower_case": True, "model_max_length": 32}, f)
    with open(os.path.join(folder, "sentence_bert_config.json"), "w") as f:
        json.dump({"max_seq_length": 16, "do_lower_case": False}, f)

    rng = random.Random(1)
    seen, pairs = set(), []
    while len(pairs) < 700:
        chosen = tuple(sorted(rng.sample(range(100), 4)))
        if chosen in seen:
            continue
        seen.add(chosen)
        synonyms = [i + 100 for i in chosen]
        rng.shuffle(synonyms)
        anchor = " ".join(WORDS[i] for i in rng.sample(chosen, 4))
        pairs.append((anchor, " ".join(WORDS[i] for i in synonyms), chosen))
    train, held_out = pairs[:600], pairs[600:]
    with open(os.path.join(out, "train.jsonl"), "w") as f:
        for a, p, _ in train:
            f.write(json.dumps({"anchor": a, "positive": p}) + "\n")
    with open(os.path.join(out, "eval.jsonl"), "w") as f:
        for a, p, _ in held_out:
            f.write(json.dumps({"anchor": a, "positive": p}) + "\n")
    with open(os.path.join(out, "train.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["anchor", "positive"])
        for a, p, _ in train:
            w.writerow([a, p])
    with open(os.path.join(out, "triplets.jsonl"), "w") as f:
        for k, (a, p, _) in enumerate(train):
            f.write(json.dumps({"anchor": a, "positive": p, "negative": train[(k + 1) % len(train)][1]}) + "\n")
    with open(os.path.join(out, "labelled.jsonl"), "w") as f:
        for _ in range(500):
            group = rng.randrange(4)
            members = [i for i in range(25 * group, 25 * group + 25)] + [i + 100 for i in range(25 * group, 25 * group + 25)]
            f.write(json.dumps({"text": " ".join(WORDS[i] for i in rng.sample(members, 4)), "label": f"g{group}"}) + "\n")
    with open(os.path.join(out, "scored.jsonl"), "w") as f:
        for _ in range(2000):
            first = rng.sample(range(100), 4)
            shared = rng.randrange(5)
            others = [i for i in rng.sample(range(100), 12) if i not in first][:4 - shared]
            second = [i + 100 for i in first[:shared] + others]
            rng.shuffle(second)
            f.write(json.dumps({"sentence1": " ".join(WORDS[i] for i in first),
                                "sentence2": " ".join(WORDS[i] for i in second), "score": shared / 4}) + "\n")


if __name__ == "__main__":
    main()

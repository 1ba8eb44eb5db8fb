#!/usr/bin/python3
"""Independent reference for a whole sentence encoder, text in, vector out: a small random BERT model folder
(bert_reference.py's plain torch.nn BertModel) with the test tokenizer of tests/data/tokenizer, mean pooling and
Normalize as sentence-transformers publishes them, and a sentence_bert_config.json whose max_seq_length is
shorter than the position table (so truncation is part of what is checked).

usage: sentence_encoder.py OUT_DIR TEXTS

Writes OUT_DIR/model/ (the folder) and OUT_DIR/expected.npy (float32 [lines of TEXTS, hidden]): each line
tokenized by bert_tokenizer.py (the stdlib reference), run in float64, mean-pooled over its tokens, L2-normalised.
"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bert_reference  # noqa: E402

MAX_SEQ_LENGTH = 16
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def main():
    out, texts = sys.argv[1], sys.argv[2]
    tokenizer_dir = os.path.join(HERE, "..", "data", "tokenizer")
    folder = os.path.join(out, "model")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(tokenizer_dir, "vocab.txt"), encoding="utf-8") as f:
        vocab_size = sum(1 for line in f if line.rstrip("\n"))

    config = dict(bert_reference.TINY, vocab_size=vocab_size, hidden_act="gelu")
    torch.manual_seed(0)
    model = bert_reference.Bert(config)
    bert_reference.randomize(model, seed=3)
    bert_reference.write_folder(folder, config, model.hf_state(), "F32")
    for name in ("tokenizer.json", "vocab.txt"):
        shutil.copy(os.path.join(tokenizer_dir, name), folder)
    with open(os.path.join(folder, "sentence_bert_config.json"), "w") as f:
        json.dump({"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False}, f)

    ids_path = os.path.join(out, "ids.txt")
    command = [sys.executable, os.path.join(HERE, "bert_tokenizer.py"), os.path.join(tokenizer_dir, "vocab.txt"),
               texts, ids_path, "--max-length", str(MAX_SEQ_LENGTH)]
    for token in SPECIALS:
        command += ["--special", token]
    subprocess.run(command, check=True)
    with open(ids_path) as f:
        sequences = [[int(x) for x in line.split()] for line in f.read().splitlines()]

    rows = []
    with torch.inference_mode():
        m = model.double()
        for seq in sequences:
            ids = torch.tensor([seq])
            mask = torch.ones_like(ids)
            x = m(ids, mask, torch.zeros_like(ids))[0]
            rows.append(torch.nn.functional.normalize(x.mean(0), p=2, dim=0))
    np.save(os.path.join(out, "expected.npy"), torch.stack(rows).float().numpy())


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Writes the small BERT test vocabulary (vocab.txt) and the equivalent HF tokenizer.json next to this script.

Layout follows bert-base: [PAD]=0, [unused*], [UNK]=100, [CLS]=101, [SEP]=102, [MASK]=103, then single characters,
"##" continuations and a few whole words and pieces chosen so tests/data/tokenizer/tricky.txt exercises matches,
partial matches and misses in cased, uncased and accent-stripped forms. Rerun after editing; commit both outputs.
"""
import json
import os

here = os.path.dirname(os.path.abspath(__file__))
tokens = ["[PAD]"] + ["[unused%d]" % i for i in range(99)] + ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
chars = [chr(c) for c in list(range(33, 48)) + list(range(58, 65)) + list(range(91, 97)) + list(range(123, 127))]
chars += list("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
chars += list("¿¡“”«»…—、。éïåÉÅç")
chars += list("中文字符日本語人大学") + list("こカ") + ["한", "ᄒ", "ο", "п", "м", "ａ", "😀", "€"]
continuations = list("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéïå")
continuations += list("んにちはタナ") + ["국", "어", "ᅡ", "ᆫ", "ᄀ", "ᅮ", "ᆨ", "ᄋ", "ᅥ"]
continuations += list("δοσςρи") + ["ｂ", "ｃ", "ｂｃ"]
words = ["the", "quick", "brown", "fox", "jump", "over", "lazy", "dog", "hello", "world", "caf", "cafe", "café",
         "naive", "na", "un", "token", "The", "Hello", "World", "Café", "Naïve", "angstrom", "ang", "Ång", "ång",
         "при", "мир", "οδος", "ΟΔΟΣ", "1", "000", "3", "14", "unaffable", "ǅ", "i̇stanbul", "istanbul"]
pieces = ["s", "ed", "ing", "e", "ive", "st", "rom", "ström", "strom", "aff", "able", "izer", "ization", "вет", "ир",
          "00", "000", "ç", "ao", "ão", "stanbul"]
for t in chars + [p for p in words]:
    if t not in tokens:
        tokens.append(t)
for t in ["##" + c for c in continuations + pieces]:
    if t not in tokens:
        tokens.append(t)

with open(os.path.join(here, "vocab.txt"), "w", encoding="utf-8") as f:
    f.write("".join(t + "\n" for t in tokens))

special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
config = {
    "version": "1.0",
    "truncation": None,
    "padding": None,
    "added_tokens": [{"id": tokens.index(t), "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                      "normalized": False, "special": True} for t in special],
    "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                   "strip_accents": None, "lowercase": True},
    "pre_tokenizer": {"type": "BertPreTokenizer"},
    "post_processor": {
        "type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                   {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
        "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                 {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                 {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
        "special_tokens": {t: {"id": t, "ids": [tokens.index(t)], "tokens": [t]} for t in ["[CLS]", "[SEP]"]},
    },
    "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
    "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
              "max_input_chars_per_word": 100, "vocab": {t: i for i, t in enumerate(tokens)}},
}
with open(os.path.join(here, "tokenizer.json"), "w", encoding="utf-8") as f:
    json.dump(config, f, ensure_ascii=False, indent=1)
    f.write("\n")

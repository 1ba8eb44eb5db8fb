#!/usr/bin/python3
"""Independent reference of the BERT tokenizer (BasicTokenizer + WordPiece + [CLS]/[SEP]), stdlib only.

usage: bert_tokenizer.py VOCAB INPUT OUTPUT [--lowercase 0|1] [--strip-accents none|0|1] [--chinese 0|1]
                         [--max-length N] [--pair] [--special TOKEN]...

Written from the published description of google-research/bert's tokenizer, with the choices of HuggingFace
`tokenizers` (BertNormalizer + BertPreTokenizer + WordPiece) where the two differ, because model folders are
tokenized by the latter:
  * controls are Cc, Cf and Co (google: Cc and Cf; transformers' slow tokenizer: every C*);
  * the sixth CJK range starts at U+2B920 (google: U+2B820);
  * whitespace is the Unicode White_Space property;
  * accents are stripped before lowercasing, and lowercasing maps each code point alone (no final sigma);
  * strip_accents unset follows lowercase;
  * each --special token is found verbatim in the raw text (leftmost, longest first) and kept as one id, the
    text between matches being tokenized on its own (HF's added special tokens).
INPUT is read as bytes, split on b"\\n" only, and decoded with errors="replace". OUTPUT gets one line per input
line: the ids, space separated. With --pair, line i is paired with line i+1 (the last with the first) and
truncated by the rule of HF tokenizers' LongestFirst (see truncate_pair).
"""
import sys
import unicodedata

WHITE_SPACE = set([0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000] + list(range(0x09, 0x0E)) +
                  list(range(0x2000, 0x200B)))

CJK_RANGES = [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F),
              (0x2B920, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)]


def is_whitespace(ch):
    return ord(ch) in WHITE_SPACE


def is_control(ch):
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf", "Co")


def is_cjk(ch):
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in CJK_RANGES)


def is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def normalize(text, lowercase, strip_accents, chinese):
    out = []
    for ch in text:
        if ord(ch) == 0 or ord(ch) == 0xFFFD or is_control(ch):
            continue
        out.append(" " if is_whitespace(ch) else ch)
    text = "".join(out)
    if chinese:
        text = "".join(" " + ch + " " if is_cjk(ch) else ch for ch in text)
    if strip_accents:
        text = "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")
    if lowercase:
        text = "".join(ch.lower() for ch in text)
    return text


def split_words(text):
    words, current = [], ""
    for ch in text:
        if is_whitespace(ch) or is_punctuation(ch):
            if current:
                words.append(current)
            current = ""
            if is_punctuation(ch):
                words.append(ch)
        else:
            current += ch
    if current:
        words.append(current)
    return words


def wordpiece(word, vocab, unk_id, max_chars=100, prefix="##"):
    if len(word) > max_chars:
        return [unk_id]
    pieces, start = [], 0
    while start < len(word):
        found = None
        for end in range(len(word), start, -1):
            candidate = word[start:end] if start == 0 else prefix + word[start:end]
            if candidate in vocab:
                found = (vocab[candidate], end)
                break
        if found is None:
            return [unk_id]
        pieces.append(found[0])
        start = found[1]
    return pieces


def split_specials(text, specials):
    """(piece, is_special) pairs: the special tokens found in text and the stretches between them."""
    out, start, pos = [], 0, 0
    while pos < len(text):
        match = max((t for t in specials if text.startswith(t, pos)), key=len, default=None)
        if match is None:
            pos += 1
            continue
        out.append((text[start:pos], False))
        out.append((match, True))
        pos += len(match)
        start = pos
    out.append((text[start:], False))
    return out


def truncate_pair(a, b, budget):
    """HF tokenizers' LongestFirst: cut only the longer when the shorter fits in half the budget, else give the
    shorter (a when equal) budget // 2 and the longer the rest."""
    if len(a) + len(b) <= budget:
        return a, b
    swap = len(a) > len(b)
    short, long_ = (b, a) if swap else (a, b)
    keep_short = len(short) if 2 * len(short) <= budget else budget // 2
    short, long_ = short[:keep_short], long_[:budget - keep_short]
    return (long_, short) if swap else (short, long_)


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        sys.exit(__doc__)
    vocab_path, input_path, output_path = args[:3]
    options = {"--lowercase": "1", "--strip-accents": "none", "--chinese": "1", "--max-length": "512"}
    pair = False
    specials = []
    rest = args[3:]
    while rest:
        if rest[0] == "--pair":
            pair, rest = True, rest[1:]
        elif rest[0] == "--special" and len(rest) > 1:
            specials.append(rest[1])
            rest = rest[2:]
        elif rest[0] in options and len(rest) > 1:
            options[rest[0]], rest = rest[1], rest[2:]
        else:
            sys.exit("unknown option " + rest[0])
    lowercase = options["--lowercase"] == "1"
    strip = lowercase if options["--strip-accents"] == "none" else options["--strip-accents"] == "1"
    chinese = options["--chinese"] == "1"
    max_length = int(options["--max-length"])

    vocab = {}
    with open(vocab_path, "rb") as f:
        for i, line in enumerate(f.read().decode("utf-8").split("\n")):
            if line.endswith("\r"):
                line = line[:-1]
            if line:
                vocab[line] = i
    unk, cls, sep = vocab["[UNK]"], vocab["[CLS]"], vocab["[SEP]"]

    with open(input_path, "rb") as f:
        lines = f.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    texts = [line.decode("utf-8", errors="replace") for line in lines]
    encoded = []
    for text in texts:
        ids = []
        for piece, is_special in split_specials(text, specials):
            if is_special:
                ids.append(vocab[piece])
                continue
            for word in split_words(normalize(piece, lowercase, strip, chinese)):
                ids.extend(wordpiece(word, vocab, unk))
        encoded.append(ids)

    with open(output_path, "w") as out:
        for i, ids in enumerate(encoded):
            if pair:
                a, b = list(ids), list(encoded[(i + 1) % len(encoded)])
                a, b = truncate_pair(a, b, max_length - 3)
                row = [cls] + a + [sep] + b + [sep]
            else:
                row = [cls] + ids[:max_length - 2] + [sep]
            out.write(" ".join(str(x) for x in row) + "\n")


if __name__ == "__main__":
    main()

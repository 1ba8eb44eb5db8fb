"""Writes a small .vec model with planted biases for the bias CLI tests (no numpy needed):
python3 gen_bias_model.py OUT.vec

Axis 0 is gender: the definitional and gendered words sit at +-1 on it, "nurse" and "engineer" lean either way.
Axis 1 is pleasantness: pleasant words at +1, unpleasant at -1, flowers lean pleasant and insects unpleasant.
Other axes: uniform noise in [-0.5, 0.5]. Holds some flowers, insects and pleasant/unpleasant words of the built-in
WEAT1, but no names (so the name tests fail). Deterministic (fixed seed).
"""
import random
import sys

rng = random.Random(11)
dim = 12
female = ["she", "her", "woman", "mary", "herself", "daughter", "mother", "gal", "girl", "female", "queen", "sister"]
male = ["he", "his", "man", "john", "himself", "son", "father", "guy", "boy", "male", "king", "brother"]
pleasant = ["love", "peace", "friend", "heaven", "happy", "gift", "health", "freedom"]
unpleasant = ["abuse", "crash", "murder", "death", "poison", "jail", "cancer", "agony"]
flowers = ["rose", "tulip", "daisy", "lily", "orchid", "violet"]
insects = ["ant", "flea", "spider", "wasp", "moth", "roach"]
neutral = ["nurse", "engineer", "doctor", "table", "river", "music", "city", "green", "paper", "window"]

words, rows = [], []


def add(word, gender=0.0, pleasure=0.0):
    words.append(word)
    rows.append([gender, pleasure] + [rng.uniform(-0.5, 0.5) for _ in range(dim - 2)])


for w in female:
    add(w, gender=1.0)
for w in male:
    add(w, gender=-1.0)
for w in pleasant:
    add(w, pleasure=1.0)
for w in unpleasant:
    add(w, pleasure=-1.0)
for w in flowers:
    add(w, pleasure=0.6, gender=rng.uniform(-0.2, 0.2))
for w in insects:
    add(w, pleasure=-0.6, gender=rng.uniform(-0.2, 0.2))
for w in neutral:
    add(w, gender={"nurse": 0.6, "engineer": -0.6}.get(w, rng.uniform(-0.2, 0.2)))
with open(sys.argv[1], "w") as out:
    out.write("%d %d\n" % (len(words), dim))
    for w, r in zip(words, rows):
        out.write(w + " " + " ".join("%.6f" % v for v in r) + "\n")

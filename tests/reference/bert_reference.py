"""Independent reference for the BERT encoder: BertModel written in plain torch.nn after the published
architecture (Devlin et al. 2019; HF's BertModel layout), random weights from a fixed seed, saved as a HuggingFace
/ sentence-transformers model folder with a hand-written model.safetensors (8-byte little-endian header length,
JSON header, raw little-endian data). The forward pass runs in float64 so it is an oracle for our f32 code.

usage: bert_reference.py OUT_DIR [--shape tiny|minilm|bge_small] [--no-outputs]

Writes to OUT_DIR:
  ids.npy, mask.npy, type_ids.npy  int64 [n, L]: a right-padded batch of sequences of different lengths
  <variant>/config.json, model.safetensors, modules.json, 1_Pooling/config.json, 2_Normalize/
  <variant>/ref/tokens.npy         float32 [n * L, H] final hidden states (padded rows are whatever BERT computes)
  <variant>/ref/pooled_{mean,cls,max,mean_normalized}.npy   float32 [n, H]
variants: gelu (F32), gelu_new (F32, tanh GELU), gelu_f16 / gelu_bf16 (the gelu weights stored as F16 / BF16; the
reference uses the rounded weights), gelu_prefixed (F32 under "bert." plus pooler tensors and an I64 position_ids
buffer, which a loader must skip).
--shape minilm writes only the gelu variant with all-MiniLM-L6-v2's shape (mean pooling + Normalize), --shape
bge_small only the gelu variant with bge-small-en-v1.5's shape (12 layers, CLS pooling + Normalize), both for
bench/compare; --no-outputs skips the reference forward pass.
"""
import json
import math
import os
import struct
import sys

import numpy as np
import torch

TINY = dict(vocab_size=500, hidden_size=64, num_hidden_layers=3, num_attention_heads=4, intermediate_size=128,
            max_position_embeddings=64, type_vocab_size=2, layer_norm_eps=1e-12)
MINILM = dict(vocab_size=30522, hidden_size=384, num_hidden_layers=6, num_attention_heads=12, intermediate_size=1536,
              max_position_embeddings=512, type_vocab_size=2, layer_norm_eps=1e-12)
BGE_SMALL = dict(MINILM, num_hidden_layers=12)
SHAPES = {"tiny": TINY, "minilm": MINILM, "bge_small": BGE_SMALL}
POOLING = {"tiny": "mean", "minilm": "mean", "bge_small": "cls"}  # the published models' 1_Pooling modes


def gelu(x, kind):
    if kind == "gelu":
        return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


class Layer(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        h, i = c["hidden_size"], c["intermediate_size"]
        self.heads = c["num_attention_heads"]
        self.query, self.key, self.value = (torch.nn.Linear(h, h) for _ in range(3))
        self.attn_out = torch.nn.Linear(h, h)
        self.attn_norm = torch.nn.LayerNorm(h, eps=c["layer_norm_eps"])
        self.inter = torch.nn.Linear(h, i)
        self.out = torch.nn.Linear(i, h)
        self.out_norm = torch.nn.LayerNorm(h, eps=c["layer_norm_eps"])
        self.act = c["hidden_act"]

    def forward(self, x, mask):
        n, length, h = x.shape
        d = h // self.heads

        def split(t):
            return t.view(n, length, self.heads, d).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d)
        scores = scores.masked_fill(mask[:, None, None, :] == 0, float("-inf"))
        context = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(n, length, h)
        x = self.attn_norm(x + self.attn_out(context))
        return self.out_norm(x + self.out(gelu(self.inter(x), self.act)))


class Bert(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.word = torch.nn.Embedding(c["vocab_size"], h)
        self.position = torch.nn.Embedding(c["max_position_embeddings"], h)
        self.token_type = torch.nn.Embedding(c["type_vocab_size"], h)
        self.norm = torch.nn.LayerNorm(h, eps=c["layer_norm_eps"])
        self.layers = torch.nn.ModuleList(Layer(c) for _ in range(c["num_hidden_layers"]))

    def forward(self, ids, mask, types):
        positions = torch.arange(ids.shape[1])[None, :]
        x = self.norm(self.word(ids) + self.position(positions) + self.token_type(types))
        for layer in self.layers:
            x = layer(x, mask)
        return x

    def hf_state(self):
        """Tensors under the names HF's BertModel saves."""
        s = {
            "embeddings.word_embeddings.weight": self.word.weight,
            "embeddings.position_embeddings.weight": self.position.weight,
            "embeddings.token_type_embeddings.weight": self.token_type.weight,
            "embeddings.LayerNorm.weight": self.norm.weight,
            "embeddings.LayerNorm.bias": self.norm.bias,
        }
        for i, layer in enumerate(self.layers):
            p = f"encoder.layer.{i}."
            parts = {
                "attention.self.query": layer.query, "attention.self.key": layer.key,
                "attention.self.value": layer.value, "attention.output.dense": layer.attn_out,
                "attention.output.LayerNorm": layer.attn_norm, "intermediate.dense": layer.inter,
                "output.dense": layer.out, "output.LayerNorm": layer.out_norm,
            }
            for name, module in parts.items():
                s[p + name + ".weight"] = module.weight
                s[p + name + ".bias"] = module.bias
        return {k: v.detach() for k, v in s.items()}


def randomize(model, seed):
    """Weights large enough that attention is far from uniform and every layer matters."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name and name.endswith("weight"):
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g, dtype=p.dtype))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=g, dtype=p.dtype))
            elif p.dim() == 2 and isinstance(getattr(model, name.split(".")[0], None), torch.nn.Embedding):
                p.copy_(torch.randn(p.shape, generator=g, dtype=p.dtype))
            else:
                p.copy_(torch.randn(p.shape, generator=g, dtype=p.dtype) / math.sqrt(p.shape[1]))


def tensor_bytes(t, dtype):
    if dtype == "F32":
        return t.to(torch.float32).numpy().astype("<f4").tobytes()
    if dtype == "F16":
        return t.to(torch.float16).numpy().astype("<f2").tobytes()
    if dtype == "BF16":  # numpy has no bfloat16: take the upper 16 bits of the rounded value's binary32
        bits = t.to(torch.bfloat16).to(torch.float32).numpy().astype("<f4").view("<u4") >> 16
        return bits.astype("<u2").tobytes()
    if dtype == "I64":
        return t.numpy().astype("<i8").tobytes()
    raise ValueError(dtype)


def write_safetensors(path, tensors, metadata=None):
    """tensors: list of (name, torch tensor, dtype string)."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t, dtype in tensors:
        blob = tensor_bytes(t, dtype)
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the reference writer pads to 8 so the data section starts aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def write_folder(folder, config, state, dtype, prefix="", extra=(), pooling="mean"):
    os.makedirs(os.path.join(folder, "1_Pooling"), exist_ok=True)
    os.makedirs(os.path.join(folder, "2_Normalize"), exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(dict(config, model_type="bert", architectures=["BertModel"], position_embedding_type="absolute"),
                  f, indent=2)
    tensors = [(prefix + k, v, dtype) for k, v in state.items()] + list(extra)
    write_safetensors(os.path.join(folder, "model.safetensors"), tensors, {"format": "pt"})
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ]
    with open(os.path.join(folder, "modules.json"), "w") as f:
        json.dump(modules, f, indent=2)
    with open(os.path.join(folder, "1_Pooling", "config.json"), "w") as f:
        json.dump({"word_embedding_dimension": config["hidden_size"], "pooling_mode_cls_token": pooling == "cls",
                   "pooling_mode_mean_tokens": pooling == "mean", "pooling_mode_max_tokens": False,
                   "pooling_mode_mean_sqrt_len_tokens": False}, f, indent=2)


def write_outputs(folder, model, ids, mask, types):
    """Reference outputs, computed in float64 from the model's (possibly rounded) weights."""
    ref = os.path.join(folder, "ref")
    os.makedirs(ref, exist_ok=True)
    with torch.inference_mode():
        m = model.double()
        x = m(ids, mask, types)
        keep = mask[:, :, None].double()
        mean = (x * keep).sum(1) / keep.sum(1)
        pooled = {
            "mean": mean,
            "cls": x[:, 0],
            "max": x.masked_fill(keep == 0, float("-inf")).max(1).values,
            "mean_normalized": torch.nn.functional.normalize(mean, p=2, dim=1),
        }
    np.save(os.path.join(ref, "tokens.npy"), x.reshape(-1, x.shape[-1]).float().numpy())
    for name, value in pooled.items():
        np.save(os.path.join(ref, f"pooled_{name}.npy"), value.float().numpy())


def rounded_copy(model, config, torch_dtype):
    copy = Bert(config)
    copy.load_state_dict(model.state_dict())
    with torch.no_grad():
        for p in copy.parameters():
            p.copy_(p.to(torch_dtype).to(p.dtype))
    return copy


def main():
    out = sys.argv[1]
    shape = "tiny"
    if "--shape" in sys.argv:
        shape = sys.argv[sys.argv.index("--shape") + 1]
    outputs = "--no-outputs" not in sys.argv
    os.makedirs(out, exist_ok=True)
    if shape not in SHAPES:
        sys.exit(f"bert_reference.py: --shape {shape} is not one of {', '.join(SHAPES)}")
    base = dict(SHAPES[shape])

    # A right-padded batch: lengths from 1 (only [CLS]) to the longest the model takes, both token types.
    rng = np.random.default_rng(7)
    max_len = base["max_position_embeddings"] if shape == "tiny" else 128
    lengths = [5, max_len, 1, 17, 33, 9, 2, max_len - 1]
    n = len(lengths)
    ids = np.zeros((n, max_len), dtype=np.int64)
    mask = np.zeros((n, max_len), dtype=np.int64)
    types = np.zeros((n, max_len), dtype=np.int64)
    for s, length in enumerate(lengths):
        ids[s, :length] = rng.integers(0, base["vocab_size"], length)
        mask[s, :length] = 1
        if s % 2 == 1:  # a second segment in every other sequence
            types[s, length // 2:length] = 1
    np.save(os.path.join(out, "ids.npy"), ids)
    np.save(os.path.join(out, "mask.npy"), mask)
    np.save(os.path.join(out, "type_ids.npy"), types)
    t_ids, t_mask, t_types = (torch.from_numpy(a) for a in (ids, mask, types))

    torch.manual_seed(0)
    variants = ["gelu"] if shape != "tiny" else ["gelu", "gelu_new"]
    for act in variants:
        config = dict(base, hidden_act=act)
        model = Bert(config)
        randomize(model, seed=1 if act == "gelu" else 2)
        state = model.hf_state()
        write_folder(os.path.join(out, act), config, state, "F32", pooling=POOLING[shape])
        if outputs:
            write_outputs(os.path.join(out, act), model, t_ids, t_mask, t_types)
            model.float()  # write_outputs ran it in float64
        if act != "gelu" or shape != "tiny":
            continue
        for dtype, torch_dtype in (("F16", torch.float16), ("BF16", torch.bfloat16)):
            folder = os.path.join(out, "gelu_" + dtype.lower())
            write_folder(folder, config, state, dtype)
            if outputs:
                write_outputs(folder, rounded_copy(model, config, torch_dtype), t_ids, t_mask, t_types)
        pooler = torch.nn.Linear(base["hidden_size"], base["hidden_size"])
        extra = [("bert.pooler.dense.weight", pooler.weight.detach(), "F32"),
                 ("bert.pooler.dense.bias", pooler.bias.detach(), "F32"),
                 ("bert.embeddings.position_ids", torch.arange(base["max_position_embeddings"])[None, :], "I64")]
        write_folder(os.path.join(out, "gelu_prefixed"), config, state, "F32", prefix="bert.", extra=extra)


if __name__ == "__main__":
    main()

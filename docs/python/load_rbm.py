#!/usr/bin/env python3
"""Load an RBM downloaded from DeepNetService (GET /api/models/{id}/file) and reconstruct a digit.

Needs numpy only. The file is safetensors: 8 bytes little-endian header length, a JSON header
(tensor dtype/shape/byte offsets and a "__metadata__" of strings), then raw little-endian float32.

    python3 load_rbm.py model.safetensors                 # a drawn "1" at the model's image size
    python3 load_rbm.py model.safetensors --input x.txt   # width*height numbers in [0, 1]
    python3 load_rbm.py model.safetensors --values        # also print the reconstruction's numbers
"""
import argparse
import hashlib
import json
import struct
import sys

import numpy as np


def load_safetensors(path):
    """Returns ({name: float32 array}, metadata dict); checks the sha256 checksum of the data section."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    meta = header.pop("__metadata__", {})
    if "checksum" in meta and meta["checksum"] != "sha256:" + hashlib.sha256(data).hexdigest():
        raise ValueError("checksum mismatch: the file was altered or damaged")
    tensors = {}
    for name, t in header.items():
        if t["dtype"] != "F32":
            raise ValueError(f"{name}: only F32 tensors are supported")
        begin, end = t["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:end], dtype="<f4").reshape(t["shape"])
    return tensors, meta


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def reconstruct(tensors, meta, x):
    """Q(h=1|x) = sigm(c + W x / sigma), then the visible mean: sigm(b + W'h) (binary) or b + sigma W'h (Gaussian)."""
    W, b, c = tensors["weights"], tensors["visible_bias"], tensors["hidden_bias"]  # W is [hidden, visible]
    sigma = float(meta.get("sigma", "1"))
    h = sigmoid(c + W @ x / sigma)
    v = b + sigma * (W.T @ h)
    return v if meta.get("visible_type") == "Gaussian" else sigmoid(v)


def drawn_one(width, height):
    """A vertical stroke with a small flag: a hand-drawn "1" scaled to width x height."""
    img = np.zeros((height, width), dtype=np.float32)
    col = width // 2
    img[height // 6: height - height // 6, max(col - width // 14, 0): col + max(width // 14, 1)] = 1.0
    for i in range(max(width // 6, 1)):
        img[height // 6 + i, max(col - 1 - i, 0)] = 1.0
    return img.reshape(-1)


def ascii_art(values, width, height):
    shades = " .:-=+*#%@"
    rows = values.reshape(height, width)
    return "\n".join("".join(shades[int(np.clip(p, 0, 1) * 9)] for p in row) for row in rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", help="a .safetensors RBM file downloaded from DeepNetService")
    parser.add_argument("--input", help="text file of width*height numbers in [0, 1] (default: a drawn '1')")
    parser.add_argument("--values", action="store_true", help="print the reconstruction's numbers on one line")
    args = parser.parse_args(argv)

    tensors, meta = load_safetensors(args.path)
    if meta.get("model_type") != "rbm":
        sys.exit(f"{args.path} holds a {meta.get('model_type')!r} model; this script reads RBMs")
    width, height = int(meta["image_width"]), int(meta["image_height"])
    x = np.loadtxt(args.input, dtype=np.float32).reshape(-1) if args.input else drawn_one(width, height)
    if x.size != width * height:
        sys.exit(f"the input has {x.size} values; the model takes {width}x{height} = {width * height}")
    v = reconstruct(tensors, meta, x)

    print(f"{meta.get('name', 'model')}: RBM {tensors['weights'].shape[1]}-{tensors['weights'].shape[0]}, "
          f"{width}x{height}, {meta.get('visible_type', 'Bernoulli')}, author {meta.get('author', '?')}, "
          + ("checksum ok" if "checksum" in meta else "no checksum"))
    print("input:\n" + ascii_art(x, width, height))
    print("reconstruction:\n" + ascii_art(v, width, height))
    print(f"squared error: {float(np.sum((x - v) ** 2)):.4f}")
    if args.values:
        print("values: " + " ".join(f"{float(p):.6g}" for p in v))


if __name__ == "__main__":
    main()

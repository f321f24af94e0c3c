"""Shared helpers of the fixture generators in this directory (PyTorch 1.13, float64).

Tensors are written as {"shape", "dtype", "data"} with nested row-major data, as in the
original fixture set (see packages/core/test/fixtures/torch/README.md): float64 numbers use
Python's shortest round-tripping repr, int64 holds indices and labels, bool is written as 0/1.
"""
import json
import math
import os

import torch

torch.set_default_dtype(torch.float64)


def enc(t):
    """A tensor (or None) as a fixture object."""
    if t is None:
        return None
    t = t.detach()
    if t.dtype == torch.bool:
        dtype, data = "bool", t.to(torch.int64).tolist()
    elif t.dtype in (torch.int64, torch.int32):
        dtype, data = "int64", t.to(torch.int64).tolist()
    else:
        dtype, data = "float64", t.to(torch.float64).tolist()
        check_finite(data)
    return {"shape": list(t.shape), "dtype": dtype, "data": data}


def check_finite(data):
    if isinstance(data, list):
        for v in data:
            check_finite(v)
    elif not math.isfinite(data):
        raise ValueError("fixture value is NaN or infinite")


def leaf(t):
    """A float64 leaf that requires grad."""
    return t.detach().clone().to(torch.float64).requires_grad_(True)


def vjp(outputs, inputs):
    """Backward of sum(<output, upstream>) with a random upstream per output.

    Returns (upstreams, grads) where grads[i] is the gradient of inputs[i] (zeros if none flowed).
    """
    upstreams = [torch.randn(o.shape) for o in outputs]
    total = sum((o * u).sum() for o, u in zip(outputs, upstreams))
    grads = torch.autograd.grad(total, inputs, allow_unused=True)
    grads = [torch.zeros_like(x) if g is None else g for x, g in zip(inputs, grads)]
    return upstreams, grads


def write(out_dir, name, seed, cases, **extra):
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    payload = {
        "meta": {
            "generator": "tools/torch-fixtures/" + extra.pop("generator"),
            "file": name,
            "seed": seed,
            "torch_version": torch.__version__,
            "dtype": "float64",
        },
        **extra,
        "cases": cases,
    }
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, name), "w") as f:
        json.dump(payload, f, separators=(",", ":"))
        f.write("\n")
    print(f"{name}: {len(cases)} cases")

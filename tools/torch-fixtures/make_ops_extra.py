"""PyTorch 1.13 reference values for the ops added after the original ops.json: sort, argsort,
topk, cumsum, cumprod, einsum, t / T, conv1d and conv_transpose2d.

    /usr/bin/python3 tools/torch-fixtures/make_ops_extra.py --seed 1 \
        --out packages/core/test/fixtures/torch

Writes ops_extra.json with the schema of ops.json (name, op, torch, args, output, upstream,
grads, extra_outputs); see packages/core/test/fixtures/torch/README.md.
"""
import argparse
import warnings

import torch
import torch.nn.functional as F

from common import enc, leaf, vjp, write


def distinct(*shape):
    """Values with gaps of at least 0.09 (no ties), shuffled."""
    n = 1
    for d in shape:
        n *= d
    ladder = (torch.randperm(n).double() - (n - 1) / 2) * 0.15 + (torch.rand(n) - 0.5) * 0.06
    return ladder.reshape(shape)


def case(name, op, expr, args, fn, extra=None):
    """Runs fn on the float tensors of args (as leaves) and records output and gradients."""
    leaves = {k: leaf(v) if torch.is_tensor(v) and v.is_floating_point() else v for k, v in args.items()}
    out = fn(**leaves)
    extra_out = None
    if isinstance(out, tuple):
        out, indices = out
        extra_out = {"indices": enc(indices)}
    diff = [k for k, v in leaves.items() if torch.is_tensor(v) and v.requires_grad]
    if out.is_floating_point() and diff:
        ups, grads = vjp([out], [leaves[k] for k in diff])
        upstream, grad_map = enc(ups[0]), {k: enc(g) for k, g in zip(diff, grads)}
    else:
        upstream, grad_map = None, {}
    c = {
        "name": name,
        "op": op,
        "torch": expr,
        "args": {k: enc(v) if torch.is_tensor(v) else v for k, v in args.items()},
        "output": enc(out),
        "upstream": upstream,
        "grads": grad_map,
    }
    if extra_out:
        c["extra_outputs"] = extra_out
    if extra:
        c.update(extra)
    return c


def sorting_cases():
    cases = []
    for shape, axis, desc in [([6], -1, False), ([3, 5], 1, True), ([4, 3], 0, False), ([2, 3, 4], 1, True)]:
        tag = "x".join(map(str, shape))
        cases.append(case(f"sort_{tag}_axis{axis}_desc{int(desc)}", "sort",
                          "torch.sort(x, dim=axis, descending=descending, stable=True)",
                          {"x": distinct(*shape), "axis": axis, "descending": desc},
                          lambda x, axis, descending: torch.sort(x, dim=axis, descending=descending, stable=True)))
    ties = torch.tensor([[2.0, 1.0, 2.0, 0.0, 1.0, 2.0], [1.0, 1.0, 0.0, 1.0, 3.0, 0.0]])
    for desc in (False, True):
        cases.append(case(f"sort_ties_stable_desc{int(desc)}", "sort",
                          "torch.sort(x, dim=axis, descending=descending, stable=True)",
                          {"x": ties, "axis": 1, "descending": desc},
                          lambda x, axis, descending: torch.sort(x, dim=axis, descending=descending, stable=True)))
        cases.append(case(f"argsort_ties_stable_desc{int(desc)}", "argsort",
                          "torch.sort(x, dim=axis, descending=descending, stable=True).indices",
                          {"x": ties, "axis": 1, "descending": desc},
                          lambda x, axis, descending: torch.sort(x, dim=axis, descending=descending, stable=True).indices))
    cases.append(case("argsort_3x4_axis0", "argsort", "torch.argsort(x, dim=axis, descending=descending)",
                      {"x": distinct(3, 4), "axis": 0, "descending": False},
                      lambda x, axis, descending: torch.argsort(x, dim=axis, descending=descending)))
    for shape, k, axis, largest in [([7], 3, -1, True), ([3, 6], 2, 1, False), ([5, 3], 5, 0, True),
                                    ([2, 4, 3], 1, 1, True), ([2, 3, 4], 3, -1, False)]:
        tag = "x".join(map(str, shape))
        cases.append(case(f"topk_{tag}_k{k}_axis{axis}_largest{int(largest)}", "topk",
                          "torch.topk(x, k, dim=axis, largest=largest, sorted=True)",
                          {"x": distinct(*shape), "k": k, "axis": axis, "largest": largest},
                          lambda x, k, axis, largest: tuple(torch.topk(x, k, dim=axis, largest=largest, sorted=True))))
    return cases


def scan_cases():
    cases = []
    for shape, axis in [([5], 0), ([3, 4], 1), ([3, 4], 0), ([2, 3, 4], -2)]:
        tag = "x".join(map(str, shape))
        cases.append(case(f"cumsum_{tag}_axis{axis}", "cumsum", "torch.cumsum(x, dim=axis)",
                          {"x": torch.randn(*shape), "axis": axis}, lambda x, axis: torch.cumsum(x, dim=axis)))
        cases.append(case(f"cumprod_{tag}_axis{axis}", "cumprod", "torch.cumprod(x, dim=axis)",
                          {"x": torch.randn(*shape), "axis": axis}, lambda x, axis: torch.cumprod(x, dim=axis)))
    one_zero = torch.randn(3, 5)
    one_zero[0, 2] = 0.0
    one_zero[1, 0] = 0.0
    one_zero[2, 4] = 0.0
    two_zeros = torch.randn(2, 6)
    two_zeros[0, 1] = two_zeros[0, 4] = 0.0
    two_zeros[1, 2] = two_zeros[1, 3] = 0.0
    for name, x in [("one_zero_per_row", one_zero), ("two_zeros_per_row", two_zeros)]:
        cases.append(case(f"cumprod_{name}", "cumprod", "torch.cumprod(x, dim=axis)",
                          {"x": x, "axis": 1}, lambda x, axis: torch.cumprod(x, dim=axis)))
    return cases


EINSUMS = [
    ("ij,jk->ik", [[3, 4], [4, 5]]),
    ("ij,jk", [[2, 3], [3, 4]]),
    ("bij,bjk->bik", [[2, 3, 4], [2, 4, 2]]),
    ("bij,bjk->bik", [[1, 3, 4], [3, 4, 2]]),
    ("bhqd,bhkd->bhqk", [[2, 2, 3, 4], [2, 2, 5, 4]]),
    ("ij->ji", [[3, 4]]),
    ("ijk->kij", [[2, 3, 4]]),
    ("ii->i", [[4, 4]]),
    ("ii", [[4, 4]]),
    ("bii->bi", [[2, 3, 3]]),
    ("iij->ij", [[3, 3, 2]]),
    ("i,j->ij", [[3], [4]]),
    ("i,j", [[2], [3]]),
    ("i,i->", [[5], [5]]),
    ("ij,ij->ij", [[3, 4], [3, 4]]),
    ("ij->", [[3, 4]]),
    ("ij->j", [[3, 4]]),
    ("ij,jk,kl->il", [[2, 3], [3, 4], [4, 2]]),
    ("ab,bc->", [[3, 4], [4, 2]]),
    ("...ij,...jk->...ik", [[2, 1, 3, 4], [3, 4, 5]]),
    ("b...,b...->b", [[2, 3, 4], [2, 3, 4]]),
    ("ij,kj->ik", [[3, 4], [5, 4]]),
    ("i,ij,j->", [[3], [3, 4], [4]]),
    ("ijkl->ljki", [[2, 3, 2, 3]]),
]


def einsum_cases():
    cases = []
    for k, (eq, shapes) in enumerate(EINSUMS):
        args = {f"x{i}": torch.randn(*s) for i, s in enumerate(shapes)}
        label = eq.replace("->", "_to_").replace(",", "_").replace("...", "E")
        cases.append(case(f"einsum_{k:02d}_{label or 'none'}", "einsum", f"torch.einsum('{eq}', *operands)",
                          {"equation": eq, **args},
                          lambda equation, **xs: torch.einsum(equation, *xs.values())))
    return cases


def transpose_cases():
    cases = []
    for shape in ([3, 4], [5], []):
        tag = "x".join(map(str, shape)) or "0d"
        cases.append(case(f"t_{tag}", "t", "x.t()", {"x": torch.randn(shape)}, lambda x: x.t()))
    for shape in ([3, 4], [2, 3, 4]):
        tag = "x".join(map(str, shape))
        cases.append(case(f"T_{tag}", "T", "x.permute(*reversed(range(x.ndim)))  # x.T",
                          {"x": torch.randn(*shape)}, lambda x: x.permute(*reversed(range(x.ndim)))))
    return cases


def conv_cases():
    cases = []
    for n, c, o, length, k, stride, padding, bias in [(2, 3, 4, 7, 3, 1, 0, True), (1, 2, 3, 9, 4, 2, 1, False),
                                                        (2, 1, 2, 5, 5, 1, 2, True), (None, 2, 3, 6, 2, 3, 1, True)]:
        x = torch.randn(c, length) if n is None else torch.randn(n, c, length)
        args = {"x": x, "weight": torch.randn(o, c, k), "bias": torch.randn(o) if bias else None,
                "stride": stride, "padding": padding}
        tag = "x".join(map(str, x.shape))
        cases.append(case(f"conv1d_{tag}_k{k}_s{stride}_p{padding}_bias{int(bias)}", "conv1d",
                          "F.conv1d(x, weight, bias, stride=stride, padding=padding)", args,
                          lambda x, weight, bias, stride, padding: F.conv1d(x, weight, bias, stride=stride, padding=padding)))
    for n, cin, cout, hw, k, stride, padding, outpad, bias in [
        (2, 3, 2, (4, 5), (3, 3), 1, 0, 0, True),
        (1, 2, 3, (3, 3), (3, 3), 2, 1, 1, True),
        (2, 2, 2, (4, 3), (4, 2), (2, 1), (1, 0), (1, 0), False),
        (1, 1, 3, (2, 2), (2, 2), 2, 0, 0, True),
        (1, 3, 2, (5, 4), (3, 2), 3, (2, 1), (2, 0), True),
    ]:
        args = {"x": torch.randn(n, cin, *hw), "weight": torch.randn(cin, cout, *k),
                "bias": torch.randn(cout) if bias else None, "stride": stride, "padding": padding,
                "output_padding": outpad}
        tag = "x".join(map(str, args["x"].shape))
        name = f"conv_transpose2d_{tag}_w{'x'.join(map(str, args['weight'].shape))}_s{stride}_p{padding}_op{outpad}"
        name = name.replace("(", "").replace(")", "").replace(", ", "_")
        cases.append(case(name, "conv_transpose2d",
                          "F.conv_transpose2d(x, weight, bias, stride=stride, padding=padding, output_padding=output_padding)",
                          args,
                          lambda x, weight, bias, stride, padding, output_padding: F.conv_transpose2d(
                              x, weight, bias, stride=stride, padding=padding, output_padding=output_padding)))
    return cases


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="packages/core/test/fixtures/torch")
    a = parser.parse_args()
    torch.manual_seed(a.seed)
    warnings.simplefilter("ignore")
    cases = sorting_cases() + scan_cases() + einsum_cases() + transpose_cases() + conv_cases()
    write(a.out, "ops_extra.json", a.seed, cases, generator="make_ops_extra.py")


if __name__ == "__main__":
    main()

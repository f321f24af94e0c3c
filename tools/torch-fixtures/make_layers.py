"""PyTorch 1.13 reference values for the nn layers added with issue 14, ReduceLROnPlateau and
random_split's split sizes.

    /usr/bin/python3 tools/torch-fixtures/make_layers.py --seed 1 --out packages/nn/test/fixtures/torch

Writes layers.json, plateau.json and random_split.json; packages/nn/test/fixtures/torch/README.md
describes their schemas. Options are written with tapegrad's camelCase names; `torch` holds the
PyTorch expression that was evaluated.
"""
import argparse
import math
import random
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

from common import enc, leaf, vjp, write


def module_case(name, layer, expr, module, args, options, inputs, call=None, call_options=None):
    """Runs `module` (float64) on `inputs` ({name: tensor or None}); `call` returns the outputs by
    name. Records them and the gradients of every float input and every parameter for random
    upstreams."""
    module = module.double()
    leaves = {k: (leaf(v) if torch.is_tensor(v) and v.is_floating_point() else v) for k, v in inputs.items()}
    outs = (call or (lambda m, xs: {"output": m(*xs.values())}))(module, leaves)
    names, tensors = list(outs.keys()), list(outs.values())
    params = dict(module.named_parameters())
    diff = [k for k, v in leaves.items() if torch.is_tensor(v) and v.requires_grad]
    ups, grads = vjp(tensors, [leaves[k] for k in diff] + list(params.values()))
    return {
        "name": name,
        "layer": layer,
        "torch": expr,
        "args": args,
        "options": options,
        "params": {k: enc(v) for k, v in module.state_dict().items()},
        "inputs": {k: enc(v) if torch.is_tensor(v) else v for k, v in inputs.items()},
        "call_options": call_options or {},
        "outputs": {k: enc(t) for k, t in zip(names, tensors)},
        "upstream": {k: enc(u) for k, u in zip(names, ups)},
        "grads": {
            "inputs": {k: enc(g) for k, g in zip(diff, grads[: len(diff)])},
            "params": {k: enc(g) for k, g in zip(params.keys(), grads[len(diff):])},
        },
    }


def recurrent_cases():
    cases = []
    specs = [
        ("rnn_tanh_h0", nn.RNN, (3, 4), {}, [5, 2, 3], True),
        ("rnn_relu_2layers_batch_first", nn.RNN, (3, 4), {"num_layers": 2, "nonlinearity": "relu", "batch_first": True}, [2, 5, 3], False),
        ("rnn_bidirectional_nobias_h0", nn.RNN, (2, 3), {"bidirectional": True, "bias": False}, [4, 3, 2], True),
        ("rnn_unbatched_h0", nn.RNN, (3, 4), {}, [4, 3], True),
        ("lstm_state", nn.LSTM, (3, 4), {}, [5, 2, 3], True),
        ("lstm_2layers_bidirectional_batch_first", nn.LSTM, (3, 4), {"num_layers": 2, "batch_first": True, "bidirectional": True}, [2, 5, 3], False),
        ("lstm_unbatched_nobias_state", nn.LSTM, (2, 3), {"bias": False}, [4, 2], True),
        ("lstm_3layers", nn.LSTM, (2, 3), {"num_layers": 3}, [3, 2, 2], True),
        ("gru_h0", nn.GRU, (3, 4), {}, [5, 2, 3], True),
        ("gru_2layers_bidirectional_batch_first", nn.GRU, (3, 4), {"num_layers": 2, "bidirectional": True, "batch_first": True}, [2, 4, 3], False),
        ("gru_unbatched", nn.GRU, (2, 3), {}, [3, 2], False),
    ]
    for name, cls, args, kw, shape, with_state in specs:
        m = cls(*args, **kw)
        d = 2 if kw.get("bidirectional") else 1
        layers = kw.get("num_layers", 1)
        unbatched = len(shape) == 2
        batch = None if unbatched else (shape[0] if kw.get("batch_first") else shape[1])
        sshape = [layers * d, args[1]] if unbatched else [layers * d, batch, args[1]]
        inputs = {"input": torch.randn(shape)}
        if cls is nn.LSTM:
            inputs["h0"] = torch.randn(sshape) if with_state else None
            inputs["c0"] = torch.randn(sshape) if with_state else None
            call = lambda mod, xs: named(mod(xs["input"], None if xs["h0"] is None else (xs["h0"], xs["c0"])))
        else:
            inputs["h0"] = torch.randn(sshape) if with_state else None
            call = lambda mod, xs: named(mod(xs["input"], xs["h0"]))
        expr = f"nn.{cls.__name__}(*args, **{kw})"
        cases.append(module_case(name, cls.__name__, expr, m, list(args), camel(kw), inputs, call))
    return cases


def cell_cases():
    cases = []
    specs = [
        ("rnn_cell_tanh_h", nn.RNNCell, (3, 4), {}, [2, 3], True),
        ("rnn_cell_relu_unbatched", nn.RNNCell, (3, 4), {"nonlinearity": "relu"}, [3], False),
        ("lstm_cell_state", nn.LSTMCell, (3, 4), {}, [2, 3], True),
        ("lstm_cell_unbatched", nn.LSTMCell, (3, 4), {}, [3], False),
        ("gru_cell_h_nobias", nn.GRUCell, (3, 4), {"bias": False}, [2, 3], True),
        ("gru_cell_unbatched_h", nn.GRUCell, (2, 3), {}, [2], True),
    ]
    for name, cls, args, kw, shape, with_state in specs:
        m = cls(*args, **kw)
        sshape = [shape[0], args[1]] if len(shape) == 2 else [args[1]]
        inputs = {"input": torch.randn(shape), "h": torch.randn(sshape) if with_state else None}
        if cls is nn.LSTMCell:
            inputs["c"] = torch.randn(sshape) if with_state else None
            call = lambda mod, xs: dict(zip(["h", "c"], mod(xs["input"], None if xs["h"] is None else (xs["h"], xs["c"]))))
        else:
            call = lambda mod, xs: {"output": mod(xs["input"], xs["h"])}
        cases.append(module_case(name, cls.__name__, f"nn.{cls.__name__}(*args, **{kw})", m, list(args), camel(kw), inputs, call))
    return cases


def named(result):
    """(output, h_n) or (output, (h_n, c_n)) by name."""
    out, state = result
    return {"output": out, "h_n": state[0], "c_n": state[1]} if isinstance(state, tuple) else {"output": out, "h_n": state}


def mha_cases():
    cases = []
    specs = [
        # name, embed, heads, kw, L, S, N (None: unbatched), masks, call options
        ("mha_self_attention", 8, 2, {}, 4, 4, 2, {}, {}),
        ("mha_batch_first_bool_masks_per_head_weights", 8, 2, {"batch_first": True}, 3, 5, 2,
         {"key_padding_mask": "bool", "attn_mask": "bool2d"}, {"average_attn_weights": False}),
        # PyTorch 1.13 cannot combine two float masks (2.0 adds them); one float mask each here
        ("mha_kdim_vdim_float_attn_mask_nobias", 6, 3, {"kdim": 4, "vdim": 5, "bias": False}, 3, 4, 2,
         {"key_padding_mask": "bool", "attn_mask": "float3d"}, {}),
        ("mha_float_key_padding", 4, 2, {}, 2, 3, 2, {"key_padding_mask": "float"}, {}),
        ("mha_unbatched_key_padding", 4, 2, {}, 3, 5, None, {"key_padding_mask": "bool"}, {}),
        ("mha_no_weights", 4, 1, {}, 2, 3, 3, {"attn_mask": "bool2d"}, {"need_weights": False}),
    ]
    for name, e, h, kw, l, s, n, masks, call_kw in specs:
        m = nn.MultiheadAttention(e, h, **kw)
        kdim, vdim = kw.get("kdim", e), kw.get("vdim", e)
        bf = kw.get("batch_first", False)
        shape = lambda t, f: [t, f] if n is None else ([n, t, f] if bf else [t, n, f])
        inputs = {"query": torch.randn(shape(l, e)), "key": torch.randn(shape(s, kdim)), "value": torch.randn(shape(s, vdim))}
        if name == "mha_self_attention":
            inputs["key"] = inputs["value"] = inputs["query"]
        kpm = masks.get("key_padding_mask")
        am = masks.get("attn_mask")
        batch = 1 if n is None else n
        options = {}
        if kpm == "bool":
            mask = torch.zeros(batch, s, dtype=torch.bool)
            mask[:, -1] = True
            mask[0, 1] = True
            options["key_padding_mask"] = mask[0] if n is None else mask
        elif kpm == "float":
            options["key_padding_mask"] = torch.randn(batch, s)
        if am == "bool2d":
            mask = torch.rand(l, s) < 0.3
            mask[:, 0] = False  # every query keeps a key
            options["attn_mask"] = mask
        elif am == "float3d":
            options["attn_mask"] = torch.randn(batch * h, l, s)
        options.update(call_kw)

        def call(mod, xs, options=options, self_attn=name == "mha_self_attention"):
            q = xs["query"]
            k = q if self_attn else xs["key"]
            v = q if self_attn else xs["value"]
            out, w = mod(q, k, v, **options)
            return {"output": out} if w is None else {"output": out, "weights": w}

        if name == "mha_self_attention":
            inputs = {"query": inputs["query"]}
        case = module_case(name, "MultiheadAttention", f"nn.MultiheadAttention(embed_dim, num_heads, **{kw})", m,
                           [e, h], camel(kw), inputs, call,
                           {camel1(k): enc(v) if torch.is_tensor(v) else v for k, v in options.items()})
        if name == "mha_self_attention":
            case["self_attention"] = True
        cases.append(case)
    return cases


def sdpa(q, k, v, mask=None, is_causal=False, scale=None):
    """PyTorch 2's F.scaled_dot_product_attention, written out (1.13 has only the private form)."""
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = q @ k.transpose(-2, -1) * scale
    if is_causal:
        mask = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril()
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf")) if mask.dtype == torch.bool else scores + mask
    return torch.softmax(scores, -1) @ v


def sdpa_cases():
    cases = []
    specs = [
        ("sdpa_plain", [2, 3, 4], [2, 5, 4], [2, 5, 6], None, False, None),
        ("sdpa_bool_mask", [2, 3, 4], [2, 5, 4], [2, 5, 3], "bool", False, None),
        ("sdpa_causal_4d", [2, 2, 4, 3], [2, 2, 4, 3], [2, 2, 4, 5], None, True, None),
        ("sdpa_causal_rectangular", [3, 5, 2], [3, 4, 2], [3, 4, 2], None, True, None),
        ("sdpa_float_mask_scale", [2, 3, 4], [2, 5, 4], [2, 5, 4], "float", False, 0.3),
    ]
    for name, qs, ks, vs, mask_kind, causal, scale in specs:
        q, k, v = leaf(torch.randn(qs)), leaf(torch.randn(ks)), leaf(torch.randn(vs))
        mask = None
        if mask_kind == "bool":
            mask = torch.rand(qs[-2], ks[-2]) > 0.3
            mask[:, 0] = True
        elif mask_kind == "float":
            mask = torch.randn(qs[-2], ks[-2])
        out = sdpa(q, k, v, mask, causal, scale)
        if scale is None:  # cross-check against PyTorch's own kernel
            ref, _ = F._scaled_dot_product_attention(q, k, v, mask if mask_kind == "bool" else None, 0.0, False, causal)
            if mask_kind != "float":
                assert torch.allclose(out, ref, atol=1e-12), name
        ups, grads = vjp([out], [q, k, v])
        cases.append({
            "name": name,
            "layer": "scaled_dot_product_attention",
            "torch": "F.scaled_dot_product_attention(query, key, value, attn_mask=attn_mask, is_causal=is_causal, scale=scale)",
            "args": [],
            "options": {},
            "params": {},
            "inputs": {"query": enc(q), "key": enc(k), "value": enc(v)},
            "call_options": {"attnMask": enc(mask), "isCausal": causal, "scale": scale},
            "outputs": {"output": enc(out)},
            "upstream": {"output": enc(ups[0])},
            "grads": {"inputs": {"query": enc(grads[0]), "key": enc(grads[1]), "value": enc(grads[2])}, "params": {}},
        })
    return cases


def conv_upsample_embedding_cases():
    cases = []
    m = nn.Conv1d(3, 4, 3, stride=2, padding=1)
    cases.append(module_case("conv1d_module", "Conv1d", "nn.Conv1d(3, 4, 3, stride=2, padding=1)", m, [3, 4, 3],
                             {"stride": 2, "padding": 1}, {"input": torch.randn(2, 3, 7)}))
    m = nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1)
    cases.append(module_case("conv_transpose2d_module", "ConvTranspose2d",
                             "nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1)", m, [3, 2, 3],
                             {"stride": 2, "padding": 1, "outputPadding": 1}, {"input": torch.randn(2, 3, 4, 4)}))
    m = nn.ConvTranspose2d(2, 3, (2, 3), bias=False)
    cases.append(module_case("conv_transpose2d_module_nobias", "ConvTranspose2d",
                             "nn.ConvTranspose2d(2, 3, (2, 3), bias=False)", m, [2, 3, [2, 3]],
                             {"bias": False}, {"input": torch.randn(1, 2, 3, 2)}))
    for name, kw, shape in [
        ("upsample_scale2_4d", {"scale_factor": 2}, [1, 2, 3, 3]),
        ("upsample_size_4d", {"size": [5, 7]}, [1, 1, 3, 4]),
        ("upsample_scale1.5_3d", {"scale_factor": 1.5}, [2, 2, 5]),
        ("upsample_scale0.5_4d", {"scale_factor": 0.5}, [1, 2, 6, 5]),
        ("upsample_scale_pair_4d", {"scale_factor": [1.7, 2.5]}, [1, 1, 3, 2]),
        ("upsample_size_5d", {"size": [3, 4, 5]}, [1, 1, 2, 3, 2]),
        ("upsample_size_3d_down", {"size": 3}, [1, 2, 7]),
    ]:
        m = nn.Upsample(mode="nearest", **{k: tuple(v) if isinstance(v, list) else v for k, v in kw.items()})
        cases.append(module_case(name, "Upsample", f"nn.Upsample(mode='nearest', **{kw})", m, [], camel(kw),
                                 {"input": torch.randn(shape)}))
    for name, pad in [("embedding_padding_idx", 2), ("embedding_padding_idx_negative", -1)]:
        m = nn.Embedding(6, 3, padding_idx=pad)
        with torch.no_grad():
            m.weight.normal_()  # a non-zero padding row: its value is read, its gradient is not
        idx = torch.tensor([[0, 2, 5], [2, 2, 1], [5, 3, 5]])
        cases.append(module_case(name, "Embedding", f"nn.Embedding(6, 3, padding_idx={pad})", m, [6, 3],
                                 {"paddingIdx": pad}, {"input": idx}))
    return cases


def camel1(s):
    head, *rest = s.split("_")
    return head + "".join(p.capitalize() for p in rest)


def camel(kw):
    return {camel1(k): v for k, v in kw.items()}


def plateau_cases():
    cases = []
    specs = [
        ("plateau_defaults", {}, [0.1]),
        ("plateau_min_abs_patience2_cooldown1", {"patience": 2, "threshold": 0.05, "threshold_mode": "abs", "cooldown": 1}, [0.1]),
        ("plateau_max_rel", {"mode": "max", "patience": 1, "factor": 0.5, "threshold": 0.01}, [0.2]),
        ("plateau_max_abs_cooldown2", {"mode": "max", "patience": 0, "factor": 0.3, "threshold_mode": "abs", "threshold": 0.1, "cooldown": 2}, [0.05]),
        ("plateau_min_lr_groups", {"patience": 1, "factor": 0.2, "min_lr": [0.001, 0.02]}, [0.1, 0.05]),
        ("plateau_eps_stops", {"patience": 0, "factor": 0.5, "eps": 0.01, "min_lr": 0.0}, [0.1]),
    ]
    rng = random.Random(0)
    for name, kw, lrs in specs:
        metrics = []
        v = 1.0
        for t in range(30):
            if t % 7 < 3:
                v += rng.uniform(-0.2, 0.05) * (1 if kw.get("mode", "min") == "min" else -1)
            metrics.append(round(v + rng.choice([0.0, 0.0, 0.001, -0.001]), 6))
        if name == "plateau_defaults":  # patience 10 needs a long plateau
            metrics = [1.0, 0.9, 0.8] + [0.8, 0.80001, 0.79999] * 9
        params = [torch.zeros(1, requires_grad=True) for _ in lrs]
        opt = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, lrs)], lr=lrs[0])
        sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
        out = []
        for metric in metrics:
            sched.step(metric)
            out.append([g["lr"] for g in opt.param_groups])
        cases.append({"name": name, "options": camel(kw), "torch": f"ReduceLROnPlateau(opt, **{kw})",
                      "group_lrs": lrs, "metrics": metrics, "lrs": out})
    return cases


def split_cases():
    cases = []
    for n, lengths in [(10, [0.5, 0.5]), (10, [0.3, 0.3, 0.4]), (11, [0.5, 0.25, 0.25]), (7, [0.1, 0.2, 0.7]),
                       (5, [0.33, 0.33, 0.34]), (100, [0.8, 0.1, 0.1]), (3, [0.25, 0.25, 0.25, 0.25]), (9, [4, 5])]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parts = torch.utils.data.random_split(range(n), lengths, generator=torch.Generator().manual_seed(0))
        cases.append({"name": f"random_split_{n}_{'_'.join(map(str, lengths))}", "n": n, "lengths": lengths,
                      "sizes": [len(p) for p in parts]})
    return cases


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="packages/nn/test/fixtures/torch")
    a = parser.parse_args()
    torch.manual_seed(a.seed)
    warnings.simplefilter("ignore")
    cases = recurrent_cases() + cell_cases() + mha_cases() + sdpa_cases() + conv_upsample_embedding_cases()
    write(a.out, "layers.json", a.seed, cases, generator="make_layers.py")
    write(a.out, "plateau.json", a.seed, plateau_cases(), generator="make_layers.py")
    write(a.out, "random_split.json", a.seed, split_cases(), generator="make_layers.py")


if __name__ == "__main__":
    main()

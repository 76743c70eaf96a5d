"""Proofs for blind round 2 of labs 03, 04 and 05: every wrong answer behaves differently from CORRECT[0], and
every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round2/prove_03_05.py [05_adversarial/05_adversarial ...]

This file holds the probes: per exercise, small inputs the notebook's instructions cover and what
the answer returns and leaves behind on them. The driver, the comparison and the training runs some
visible checks read are shared by every round: benchmarks/blind/proofs.py and visible_runs.py.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

import torch  # noqa: E402
from torch import nn  # noqa: E402

from benchmarks.blind.proofs import attempt, main  # noqa: E402
from benchmarks.blind.probe_kit import ProbeNet, TwoProj, identity_classifier, images, labels, tensor_loader, point, answer_schedule, small_cnn  # noqa: E402
from benchmarks.blind.visible_runs import lm_batches, lora_llama, tiny_llama  # noqa: E402


# ----------------------------------------------------------------------------- probe helpers
# ----------------------------------------------------------------------------- lab 05
def blind_pixel_classifier() -> nn.Module:
    """logits = x, except that the last input is never looked at: its gradient is exactly 0."""
    layer = identity_classifier()
    with torch.no_grad():
        layer.weight[:, 2] = 0.0
    return layer


def probe_fgsm(ns, out):
    fgsm = ns["fgsm"]
    lin = identity_classifier()
    out["hand"] = attempt(fgsm, lin, point(0.5, 0.5, 0.5), torch.tensor([0]), 0.1)
    out["blind_pixel"] = attempt(fgsm, blind_pixel_classifier(), point(0.5, 0.5, 0.5), torch.tensor([0]), 0.1)
    out["two_rows"] = attempt(fgsm, lin, torch.tensor([[0.5, 0.5, 0.5], [0.3, 0.6, 0.4]]), torch.tensor([0, 1]), 0.05)
    cnn = small_cnn()
    x = images(8, 3)
    before = x.clone()
    out["cnn"] = attempt(fgsm, cnn, x, labels(8, 4), 0.05)
    out["cnn_x_untouched"] = bool(torch.equal(x, before)) and not x.requires_grad


def probe_accuracy(ns, out):
    acc = ns["accuracy_under_attack"]
    lin = identity_classifier()
    x = torch.eye(3).repeat(2, 1)[:5]          # predictions 0, 1, 2, 0, 1
    y = torch.tensor([0, 1, 2, 2, 2])
    out["clean"] = attempt(acc, lin, x, y)
    out["clean_bs3"] = attempt(acc, lin, x, y, batch_size=3)
    out["all_right"] = attempt(acc, lin, x, torch.tensor([0, 1, 2, 0, 1]), batch_size=2)
    seen = []

    def spy(m, xb, yb):
        seen.append((yb.tolist(), m.training, torch.is_grad_enabled()))
        return xb

    out["spy"] = attempt(acc, lin, x, y, attack=spy, batch_size=2)
    out["spy_calls"] = list(seen)
    out["to_class_1"] = attempt(acc, lin, x, y,
                                attack=lambda m, xb, yb: torch.tensor([0.0, 1.0, 0.0]).expand_as(xb).clone(),
                                batch_size=2)
    cnn = small_cnn()
    xs, ys = images(7, 7), labels(7, 8)
    out["cnn_fgsm"] = attempt(acc, cnn, xs, ys, attack=lambda m, xb, yb: ns["fgsm"](m, xb, yb, 0.1), batch_size=3)


def probe_pgd(ns, out):
    pgd = ns["pgd"]
    lin = identity_classifier()
    out["two_steps"] = attempt(pgd, lin, point(0.5, 0.5, 0.5), torch.tensor([0]), eps=0.1, alpha=0.02, steps=2)
    torch.manual_seed(1)
    out["random_start_only"] = attempt(pgd, lin, torch.full((6, 3), 0.5), torch.zeros(6, dtype=torch.long),
                                       eps=0.1, alpha=0.02, steps=0, random_start=True)
    out["global_rng_after_start"] = torch.rand(3)
    torch.manual_seed(2)
    x = torch.full((6, 3), 0.5)
    out["random_then_steps"] = attempt(pgd, lin, x, torch.tensor([0, 1, 2, 0, 1, 2]), eps=0.1, alpha=0.08,
                                       steps=4, random_start=True)
    out["global_rng_after_steps"] = torch.rand(3)
    cnn = small_cnn()
    x, y = images(8, 9), labels(8, 10)
    before = x.clone()
    out["cnn_5"] = attempt(pgd, cnn, x, y, eps=0.1, alpha=0.02, steps=5)
    out["x_untouched"] = bool(torch.equal(x, before)) and not x.requires_grad


def probe_targeted(ns, out):
    tp = ns["targeted_pgd"]
    lin = identity_classifier()
    out["one_step"] = attempt(tp, lin, point(0.5, 0.5, 0.5), torch.tensor([2]), eps=0.1, alpha=0.02, steps=1)
    out["already_target"] = attempt(tp, lin, point(0.2, 0.3, 0.9), torch.tensor([2]), eps=0.1, alpha=0.02, steps=3)
    out["three_steps"] = attempt(tp, lin, torch.rand(6, 3, generator=torch.Generator().manual_seed(3)),
                                 torch.tensor([0, 1, 2, 0, 1, 2]), eps=0.1, alpha=0.03, steps=3)
    cnn = small_cnn()
    x = images(8, 11)
    before = x.clone()
    out["cnn"] = attempt(tp, cnn, x, torch.full((8,), 8), eps=0.1, alpha=0.025, steps=6)
    out["x_untouched"] = bool(torch.equal(x, before)) and not x.requires_grad


def probe_train(ns, out):
    train = ns["train_adversarial"]
    g = torch.Generator().manual_seed(0)
    x = torch.rand(11, 3, generator=g)
    loader = tensor_loader(x, x.argmax(1), 4)       # batches of 4, 4, 3
    model = identity_classifier()
    epochs = []
    out["identity"] = attempt(train, model, loader, torch.optim.SGD(model.parameters(), lr=0.5),
                              lambda m, xb, yb: xb, 3, on_epoch=lambda e, loss: epochs.append((e, loss)))
    out["on_epoch"] = list(epochs)
    out["params"] = [model.weight.detach().clone(), model.bias.detach().clone()]
    out["mode"] = model.training
    model = identity_classifier()
    out["to_zero"] = attempt(train, model, loader, torch.optim.SGD(model.parameters(), lr=1.0),
                             lambda m, xb, yb: torch.zeros_like(xb), 2)
    out["to_zero_params"] = [model.weight.detach().clone(), model.bias.detach().clone()]


# ----------------------------------------------------------------------------- lab 04
def probe_schedule(ns, out):
    lin, cos, make = ns["linear_betas"], ns["cosine_betas"], ns["make_schedule"]
    out["linear_5"] = attempt(lin, 5, 0.1, 0.5)
    out["linear_default"] = attempt(lin, 10)
    out["cosine_10"] = attempt(cos, 10)
    c = attempt(cos, 1000)
    out["cosine_1000"] = c[[0, 1, 250, 500, 750, 998, 999]] if isinstance(c, torch.Tensor) else c
    out["cosine_s_max"] = attempt(cos, 20, s=0.05, max_beta=0.5)
    for key, betas in (("hand", torch.tensor([0.1, 0.2, 0.3])), ("linear50", torch.linspace(1e-4, 0.02, 50))):
        s = attempt(make, betas)
        out[key] = s if isinstance(s, str) else {
            f: getattr(s, f) for f in ("betas", "alphas", "alpha_bars", "alpha_bars_prev", "posterior_variance")}


def probe_forward(ns, out):
    q = ns["q_sample"]
    s = answer_schedule(ns, torch.linspace(0.05, 0.5, 10))
    g = torch.Generator().manual_seed(0)
    x0, noise = torch.randn(3, 1, 2, 2, generator=g) * 2, torch.randn(3, 1, 2, 2, generator=g)
    x0_before, noise_before = x0.clone(), noise.clone()
    torch.manual_seed(5)
    out["4d"] = attempt(q, x0, torch.tensor([0, 4, 9]), noise, s)
    out["args_untouched"] = bool(torch.equal(x0, x0_before) and torch.equal(noise, noise_before))
    out["2d"] = attempt(q, torch.ones(2, 3) * 1.5, torch.tensor([9, 0]), torch.ones(2, 3), s)
    out["3d_float64"] = attempt(q, torch.randn(2, 2, 3, dtype=torch.float64, generator=g), torch.tensor([3, 7]),
                                torch.randn(2, 2, 3, dtype=torch.float64, generator=g), s)


def probe_embedding(ns, out):
    emb = ns["timestep_embedding"]
    out["int"] = attempt(emb, torch.tensor([0, 5, 999]), 32)
    out["small"] = attempt(emb, torch.tensor([1, 2]), 8)
    out["float"] = attempt(emb, torch.tensor([0.5, 7.25], dtype=torch.float64), 8)
    out["max_period"] = attempt(emb, torch.tensor([1, 3]), 6, max_period=100.0)
    out["meta_device"] = attempt(emb, torch.zeros(3, device="meta"), 8)


def probe_resblock(ns, out):
    Res = ns["ResBlock"]
    g = torch.Generator().manual_seed(0)
    x, emb = torch.randn(2, 8, 5, 5, generator=g), torch.randn(2, 6, generator=g)
    torch.manual_seed(0)
    out["change"] = attempt(Res(8, 16, 6, groups=4), x, emb)
    torch.manual_seed(1)
    block = Res(8, 8, 6, groups=4)
    with torch.no_grad():
        block.emb_proj.bias.add_(0.5)
    out["same"] = attempt(block, x, emb)
    out["same_emb_shift"] = attempt(block, x, emb + 1.0)
    torch.manual_seed(2)
    square = Res(4, 4, 3, groups=2)              # W == C: a channels-last shift broadcasts silently
    out["square"] = attempt(square, torch.randn(2, 4, 4, 4, generator=g), torch.randn(2, 3, generator=g))


def probe_loss(ns, out):
    loss_fn = ns["diffusion_loss"]
    s = answer_schedule(ns, [0.1, 0.3, 0.5, 0.7])
    g = torch.Generator().manual_seed(0)
    x0, y = torch.randn(16, 1, 3, 3, generator=g), torch.randint(0, 3, (16,), generator=g)
    y_before = y.clone()
    for key, p, seed in (("p0.5", 0.5, 5), ("p1", 1.0, 6), ("p0", 0.0, 7), ("p0.3", 0.3, 8)):
        net = ProbeNet()
        gen = torch.Generator().manual_seed(seed)
        loss = attempt(loss_fn, net, x0, y, s, p, gen)
        out[key] = loss
        out[key + "_calls"] = list(net.calls)
        out[key + "_generator_after"] = torch.rand(2, generator=gen)
        if isinstance(loss, torch.Tensor):
            loss.backward()
            out[key + "_grad"] = net.w.grad
    out["y_untouched"] = bool(torch.equal(y, y_before))


def probe_ddpm(ns, out):
    step, sample = ns["ddpm_step"], ns["ddpm_sample"]
    s = answer_schedule(ns, [0.19, 0.3, 0.36, 0.5])
    g = torch.Generator().manual_seed(0)
    x_t, eps, z = (torch.randn(2, 1, 2, 2, generator=g), torch.randn(2, 1, 2, 2, generator=g),
                   torch.randn(2, 1, 2, 2, generator=g))
    before = x_t.clone()
    for t in (3, 2, 1, 0):
        out[f"step_{t}"] = attempt(step, eps, t, x_t, s, z)
    out["x_t_untouched"] = bool(torch.equal(x_t, before))
    seen, steps = [], []

    def eps_fn(x, t):
        seen.append(t)
        return 0.1 * x + 0.05 * t

    gen = torch.Generator().manual_seed(1)
    torch.manual_seed(9)
    out["sample"] = attempt(sample, eps_fn, (3, 1, 2, 2), s, gen, on_step=lambda t, x: steps.append((t, x.clone())))
    out["eps_fn_steps"] = list(seen)
    out["on_step"] = list(steps)
    out["generator_after"] = torch.rand(4, generator=gen)
    out["global_rng_after"] = torch.rand(2)
    out["sample_wide"] = attempt(sample, lambda x, t: -0.2 * x, (4, 1, 2, 2), s, torch.Generator().manual_seed(3))


def probe_ddim(ns, out):
    ts, step, sample = ns["ddim_timesteps"], ns["ddim_step"], ns["ddim_sample"]
    for T, n in ((1000, 4), (10, 3), (10, 4), (50, 7), (7, 7)):
        out[f"timesteps_{T}_{n}"] = attempt(ts, T, n)
    alpha_bars = torch.cumprod(1 - torch.linspace(0.01, 0.3, 20), 0)
    g = torch.Generator().manual_seed(0)
    x0, eps = torch.randn(2, 1, 3, 3, generator=g) * 1.5, torch.randn(2, 1, 3, 3, generator=g)
    x_t = alpha_bars[15].sqrt() * x0 + (1 - alpha_bars[15]).sqrt() * eps
    before = x_t.clone()
    out["jump_15_5"] = attempt(step, eps * 0.7, 15, 5, x_t, alpha_bars)
    out["jump_15_final"] = attempt(step, eps * 0.7, 15, -1, x_t, alpha_bars)
    out["jump_float64_x"] = attempt(step, eps.double(), 15, -1, x_t.double(), alpha_bars)
    out["x_t_untouched"] = bool(torch.equal(x_t, before))
    calls = []

    def eps_fn(x, t):
        calls.append(t)
        return 0.2 * x

    gen = torch.Generator().manual_seed(1)
    out["sample"] = attempt(sample, eps_fn, (2, 1, 3, 3), alpha_bars, 3, gen)
    out["sample_calls"] = list(calls)
    out["generator_after"] = torch.rand(3, generator=gen)
    out["sample_6"] = attempt(sample, lambda x, t: 0.3 * x, (2, 1, 3, 3), alpha_bars, 6,
                              torch.Generator().manual_seed(2))


class GuideNet(nn.Module):
    """eps depends on x, t and the label (a table with num_classes + 1 rows: the last one is 'no label')."""

    def __init__(self):
        super().__init__()
        self.num_classes = 3
        self.table = torch.tensor([1.0, 2.0, 3.0, -1.0])
        self.calls = []

    def forward(self, x, t, y):
        self.calls.append((tuple(x.shape), tuple(t.shape) if isinstance(t, torch.Tensor) else type(t).__name__,
                           y.detach().clone()))
        shape = (-1,) + (1,) * (x.dim() - 1)
        return 0.5 * x + self.table[y].reshape(shape) + 0.01 * torch.as_tensor(t).float().reshape(shape)


def probe_guidance(ns, out):
    guided = ns["guided_eps"]
    x = torch.randn(3, 1, 2, 2, generator=torch.Generator().manual_seed(0))
    for scale in (0.0, 1.0, 3.0):
        y = torch.tensor([2, 0, 1])
        net = GuideNet()
        out[f"scale_{scale}"] = attempt(guided, net, x, 5, y, scale)
        out[f"calls_{scale}"] = list(net.calls)
        out[f"y_after_{scale}"] = y.tolist()
    net = GuideNet()
    out["pair"] = attempt(guided, net, x[:2], 7, torch.tensor([1, 2]), 2.0)
    out["pair_calls"] = list(net.calls)

# ----------------------------------------------------------------------------- lab 03


def probe_next_token(ns, out):
    ntl, tp = ns["next_token_logits"], ns["token_probs"]
    model = tiny_llama()
    ids = torch.tensor([[1, 5, 7, 2], [3, 3, 9, 4]])
    with torch.no_grad():
        out["logits_b2"] = attempt(ntl, model, ids)
        out["logits_b1"] = attempt(ntl, model, ids[:1, :3])
    logits = torch.randn(3, 7, generator=torch.Generator().manual_seed(0)) * 3
    for T in (1.0, 0.5, 2.0, 0.0):
        out[f"probs_T{T}"] = attempt(tp, logits, T)
    out["big_logits_T0.5"] = attempt(tp, logits * 100, 0.5)
    out["greedy_float64"] = attempt(tp, logits.double(), 0.0)


def probe_filters(ns, out):
    tk, tpp = ns["top_k_probs"], ns["top_p_probs"]
    p = torch.tensor([[0.5, 0.3, 0.2]])
    unsorted = torch.tensor([[0.2, 0.5, 0.3, 0.0], [0.1, 0.05, 0.6, 0.25], [0.3, 0.1, 0.2, 0.4]])
    keep = unsorted.clone()
    out["k2"] = attempt(tk, p, 2)
    out["k2_unsorted"] = attempt(tk, unsorted, 2)
    out["k3_unsorted"] = attempt(tk, unsorted, 3)
    for q in (0.4, 0.6, 0.9):
        out[f"p{q}"] = attempt(tpp, p, q)
        out[f"p{q}_unsorted"] = attempt(tpp, unsorted, q)
    out["untouched"] = bool(torch.equal(unsorted, keep))


def probe_generate(ns, out):
    from deeplabs.llm.checks import CallLog
    gen = ns["generate"]
    model = tiny_llama()
    prompt = torch.tensor([[1, 2, 3]])
    seen = []

    def greedy(logits):
        seen.append(logits.clone())
        return logits.argmax(-1)

    logged = CallLog(model)
    out["greedy_5"] = attempt(gen, logged, prompt, 5, greedy)
    out["greedy_logits_seen"] = list(seen)
    out["greedy_calls"] = list(logged.calls)
    out["eos_in_prompt"] = attempt(gen, model, torch.tensor([[1, 9, 3]]), 4, lambda logits: torch.tensor([5]), eos_id=9)
    script = iter([7, 4, 2, 4, 4, 4])
    out["eos_2"] = attempt(gen, model, prompt, 6, lambda logits: torch.tensor([next(script)]), eos_id=2)
    out["one_new"] = attempt(gen, model, prompt, 1, lambda logits: torch.tensor([6]))
    out["prompt_untouched"] = prompt.tolist() == [[1, 2, 3]]


def probe_lora_layer(ns, out):
    L = ns["LoRALinear"]
    torch.manual_seed(0)
    base = nn.Linear(6, 4)
    x = torch.randn(3, 6)
    torch.manual_seed(1)
    layer = attempt(L, base, r=2, alpha=8.0, dropout=0.5)
    if isinstance(layer, str):
        out["init"] = layer
        return
    out["trainable"] = sorted(n for n, p in layer.named_parameters() if p.requires_grad)
    out["A"] = getattr(layer, "lora_A", None)
    out["B"] = getattr(layer, "lora_B", None)
    out["scale"] = float(getattr(layer, "scale", float("nan")))
    out["r_alpha"] = (getattr(layer, "r", None), getattr(layer, "alpha", None))
    out["merged_flag"] = getattr(layer, "merged", None)

    def set_b():
        with torch.no_grad():
            layer.lora_B.copy_(torch.arange(8.0).reshape(4, 2) / 8)

    out["set_B"] = attempt(set_b)
    layer.eval()
    out["eval_out"] = attempt(layer, x)
    layer.train()
    torch.manual_seed(2)
    out["train_out"] = attempt(layer, x)
    out["base_out"] = base(x)


def probe_merge(ns, out):
    L, merge, unmerge = ns["LoRALinear"], ns["merge"], ns["unmerge"]
    torch.manual_seed(0)
    layer = L(nn.Linear(5, 3), r=2, alpha=4.0, dropout=0.0).eval()
    with torch.no_grad():
        layer.lora_B.normal_()
    x = torch.randn(4, 5)
    w0 = layer.base.weight.detach().clone()
    out["before"] = layer(x)
    r = attempt(merge, layer)
    out["merge_returns_layer"] = r is layer
    out["w_merged"] = layer.base.weight
    out["merged_flag"] = getattr(layer, "merged", None)
    out["out_merged"] = attempt(layer, x)
    attempt(merge, layer)
    out["w_merged_twice"] = layer.base.weight
    r = attempt(unmerge, layer)
    out["unmerge_returns_layer"] = r is layer
    out["w_unmerged"] = layer.base.weight
    out["restored"] = bool(torch.allclose(layer.base.weight, w0, atol=1e-6))
    out["B_after"] = getattr(layer, "lora_B", None)
    out["out_unmerged"] = attempt(layer, x)


def probe_inject(ns, out):
    add, count, L = ns["add_lora"], ns["count_parameters"], ns["LoRALinear"]
    out["count_plain"] = attempt(count, tiny_llama(seed=3))
    model = tiny_llama()
    torch.manual_seed(0)
    r = attempt(add, model, ("q_proj", "v_proj"), lambda lin: L(lin, r=2, alpha=4.0))
    out["returns_model"] = r is model
    out["wrapped"] = sorted(n for n, m in model.named_modules() if isinstance(m, L))
    out["trainable"] = sorted(n for n, p in model.named_parameters() if p.requires_grad)
    out["count"] = attempt(count, model)
    two = TwoProj()
    torch.manual_seed(0)
    attempt(add, two, ("proj",), lambda lin: L(lin, r=1, alpha=1.0))
    out["two_wrapped"] = sorted(n for n, m in two.named_modules() if isinstance(m, L))
    out["two_trainable"] = sorted(n for n, p in two.named_parameters() if p.requires_grad)
    out["two_count"] = attempt(count, two)


def probe_examples(ns, out):
    tp, collate, tok = ns["tokenize_pair"], ns["collate"], ns["tokenizer"]
    ex = attempt(tp, tok, "What is 2 plus 2?", "Arr! 4. Yo ho ho!")
    out["pair"] = ex
    out["pair_types"] = {k: type(v).__name__ for k, v in ex.items()} if isinstance(ex, dict) else None
    out["pair2"] = attempt(tp, tok, "Name a colour.", "Arr! Blue be a colour. Yo ho ho!")
    short = {"input_ids": [5, 6], "labels": [-100, 6]}
    long = {"input_ids": [1, 2, 3, 4], "labels": [-100, -100, 3, 4]}
    ends = {"input_ids": [7, 9, 7], "labels": [-100, 9, 7]}
    out["collate_pad0"] = attempt(collate, [short, long], 0)
    out["collate_pad7"] = attempt(collate, [short, long, ends], 7)
    out["collate_one"] = attempt(collate, [long], 7)
    out["examples_untouched"] = (short == {"input_ids": [5, 6], "labels": [-100, 6]}
                                 and long == {"input_ids": [1, 2, 3, 4], "labels": [-100, -100, 3, 4]})


def probe_loss_lm(ns, out):
    loss_fn = ns["causal_lm_loss"]
    g = torch.Generator().manual_seed(0)
    logits = (torch.randn(2, 5, 7, generator=g) * 2).requires_grad_(True)
    lab = torch.tensor([[-100, -100, 3, 4, 1], [5, 2, 6, -100, -100]])
    loss = attempt(loss_fn, logits, lab)
    out["loss"] = loss
    if isinstance(loss, torch.Tensor) and loss.requires_grad and loss.dim() == 0:
        loss.backward()
        out["grad"] = logits.grad
    out["one_row"] = attempt(loss_fn, torch.randn(1, 4, 7, generator=g), torch.tensor([[-100, 2, 5, 1]]))






def probe_train_lm(ns, out):
    train = ns["train_lora"]
    model = lora_llama(ns)
    modes = []
    model.register_forward_pre_hook(lambda m, args: modes.append(m.training))
    batches = lm_batches(ns, 10, 1)          # 5 micro-batches: 2 steps of 2, one left over
    params = [p for p in model.parameters() if p.requires_grad]
    steps = []
    out["losses"] = attempt(train, model, batches, torch.optim.SGD(params, lr=0.5), ns["causal_lm_loss"], 2, "cpu",
                            on_step=lambda s, loss: steps.append((s, loss)))
    out["on_step"] = list(steps)
    out["modes_seen"] = list(modes)
    out["mode_after"] = model.training
    out["params_after"] = [p.detach().clone() for p in params]
    model = lora_llama(ns, seed=1)
    params = [p for p in model.parameters() if p.requires_grad]
    out["accum3"] = attempt(train, model, lm_batches(ns, 14, 2), torch.optim.SGD(params, lr=0.3),
                            ns["causal_lm_loss"], 3, "cpu")
    out["accum3_params"] = [p.detach().clone() for p in params]


def probe_perplexity(ns, out):
    from deeplabs.llm.checks import ConstantLM
    ppl = ns["perplexity"]
    halves = ConstantLM(torch.tensor([0.5, 0.25, 0.125, 0.125]).log())
    two = [{"input_ids": torch.tensor([[0, 1, 2, 3]]), "attention_mask": torch.ones(1, 4, dtype=torch.long),
            "labels": torch.tensor([[3, -100, 1, 2]])},
           {"input_ids": torch.tensor([[0, 1, 0]]), "attention_mask": torch.ones(1, 3, dtype=torch.long),
            "labels": torch.tensor([[-100, -100, 0]])}]
    out["halves"] = attempt(ppl, halves, two, "cpu")
    row = torch.full((5,), -15.0)
    row[1] = 15.0                                  # sure of token 1; the targets are 0 and 1
    sure_wrong = [{"input_ids": torch.tensor([[1, 0, 1]]), "attention_mask": torch.ones(1, 3, dtype=torch.long),
                   "labels": torch.tensor([[-100, 0, 1]])}]
    out["sure_wrong"] = attempt(ppl, ConstantLM(row), sure_wrong, "cpu")
    model = tiny_llama()
    batches = lm_batches(ns, 5, 3)
    out["tiny"] = attempt(ppl, model, batches, "cpu")
    out["tiny_first"] = attempt(ppl, model, batches[:1], "cpu")

PROBES = {
    "05_adversarial/05_adversarial": {"ex1_fgsm": probe_fgsm, "ex2_accuracy": probe_accuracy, "ex3_pgd": probe_pgd,
                       "ex4_targeted": probe_targeted, "ex5_adv_train": probe_train},
    "04_diffusion/01_diffusion_fashion_mnist": {"ex1_schedule": probe_schedule, "ex2_forward": probe_forward,
                     "ex3_time_embedding": probe_embedding, "ex4_resblock": probe_resblock, "ex5_loss": probe_loss,
                     "ex6_ddpm": probe_ddpm, "ex7_ddim": probe_ddim, "ex8_guidance": probe_guidance},
    "03_llm_finetuning/03_llm_finetuning": {"ex1_next_token": probe_next_token, "ex2_top_k_top_p": probe_filters,
                          "ex3_generate": probe_generate, "ex4_lora_layer": probe_lora_layer, "ex5_merge": probe_merge,
                          "ex6_inject": probe_inject, "ex7_examples": probe_examples, "ex8_loss": probe_loss_lm,
                          "ex9_train": probe_train_lm, "ex10_perplexity": probe_perplexity},
}


if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))

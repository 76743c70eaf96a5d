"""Proofs for blind round 4 of labs 03, 04 and 05: every wrong answer differs from a right one on
inputs the notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round4/prove_03_05.py [05_adversarial/05_adversarial ...] [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 3's probe of the same exercise
(imported from benchmarks/blind/round3/prove_03_05.py) and adds the observations this round's
mistakes need (generator states, modes, default arguments, zero gradients, ...).
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.probe_kit import ProbeNet, answer_schedule, identity_classifier, images, labels, point, small_cnn, tensor_loader  # noqa: E402
from benchmarks.blind.visible_runs import lm_batches, lora_llama, tiny_llama  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

R3 = earlier_proofs(3, "prove_03_05.py")


# ----------------------------------------------------------------------------- lab 05
def more_fgsm(ns, out):
    fgsm = ns["fgsm"]
    lin = identity_classifier()
    with torch.no_grad():
        lin.weight[:, 2] = 0.0                       # the third pixel does not matter: zero gradient
    out["zero_grad_pixel"] = attempt(fgsm, lin, point(0.3, 0.4, 0.5), torch.tensor([1]), 0.1)
    out["near_black"] = attempt(fgsm, identity_classifier(), point(0.02, 0.97, 0.5), torch.tensor([0]), 0.1)


def more_accuracy(ns, out):
    acc = ns["accuracy_under_attack"]
    lin = identity_classifier()
    out["third"] = attempt(acc, lin, torch.eye(3), torch.tensor([0, 2, 1]))
    lin.eval()
    seen = []

    def spy(m, xb, yb):
        seen.append(tuple(xb.shape))
        return xb

    x = torch.rand(300, 3, generator=torch.Generator().manual_seed(5))
    out["default_batches"] = attempt(acc, lin, x, x.argmax(1), attack=spy)
    out["default_batch_shapes"] = list(seen)
    lin.train()
    out["train_given_acc"] = attempt(acc, lin, x[:10], x[:10].argmax(1))
    out["train_given_mode_after"] = lin.training


def more_pgd(ns, out):
    pgd = ns["pgd"]
    cnn = small_cnn()
    x, y = images(4, 21), labels(4, 22)
    torch.manual_seed(7)
    out["no_start"] = attempt(pgd, cnn, x, y, eps=0.1, alpha=0.02, steps=3, random_start=False)
    out["global_rng_after_no_start"] = torch.rand(3)
    torch.manual_seed(8)
    out["start_only_cnn"] = attempt(pgd, cnn, x, y, eps=0.2, alpha=0.02, steps=0, random_start=True)
    out["global_rng_after_start"] = torch.rand(3)


def more_targeted(ns, out):
    tp = ns["targeted_pgd"]
    cnn = small_cnn()
    x = images(6, 31)
    out["target_9"] = attempt(tp, cnn, x, torch.full((6,), 9), eps=0.1, alpha=0.03, steps=4)
    out["target_3_alpha_small"] = attempt(tp, cnn, x, torch.full((6,), 3), eps=0.1, alpha=0.01, steps=5)


def more_train(ns, out):
    train = ns["train_adversarial"]
    g = torch.Generator().manual_seed(3)
    x = torch.rand(10, 3, generator=g) * 20
    y = torch.tensor([2, 0, 1, 1, 2, 0, 0, 1, 2, 2])
    model = identity_classifier()
    out["big_inputs"] = attempt(train, model, tensor_loader(x, y, 4), torch.optim.SGD(model.parameters(), lr=0.5),
                                lambda m, xb, yb: xb, 2)
    out["big_inputs_params"] = [model.weight.detach().clone(), model.bias.detach().clone()]


PROBES_05 = {"ex1_fgsm": extend(R3.probe_fgsm, more_fgsm), "ex2_accuracy": extend(R3.probe_accuracy, more_accuracy),
             "ex3_pgd": extend(R3.probe_pgd, more_pgd), "ex4_targeted": extend(R3.probe_targeted, more_targeted),
             "ex5_adv_train": extend(R3.probe_train, more_train)}

# ----------------------------------------------------------------------------- lab 04
def more_forward(ns, out):
    q = ns["q_sample"]
    s = answer_schedule(ns, torch.linspace(0.05, 0.5, 10))
    g = torch.Generator().manual_seed(4)
    x0 = torch.randn(3, 1, 2, 2, dtype=torch.float64, generator=g)
    noise = torch.randn(3, 1, 2, 2, generator=g)
    out["x0_f64_noise_f32"] = attempt(q, x0, torch.tensor([1, 5, 8]), noise, s)


def more_embedding(ns, out):
    emb = ns["timestep_embedding"]
    out["batch_of_one"] = attempt(emb, torch.tensor([7]), 8)
    t = torch.tensor([3.0, 11.0])
    out["float32_t"] = attempt(emb, t, 6)
    out["float32_t_after"] = t
    out["defaults_int"] = attempt(emb, torch.tensor([0, 40, 900]), 10)


def more_ddpm(ns, out):
    sample = ns["ddpm_sample"]
    s = answer_schedule(ns, [0.19, 0.3, 0.36, 0.5])
    out["sample_big"] = attempt(sample, lambda x, t: -0.3 * x, (3, 1, 2, 2), s, torch.Generator().manual_seed(6))


def more_loss(ns, out):
    loss_fn = ns["diffusion_loss"]
    s = answer_schedule(ns, [0.1, 0.3, 0.5, 0.7])
    g = torch.Generator().manual_seed(1)
    x0, y = torch.randn(6, 1, 2, 2, generator=g), torch.tensor([0, 1, 2, 0, 1, 2])
    net = ProbeNet()
    net.class_emb = nn.Embedding(net.num_classes + 1, 2)     # like TinyUNet: one extra row for "no label"
    out["unet_like_p1"] = attempt(loss_fn, net, x0, y, s, 1.0, torch.Generator().manual_seed(2))
    out["unet_like_labels"] = [c[1] for c in net.calls]


PROBES_04 = {"ex1_schedule": R3.probe_schedule, "ex2_forward": extend(R3.probe_forward, more_forward),
             "ex3_time_embedding": extend(R3.probe_embedding, more_embedding), "ex4_resblock": R3.probe_resblock,
             "ex5_loss": extend(R3.probe_loss, more_loss), "ex6_ddpm": extend(R3.probe_ddpm, more_ddpm), "ex7_ddim": R3.probe_ddim,
             "ex8_guidance": R3.probe_guidance}


# ----------------------------------------------------------------------------- lab 03
def more_filters(ns, out):
    tk, tpp = ns["top_k_probs"], ns["top_p_probs"]
    probs = torch.tensor([[0.1, 0.6, 0.3], [0.25, 0.25, 0.5]], dtype=torch.float64)
    out["p0.5_float64"] = attempt(tpp, probs, 0.5)
    out["k1_float64"] = attempt(tk, probs, 1)


class ModVocab(nn.Module):
    """A tiny Llama that reads every id modulo its vocabulary: a pick may return any token id."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, **kwargs):
        return self.model(input_ids=input_ids % self.model.config.vocab_size, **kwargs)


def more_generate(ns, out):
    gen = ns["generate"]
    eos = int(ns["tokenizer"].eos_token_id)
    model = ModVocab(tiny_llama())
    script = iter([5, eos, 7, 8])
    out["no_eos_given"] = attempt(gen, model, torch.tensor([[1, 2]]), 4, lambda logits: torch.tensor([next(script)]))


def more_lora_layer(ns, out):
    L = ns["LoRALinear"]
    torch.manual_seed(4)
    layer = attempt(L, nn.Linear(4, 3), r=2, alpha=2.0, dropout=0.0)
    if not isinstance(layer, nn.Module):
        out["grad_layer"] = layer
        return
    x = torch.randn(5, 4, requires_grad=True)

    def grad_x():
        layer(x).square().sum().backward()
        return x.grad

    out["grad_x"] = attempt(grad_x)


def more_merge(ns, out):
    L, merge = ns["LoRALinear"], ns["merge"]
    torch.manual_seed(5)
    layer = L(nn.Linear(4, 2), r=2, alpha=2.0, dropout=0.0).eval()
    with torch.no_grad():
        layer.lora_B.normal_()
    weight = layer.base.weight
    ptr = weight.data_ptr()
    attempt(merge, layer)
    out["same_weight_object"] = layer.base.weight is weight
    out["weight_changed_in_place"] = layer.base.weight.data_ptr() == ptr


class SubLinear(nn.Linear):
    """An nn.Linear subclass (like MultiheadAttention's out_proj): still an nn.Linear."""


def more_inject(ns, out):
    add, L = ns["add_lora"], ns["LoRALinear"]
    model = nn.Sequential()
    model.block = nn.Module()
    model.block.proj = SubLinear(3, 3)
    model.block.other = nn.Linear(3, 3)
    torch.manual_seed(0)
    attempt(add, model, ("proj",), lambda lin: L(lin, r=1, alpha=1.0))
    out["sub_wrapped"] = sorted(n for n, m in model.named_modules() if isinstance(m, L))


def more_train_lm(ns, out):
    train = ns["train_lora"]
    model = lora_llama(ns, seed=2)
    params = [p for p in model.parameters() if p.requires_grad]
    for p in params:
        p.grad = torch.full_like(p, 0.5)          # the caller's stale gradients: a step must start from zero
    out["stale"] = attempt(train, model, lm_batches(ns, 4, 5), torch.optim.SGD(params, lr=0.1),
                           ns["causal_lm_loss"], 2, "cpu")
    out["stale_params"] = [p.detach().clone() for p in params]


def more_perplexity(ns, out):
    from deeplabs.llm.checks import ConstantLM
    ppl = ns["perplexity"]
    row = torch.full((4,), -30.0)
    row[0] = 30.0                               # about 60 nats for every target 1: the total passes 709
    batches = [{"input_ids": torch.zeros(1, 41, dtype=torch.long), "attention_mask": torch.ones(1, 41, dtype=torch.long),
                "labels": torch.cat([torch.tensor([-100]), torch.tensor([0, 1] * 20)]).unsqueeze(0)}]
    out["long_eval"] = attempt(ppl, ConstantLM(row), batches, "cpu")


PROBES_03 = {
    "ex1_next_token": R3.probe_next_token, "ex2_top_k_top_p": extend(R3.probe_filters, more_filters),
    "ex3_generate": extend(R3.probe_generate, more_generate), "ex4_lora_layer": extend(R3.probe_lora_layer, more_lora_layer),
    "ex5_merge": extend(R3.probe_merge, more_merge), "ex6_inject": extend(R3.probe_inject, more_inject),
    "ex7_examples": R3.probe_examples, "ex8_loss": R3.probe_loss_lm, "ex9_train": extend(R3.probe_train_lm, more_train_lm),
    "ex10_perplexity": extend(R3.probe_perplexity, more_perplexity)}


PROBES = {
    "03_llm_finetuning/03_llm_finetuning": PROBES_03,
    "04_diffusion/01_diffusion_fashion_mnist": PROBES_04,
    "05_adversarial/05_adversarial": PROBES_05,
}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))

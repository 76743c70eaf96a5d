"""Proofs for blind round 17 of lab 03: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round17/prove_03.py

The driver is benchmarks/blind/proofs.py. Each probe runs round 16's probe of the same exercise (imported
from benchmarks/blind/round16/prove_03.py; round 16 covered ex1 and ex8 only, so the other exercises start
from round 15's probes, which extend rounds 2-14's) and adds the observations this round's mistakes need
(float64 logits a hair apart
at a very low temperature, the model's mode during the call, the caller's logits at T = 1; a batch of one for
top-k and top-p; the global generator after sampling, the mode during generation, a model configured without
a cache and the deterministic-algorithms switch after generate; two layers built in a row, a 1-D input, the
default rank; a switched-off layer merged and unmerged, unmerge's return, a merged weight; the global
generator after add_lora, a tied model's counts; a plain-text example, a long instruction; large float64
logits, a target at position 1; a frozen weight's .grad and the anomaly switch after training, four
micro-batches; a confident mistake and an underflowing one for perplexity, a target at position 1).
A wrapper resets PyTorch's deterministic-algorithms and anomaly switches before every probe (a wrong
answer's visible check may leave one on).
"""
from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.visible_runs import lm_batches, lora_llama, tiny_llama  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

R16 = earlier_proofs(16, "prove_03.py")
R15 = R16.R15
grad_on = R16.grad_on

LLM = "03_llm_finetuning/03_llm_finetuning"


def clean(probe):
    """`probe`, started with PyTorch's global switches as a fresh session has them (a wrong answer's visible
    check may have left one on)."""
    def run(ns, out):
        torch.use_deterministic_algorithms(False)
        torch.autograd.set_detect_anomaly(False)
        probe(ns, out)
    return run


def modes_seen(model):
    """A list that a forward pre-hook fills with model.training at every call, and the hook's handle."""
    seen = []
    handle = model.register_forward_pre_hook(lambda m, args: seen.append(m.training))
    return seen, handle


# ----------------------------------------------------------------------------- ex1 next token
def more_next_token(ns, out):
    tp = ns["token_probs"]
    close = torch.tensor([[1000.0, 1000.00001, 999.0]], dtype=torch.float64)
    out["r17_float64_low_T"] = attempt(tp, close, 1e-5)
    logits = torch.tensor([[0.5, 2.0, -1.0], [1.0, 0.0, 3.0]])
    out["r17_T1"] = attempt(tp, logits, 1.0)
    out["r17_logits_after_T1"] = logits
    out["r17_float32_dtype"] = attempt(tp, torch.tensor([[0.5, 2.0, -1.0]]), 0.5)
    model = tiny_llama(seed=42)
    model.train()
    seen, handle = modes_seen(model)
    out["r17_logits_train_mode"] = attempt(ns["next_token_logits"], model, torch.tensor([[3, 1, 4]]))
    handle.remove()
    out["r17_mode_during_call"] = seen
    out["r17_mode_after_call"] = model.training


# ----------------------------------------------------------------------------- ex2 filters
def more_filters(ns, out):
    out["r17_top_k_batch_of_one"] = attempt(ns["top_k_probs"], torch.tensor([[0.1, 0.5, 0.15, 0.25]]), 2)
    out["r17_top_k_rows"] = attempt(ns["top_k_probs"], torch.tensor([[0.1, 0.5, 0.15, 0.25], [0.4, 0.3, 0.2, 0.1]]), 2)
    cols = torch.tensor([[0.7, 0.2], [0.1, 0.3], [0.2, 0.5]]).t()           # (2, 3), not contiguous
    out["r17_top_p_transposed"] = attempt(ns["top_p_probs"], cols, 0.6)


# ----------------------------------------------------------------------------- ex3 generate
def more_generate(ns, out):
    gen = ns["generate"]
    model = tiny_llama(seed=52)
    sample = lambda logits: torch.multinomial(torch.softmax(logits, dim=-1), 1)[:, 0]  # noqa: E731
    torch.manual_seed(3)
    out["r17_sampled"] = attempt(gen, model, torch.tensor([[1, 2, 3]]), 3, sample)
    out["r17_global_rng_after"] = torch.rand(3)
    model.train()
    seen, handle = modes_seen(model)
    out["r17_train_mode_greedy"] = attempt(gen, model, torch.tensor([[4, 5]]), 2, lambda logits: logits.argmax(-1))
    handle.remove()
    out["r17_modes_during"] = seen
    out["r17_mode_after"] = model.training
    model.eval()
    model.config.use_cache = False                    # a caller's model configured without a cache
    out["r17_no_cache_config"] = attempt(gen, model, torch.tensor([[6, 1]]), 2, lambda logits: logits.argmax(-1))
    out["r17_use_cache_after"] = model.config.use_cache
    out["r17_deterministic_after"] = torch.are_deterministic_algorithms_enabled()
    torch.use_deterministic_algorithms(False)


# ----------------------------------------------------------------------------- ex4 LoRA layer
def more_lora_layer(ns, out):
    L = ns["LoRALinear"]
    torch.manual_seed(81)
    first = attempt(L, nn.Linear(5, 3), r=2, alpha=4.0)
    second = attempt(L, nn.Linear(5, 3), r=2, alpha=4.0)
    out["r17_A_first"] = getattr(first, "lora_A", None)
    out["r17_A_second"] = getattr(second, "lora_A", None)
    out["r17_rand_after"] = torch.rand(2)
    if isinstance(first, nn.Module):
        with torch.no_grad():
            first.lora_B.fill_(0.5)
        first.eval()
        out["r17_forward_1d"] = attempt(first, torch.tensor([1.0, -2.0, 0.5, 0.0, 3.0]))
    default = attempt(L, nn.Linear(6, 4))
    out["r17_default_A_shape"] = tuple(default.lora_A.shape) if isinstance(default, nn.Module) else default
    out["r17_default_scale"] = getattr(default, "scale", None)


# ----------------------------------------------------------------------------- ex5 merge
def more_merge(ns, out):
    L, merge, unmerge = ns["LoRALinear"], ns["merge"], ns["unmerge"]
    torch.manual_seed(83)
    off = L(nn.Linear(4, 3), r=2, alpha=4.0, dropout=0.0)
    with torch.no_grad():
        off.lora_B.normal_()
    off.scale = 0.0                                   # as set_lora_scale(model, 0.0) leaves it
    attempt(merge, off)
    res = attempt(unmerge, off)
    out["r17_off_unmerge_returns_layer"] = res is off
    out["r17_off_merged_after_unmerge"] = off.merged
    out["r17_off_scale_after"] = off.scale
    out["r17_off_weight"] = off.base.weight
    on = L(nn.Linear(4, 3), r=2, alpha=4.0, dropout=0.0)
    with torch.no_grad():
        on.lora_B.normal_()
    attempt(merge, on)
    res = attempt(unmerge, on)
    out["r17_unmerge_returns_layer"] = res is on
    big = L(nn.Linear(6, 5), r=3, alpha=6.0, dropout=0.0)
    with torch.no_grad():
        big.lora_B.normal_()
    x = torch.randn(2, 6)
    big.eval()
    before = big(x)
    attempt(merge, big)
    out["r17_merged_weight"] = big.base.weight
    out["r17_merged_forward_gap"] = (big(x) - before).abs().max()


# ----------------------------------------------------------------------------- ex6 inject
def more_inject(ns, out):
    make = lambda lin: ns["LoRALinear"](lin, r=2, alpha=4.0, dropout=0.0)  # noqa: E731
    torch.manual_seed(86)
    model = tiny_llama(seed=62)
    attempt(ns["add_lora"], model, ("q_proj", "v_proj"), make)
    torch.set_grad_enabled(True)
    out["r17_rand_after_add_lora"] = torch.rand(3)
    out["r17_counts"] = attempt(ns["count_parameters"], model)
    out["r17_counts_tied"] = attempt(ns["count_parameters"], tiny_llama(seed=63, tied=True))


# ----------------------------------------------------------------------------- ex7 examples
def more_examples(ns, out):
    plain = [{"input_ids": [7, 8, 9], "labels": [7, 8, 9]}, {"input_ids": [4, 5], "labels": [4, 5]}]
    got = attempt(ns["collate"], plain, 2)
    out["r17_plain_collate"] = got
    out["r17_collate_type"] = type(got).__name__
    out["r17_pair"] = attempt(ns["tokenize_pair"], ns["tokenizer"], "What colour is the sky?", "Blue.")
    long_question = "Tell me, in order, " + ", ".join(f"item {i}" for i in range(60)) + "?"
    pair = attempt(ns["tokenize_pair"], ns["tokenizer"], long_question, "Aye.")
    out["r17_long_pair_lengths"] = {k: len(v) for k, v in pair.items()} if isinstance(pair, dict) else pair


# ----------------------------------------------------------------------------- ex8 loss
def more_loss(ns, out):
    torch.manual_seed(8)
    big = 1e4 + torch.randn(2, 4, 6, dtype=torch.float64)
    labels = torch.tensor([[-100, 2, 3, 4], [-100, -100, 1, 5]])
    out["r17_large_float64"] = attempt(ns["causal_lm_loss"], big, labels)
    small = torch.randn(1, 3, 5)
    out["r17_target_at_1"] = attempt(ns["causal_lm_loss"], small, torch.tensor([[0, 4, -100]]))


# ----------------------------------------------------------------------------- ex9 training loop
def more_train(ns, out):
    model = lora_llama(ns, seed=93)
    frozen = model.lm_head.weight
    frozen.grad = torch.full_like(frozen, 0.25)      # a gradient the caller left on a frozen weight
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(params, lr=0.05)
    torch.manual_seed(11)
    out["r17_history"] = attempt(ns["train_lora"], model, lm_batches(ns, 8, 94), opt, ns["causal_lm_loss"], 2, "cpu")
    out["r17_frozen_grad_after"] = frozen.grad
    out["r17_lora_after"] = [p.detach().clone() for p in params]
    out["r17_anomaly_after"] = torch.is_anomaly_enabled()
    torch.autograd.set_detect_anomaly(False)


# ----------------------------------------------------------------------------- ex10 perplexity
class FixedLogits(nn.Module):
    """A stand-in causal LM that returns the same logits for any input of its shape."""

    def __init__(self, logits):
        super().__init__()
        self.register_buffer("table", logits)

    def forward(self, input_ids=None, attention_mask=None, **kwargs):
        return SimpleNamespace(logits=self.table[: input_ids.shape[0], : input_ids.shape[1]])


def more_perplexity(ns, out):
    logits = torch.zeros(1, 4, 5)
    logits[0, 0, 0] = 60.0                            # a confident mistake: target 2 after position 0
    model = FixedLogits(logits).eval()
    batch = {"input_ids": torch.tensor([[1, 2, 3, 4]]), "attention_mask": torch.ones(1, 4, dtype=torch.long),
             "labels": torch.tensor([[-100, 2, 3, 4]])}
    out["r17_confident_mistake"] = attempt(ns["perplexity"], model, [batch], "cpu")
    logits = torch.zeros(1, 4, 5)
    logits[0, 0, 0] = 110.0                           # p(target) ~ e^-110: below float32's smallest number
    out["r17_underflowing_mistake"] = attempt(ns["perplexity"], FixedLogits(logits).eval(), [batch], "cpu")
    torch.manual_seed(12)
    model2 = FixedLogits(torch.randn(1, 3, 6)).eval()
    batch2 = {"input_ids": torch.tensor([[1, 2, 3]]), "attention_mask": torch.ones(1, 3, dtype=torch.long),
              "labels": torch.tensor([[0, 4, 5]])}
    out["r17_target_at_1"] = attempt(ns["perplexity"], model2, [batch2], "cpu")
    torch.set_grad_enabled(True)


R16P, R15P = R16.PROBES[LLM], R15.PROBES[LLM]
PROBES = {LLM: {
    "ex1_next_token": clean(grad_on(extend(R16P["ex1_next_token"], more_next_token))),
    "ex2_top_k_top_p": clean(grad_on(extend(R15P["ex2_top_k_top_p"], more_filters))),
    "ex3_generate": clean(grad_on(extend(R15P["ex3_generate"], more_generate))),
    "ex4_lora_layer": clean(grad_on(extend(R15P["ex4_lora_layer"], more_lora_layer))),
    "ex5_merge": clean(grad_on(extend(R15P["ex5_merge"], more_merge))),
    "ex6_inject": clean(grad_on(extend(R15P["ex6_inject"], more_inject))),
    "ex7_examples": clean(grad_on(extend(R15P["ex7_examples"], more_examples))),
    "ex8_loss": clean(grad_on(extend(R16P["ex8_loss"], more_loss))),
    "ex9_train": clean(grad_on(extend(R15P["ex9_train"], more_train))),
    "ex10_perplexity": clean(grad_on(extend(R15P["ex10_perplexity"], more_perplexity))),
}}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))

"""Proofs for blind round 5 of lab 03: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round5/prove_03.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 4's probe of the same exercise
(imported from benchmarks/blind/round4/prove_03_05.py, itself built on round 3's) and adds the
observations this round's mistakes need (rows far apart at a low temperature, ties at the top-p cut,
sampling picks with a generator, large eos ids, 3-D inputs, gradients through B != 0, layers marked
merged by hand, adapters with other parameter names, the caller's tensors after the call, ...).
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.visible_runs import lm_batches, lora_llama, tiny_llama  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

R4 = earlier_proofs(4, "prove_03_05.py")

LLM = "03_llm_finetuning/03_llm_finetuning"


# ----------------------------------------------------------------------------- ex1 next token
def more_next_token(ns, out):
    ntl, tp = ns["next_token_logits"], ns["token_probs"]
    out["rows_apart_T0.01"] = attempt(tp, torch.tensor([[0.0, 1.0], [5.0, 6.0]]), 0.01)
    out["tiny_T1e-5"] = attempt(tp, torch.tensor([[0.0, 1e-5], [2e-5, 0.0]]), 1e-5)
    logits = torch.randn(2, 5, generator=torch.Generator().manual_seed(1))
    given = logits.clone()
    out["greedy_given"] = attempt(tp, given, 0.0)
    out["greedy_logits_after"] = given
    out["greedy_logits_untouched"] = bool(torch.equal(given, logits))
    pad = int(ns["tokenizer"].pad_token_id)
    with torch.no_grad():
        out["prompt_ends_in_pad_id"] = attempt(ntl, tiny_llama(), torch.tensor([[4, 6, pad, pad], [3, pad, 9, 8]]))


# ----------------------------------------------------------------------------- ex2 top-k / top-p
def _rounded_row() -> torch.Tensor:
    """A softmax row (float32) whose sorted cumulative sum ends just below 1: p = 1 must keep every token."""
    g = torch.Generator().manual_seed(0)
    for _ in range(5):
        row = torch.softmax(torch.randn(1, 5, generator=g) * 2, dim=-1)
    return row


def more_filters(ns, out):
    tk, tpp = ns["top_k_probs"], ns["top_p_probs"]
    tied = attempt(tpp, torch.tensor([[0.4, 0.2, 0.2, 0.2]]), 0.5)
    out["p_tied_at_cut"] = (sorted(tied[0].tolist(), reverse=True) if isinstance(tied, torch.Tensor) else tied)
    out["p_tied_nonzero"] = int((tied > 0).sum()) if isinstance(tied, torch.Tensor) else tied
    row = _rounded_row()
    out["p1_rounded_row"] = attempt(tpp, row, 1.0)
    out["p0.99_rounded_row"] = attempt(tpp, row, 0.99)
    out["p0.7_two_rows_unsorted"] = attempt(tpp, torch.tensor([[0.1, 0.2, 0.7], [0.3, 0.45, 0.25]]), 0.7)
    out["k2_rows_differ"] = attempt(tk, torch.tensor([[0.7, 0.2, 0.1], [0.4, 0.35, 0.25]]), 2)


# ----------------------------------------------------------------------------- ex3 generate
def more_generate(ns, out):
    gen = ns["generate"]
    model = R4.ModVocab(tiny_llama())
    script = iter([5, 1000, 7, 8, 9])
    out["eos_1000"] = attempt(gen, model, torch.tensor([[1, 2]]), 5, lambda logits: torch.tensor([next(script)]),
                              eos_id=1000)
    g = torch.Generator().manual_seed(3)

    def sample(logits):
        return torch.multinomial(torch.softmax(logits, dim=-1), 1, generator=g)[:, 0]

    out["sampled"] = attempt(gen, tiny_llama(), torch.tensor([[3, 1, 4]]), 6, sample, eos_id=7)
    out["sampled_generator_after"] = torch.rand(3, generator=g)
    scripted = iter([4, 6, 2, 2, 2, 2])
    out["scripted_eos_2"] = attempt(gen, tiny_llama(), torch.tensor([[3, 1]]), 6,
                                    lambda logits: torch.tensor([next(scripted)]), eos_id=2)


# ----------------------------------------------------------------------------- ex4 LoRA layer
def more_lora(ns, out):
    L = ns["LoRALinear"]
    torch.manual_seed(6)
    layer = attempt(L, nn.Linear(4, 3), r=2, alpha=2.0, dropout=0.0)
    if not isinstance(layer, nn.Module):
        out["layer_b"] = layer
        return
    with torch.no_grad():
        layer.lora_B.copy_(torch.arange(6.0).reshape(3, 2) / 4 - 0.5)
    layer.eval()
    x = torch.randn(5, 4, generator=torch.Generator().manual_seed(7)).requires_grad_(True)

    def grad_x():
        layer(x).square().sum().backward()
        return x.grad

    out["grad_x_B_nonzero"] = attempt(grad_x)
    out["three_d"] = attempt(layer, torch.randn(2, 3, 4, generator=torch.Generator().manual_seed(8)))
    torch.manual_seed(9)
    noisy = L(nn.Linear(4, 3), r=2, alpha=2.0, dropout=0.5).train()
    xt = torch.randn(6, 4, generator=torch.Generator().manual_seed(10))
    keep = xt.clone()
    torch.manual_seed(11)
    out["train_dropout"] = attempt(noisy, xt)
    out["train_x_untouched"] = bool(torch.equal(xt, keep))


# ----------------------------------------------------------------------------- ex5 merge
def more_merge(ns, out):
    L, merge, unmerge = ns["LoRALinear"], ns["merge"], ns["unmerge"]
    torch.manual_seed(12)
    hand = L(nn.Linear(4, 3), r=2, alpha=4.0, dropout=0.0).eval()
    with torch.no_grad():
        hand.lora_B.normal_()
        hand.base.weight += hand.scale * (hand.lora_B @ hand.lora_A)   # merged by hand, as check cells do
    hand.merged = True
    r = attempt(unmerge, hand)
    out["hand_unmerge_returns_layer"] = r is hand
    out["hand_unmerged_weight"] = hand.base.weight
    out["hand_merged_flag"] = getattr(hand, "merged", None)
    torch.manual_seed(13)
    training = L(nn.Linear(4, 3), r=2, alpha=4.0, dropout=0.0)         # a fresh module is in train mode
    with torch.no_grad():
        training.lora_B.normal_()
    r = attempt(merge, training)
    out["train_mode_merge_returns_layer"] = r is training
    out["train_mode_weight"] = training.base.weight
    out["train_mode_flag"] = getattr(training, "merged", None)


# ----------------------------------------------------------------------------- ex6 inject
class Adapter(nn.Module):
    """A replacement whose trainable parameters are not named lora_*: make_lora may return any module."""

    def __init__(self, linear: nn.Linear):
        super().__init__()
        self.inner = linear
        self.down = nn.Parameter(torch.zeros(1, linear.in_features))
        self.up = nn.Parameter(torch.zeros(linear.out_features, 1))

    def forward(self, x):
        return self.inner(x) + x @ self.down.T @ self.up.T


def more_inject(ns, out):
    add, count = ns["add_lora"], ns["count_parameters"]
    holder = nn.Module()
    holder.block = nn.Module()
    holder.block.proj, holder.block.head = nn.Linear(3, 3), nn.Linear(3, 2)
    attempt(add, holder, ("proj",), Adapter)
    out["adapter_trainable"] = sorted(n for n, p in holder.named_parameters() if p.requires_grad)
    out["adapter_count"] = attempt(count, holder)
    out["count_type"] = type(attempt(count, holder)).__name__


# ----------------------------------------------------------------------------- ex8 loss
def more_loss(ns, out):
    loss_fn = ns["causal_lm_loss"]
    g = torch.Generator().manual_seed(14)
    logits = torch.randn(2, 4, 6, generator=g)
    labels = torch.tensor([[-100, 3, -100, 5], [-100, -100, 2, 1]])
    out["offset_100"] = attempt(loss_fn, logits + 100.0, labels)
    out["labels_after"] = labels
    out["three_rows"] = attempt(loss_fn, torch.randn(3, 5, 6, generator=g),
                                torch.tensor([[-100, 1, 2, 3, 4], [-100, -100, -100, 0, 5], [2, 2, -100, 4, -100]]))


# ----------------------------------------------------------------------------- ex9 training loop
def more_train_lm(ns, out):
    train = ns["train_lora"]
    model = lora_llama(ns, seed=3).train()        # the caller left it in train mode: it must come back in eval
    params = [p for p in model.parameters() if p.requires_grad]
    start = [p.detach().clone() for p in params[:2]]
    seen = []

    def on_step(step, loss):      # how far the parameters moved when the callback runs: step 0 must see a step
        seen.append((step, type(loss).__name__, [p.detach() - p0 for p, p0 in zip(params, start)]))

    batches = lm_batches(ns, 8, 6)
    order = [b["input_ids"].clone() for b in batches]
    out["from_train_mode"] = attempt(train, model, batches, torch.optim.SGD(params, lr=2.0), ns["causal_lm_loss"], 2,
                                     "cpu", on_step=on_step)
    out["from_train_mode_after"] = model.training
    out["on_step_seen"] = list(seen)
    out["batches_in_order"] = all(torch.equal(b["input_ids"], o) for b, o in zip(batches, order))


# ----------------------------------------------------------------------------- ex10 perplexity
def more_perplexity(ns, out):
    from deeplabs.llm.checks import ConstantLM
    ppl = ns["perplexity"]
    far = [{"input_ids": torch.zeros(1, 4, dtype=torch.long), "attention_mask": torch.ones(1, 4, dtype=torch.long),
            "labels": torch.tensor([[-100, 1, 1, 1]])}]
    out["mean_nll_100"] = attempt(ppl, ConstantLM(torch.tensor([0.0, -100.0])), far, "cpu")
    halves = ConstantLM(torch.tensor([0.5, 0.25, 0.125, 0.125]).log())
    batches = [{"input_ids": torch.tensor([[0, 1, 2, 3]]), "attention_mask": torch.ones(1, 4, dtype=torch.long),
                "labels": torch.tensor([[-100, -100, 1, 2]])},
               {"input_ids": torch.tensor([[0, 1, 0]]), "attention_mask": torch.ones(1, 3, dtype=torch.long),
                "labels": torch.tensor([[-100, 3, -100]])}]
    out["first_eval"] = attempt(ppl, halves, batches, "cpu")
    out["labels_after"] = [b["labels"] for b in batches]
    out["second_eval"] = attempt(ppl, halves, batches, "cpu")


R4P = R4.PROBES_03
PROBES = {LLM: {
    "ex1_next_token": extend(R4P["ex1_next_token"], more_next_token),
    "ex2_top_k_top_p": extend(R4P["ex2_top_k_top_p"], more_filters),
    "ex3_generate": extend(R4P["ex3_generate"], more_generate),
    "ex4_lora_layer": extend(R4P["ex4_lora_layer"], more_lora),
    "ex5_merge": extend(R4P["ex5_merge"], more_merge),
    "ex6_inject": extend(R4P["ex6_inject"], more_inject),
    "ex7_examples": R4P["ex7_examples"],
    "ex8_loss": extend(R4P["ex8_loss"], more_loss),
    "ex9_train": extend(R4P["ex9_train"], more_train_lm),
    "ex10_perplexity": extend(R4P["ex10_perplexity"], more_perplexity),
}}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))

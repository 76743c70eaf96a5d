"""Proofs for blind round 8 of lab 03: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round8/prove_03.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 7's probe of the same exercise
(imported from benchmarks/blind/round7/prove_03.py, itself built on rounds 2-6's) and adds the
observations this round's mistakes need (widely spread logits at a low temperature, a stop token
other than the tokenizer's, the caller's Linear after a merge, the loss each on_step call is given).
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import Raised, attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.visible_runs import lm_batches, lora_llama, tiny_llama  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

R7 = earlier_proofs(7, "prove_03.py")
R4 = earlier_proofs(4, "prove_03_05.py")

LLM = "03_llm_finetuning/03_llm_finetuning"


# ----------------------------------------------------------------------------- ex1 next token
def more_next_token(ns, out):
    tp = ns["token_probs"]
    out["spread_T0.01"] = attempt(tp, torch.tensor([[0.0, 1.0, 10.0], [-3.0, 2.0, 0.5]]), 0.01)


# ----------------------------------------------------------------------------- ex3 generate
def more_generate(ns, out):
    gen = ns["generate"]
    eos = int(ns["tokenizer"].eos_token_id)
    other = 7 if eos != 7 else 8                 # a stop token that is not the tokenizer's own
    script = iter([5, eos, 4, other, 9, 9])
    out["eos_other_than_tokenizer"] = attempt(gen, R4.ModVocab(tiny_llama()), torch.tensor([[1, 2]]), 6,
                                              lambda logits: torch.tensor([next(script)]), eos_id=other)


# ----------------------------------------------------------------------------- ex5 merge
def more_merge(ns, out):
    L, merge = ns["LoRALinear"], ns["merge"]
    torch.manual_seed(41)
    linear = nn.Linear(4, 3)
    layer = L(linear, r=2, alpha=4.0, dropout=0.0).eval()
    with torch.no_grad():
        layer.lora_B.normal_()
    attempt(merge, layer)
    out["callers_linear_weight"] = linear.weight
    again = attempt(merge, layer)                # merging a merged layer: nothing to do, the layer back
    out["merge_twice_returns_layer"] = again if isinstance(again, Raised) else again is layer
    out["merge_twice_weight"] = layer.base.weight
    out["callers_linear_is_base"] = getattr(layer, "base", None) is linear


# ----------------------------------------------------------------------------- ex9 training loop
def more_train_lm(ns, out):
    train = ns["train_lora"]
    model = lora_llama(ns, seed=7)
    params = [p for p in model.parameters() if p.requires_grad]
    given = []
    out["on_step_losses_returned"] = attempt(train, model, lm_batches(ns, 8, 9), torch.optim.SGD(params, lr=0.1),
                                             ns["causal_lm_loss"], 2, "cpu",
                                             on_step=lambda step, loss: given.append((step, loss)))
    out["on_step_losses_given"] = list(given)


R7P = R7.PROBES[LLM]
PROBES = {LLM: {
    "ex1_next_token": extend(R7P["ex1_next_token"], more_next_token),
    "ex2_top_k_top_p": R7P["ex2_top_k_top_p"],
    "ex3_generate": extend(R7P["ex3_generate"], more_generate),
    "ex4_lora_layer": R7P["ex4_lora_layer"],
    "ex5_merge": extend(R7P["ex5_merge"], more_merge),
    "ex6_inject": R7P["ex6_inject"],
    "ex7_examples": R7P["ex7_examples"],
    "ex8_loss": R7P["ex8_loss"],
    "ex9_train": extend(R7P["ex9_train"], more_train_lm),
    "ex10_perplexity": R7P["ex10_perplexity"],
}}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))

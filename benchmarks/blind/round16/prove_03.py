"""Proofs for blind round 16 of lab 03: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round16/prove_03.py

The driver is benchmarks/blind/proofs.py. Each probe runs round 15's probe of the same exercise (imported
from benchmarks/blind/round15/prove_03.py) and adds the observations this round's mistakes need (a batch
of one, .grad after next_token_logits, float16 logits, the logits' dtype; a confident mistake, the caller's
logits' grad flag, a batch whose longest row ends in a real target). Incomplete round: ex1 and ex8 only.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.visible_runs import tiny_llama  # noqa: E402

import torch  # noqa: E402

R15 = earlier_proofs(15, "prove_03.py")
grad_on = R15.grad_on

LLM = "03_llm_finetuning/03_llm_finetuning"


def more_next_token(ns, out):
    out["r16_batch_of_one"] = attempt(ns["token_probs"], torch.tensor([[0.5, 2.0, -1.0]]), 1.0)
    out["r16_float16"] = attempt(ns["token_probs"], torch.tensor([[0.5, 2.0, -1.0]], dtype=torch.float16), 0.7)
    model = tiny_llama(seed=41)
    ids = torch.tensor([[3, 1, 4, 1]])
    model(input_ids=ids).logits.sum().backward()
    logits = attempt(ns["next_token_logits"], model, ids)
    out["r16_logits"] = logits
    out["r16_grads_after"] = [p.grad for p in model.parameters() if p.grad is not None][:3]


def more_loss(ns, out):
    logits = torch.zeros(1, 4, 5)
    logits[0, 0, 0] = 60.0          # a confident mistake: target 2 at position 0
    labels = torch.tensor([[-100, 2, 3, 4]])
    out["r16_confident_mistake"] = attempt(ns["causal_lm_loss"], logits, labels)
    out["r16_logits_grad_flag"] = logits.requires_grad
    torch.manual_seed(5)
    out["r16_full_row"] = attempt(ns["causal_lm_loss"], torch.randn(2, 3, 4), torch.tensor([[0, 1, 2], [-100, 3, -100]]))


R15P = R15.PROBES[LLM]
PROBES = {LLM: {
    "ex1_next_token": grad_on(extend(R15P["ex1_next_token"], more_next_token)),
    "ex8_loss": grad_on(extend(R15P["ex8_loss"], more_loss)),
}}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))

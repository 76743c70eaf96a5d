"""Proofs for blind round 9 of lab 03: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round9/prove_03.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 8's probe of the same exercise
(imported from benchmarks/blind/round8/prove_03.py, itself built on rounds 2-7's) and adds the
observations this round's mistakes need (the caller's model or layer mode after a call, the model's own
Linear inside its adapter, a position whose logits lie far below the rest of the batch).
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.visible_runs import tiny_llama  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

R8 = earlier_proofs(8, "prove_03.py")

LLM = "03_llm_finetuning/03_llm_finetuning"



# ----------------------------------------------------------------------------- ex1 next token
def more_next_token(ns, out):
    model = tiny_llama().train()                 # a model the caller left in training mode
    attempt(ns["next_token_logits"], model, torch.tensor([[1, 2, 3]]))
    out["caller_mode_after_logits"] = model.training


# ----------------------------------------------------------------------------- ex5 merge
def more_merge(ns, out):
    L, merge = ns["LoRALinear"], ns["merge"]
    torch.manual_seed(51)
    layer = L(nn.Linear(4, 3), r=2, alpha=4.0, dropout=0.0).train()
    with torch.no_grad():
        layer.lora_B.normal_()
    attempt(merge, layer)
    out["mode_after_merge"] = layer.training


# ----------------------------------------------------------------------------- ex6 inject
class _Holder(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 4)
        self.other = nn.Linear(4, 2)


def more_inject(ns, out):
    torch.manual_seed(52)
    model = _Holder()
    own = model.proj
    attempt(ns["add_lora"], model, ("proj",), lambda lin: ns["LoRALinear"](lin, r=2, alpha=4.0, dropout=0.0))
    out["wraps_the_models_own_linear"] = getattr(model.proj, "base", None) is own


# ----------------------------------------------------------------------------- ex8 loss
def more_loss(ns, out):
    logits = torch.tensor([[[0.0, 1.0, 2.0, 3.0], [-1000.0, -999.0, -998.0, -997.0], [0.5, 0.0, 0.0, 0.0]]],
                          requires_grad=True)    # one position far below the others (a confident model)
    labels = torch.tensor([[5, 1, 2]])
    out["far_apart_positions"] = attempt(ns["causal_lm_loss"], logits, labels)


# ----------------------------------------------------------------------------- ex10 perplexity
def more_perplexity(ns, out):
    model = tiny_llama().eval()
    batch = {"input_ids": torch.tensor([[3, 4, 5, 6]]), "attention_mask": torch.ones(1, 4, dtype=torch.long),
             "labels": torch.tensor([[-100, 4, 5, 6]])}
    out["eval_model_ppl"] = attempt(ns["perplexity"], model, [batch], "cpu")
    out["caller_mode_after_ppl"] = model.training


R8P = R8.PROBES[LLM]
PROBES = {LLM: {
    "ex1_next_token": extend(R8P["ex1_next_token"], more_next_token),
    "ex2_top_k_top_p": R8P["ex2_top_k_top_p"],
    "ex3_generate": R8P["ex3_generate"],
    "ex4_lora_layer": R8P["ex4_lora_layer"],
    "ex5_merge": extend(R8P["ex5_merge"], more_merge),
    "ex6_inject": extend(R8P["ex6_inject"], more_inject),
    "ex7_examples": R8P["ex7_examples"],
    "ex8_loss": extend(R8P["ex8_loss"], more_loss),
    "ex9_train": R8P["ex9_train"],
    "ex10_perplexity": extend(R8P["ex10_perplexity"], more_perplexity),
}}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))

"""Proofs for blind round 7 of lab 03: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round7/prove_03.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 6's probe of the same exercise
(imported from benchmarks/blind/round6/prove_03.py, itself built on rounds 2-5's) and adds the
observations this round's mistakes need (a one-token prompt, bias-free Linear layers, a merge in train
mode with dropout, ...).
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

R6 = earlier_proofs(6, "prove_03.py")

LLM = "03_llm_finetuning/03_llm_finetuning"


# ----------------------------------------------------------------------------- ex3 generate
def more_generate(ns, out):
    gen = ns["generate"]
    out["one_token_prompt"] = attempt(gen, tiny_llama(), torch.tensor([[5]]), 3,
                                      lambda logits: logits.argmax(dim=-1), eos_id=None)
    calls = []

    def eos_first(logits):                    # a pick that ends the answer at once: nothing after it is needed
        calls.append(tuple(logits.shape))
        return torch.tensor([3])

    out["eos_first"] = attempt(gen, tiny_llama(), torch.tensor([[1, 2]]), 5, eos_first, eos_id=3)
    out["eos_first_pick_calls"] = len(calls)
    g = torch.Generator().manual_seed(36)     # one sampler shared by several answers, as in the notebook's demo
    two = torch.zeros(1, 32)
    two[0, 3] = two[0, 5] = 0.5

    def sample(logits):                       # token 3 (the eos here) or 5, by the shared generator
        return torch.multinomial(two.expand(logits.shape[0], -1), 1, generator=g)[:, 0]

    out["shared_sampler"] = [attempt(gen, tiny_llama(), torch.tensor([[4, 2]]), 6, sample, eos_id=3)
                             for _ in range(4)]


# ----------------------------------------------------------------------------- ex4 LoRA layer
def more_lora(ns, out):
    L = ns["LoRALinear"]
    torch.manual_seed(31)
    base = nn.Linear(4, 3, bias=False)                   # the attention projections of SmolLM2 have no bias
    layer = attempt(L, base, r=2, alpha=4.0, dropout=0.0)
    out["bias_free_layer"] = layer if not isinstance(layer, nn.Module) else "built"
    if isinstance(layer, nn.Module):
        x = torch.randn(2, 4, generator=torch.Generator().manual_seed(32))
        out["bias_free_output"] = attempt(layer.eval(), x)
        out["bias_free_trainable"] = sorted(n for n, p in layer.named_parameters() if p.requires_grad)


# ----------------------------------------------------------------------------- ex5 merge
def more_merge(ns, out):
    L, merge, unmerge = ns["LoRALinear"], ns["merge"], ns["unmerge"]
    torch.manual_seed(33)
    layer = L(nn.Linear(4, 3), r=2, alpha=4.0, dropout=0.5)          # fresh: train mode, dropout on
    with torch.no_grad():
        layer.lora_B.normal_()
    w0 = layer.base.weight.detach().clone()
    torch.manual_seed(34)
    attempt(merge, layer)
    out["train_dropout_merged_weight"] = layer.base.weight
    torch.manual_seed(35)
    attempt(unmerge, layer)
    out["train_dropout_unmerged_back"] = bool(torch.allclose(layer.base.weight, w0, atol=1e-6))


R6P = R6.PROBES[LLM]
PROBES = {LLM: {
    "ex1_next_token": R6P["ex1_next_token"],
    "ex2_top_k_top_p": R6P["ex2_top_k_top_p"],
    "ex3_generate": extend(R6P["ex3_generate"], more_generate),
    "ex4_lora_layer": extend(R6P["ex4_lora_layer"], more_lora),
    "ex5_merge": extend(R6P["ex5_merge"], more_merge),
    "ex6_inject": R6P["ex6_inject"],
    "ex7_examples": R6P["ex7_examples"],
    "ex8_loss": R6P["ex8_loss"],
    "ex9_train": R6P["ex9_train"],
    "ex10_perplexity": R6P["ex10_perplexity"],
}}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))

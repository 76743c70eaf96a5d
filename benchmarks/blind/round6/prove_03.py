"""Proofs for blind round 6 of lab 03: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round6/prove_03.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 5's probe of the same exercise
(imported from benchmarks/blind/round5/prove_03.py, itself built on rounds 2-4's) and adds the
observations this round's mistakes need.
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

R5 = earlier_proofs(5, "prove_03.py")

LLM = "03_llm_finetuning/03_llm_finetuning"



# ----------------------------------------------------------------------------- ex2 top-k / top-p
def more_filters(ns, out):
    tk = ns["top_k_probs"]
    out["k2_tie_at_k_and_k_plus_1"] = attempt(tk, torch.tensor([[0.4, 0.3, 0.3], [0.5, 0.3, 0.2]]), 2)
    out["k_equals_V"] = attempt(tk, torch.tensor([[0.2, 0.5, 0.3]]), 3)


# ----------------------------------------------------------------------------- ex3 generate
def more_generate(ns, out):
    gen = ns["generate"]
    out["no_new_tokens"] = attempt(gen, tiny_llama(), torch.tensor([[3, 1, 4]]), 0,
                                   lambda logits: logits.argmax(dim=-1), eos_id=2)


# ----------------------------------------------------------------------------- ex4 LoRA layer
def more_lora(ns, out):
    L = ns["LoRALinear"]
    torch.manual_seed(21)
    layer = attempt(L, nn.Linear(4, 3), r=2, alpha=4.0, dropout=0.2)
    if not isinstance(layer, nn.Module):
        out["layer_r6"] = layer
        return
    with torch.no_grad():
        layer.lora_B.copy_(torch.arange(6.0).reshape(3, 2) / 3 - 0.7)
    x = torch.randn(7, 4, generator=torch.Generator().manual_seed(22))
    torch.manual_seed(23)
    out["train_dropout_0.2"] = attempt(layer.train(), x)
    layer.eval()
    layer.scale = 0.0                    # the notebook's set_lora_scale: the adapter switched off
    out["scale_0_output"] = attempt(layer, x)
    out["scale_0_base"] = attempt(layer.base, x)


# ----------------------------------------------------------------------------- ex5 merge
def more_merge(ns, out):
    L, merge = ns["LoRALinear"], ns["merge"]
    torch.manual_seed(24)
    fresh = L(nn.Linear(4, 3), r=2, alpha=4.0, dropout=0.0)            # B = 0: merging changes nothing but the flag
    r = attempt(merge, fresh)
    out["fresh_merge_returns_layer"] = r is fresh
    out["fresh_merged_flag"] = getattr(fresh, "merged", None)


# ----------------------------------------------------------------------------- ex6 inject
def more_inject(ns, out):
    add = ns["add_lora"]
    holder = nn.Module()
    holder.block = nn.Module()
    holder.block.q_proj, holder.block.q_proj_2 = nn.Linear(3, 3), nn.Linear(3, 3)
    attempt(add, holder, ("q_proj",), lambda lin: ns["LoRALinear"](lin, r=1, alpha=1.0, dropout=0.0))
    out["whole_name_wrapped"] = {n: type(m).__name__ for n, m in holder.block.named_children()}


# ----------------------------------------------------------------------------- ex9 training loop
def more_train_lm(ns, out):
    train, loss_fn = ns["train_lora"], ns["causal_lm_loss"]
    model = lora_llama(ns, seed=5)
    params = [p for p in model.parameters() if p.requires_grad]

    def big_loss(logits, labels):          # any loss_fn: a large one gives gradient norms well above 1
        return 50.0 * loss_fn(logits, labels)

    out["big_loss"] = attempt(train, model, lm_batches(ns, 8, 7), torch.optim.SGD(params, lr=0.05), big_loss, 2,
                              "cpu")
    out["big_loss_params"] = [p.detach() for p in params]


# ----------------------------------------------------------------------------- ex10 perplexity
def more_perplexity(ns, out):
    from deeplabs.llm.checks import ConstantLM
    ppl = ns["perplexity"]
    halves = ConstantLM(torch.tensor([0.5, 0.25, 0.125, 0.125]).log())
    batches = [{"input_ids": torch.tensor([[0, 1, 2]]), "attention_mask": torch.ones(1, 3, dtype=torch.long),
                "labels": torch.tensor([[-100, -100, -100]])},              # a batch with nothing to score
               {"input_ids": torch.tensor([[0, 1, 0]]), "attention_mask": torch.ones(1, 3, dtype=torch.long),
                "labels": torch.tensor([[-100, 3, 2]])}]
    out["batch_without_targets"] = attempt(ppl, halves, batches, "cpu")


R5P = R5.PROBES[LLM]
PROBES = {LLM: {
    "ex1_next_token": R5P["ex1_next_token"],
    "ex2_top_k_top_p": extend(R5P["ex2_top_k_top_p"], more_filters),
    "ex3_generate": extend(R5P["ex3_generate"], more_generate),
    "ex4_lora_layer": extend(R5P["ex4_lora_layer"], more_lora),
    "ex5_merge": extend(R5P["ex5_merge"], more_merge),
    "ex6_inject": extend(R5P["ex6_inject"], more_inject),
    "ex7_examples": R5P["ex7_examples"],
    "ex8_loss": R5P["ex8_loss"],
    "ex9_train": extend(R5P["ex9_train"], more_train_lm),
    "ex10_perplexity": extend(R5P["ex10_perplexity"], more_perplexity),
}}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))

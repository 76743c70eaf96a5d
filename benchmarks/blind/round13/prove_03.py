"""Proofs for blind round 13 of lab 03: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round13/prove_03.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 12's probe of the same exercise
(imported from benchmarks/blind/round12/prove_03.py, itself built on rounds 2-11's) and adds the
observations this round's mistakes need (gradient tracking after next_token_logits, top-k with k = V, the
model's requires_grad after generate, a limit reached without eos, a non-contiguous input to the LoRA layer,
the caller's Linear's parameter objects, the base's mode and the scale after a merge, a training-mode model
and the caller's .grad after add_lora, examples longer than 256 tokens, float64 logits and pad-id targets in
the loss, the model's trainable parameters after training and what on_step saw, a float64 model's dtype after
perplexity, a long sequence's perplexity).
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

R12 = earlier_proofs(12, "prove_03.py")
grad_on = R12.grad_on

LLM = "03_llm_finetuning/03_llm_finetuning"


# ----------------------------------------------------------------------------- ex1 next token
def more_next_token(ns, out):
    torch.set_grad_enabled(True)
    out["logits_grad_on"] = attempt(ns["next_token_logits"], tiny_llama(seed=11), torch.tensor([[3, 4, 5, 6]]))
    out["grad_enabled_after_next_token_logits"] = torch.is_grad_enabled()
    torch.set_grad_enabled(True)
    out["two_rows_greedy"] = attempt(ns["token_probs"], torch.tensor([[0.0, 3.0, 1.0], [5.0, 0.0, 1.0]]), 0)
    out["low_T_float32"] = attempt(ns["token_probs"], torch.tensor([[1.0, 2.0, 0.5]]), 0.01)


# ----------------------------------------------------------------------------- ex2 filters
def more_filters(ns, out):
    probs = torch.tensor([[0.5, 0.2, 0.2, 0.1], [0.05, 0.15, 0.3, 0.5]])
    out["top_k_equals_V"] = attempt(ns["top_k_probs"], probs, 4)
    out["top_p0.7_sums"] = attempt(lambda: ns["top_p_probs"](probs, 0.7).sum(dim=-1))


# ----------------------------------------------------------------------------- ex3 generate
def more_generate(ns, out):
    gen = ns["generate"]
    model = tiny_llama(seed=12)
    model.lm_head.weight.requires_grad_(True)
    flags = [p.requires_grad for p in model.parameters()]
    out["ids_eos_not_reached"] = attempt(gen, model, torch.tensor([[4, 2, 7]]), 4,
                                         lambda logits: torch.full((1,), 9), eos_id=31)
    out["requires_grad_before"] = flags
    out["requires_grad_after"] = [p.requires_grad for p in model.parameters()]


# ----------------------------------------------------------------------------- ex4 LoRA layer
def more_lora_layer(ns, out):
    L = ns["LoRALinear"]
    torch.manual_seed(51)
    lin = nn.Linear(4, 3)
    w, b = lin.weight, lin.bias
    layer = attempt(L, lin, r=2, alpha=4.0, dropout=0.0)
    out["caller_weight_same_object"] = lin.weight is w and lin.bias is b
    out["old_weight_requires_grad"] = [w.requires_grad, b.requires_grad]
    if not isinstance(layer, nn.Module):
        return
    with torch.no_grad():
        layer.lora_B.normal_()
    x = torch.randn(4, 2, 4).transpose(0, 1)      # (2, 4, d_in), not contiguous
    out["non_contiguous_forward"] = attempt(layer, x)
    out["scale_r2_alpha4"] = getattr(layer, "scale", None)


# ----------------------------------------------------------------------------- ex5 merge
def more_merge(ns, out):
    L, merge, unmerge = ns["LoRALinear"], ns["merge"], ns["unmerge"]
    torch.manual_seed(52)
    layer = L(nn.Linear(4, 3), r=2, alpha=4.0, dropout=0.1).train()
    with torch.no_grad():
        layer.lora_B.normal_()
    attempt(merge, layer)
    out["modes_after_merge_train"] = [m.training for m in layer.modules()]
    out["scale_after_merge"] = layer.scale
    out["weight_dtype_after_merge"] = str(layer.base.weight.dtype)
    attempt(unmerge, layer)
    out["scale_after_unmerge"] = layer.scale
    layer.eval()
    attempt(merge, layer)
    attempt(unmerge, layer)
    out["modes_after_eval_merge_unmerge"] = [m.training for m in layer.modules()]


# ----------------------------------------------------------------------------- ex6 inject
def more_inject(ns, out):
    make = lambda lin: ns["LoRALinear"](lin, r=2, alpha=4.0, dropout=0.0)  # noqa: E731
    torch.manual_seed(53)
    model = tiny_llama(seed=13).train()
    for p in model.parameters():
        p.grad = torch.ones_like(p)
    res = attempt(ns["add_lora"], model, ("q_proj",), make)
    out["returned_the_model"] = res is model
    out["train_mode_after_add_lora"] = model.training
    out["grads_after_add_lora"] = [None if p.grad is None else float(p.grad.sum())
                                   for n, p in model.named_parameters() if "lora" not in n]
    out["counts_after"] = attempt(ns["count_parameters"], model)


# ----------------------------------------------------------------------------- ex7 examples
def more_examples(ns, out):
    long_ids = [(7 * i) % 50 + 1 for i in range(300)]
    examples = [{"input_ids": long_ids, "labels": [-100] * 10 + long_ids[10:]},
                {"input_ids": [5, 6, 7], "labels": [-100, 6, 7]}]
    out["collate_300_tokens"] = attempt(ns["collate"], examples, 0)
    out["examples_after_long"] = [dict(e) for e in examples]


# ----------------------------------------------------------------------------- ex8 loss
def more_loss(ns, out):
    torch.manual_seed(94)
    logits = torch.randn(2, 4, 5, dtype=torch.float64)
    labels = torch.tensor([[-100, 1, 3, 0], [-100, -100, 4, 2]])
    out["float64_logits"] = attempt(ns["causal_lm_loss"], logits, labels)
    pad = int(ns["tokenizer"].pad_token_id)
    torch.manual_seed(95)
    wide = torch.randn(1, 4, max(pad + 2, 6))
    out["pad_id_targets"] = attempt(ns["causal_lm_loss"], wide, torch.tensor([[-100, 1, pad, pad]]))


# ----------------------------------------------------------------------------- ex9 training loop
def more_train(ns, out):
    model = lora_llama(ns, seed=23).eval()
    params = [p for p in model.parameters() if p.requires_grad]
    batches = lm_batches(ns, 4, 24)
    seen = []
    torch.manual_seed(8)
    history = attempt(ns["train_lora"], model, batches, torch.optim.SGD(params, lr=0.1), ns["causal_lm_loss"], 2,
                      "cpu", on_step=lambda step, loss: seen.append((step, loss)))
    out["history_r13"] = history
    out["on_step_seen"] = list(seen)
    out["on_step_matches_history"] = (isinstance(history, list) and [value for _, value in seen] == history)
    out["trainable_after"] = sorted(n for n, p in model.named_parameters() if p.requires_grad)


# ----------------------------------------------------------------------------- ex10 perplexity
def more_perplexity(ns, out):
    wide = tiny_llama(seed=14).double()
    batch = {"input_ids": torch.tensor([[1, 5, 9, 3]]), "attention_mask": torch.ones(1, 4, dtype=torch.long),
             "labels": torch.tensor([[-100, 5, 9, 3]])}
    out["float64_model_ppl"] = attempt(ns["perplexity"], wide, [batch], "cpu")
    out["float64_model_dtype_after"] = str(next(wide.parameters()).dtype)
    torch.set_grad_enabled(True)
    g = torch.Generator().manual_seed(15)
    ids = torch.randint(0, 32, (1, 80), generator=g)
    long = {"input_ids": ids, "attention_mask": torch.ones_like(ids), "labels": ids.clone()}
    out["long_sequence_ppl"] = attempt(ns["perplexity"], tiny_llama(seed=16), [long], "cpu")
    torch.set_grad_enabled(True)


R12P = R12.PROBES[LLM]
PROBES = {LLM: {
    "ex1_next_token": grad_on(extend(R12P["ex1_next_token"], more_next_token)),
    "ex2_top_k_top_p": grad_on(extend(R12P["ex2_top_k_top_p"], more_filters)),
    "ex3_generate": grad_on(extend(R12P["ex3_generate"], more_generate)),
    "ex4_lora_layer": grad_on(extend(R12P["ex4_lora_layer"], more_lora_layer)),
    "ex5_merge": grad_on(extend(R12P["ex5_merge"], more_merge)),
    "ex6_inject": grad_on(extend(R12P["ex6_inject"], more_inject)),
    "ex7_examples": grad_on(extend(R12P["ex7_examples"], more_examples)),
    "ex8_loss": grad_on(extend(R12P["ex8_loss"], more_loss)),
    "ex9_train": grad_on(extend(R12P["ex9_train"], more_train)),
    "ex10_perplexity": grad_on(extend(R12P["ex10_perplexity"], more_perplexity)),
}}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))

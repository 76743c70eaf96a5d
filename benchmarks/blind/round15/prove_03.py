"""Proofs for blind round 15 of lab 03: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round15/prove_03.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 14's probe of the same exercise
(imported from benchmarks/blind/round14/prove_03.py, itself built on rounds 2-13's) and adds the
observations this round's mistakes need (a batch of several prompts, token_probs at tau > 1, a one-hot of
a narrow vocabulary, a non-contiguous probs, top-p with p = 1, an int32 prompt, gradient tracking and the
caller's prompt after generate, A's draw, a 2-D input, the layer's parameter names, merging a merged layer,
the caller's Linear and the base weight's requires_grad after a merge, a layer at scale 0, empty targets,
count types, a trainable parameter outside the adapters, an instruction with spaces, the loss of large
logits and its grad flag, the optimizer given, two batches for perplexity).
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

R14 = earlier_proofs(14, "prove_03.py")
grad_on = R14.grad_on

LLM = "03_llm_finetuning/03_llm_finetuning"


# ----------------------------------------------------------------------------- ex1 next token
def more_next_token(ns, out):
    logits = torch.tensor([[0.0, 1.0, 2.0], [1.5, -1.0, 0.5]])
    out["r15_temperature_3"] = attempt(ns["token_probs"], logits, 3.0)
    out["r15_greedy_narrow"] = attempt(ns["token_probs"], logits, 0)
    out["r15_temperature_1_rows"] = attempt(ns["token_probs"], logits, 1.0)
    model = tiny_llama(seed=31)
    out["r15_batch_of_two"] = attempt(ns["next_token_logits"], model, torch.tensor([[3, 1, 4], [1, 5, 9]]))


# ----------------------------------------------------------------------------- ex2 filters
def more_filters(ns, out):
    probs = torch.tensor([[0.1, 0.4, 0.3, 0.2], [0.25, 0.05, 0.6, 0.1], [0.5, 0.2, 0.2, 0.1]])
    out["r15_top_k_2"] = attempt(ns["top_k_probs"], probs, 2)
    out["r15_top_p_0.6"] = attempt(ns["top_p_probs"], probs, 0.6)
    out["r15_top_k_noncontiguous"] = attempt(ns["top_k_probs"], probs.t().contiguous().t(), 2)
    out["r15_top_k_transposed"] = attempt(ns["top_k_probs"], torch.tensor([[0.7, 0.2], [0.1, 0.3], [0.2, 0.5]]).t(), 1)
    out["r15_top_p_1"] = attempt(ns["top_p_probs"], torch.tensor([[0.995, 0.004, 0.001]], dtype=torch.float64), 1.0)


# ----------------------------------------------------------------------------- ex3 generate
def more_generate(ns, out):
    gen = ns["generate"]
    model = tiny_llama(seed=32)
    prompt = torch.tensor([[4, 2, 7, 1]], dtype=torch.int32)
    greedy = lambda logits: logits.argmax(-1)  # noqa: E731
    out["r15_int32_prompt"] = attempt(gen, model, prompt, 3, greedy)
    out["r15_prompt_after"] = prompt
    long_prompt = torch.tensor([[5, 3, 8, 2]])
    out["r15_long_prompt"] = attempt(gen, model, long_prompt, 3, greedy)
    out["r15_long_prompt_after"] = long_prompt
    out["r15_grad_enabled_after"] = torch.is_grad_enabled()
    torch.set_grad_enabled(True)


# ----------------------------------------------------------------------------- ex4 LoRA layer
def more_lora_layer(ns, out):
    L = ns["LoRALinear"]
    torch.manual_seed(71)
    layer = attempt(L, nn.Linear(6, 4), r=3, alpha=6.0)
    if not isinstance(layer, nn.Module):
        out["r15_built"] = False
        return
    out["r15_param_names"] = sorted(n for n, _ in layer.named_parameters())
    out["r15_scale"] = getattr(layer, "scale", None)
    out["r15_A"] = getattr(layer, "lora_A", None)
    with torch.no_grad():
        layer.lora_B.copy_(torch.randn(4, 3))
    layer.eval()
    out["r15_forward_2d"] = attempt(layer, torch.randn(5, 6))
    out["r15_forward_1d"] = attempt(layer, torch.randn(6))


# ----------------------------------------------------------------------------- ex5 merge
def more_merge(ns, out):
    L, merge = ns["LoRALinear"], ns["merge"]
    torch.manual_seed(73)
    base = nn.Linear(4, 3)
    layer = L(base, r=2, alpha=4.0, dropout=0.0)
    with torch.no_grad():
        layer.lora_B.normal_()
    merge(layer)
    out["r15_caller_linear_is_base"] = layer.base is base
    out["r15_caller_weight_after_merge"] = base.weight
    out["r15_base_requires_grad_after_merge"] = layer.base.weight.requires_grad
    res = attempt(merge, layer)
    out["r15_merge_merged_returns_layer"] = res is layer
    off = L(nn.Linear(4, 3), r=2, alpha=4.0, dropout=0.0)
    off.scale = 0.0
    attempt(merge, off)
    out["r15_merged_at_scale_0"] = off.merged


# ----------------------------------------------------------------------------- ex6 inject
def more_inject(ns, out):
    make = lambda lin: ns["LoRALinear"](lin, r=2, alpha=4.0, dropout=0.0)  # noqa: E731
    torch.manual_seed(74)
    model = tiny_llama(seed=34)
    attempt(ns["add_lora"], model, (), make)
    out["r15_grad_enabled_after"] = torch.is_grad_enabled()
    torch.set_grad_enabled(True)
    out["r15_types_no_targets"] = sorted({type(m).__name__ for m in model.modules()})
    counts = attempt(ns["count_parameters"], model)
    out["r15_counts_no_targets"] = counts
    out["r15_count_types"] = [type(c).__name__ for c in counts] if isinstance(counts, tuple) else type(counts).__name__
    model2 = tiny_llama(seed=35)
    attempt(ns["add_lora"], model2, ("q_proj",), make)
    torch.set_grad_enabled(True)
    model2.lm_head.weight.requires_grad_(True)
    out["r15_counts_unfrozen_head"] = attempt(ns["count_parameters"], model2)


# ----------------------------------------------------------------------------- ex7 examples
def more_examples(ns, out):
    tok = ns["tokenizer"]
    out["r15_spaced_instruction"] = attempt(ns["tokenize_pair"], tok, "  What is 2 + 2?\n", "Arr! It be 4.")
    out["r15_short_response"] = attempt(ns["tokenize_pair"], tok, "Name a colour, please, in one word.", "Red.")
    examples = [{"input_ids": [5, 6, 7], "labels": [-100, 6, 7]}, {"input_ids": [3, 4, 9, 9, 2], "labels": [-100, -100, 9, 9, 2]}]
    out["r15_collate_uneven"] = attempt(ns["collate"], examples, 1)


# ----------------------------------------------------------------------------- ex8 loss
def more_loss(ns, out):
    torch.manual_seed(97)
    logits = (torch.randn(2, 6, 7) * 8).requires_grad_(True)
    labels = torch.tensor([[-100, -100, -100, 1, 3, 0], [-100, 2, 4, 5, 6, -100]])
    loss = attempt(ns["causal_lm_loss"], logits, labels)
    out["r15_loss_large"] = loss
    out["r15_loss_requires_grad"] = isinstance(loss, torch.Tensor) and loss.requires_grad


# ----------------------------------------------------------------------------- ex9 training loop
def more_train(ns, out):
    model = lora_llama(ns, seed=36)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(params, lr=0.05)
    torch.manual_seed(10)
    out["r15_history"] = attempt(ns["train_lora"], model, lm_batches(ns, 6, 37), opt, ns["causal_lm_loss"], 2, "cpu")
    out["r15_lora_after"] = [p.detach().clone() for p in params]


# ----------------------------------------------------------------------------- ex10 perplexity
def more_perplexity(ns, out):
    model = lora_llama(ns, seed=38)
    model.eval()
    b1 = {"input_ids": torch.tensor([[1, 5, 9, 3, 7]]), "attention_mask": torch.ones(1, 5, dtype=torch.long),
          "labels": torch.tensor([[-100, -100, 9, 3, 7]])}
    b2 = {"input_ids": torch.tensor([[2, 4, 6], [8, 1, 0]]), "attention_mask": torch.tensor([[1, 1, 1], [1, 1, 0]]),
          "labels": torch.tensor([[-100, 4, 6], [-100, 1, -100]])}
    out["r15_ppl_two_batches"] = attempt(ns["perplexity"], model, [b1, b2], "cpu")
    torch.set_grad_enabled(True)


R14P = R14.PROBES[LLM]
PROBES = {LLM: {
    "ex1_next_token": grad_on(extend(R14P["ex1_next_token"], more_next_token)),
    "ex2_top_k_top_p": grad_on(extend(R14P["ex2_top_k_top_p"], more_filters)),
    "ex3_generate": grad_on(extend(R14P["ex3_generate"], more_generate)),
    "ex4_lora_layer": grad_on(extend(R14P["ex4_lora_layer"], more_lora_layer)),
    "ex5_merge": grad_on(extend(R14P["ex5_merge"], more_merge)),
    "ex6_inject": grad_on(extend(R14P["ex6_inject"], more_inject)),
    "ex7_examples": grad_on(extend(R14P["ex7_examples"], more_examples)),
    "ex8_loss": grad_on(extend(R14P["ex8_loss"], more_loss)),
    "ex9_train": grad_on(extend(R14P["ex9_train"], more_train)),
    "ex10_perplexity": grad_on(extend(R14P["ex10_perplexity"], more_perplexity)),
}}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))

"""Proofs for blind round 14 of lab 03: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round14/prove_03.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 13's probe of the same exercise
(imported from benchmarks/blind/round13/prove_03.py, itself built on rounds 2-12's) and adds the
observations this round's mistakes need (token_probs' default temperature, the model's requires_grad and
the global random stream after next_token_logits, max_new_tokens = 0, the caller's .grad after generate, an
eos picked early, the LoRA layer's state_dict / merged flag / default dropout, the adapter's parameter objects
after a merge, unmerging an unmerged layer, what merge returns, the random stream and a float64 model's dtype
after add_lora, a target Linear with a bias, labels equal to pad_id, a batch of one, the loss's gradient,
float32 logits, a callback with other parameter names, the caller's .grad and requires_grad after
perplexity).
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

R13 = earlier_proofs(13, "prove_03.py")
grad_on = R13.grad_on

LLM = "03_llm_finetuning/03_llm_finetuning"


def _flags(model):
    return [p.requires_grad for p in model.parameters()]


def _grads(model):
    return [None if p.grad is None else float(p.grad.sum()) for p in model.parameters()]


# ----------------------------------------------------------------------------- ex1 next token
def more_next_token(ns, out):
    out["default_temperature"] = attempt(ns["token_probs"], torch.tensor([[0.0, 1.0, 2.0], [1.5, -1.0, 0.5]]))
    out["temperature_2"] = attempt(ns["token_probs"], torch.tensor([[0.0, 1.0, 2.0]]), 2.0)
    model = tiny_llama(seed=21)
    model.lm_head.weight.requires_grad_(True)
    torch.manual_seed(1234)
    attempt(ns["next_token_logits"], model, torch.tensor([[3, 1, 4]]))
    out["rng_after_next_token_logits"] = torch.rand(3)
    out["requires_grad_after_next_token_logits"] = _flags(model)


# ----------------------------------------------------------------------------- ex2 filters
def more_filters(ns, out):
    probs = torch.tensor([[0.1, 0.4, 0.3, 0.2], [0.25, 0.05, 0.6, 0.1]])
    out["top_k_2"] = attempt(ns["top_k_probs"], probs, 2)
    out["top_p_0.5"] = attempt(ns["top_p_probs"], probs, 0.5)
    out["top_p_0.8"] = attempt(ns["top_p_probs"], probs, 0.8)


# ----------------------------------------------------------------------------- ex3 generate
def more_generate(ns, out):
    gen = ns["generate"]
    model = tiny_llama(seed=22)
    prompt = torch.tensor([[4, 2, 7]])
    out["zero_new_tokens"] = attempt(gen, model, prompt, 0, lambda logits: logits.argmax(-1))
    out["eos_first"] = attempt(gen, model, prompt, 5, lambda logits: torch.full((1,), 9), eos_id=9)
    for p in model.parameters():
        p.grad = torch.full_like(p, 0.5)
    attempt(gen, model, prompt, 2, lambda logits: logits.argmax(-1))
    out["grads_after_generate"] = _grads(model)


# ----------------------------------------------------------------------------- ex4 LoRA layer
def more_lora_layer(ns, out):
    L = ns["LoRALinear"]
    torch.manual_seed(61)
    layer = attempt(L, nn.Linear(5, 3))
    if not isinstance(layer, nn.Module):
        out["built"] = False
        return
    out["state_dict_keys"] = sorted(layer.state_dict())
    out["merged_type"] = type(layer.merged).__name__
    out["default_dropout_p"] = [m.p for m in layer.modules() if isinstance(m, nn.Dropout)]
    with torch.no_grad():
        layer.lora_B.normal_()
    layer.train()
    torch.manual_seed(62)
    out["train_mode_default_forward"] = attempt(layer, torch.ones(4, 5))


# ----------------------------------------------------------------------------- ex5 merge
def more_merge(ns, out):
    L, merge, unmerge = ns["LoRALinear"], ns["merge"], ns["unmerge"]
    torch.manual_seed(63)
    layer = L(nn.Linear(4, 3), r=2, alpha=4.0, dropout=0.0)
    with torch.no_grad():
        layer.lora_B.normal_()
    x = torch.randn(2, 4)
    res = attempt(unmerge, layer)
    out["unmerge_unmerged_returns_layer"] = res is layer
    out["merged_after_unmerging_unmerged"] = layer.merged
    out["forward_after_unmerging_unmerged"] = attempt(layer, x)
    a, b = layer.lora_A, layer.lora_B
    res = attempt(merge, layer)
    out["merge_returns_layer"] = res is layer
    out["adapter_same_objects"] = layer.lora_A is a and layer.lora_B is b
    out["merged_flag"] = layer.merged
    out["forward_after_merge"] = attempt(layer, x)
    out["weight_after_second_merge"] = (attempt(merge, layer), layer.base.weight)[1]


# ----------------------------------------------------------------------------- ex6 inject
class _Biased(nn.Module):
    def __init__(self):
        super().__init__()
        self.q_proj = nn.Linear(4, 4)            # a target with a bias
        self.out = nn.Linear(4, 2, bias=False)

    def forward(self, x):
        return self.out(self.q_proj(x))


def more_inject(ns, out):
    make = lambda lin: ns["LoRALinear"](lin, r=2, alpha=4.0, dropout=0.0)  # noqa: E731
    torch.manual_seed(64)
    biased = _Biased()
    attempt(ns["add_lora"], biased, ("q_proj",), make)
    out["biased_target_type"] = type(biased.q_proj).__name__
    out["biased_counts"] = attempt(ns["count_parameters"], biased)
    wide = tiny_llama(seed=24).double()
    torch.manual_seed(4321)
    attempt(ns["add_lora"], wide, ("q_proj",), make)
    out["rng_after_add_lora"] = torch.rand(3)
    out["dtypes_after_add_lora"] = sorted({str(p.dtype) for n, p in wide.named_parameters() if "lora" not in n})


# ----------------------------------------------------------------------------- ex7 examples
def more_examples(ns, out):
    examples = [{"input_ids": [5, 2, 7, 2], "labels": [-100, -100, 7, 2]}, {"input_ids": [3, 4], "labels": [-100, 4]}]
    out["labels_equal_pad_id"] = attempt(ns["collate"], examples, 2)
    out["examples_after_pad_id"] = [dict(e) for e in examples]
    out["batch_of_one"] = attempt(ns["collate"], [{"input_ids": [8, 9, 10], "labels": [-100, 9, 10]}], 0)
    out["pair_shared_words"] = attempt(ns["tokenize_pair"], ns["tokenizer"], "Is the sky blue?", "Aye, the sky be blue.")


# ----------------------------------------------------------------------------- ex8 loss
def more_loss(ns, out):
    torch.manual_seed(96)
    logits = torch.randn(2, 5, 6, requires_grad=True)
    labels = torch.tensor([[-100, -100, 1, 3, 0], [-100, 2, 4, 5, -100]])
    loss = attempt(ns["causal_lm_loss"], logits, labels)
    out["loss_r14"] = loss
    if isinstance(loss, torch.Tensor) and loss.requires_grad:
        loss.backward()
        out["loss_grad"] = logits.grad
    out["float32_dtype"] = attempt(lambda: ns["causal_lm_loss"](logits.detach(), labels).dtype)


# ----------------------------------------------------------------------------- ex9 training loop
def more_train(ns, out):
    model = lora_llama(ns, seed=25)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(params, lr=0.1)
    seen = []
    torch.manual_seed(9)
    out["history_other_names"] = attempt(ns["train_lora"], model, lm_batches(ns, 4, 26), opt,
                                         ns["causal_lm_loss"], 2, "cpu", on_step=lambda s, v: seen.append((s, v)))
    out["seen_other_names"] = list(seen)
    out["lr_after"] = [g["lr"] for g in opt.param_groups]
    out["lora_after"] = [p.detach().clone() for p in params]


# ----------------------------------------------------------------------------- ex10 perplexity
def more_perplexity(ns, out):
    model = lora_llama(ns, seed=27)
    for p in model.parameters():
        p.grad = torch.full_like(p, 0.25)
    flags = _flags(model)
    batch = {"input_ids": torch.tensor([[1, 5, 9, 3, 7]]), "attention_mask": torch.ones(1, 5, dtype=torch.long),
             "labels": torch.tensor([[-100, 5, 9, 3, 7]])}
    out["ppl_r14"] = attempt(ns["perplexity"], model, [batch], "cpu")
    out["ppl_type"] = type(out["ppl_r14"]).__name__
    out["requires_grad_before"] = flags
    out["requires_grad_after"] = _flags(model)
    out["grads_after_perplexity"] = _grads(model)
    torch.set_grad_enabled(True)


R13P = R13.PROBES[LLM]
PROBES = {LLM: {
    "ex1_next_token": grad_on(extend(R13P["ex1_next_token"], more_next_token)),
    "ex2_top_k_top_p": grad_on(extend(R13P["ex2_top_k_top_p"], more_filters)),
    "ex3_generate": grad_on(extend(R13P["ex3_generate"], more_generate)),
    "ex4_lora_layer": grad_on(extend(R13P["ex4_lora_layer"], more_lora_layer)),
    "ex5_merge": grad_on(extend(R13P["ex5_merge"], more_merge)),
    "ex6_inject": grad_on(extend(R13P["ex6_inject"], more_inject)),
    "ex7_examples": grad_on(extend(R13P["ex7_examples"], more_examples)),
    "ex8_loss": grad_on(extend(R13P["ex8_loss"], more_loss)),
    "ex9_train": grad_on(extend(R13P["ex9_train"], more_train)),
    "ex10_perplexity": grad_on(extend(R13P["ex10_perplexity"], more_perplexity)),
}}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))

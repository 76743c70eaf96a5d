"""Proofs for blind round 12 of lab 03: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round12/prove_03.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 11's probe of the same exercise
(imported from benchmarks/blind/round11/prove_03.py, itself built on rounds 2-10's) and adds the
observations this round's mistakes need (temperatures on a batch of one, a float64 model's dtype after a
call, the caller's probs after top-k, rows ranked against each other, p = 1, float64 top-k, the dtype of
the logits pick sees, a fresh layer's output, train-mode dropout, two layers' A, the layer's `base`,
merging twice, unmerging an unmerged layer, the weight object after a merge, a tied model's counts, the
examples after collate, a large logit gap, the model's mode inside the loop, micro-batches of different
losses, batches with different numbers of targets).
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

R11 = earlier_proofs(11, "prove_03.py")
grad_on = R11.grad_on

LLM = "03_llm_finetuning/03_llm_finetuning"


# ----------------------------------------------------------------------------- ex1 next token
def more_next_token(ns, out):
    tp, ntl = ns["token_probs"], ns["next_token_logits"]
    out["one_row_T0.5"] = attempt(tp, torch.tensor([[0.0, 1.0, 2.0, -1.0]]), 0.5)
    out["two_rows_T2"] = attempt(tp, torch.tensor([[0.0, 1.0, 2.0], [3.0, -1.0, 0.5]]), 2.0)
    out["one_sequence_logits"] = attempt(ntl, tiny_llama(seed=3), torch.tensor([[2, 7, 1]]))
    wide = tiny_llama(seed=2).double()
    attempt(ntl, wide, torch.tensor([[4, 5, 6]]))
    out["float64_model_dtype_after"] = str(next(wide.parameters()).dtype)


# ----------------------------------------------------------------------------- ex2 filters
def more_filters(ns, out):
    given = torch.tensor([[0.1, 0.6, 0.3], [0.5, 0.2, 0.3]])
    kept = attempt(ns["top_k_probs"], given, 2)
    out["top_k2_two_rows"] = kept
    out["top_k_caller_probs_after"] = given
    rows = torch.tensor([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])
    out["top_p0.6_two_rows"] = attempt(ns["top_p_probs"], rows, 0.6)
    full = torch.tensor([[0.1, 0.6, 0.3]])
    res = attempt(ns["top_p_probs"], full, 1.0)
    out["top_p1"] = res
    out["top_p1_is_a_new_tensor"] = res is not full
    out["top_k_float64"] = attempt(ns["top_k_probs"], torch.tensor([[0.1, 0.6, 0.3]], dtype=torch.float64), 2)


# ----------------------------------------------------------------------------- ex3 generate
def more_generate(ns, out):
    from deeplabs.llm.checks import CallLog

    gen = ns["generate"]
    seen = []

    def record(logits):
        seen.append((str(logits.dtype), tuple(logits.shape)))
        return logits.argmax(dim=-1).reshape(1)

    out["float64_ids"] = attempt(gen, tiny_llama(seed=5).double(), torch.tensor([[1, 2, 3]]), 3, record)
    out["float64_pick_saw"] = list(seen)
    out["greedy_3_of_3"] = attempt(gen, tiny_llama(seed=6), torch.tensor([[5, 6]]), 3,
                                   lambda logits: logits.argmax(dim=-1))
    logged = CallLog(tiny_llama())
    attempt(gen, logged, torch.tensor([[3, 1, 4, 1, 5]]), 2, lambda logits: logits.argmax(dim=-1))
    out["calls_five_token_prompt"] = list(logged.calls)


# ----------------------------------------------------------------------------- ex4 LoRA layer
def more_lora_layer(ns, out):
    L = ns["LoRALinear"]
    torch.manual_seed(21)
    lin = nn.Linear(4, 3)
    layer = attempt(L, lin, r=2, alpha=4.0, dropout=0.0)
    if not isinstance(layer, nn.Module):
        out["made"] = layer
        return
    x = torch.randn(2, 4)
    out["fresh_layer_minus_base"] = attempt(lambda: layer(x) - lin(x))
    out["has_base"] = getattr(layer, "base", None) is lin
    torch.manual_seed(22)
    a1 = L(nn.Linear(4, 3), r=2, alpha=4.0).lora_A.detach().clone()
    a2 = L(nn.Linear(4, 3), r=2, alpha=4.0).lora_A.detach().clone()
    out["two_layers_same_A"] = bool(torch.equal(a1, a2))
    out["A_after_seed_22"] = a1
    torch.manual_seed(23)
    drop = L(nn.Linear(4, 3), r=2, alpha=4.0, dropout=0.5).train()
    with torch.no_grad():
        drop.lora_B.normal_()
    torch.manual_seed(24)
    out["train_forward_dropout0.5"] = attempt(drop, torch.ones(3, 4))


# ----------------------------------------------------------------------------- ex5 merge
def more_merge(ns, out):
    L, merge, unmerge = ns["LoRALinear"], ns["merge"], ns["unmerge"]
    torch.manual_seed(31)
    layer = L(nn.Linear(4, 3), r=2, alpha=4.0, dropout=0.0).eval()
    with torch.no_grad():
        layer.lora_B.normal_()
    w = layer.base.weight
    original = w.detach().clone()
    attempt(unmerge, layer)                       # nothing to do: the layer is not merged
    out["weight_after_unmerge_unmerged"] = layer.base.weight
    attempt(merge, layer)
    out["same_weight_object_after_merge"] = layer.base.weight is w
    out["caller_weight_ref_after_merge"] = w
    out["mode_after_merge"] = layer.training
    attempt(merge, layer)                         # nothing to do: merged already
    out["weight_after_second_merge"] = layer.base.weight
    attempt(unmerge, layer)
    out["weight_back"] = layer.base.weight
    out["weight_back_is_original"] = bool(torch.allclose(layer.base.weight.detach(), original, atol=1e-6))


# ----------------------------------------------------------------------------- ex6 inject
def more_inject(ns, out):
    make = lambda lin: ns["LoRALinear"](lin, r=2, alpha=4.0, dropout=0.0)  # noqa: E731
    torch.manual_seed(41)
    model = tiny_llama(seed=7, tied=True)
    attempt(ns["add_lora"], model, ("q_proj", "v_proj"), make)
    out["tied_trainable_names"] = sorted(n for n, p in model.named_parameters() if p.requires_grad)
    out["tied_counts"] = attempt(ns["count_parameters"], model)
    out["plain_counts"] = attempt(ns["count_parameters"], tiny_llama(seed=8))


# ----------------------------------------------------------------------------- ex7 examples
def more_examples(ns, out):
    examples = [{"input_ids": [4, 9, 5], "labels": [-100, 9, 5]},
                {"input_ids": [7, 8, 3, 2, 6], "labels": [-100, -100, 3, 2, 6]}]
    out["collate_pad_9"] = attempt(ns["collate"], examples, 9)
    out["examples_after"] = [dict(e) for e in examples]
    out["examples_lengths_after"] = [len(e["input_ids"]) for e in examples] + [len(e["labels"]) for e in examples]


# ----------------------------------------------------------------------------- ex8 loss
def more_loss(ns, out):
    logits = torch.zeros(1, 3, 4)
    logits[0, 0, 0] = 120.0                       # the target (1) is ~120 below the largest logit
    logits[0, 1, 2] = 3.0
    labels = torch.tensor([[-100, 1, 2]])
    loss = attempt(ns["causal_lm_loss"], logits, labels)
    out["large_gap"] = loss
    out["large_gap_type"] = type(loss).__name__
    torch.manual_seed(93)
    small = torch.randn(2, 5, 6)
    out["shift_probe"] = attempt(ns["causal_lm_loss"], small, torch.tensor([[-100, 1, 2, -100, 4],
                                                                           [0, -100, 3, 5, 5]]))


# ----------------------------------------------------------------------------- ex9 training loop
def more_train(ns, out):
    model = lora_llama(ns, seed=21).eval()          # the caller left it in eval mode
    params = [p for p in model.parameters() if p.requires_grad]
    batches = lm_batches(ns, 8, 22)
    modes, calls = [], []

    def loss_fn(logits, labels):
        modes.append(model.training)
        loss = ns["causal_lm_loss"](logits, labels)
        calls.append(float(loss.detach()))
        return loss

    torch.manual_seed(7)
    out["history_with_spy"] = attempt(ns["train_lora"], model, batches, torch.optim.SGD(params, lr=0.3),
                                      loss_fn, 2, "cpu")
    out["modes_in_loop"] = list(modes)
    out["micro_losses_seen"] = list(calls)
    out["params_after_spy"] = torch.cat([p.detach().flatten() for p in params])


# ----------------------------------------------------------------------------- ex10 perplexity
def more_perplexity(ns, out):
    from deeplabs.llm.checks import ConstantLM

    lm = ConstantLM(torch.tensor([2.0, 0.0, -1.0, 1.0, 0.5]))
    few = {"input_ids": torch.tensor([[0, 1, 2, 3]]), "attention_mask": torch.ones(1, 4, dtype=torch.long),
           "labels": torch.tensor([[-100, -100, -100, 3]])}
    many = {"input_ids": torch.tensor([[0, 1, 2, 4], [1, 2, 0, 0]]),
            "attention_mask": torch.tensor([[1, 1, 1, 1], [1, 1, 0, 0]]),
            "labels": torch.tensor([[0, 1, 2, 4], [-100, 2, -100, -100]])}
    out["unequal_batches"] = attempt(ns["perplexity"], lm, [few, many], "cpu")
    torch.set_grad_enabled(True)
    out["tiny_llama_two_batches"] = attempt(ns["perplexity"], tiny_llama(seed=9), [few, many], "cpu")
    torch.set_grad_enabled(True)


R11P = R11.PROBES[LLM]
PROBES = {LLM: {
    "ex1_next_token": grad_on(extend(R11P["ex1_next_token"], more_next_token)),
    "ex2_top_k_top_p": grad_on(extend(R11P["ex2_top_k_top_p"], more_filters)),
    "ex3_generate": grad_on(extend(R11P["ex3_generate"], more_generate)),
    "ex4_lora_layer": grad_on(extend(R11P["ex4_lora_layer"], more_lora_layer)),
    "ex5_merge": grad_on(extend(R11P["ex5_merge"], more_merge)),
    "ex6_inject": grad_on(extend(R11P["ex6_inject"], more_inject)),
    "ex7_examples": grad_on(extend(R11P["ex7_examples"], more_examples)),
    "ex8_loss": grad_on(extend(R11P["ex8_loss"], more_loss)),
    "ex9_train": grad_on(extend(R11P["ex9_train"], more_train)),
    "ex10_perplexity": grad_on(extend(R11P["ex10_perplexity"], more_perplexity)),
}}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))

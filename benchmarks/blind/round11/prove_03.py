"""Proofs for blind round 11 of lab 03: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round11/prove_03.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 10's probe of the same exercise
(imported from benchmarks/blind/round10/prove_03.py, itself built on rounds 2-9's) and adds the
observations this round's mistakes need (exact ties at temperature 0, a float64 model, a caller's mode,
gradients and dtypes after a call, a running total that hits p exactly, the calls a KV-cache spy saw,
a target name held by a LayerNorm, a parameter of the model itself, a prompt token equal to pad_id,
rows with different numbers of targets, fewer micro-batches than accum_steps, gradient mode after a
call, a learned pad-id target). Every probe starts with gradient tracking on: one mutant turns it off
for the caller, and its visible check must not leak that into the next proof.
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

R10 = earlier_proofs(10, "prove_03.py")

LLM = "03_llm_finetuning/03_llm_finetuning"


def grad_on(probe):
    """`probe`, started with gradient tracking on (whatever the previous proof's check left)."""
    def run(ns, out):
        torch.set_grad_enabled(True)
        probe(ns, out)
    return run


# ----------------------------------------------------------------------------- ex1 next token
def more_next_token(ns, out):
    tp = ns["token_probs"]
    out["greedy_exact_ties"] = attempt(tp, torch.tensor([[1.0, 1.0, 0.0], [0.0, 2.0, 2.0]]), 0)
    out["T1_float64"] = attempt(tp, torch.tensor([[0.0, 1.0, 3.0]], dtype=torch.float64), 1.0)
    model = tiny_llama()                          # eval mode, as load_llm leaves it
    attempt(ns["next_token_logits"], model, torch.tensor([[1, 2, 3]]))
    out["eval_model_mode_after"] = model.training
    wide = tiny_llama(seed=2).double()
    out["float64_model_logits"] = attempt(ns["next_token_logits"], wide, torch.tensor([[4, 5, 6]]))


# ----------------------------------------------------------------------------- ex2 filters
def more_filters(ns, out):
    probs = torch.tensor([[0.5, 0.3, 0.2, 0.0], [0.25, 0.25, 0.25, 0.25]])
    out["top_p_total_hits_p"] = attempt(ns["top_p_probs"], probs.clone(), 0.5)
    out["top_p0.9_unsorted"] = attempt(ns["top_p_probs"], torch.tensor([[0.05, 0.6, 0.1, 0.25]]), 0.9)
    given = torch.tensor([[0.1, 0.6, 0.3]])
    kept = attempt(ns["top_k_probs"], given, 3)
    out["top_k_all"] = kept
    out["top_k_all_is_a_new_tensor"] = kept is not given


# ----------------------------------------------------------------------------- ex3 generate
def more_generate(ns, out):
    from deeplabs.llm.checks import CallLog

    gen = ns["generate"]
    model = tiny_llama().train()                  # a model the caller left in training mode
    attempt(gen, model, torch.tensor([[1, 2, 3]]), 2, lambda logits: logits.argmax(dim=-1))
    out["train_model_mode_after"] = model.training
    script = iter([7, 11, 13, 4])
    seen = []

    def scripted(logits):
        seen.append(logits.detach().clone())
        return torch.tensor([next(script)])

    out["scripted_ids"] = attempt(gen, tiny_llama(seed=4), torch.tensor([[1, 2, 3]]), 4, scripted)
    out["scripted_logits_seen"] = list(seen)
    logged = CallLog(tiny_llama())
    attempt(gen, logged, torch.tensor([[3, 1, 4, 1]]), 3, lambda logits: logits.argmax(dim=-1))
    out["calls_tokens_and_cache"] = list(logged.calls)


# ----------------------------------------------------------------------------- ex4 LoRA layer
def more_lora_layer(ns, out):
    L = ns["LoRALinear"]
    torch.manual_seed(3)
    layer = attempt(L, nn.Linear(4, 3), r=2, alpha=4.0, dropout=0.5)
    if not isinstance(layer, nn.Module):
        out["made"] = layer
        return
    layer.eval()
    with torch.no_grad():
        layer.lora_B.normal_()
    torch.manual_seed(4)
    out["eval_forward_dropout0.5"] = attempt(layer, torch.ones(2, 4))
    lin = nn.Linear(4, 3)                         # a new Linear: training mode
    attempt(L, lin, r=2, alpha=4.0)
    out["base_mode_after_init"] = lin.training
    lin = nn.Linear(4, 3)
    lin(torch.ones(1, 4)).sum().backward()
    attempt(L, lin, r=2, alpha=4.0)
    out["base_grad_after_init"] = lin.weight.grad
    out["base_bias_grad_after_init"] = lin.bias.grad
    lin = nn.Linear(4, 3).double()
    attempt(L, lin, r=2, alpha=4.0)
    out["base_dtype_after_init"] = str(lin.weight.dtype)


# ----------------------------------------------------------------------------- ex5 merge
def more_merge(ns, out):
    L, merge, unmerge = ns["LoRALinear"], ns["merge"], ns["unmerge"]
    torch.manual_seed(5)
    layer = L(nn.Linear(4, 4), r=2, alpha=4.0, dropout=0.0).eval()
    with torch.no_grad():
        layer.lora_B.normal_()
    x = torch.randn(3, 4)
    attempt(merge, layer)
    out["square_merged_weight"] = layer.base.weight
    out["square_merged_out"] = attempt(layer, x)
    out["state_keys_after_merge"] = sorted(layer.state_dict())
    attempt(unmerge, layer)
    out["merged_flag_after_unmerge"] = layer.merged
    out["square_out_after_unmerge"] = attempt(layer, x)
    torch.manual_seed(6)
    layer = L(nn.Linear(4, 3), r=2, alpha=4.0, dropout=0.0)
    with torch.no_grad():
        layer.lora_B.normal_()
    layer(torch.ones(2, 4)).sum().backward()      # the caller's gradients, before the merge
    attempt(merge, layer)
    out["A_grad_after_merge"] = layer.lora_A.grad
    out["B_grad_after_merge"] = layer.lora_B.grad


# ----------------------------------------------------------------------------- ex6 inject
class _Normed(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 4)
        self.norm = nn.LayerNorm(4)


class _Gained(nn.Module):
    def __init__(self):
        super().__init__()
        self.gain = nn.Parameter(torch.ones(4))   # a parameter of the model itself
        self.proj = nn.Linear(4, 4)

    def forward(self, x):
        return self.proj(x) * self.gain


def more_inject(ns, out):
    make = lambda lin: ns["LoRALinear"](lin, r=2, alpha=4.0, dropout=0.0)  # noqa: E731
    torch.manual_seed(82)
    model = _Normed()
    out["proj_and_norm_targets"] = attempt(ns["add_lora"], model, ("proj", "norm"), make)
    out["norm_type"] = type(model.norm).__name__
    out["proj_type"] = type(model.proj).__name__
    torch.manual_seed(83)
    model = _Gained()
    attempt(ns["add_lora"], model, ("proj",), make)
    out["trainable_names_with_root_param"] = sorted(n for n, p in model.named_parameters() if p.requires_grad)
    out["counts_with_root_param"] = attempt(ns["count_parameters"], model)


# ----------------------------------------------------------------------------- ex7 examples
def more_examples(ns, out):
    examples = [{"input_ids": [4, 2, 5, 6], "labels": [-100, -100, 5, 6]},   # a prompt token equal to pad_id
                {"input_ids": [7, 8], "labels": [-100, 8]}]
    out["prompt_token_is_pad_id"] = attempt(ns["collate"], examples, 2)
    pair = attempt(ns["tokenize_pair"], ns["tokenizer"], "Say hi.", "Arr! Hi. Yo ho ho!")
    out["pair_keys"] = sorted(pair) if isinstance(pair, dict) else pair


# ----------------------------------------------------------------------------- ex8 loss
def more_loss(ns, out):
    torch.manual_seed(92)
    logits = torch.randn(2, 4, 5, requires_grad=True)
    labels = torch.tensor([[-100, 1, 2, 3], [-100, -100, -100, 4]])   # 3 targets in one row, 1 in the other
    loss = attempt(ns["causal_lm_loss"], logits, labels)
    out["unequal_rows"] = loss
    if isinstance(loss, torch.Tensor):
        attempt(loss.backward)
        out["logits_grad"] = logits.grad


# ----------------------------------------------------------------------------- ex9 training loop
def more_train(ns, out):
    model = lora_llama(ns, seed=12)
    params = [p for p in model.parameters() if p.requires_grad]
    batches = lm_batches(ns, 8, 14)               # 4 micro-batches, accum_steps 2: 2 steps
    torch.manual_seed(6)
    out["history_4_by_2"] = attempt(ns["train_lora"], model, batches, torch.optim.SGD(params, lr=0.2),
                                    ns["causal_lm_loss"], 2, "cpu")
    out["lora_params_after"] = torch.cat([p.detach().flatten() for p in params])
    out["mode_after"] = model.training
    model = lora_llama(ns, seed=13)
    params = [p for p in model.parameters() if p.requires_grad]
    few = lm_batches(ns, 6, 15)                   # 3 micro-batches
    out["history_3_by_4"] = attempt(ns["train_lora"], model, few, torch.optim.SGD(params, lr=0.2),
                                    ns["causal_lm_loss"], 4, "cpu")
    out["history_3_by_2"] = attempt(ns["train_lora"], model, few, torch.optim.SGD(params, lr=0.2),
                                    ns["causal_lm_loss"], 2, "cpu")


# ----------------------------------------------------------------------------- ex10 perplexity
def more_perplexity(ns, out):
    from deeplabs.llm.checks import ConstantLM

    batch = {"input_ids": torch.tensor([[3, 4, 5, 6]]), "attention_mask": torch.ones(1, 4, dtype=torch.long),
             "labels": torch.tensor([[-100, -100, 5, 6]])}
    out["prompt_masked_ppl"] = attempt(ns["perplexity"], tiny_llama(), [batch], "cpu")
    out["grad_enabled_after"] = torch.is_grad_enabled()
    torch.set_grad_enabled(True)
    pad = int(ns["tokenizer"].pad_token_id)
    vocab = pad + 3
    lm = ConstantLM(torch.linspace(-1.0, 1.0, vocab))
    learned_pad = {"input_ids": torch.tensor([[0, pad, 1, pad]]), "attention_mask": torch.ones(1, 4, dtype=torch.long),
                   "labels": torch.tensor([[-100, pad, 1, pad]])}
    out["learned_pad_id_target"] = attempt(ns["perplexity"], lm, [learned_pad], "cpu")
    torch.set_grad_enabled(True)


R10P = R10.PROBES[LLM]
PROBES = {LLM: {
    "ex1_next_token": grad_on(extend(R10P["ex1_next_token"], more_next_token)),
    "ex2_top_k_top_p": grad_on(extend(R10P["ex2_top_k_top_p"], more_filters)),
    "ex3_generate": grad_on(extend(R10P["ex3_generate"], more_generate)),
    "ex4_lora_layer": grad_on(extend(R10P["ex4_lora_layer"], more_lora_layer)),
    "ex5_merge": grad_on(extend(R10P["ex5_merge"], more_merge)),
    "ex6_inject": grad_on(extend(R10P["ex6_inject"], more_inject)),
    "ex7_examples": grad_on(extend(R10P["ex7_examples"], more_examples)),
    "ex8_loss": grad_on(extend(R10P["ex8_loss"], more_loss)),
    "ex9_train": grad_on(extend(R10P["ex9_train"], more_train)),
    "ex10_perplexity": grad_on(extend(R10P["ex10_perplexity"], more_perplexity)),
}}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))

"""Proofs for blind round 10 of lab 03: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round10/prove_03.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 9's probe of the same exercise
(imported from benchmarks/blind/round9/prove_03.py, itself built on rounds 2-8's) and adds the
observations this round's mistakes need (the caller's tensors, batches, modes and global random stream
after a call, a low temperature, a first picked token that is eos, the rotary positions pick's logits
come from, the LoRA attributes set_lora_scale reads, a partial last batch).
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

R9 = earlier_proofs(9, "prove_03.py")

LLM = "03_llm_finetuning/03_llm_finetuning"


# ----------------------------------------------------------------------------- ex1 next token
def more_next_token(ns, out):
    tp = ns["token_probs"]
    logits = torch.tensor([[0.0, 1.0, 10.0], [-3.0, 2.0, 0.5]])
    out["greedy_float64"] = attempt(tp, logits.double(), 0)
    given = logits.clone()
    out["T2"] = attempt(tp, given, 2.0)
    out["callers_logits_after_T2"] = given
    out["T0.02_close_logits"] = attempt(tp, torch.tensor([[0.0, 0.05, 0.1]]), 0.02)


# ----------------------------------------------------------------------------- ex2 filters
def more_filters(ns, out):
    probs = torch.tensor([[0.1, 0.5, 0.15, 0.25], [0.4, 0.05, 0.3, 0.25]])
    out["top_k2_two_rows"] = attempt(ns["top_k_probs"], probs.clone(), 2)
    out["top_p0.6_two_rows"] = attempt(ns["top_p_probs"], probs.clone(), 0.6)
    out["top_p0.6_one_row"] = attempt(ns["top_p_probs"], probs[:1].clone(), 0.6)


# ----------------------------------------------------------------------------- ex3 generate
def more_generate(ns, out):
    gen = ns["generate"]
    model = tiny_llama()
    seen = []

    def greedy(logits):
        seen.append(logits.detach().clone())
        return logits.argmax(dim=-1)

    out["greedy_ids"] = attempt(gen, model, torch.tensor([[1, 2, 3]]), 3, greedy)
    out["logits_pick_saw"] = list(seen)
    sharp = tiny_llama(seed=3)                   # queries and keys scaled up: attention (and so the
    with torch.no_grad():                        # rotary positions) matter much more to the logits
        for layer in sharp.model.layers:
            layer.self_attn.q_proj.weight.mul_(30.0)
            layer.self_attn.k_proj.weight.mul_(30.0)
        sharp.lm_head.weight.mul_(30.0)
    seen.clear()
    out["sharp_greedy_ids"] = attempt(gen, sharp, torch.tensor([[4, 9, 4, 17, 2]]), 4, greedy)
    out["sharp_logits_pick_saw"] = list(seen)
    script = iter([5, 6, 7, 8])
    out["eos_picked_first"] = attempt(gen, model, torch.tensor([[1, 2]]), 4,
                                      lambda logits: torch.tensor([next(script)]), eos_id=5)
    torch.manual_seed(123)                       # the caller's global stream, not at seed 0

    def sample(logits):
        return torch.multinomial(torch.softmax(logits.float(), dim=-1), 1)[:, 0]

    out["sampled_ids"] = attempt(gen, model, torch.tensor([[1, 2]]), 4, sample)
    out["global_stream_after"] = torch.rand(3)


# ----------------------------------------------------------------------------- ex4 LoRA layer
def more_lora_layer(ns, out):
    torch.manual_seed(61)
    layer = attempt(ns["LoRALinear"], nn.Linear(6, 3), r=3, alpha=4.0, dropout=0.0)
    if isinstance(layer, Raised):
        out["made"] = layer
        return
    out["A"] = layer.lora_A
    out["B"] = layer.lora_B
    out["global_stream_after"] = torch.rand(3)
    out["attr_r"] = getattr(layer, "r", None)
    out["attr_alpha"] = getattr(layer, "alpha", None)

    def set_lora_scale(m, factor):               # section 13's set_lora_scale on one layer
        m.scale = factor * m.alpha / m.r
        return m.scale

    out["set_lora_scale_half"] = attempt(set_lora_scale, layer, 0.5)


# ----------------------------------------------------------------------------- ex5 merge
def more_merge(ns, out):
    L, merge, unmerge = ns["LoRALinear"], ns["merge"], ns["unmerge"]
    torch.manual_seed(71)
    layer = L(nn.Linear(4, 3), r=2, alpha=4.0, dropout=0.5).train()
    with torch.no_grad():
        layer.lora_B.normal_()
    attempt(merge, layer)
    attempt(unmerge, layer)
    out["A_trainable_after"] = layer.lora_A.requires_grad
    out["B_trainable_after"] = layer.lora_B.requires_grad
    out["base_weight_trainable_after"] = layer.base.weight.requires_grad
    out["B_after"] = layer.lora_B
    torch.manual_seed(72)
    out["train_forward_after"] = attempt(layer, torch.ones(5, 4))


# ----------------------------------------------------------------------------- ex6 inject
class _Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 4)
        self.out_proj = nn.Linear(4, 4)
        self.norm = nn.LayerNorm(4)


def more_inject(ns, out):
    torch.manual_seed(81)
    model = _Attention().eval()
    attempt(ns["add_lora"], model, ("proj",), lambda lin: ns["LoRALinear"](lin, r=2, alpha=4.0, dropout=0.0))
    out["mode_after_add_lora"] = model.training
    out["proj_type"] = type(model.proj).__name__
    out["out_proj_type"] = type(model.out_proj).__name__
    out["children"] = sorted(name for name, _ in model.named_children())
    out["counts"] = attempt(ns["count_parameters"], model)


# ----------------------------------------------------------------------------- ex7 examples
def more_examples(ns, out):
    tok = ns["tokenizer"]
    out["pair"] = attempt(ns["tokenize_pair"], tok, "Name a colour.", "Arr! Blue be fine. Yo ho ho!")
    out["batch_of_one"] = attempt(ns["collate"], [{"input_ids": [4, 5, 6], "labels": [-100, 5, 6]}], 0)
    out["two_lengths"] = attempt(ns["collate"], [{"input_ids": [4, 5, 6], "labels": [-100, 5, 6]},
                                                 {"input_ids": [7, 8], "labels": [-100, 8]}], 2)


# ----------------------------------------------------------------------------- ex8 loss
def more_loss(ns, out):
    torch.manual_seed(91)
    logits = torch.randn(2, 4, 5, requires_grad=True)
    labels = torch.tensor([[-100, -100, 3, 1], [-100, 2, 0, -100]])
    out["first_labels_masked"] = attempt(ns["causal_lm_loss"], logits, labels)


# ----------------------------------------------------------------------------- ex9 training loop
def more_train(ns, out):
    model = lora_llama(ns, seed=11)
    params = [p for p in model.parameters() if p.requires_grad]
    batches = lm_batches(ns, 10, 12)             # 5 micro-batches: one left over with accum_steps = 2
    modes = []

    def loss_fn(logits, labels):
        modes.append(model.training)
        return ns["causal_lm_loss"](logits, labels)

    torch.manual_seed(5)                         # the caller's global stream, not at seed 0
    out["history_5_by_2"] = attempt(ns["train_lora"], model, batches, torch.optim.SGD(params, lr=0.1), loss_fn,
                                    2, "cpu")
    out["global_stream_after"] = torch.rand(3)
    out["model_mode_in_loop"] = list(modes)
    out["batch_keys_after"] = [sorted(b) for b in batches]


# ----------------------------------------------------------------------------- ex10 perplexity
def more_perplexity(ns, out):
    model = tiny_llama().train()                 # a model the caller left in training mode
    batches = lm_batches(ns, 5, 13)              # rows 2, 2 and a partial last batch of 1
    torch.manual_seed(7)
    out["ppl_partial_last_batch"] = attempt(ns["perplexity"], model, batches, "cpu")
    out["global_stream_after"] = torch.rand(3)
    out["caller_mode_after"] = model.training
    out["batch_keys_after"] = [sorted(b) for b in batches]


R9P = R9.PROBES[LLM]
PROBES = {LLM: {
    "ex1_next_token": extend(R9P["ex1_next_token"], more_next_token),
    "ex2_top_k_top_p": extend(R9P["ex2_top_k_top_p"], more_filters),
    "ex3_generate": extend(R9P["ex3_generate"], more_generate),
    "ex4_lora_layer": extend(R9P["ex4_lora_layer"], more_lora_layer),
    "ex5_merge": extend(R9P["ex5_merge"], more_merge),
    "ex6_inject": extend(R9P["ex6_inject"], more_inject),
    "ex7_examples": extend(R9P["ex7_examples"], more_examples),
    "ex8_loss": extend(R9P["ex8_loss"], more_loss),
    "ex9_train": extend(R9P["ex9_train"], more_train),
    "ex10_perplexity": extend(R9P["ex10_perplexity"], more_perplexity),
}}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))

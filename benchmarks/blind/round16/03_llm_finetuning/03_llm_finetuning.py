"""Blind round 16, lab 03 (LLM fine-tuning with LoRA): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of rounds 1-15 holds.
Right answers: CORRECT[gid][0] is round 15's reference (round 2's, reused by name: the reference keeps
the proofs comparable); CORRECT[gid][1] is this round's own, in another style.
Incomplete round (time limit): only ex1_next_token and ex8_loss are covered.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND15 = earlier_round(15, __file__)

_NEXT = ROUND15.CORRECT["ex1_next_token"][0][1]
_LOSS = ROUND15.CORRECT["ex8_loss"][0][1]

# ----------------------------------------------------------------------------- round 16's own right answers
_NEXT_F64 = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    logits = model(input_ids=input_ids).logits
    return logits[:, logits.shape[1] - 1]


def token_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities at `temperature` (0 = greedy: one-hot at the argmax)."""
    if temperature == 0:
        out = torch.zeros_like(logits)
        return out.scatter_(-1, logits.argmax(dim=-1, keepdim=True), 1.0)
    z = logits.double() / temperature
    return torch.softmax(z, dim=-1).to(logits.dtype)
'''

_LOSS_HFPAD = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    targets = F.pad(labels[:, 1:], (0, 1), value=-100)      # the last position predicts nothing
    return F.cross_entropy(logits.transpose(1, 2), targets, ignore_index=-100)
'''

CORRECT = {
    "ex1_next_token": [ROUND15.CORRECT["ex1_next_token"][0],
                       ("last position by index shape[1] - 1; greedy by scatter_ into zeros_like; softmax in "
                        "float64 cast back to the logits' dtype (round 16)", _NEXT_F64)],
    "ex8_loss": [ROUND15.CORRECT["ex8_loss"][0],
                 ("Hugging Face's shift: labels shifted left and padded with -100, cross-entropy on the "
                  "(B, V, T) layout (round 16)", _LOSS_HFPAD)],
}

# ----------------------------------------------------------------------------- wrong answers
_SOFTMAX_RETURN = "    return F.softmax(logits / temperature, dim=-1)\n"

MUTANTS = {
    "ex1_next_token": [
        ("token_probs squeezes its input first (F.softmax(logits.squeeze() / T), written for the demo's "
         "token_probs(...)[0]): a batch of one comes back (V,), not (1, V) (the exercise: token_probs "
         "(B, V) -> (B, V))",
         replace_once(_NEXT, _SOFTMAX_RETURN, "    return F.softmax(logits.squeeze() / temperature, dim=-1)\n")),
        ("next_token_logits calls model.zero_grad() first ('a clean forward pass'): the .grad the caller's "
         "parameters hold is cleared (the introduction: 'does not clear or replace the gradients the caller's "
         "parameters hold in .grad')",
         replace_once(_NEXT, "    outputs = model(input_ids=input_ids)\n",
                      "    model.zero_grad()\n    outputs = model(input_ids=input_ids)\n")),
        ("temperature turned into a 1-D tensor (torch.tensor([temperature]), 'so a per-row temperature could "
         "be given'): type promotion makes float16 logits' probabilities float32 (the exercise: the "
         "probabilities, at every temperature, in the dtype of the logits, float16 included)",
         replace_once(_NEXT, _SOFTMAX_RETURN,
                      "    return F.softmax(logits / torch.tensor([temperature]), dim=-1)\n")),
        ("next_token_logits runs the model under torch.autocast('cpu', dtype=torch.bfloat16) ('faster'): the "
         "logits come back in bfloat16, not in the dtype the model computes them in (the exercise: 'the logits "
         "come back in the dtype the model computes them in')",
         replace_once(_NEXT, "    outputs = model(input_ids=input_ids)\n",
                      "    with torch.autocast(input_ids.device.type, dtype=torch.bfloat16):\n"
                      "        outputs = model(input_ids=input_ids)\n")),
    ],
    "ex8_loss": [
        ("log-probabilities as torch.log(softmax + 1e-9) ('no log of 0'): a confident mistake's cost is capped "
         "at -log(1e-9) ~ 20.7 (the formula: the mean of -log p over R, the full cost of every target)",
         '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    probs = F.softmax(logits[:, :-1, :], dim=-1)
    targets = labels[:, 1:]
    keep = targets != -100
    picked = probs.gather(-1, targets.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    nll = -torch.log(picked + 1e-9)
    return (nll * keep).sum() / keep.sum()
'''),
        ("logits.requires_grad_() first ('so gradients flow through the loss'): a caller's plain logits tensor "
         "comes back requiring grad (the introduction: a function changes nothing the caller gives it)",
         replace_once(_LOSS, "    shift_logits = logits[:, :-1, :]\n",
                      "    logits.requires_grad_()\n    shift_logits = logits[:, :-1, :]\n")),
        ("summed NLL divided by (count + 1) ('so an empty batch cannot divide by zero'): every loss is a little "
         "too small (the formula: -1/|R| times the sum over R)",
         '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    shift_logits = logits[:, :-1, :]
    shift_labels = labels[:, 1:]
    vocab = shift_logits.shape[-1]
    total = F.cross_entropy(shift_logits.reshape(-1, vocab), shift_labels.reshape(-1), ignore_index=-100,
                            reduction="sum")
    return total / ((shift_labels != -100).sum() + 1)
'''),
        ("after the shift the last target column is masked too ('the last position has nothing to predict', "
         "which the shift already handles): the longest row's last target (its end-of-turn token) is never "
         "scored (the formula: R = {(b, t) : label_{b,t+1} != -100})",
         replace_once(_LOSS, "    shift_labels = labels[:, 1:]\n",
                      "    shift_labels = labels[:, 1:].clone()\n    shift_labels[:, -1] = -100\n")),
    ],
}

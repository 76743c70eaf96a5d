"""Blind round 14, lab 03 (LLM fine-tuning with LoRA): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of rounds 1-13 holds.
Right answers: CORRECT[gid][0] is round 13's reference (round 2's, reused by name: the reference keeps
the proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND13 = earlier_round(13, __file__)

_NEXT, _FILTERS, _GEN, _LORA, _MERGE = (ROUND13._NEXT, ROUND13._FILTERS, ROUND13._GEN, ROUND13._LORA,
                                        ROUND13._MERGE)
_INJECT, _EXAMPLES, _LOSS, _TRAIN, _PPL = (ROUND13._INJECT, ROUND13._EXAMPLES, ROUND13._LOSS, ROUND13._TRAIN,
                                           ROUND13._PPL)

# ----------------------------------------------------------------------------- round 14's own right answers
_NEXT_LSE = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    logits = model(input_ids=input_ids).logits                  # (B, T, V)
    return logits.narrow(1, logits.shape[1] - 1, 1).squeeze(1)


def token_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities at `temperature` (0 = greedy: one-hot at the argmax)."""
    if temperature == 0:
        out = torch.zeros_like(logits)
        out[torch.arange(logits.shape[0]), logits.argmax(dim=-1)] = 1
        return out
    z = logits / temperature
    z = z - z.amax(dim=-1, keepdim=True)                          # largest entry 0: exp cannot overflow
    return torch.exp(z - torch.logsumexp(z, dim=-1, keepdim=True))
'''

_FILTERS_RANK = '''
def top_k_probs(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep exactly k probabilities of each row, the k largest (ties: any), zero the rest, renormalise."""
    rank = probs.argsort(dim=-1, descending=True).argsort(dim=-1)     # 0 for the most likely token
    kept = probs * (rank < k)
    return kept / kept.sum(dim=-1, keepdim=True)


def top_p_probs(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose total reaches p, renormalise."""
    out = torch.zeros_like(probs)
    for row in range(probs.shape[0]):
        values, order = torch.sort(probs[row], descending=True)
        before = torch.cumsum(values, dim=0) - values                # mass ranked above each token
        keep = order[before < p]
        out[row, keep] = probs[row, keep]
    return out / out.sum(dim=-1, keepdim=True)
'''

_GEN_LIST = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    new: list[int] = []
    cache, step_input = None, input_ids
    while len(new) < max_new_tokens:
        out = model(input_ids=step_input, past_key_values=cache, use_cache=True)
        cache = out.past_key_values
        token = int(pick(out.logits[:, -1, :]).reshape(-1)[0])
        new.append(token)
        if eos_id is not None and token == eos_id:
            break
        step_input = torch.tensor([[token]], dtype=input_ids.dtype, device=input_ids.device)
    tail = torch.tensor(new, dtype=input_ids.dtype, device=input_ids.device).reshape(1, len(new))
    return torch.cat([input_ids, tail], dim=1)
'''

_LORA_EINSUM = '''
class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0, dropout: float = 0.0):
        super().__init__()
        d_out, d_in = base.weight.shape
        self.base = base
        for _, p in base.named_parameters():
            p.requires_grad_(False)
        self.r = r
        self.alpha = alpha
        self.scale = alpha / r
        self.merged = False
        a = torch.empty(r, d_in)
        nn.init.kaiming_uniform_(a, a=math.sqrt(5))
        self.lora_A = nn.Parameter(a)
        self.lora_B = nn.Parameter(torch.zeros(d_out, r))
        self.drop = nn.Dropout(p=dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (..., d_in) -> (..., d_out)
        out = self.base(x)
        if self.merged:
            return out
        h = torch.einsum("...i,ri->...r", self.drop(x), self.lora_A)
        return out + self.scale * torch.einsum("...r,or->...o", h, self.lora_B)
'''

_MERGE_FOLD = '''
def _fold(layer: nn.Module, sign: float) -> None:
    delta = torch.einsum("or,ri->oi", layer.lora_B, layer.lora_A)
    layer.base.weight.add_(delta, alpha=sign * layer.scale)


@torch.no_grad()
def merge(layer: nn.Module) -> nn.Module:
    """W <- W + scale * B @ A, once; forward then skips the LoRA branch. Returns the layer."""
    if layer.merged:
        return layer
    _fold(layer, +1.0)
    layer.merged = True
    return layer


@torch.no_grad()
def unmerge(layer: nn.Module) -> nn.Module:
    """Undo merge: W <- W - scale * B @ A, once. Returns the layer."""
    if not layer.merged:
        return layer
    _fold(layer, -1.0)
    layer.merged = False
    return layer
'''

_INJECT_TRIPLES = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, wrap every nn.Linear whose name is one of `targets` with make_lora(linear);
    return the model."""
    for p in model.parameters():
        p.requires_grad = False
    swaps = [(parent, name, child)
             for _, parent in model.named_modules()
             for name, child in parent.named_children()
             if name in targets and isinstance(child, nn.Linear)]
    for parent, name, child in swaps:
        setattr(parent, name, make_lora(child))
    return model


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(number of trainable parameters, number of all parameters)."""
    params = list(model.parameters())
    total = sum(map(torch.numel, params))
    trainable = sum(map(torch.numel, filter(lambda p: p.requires_grad, params)))
    return int(trainable), int(total)
'''

_EXAMPLES_PADSEQ = '''
def tokenize_pair(tokenizer, instruction: str, response: str) -> dict:
    """{'input_ids': prompt + answer token ids, 'labels': -100 over the prompt, the ids elsewhere}."""
    prompt_ids = tokenizer(chat_prompt(tokenizer, instruction), add_special_tokens=False)["input_ids"]
    answer_ids = tokenizer(response + tokenizer.eos_token, add_special_tokens=False)["input_ids"]
    return {"input_ids": [*prompt_ids, *answer_ids], "labels": [-100 for _ in prompt_ids] + [*answer_ids]}


def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    from torch.nn.utils.rnn import pad_sequence
    ids = [torch.tensor(e["input_ids"], dtype=torch.long) for e in examples]
    labels = [torch.tensor(e["labels"], dtype=torch.long) for e in examples]
    masks = [torch.ones(len(e["input_ids"]), dtype=torch.long) for e in examples]
    return {"input_ids": pad_sequence(ids, batch_first=True, padding_value=pad_id),
            "labels": pad_sequence(labels, batch_first=True, padding_value=-100),
            "attention_mask": pad_sequence(masks, batch_first=True, padding_value=0)}
'''

_LOSS_CLASSDIM = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    # cross_entropy takes (N, C, d) scores: the vocabulary moved to dim 1
    return F.cross_entropy(logits[:, :-1, :].transpose(1, 2), labels[:, 1:], ignore_index=-100)
'''

_TRAIN_ONE_BACKWARD = '''
def train_lora(model: nn.Module, batches: list[dict], optimizer: torch.optim.Optimizer, loss_fn,
               accum_steps: int, device, on_step=None) -> list[float]:
    """Gradient-accumulation training; returns the mean micro-batch loss of every optimizer step."""
    n_steps = len(batches) // accum_steps
    history: list[float] = []
    model.train()
    bar = progress(range(n_steps), desc="LoRA")
    for step in bar:
        optimizer.zero_grad()
        group_losses = []
        for batch in batches[step * accum_steps:(step + 1) * accum_steps]:
            with autocast(device):
                outputs = model(input_ids=batch["input_ids"].to(device),
                                attention_mask=batch["attention_mask"].to(device))
            group_losses.append(loss_fn(outputs.logits.float(), batch["labels"].to(device)))
        sum(loss / accum_steps for loss in group_losses).backward()     # one backward per step
        optimizer.step()
        values = [loss.item() for loss in group_losses]
        history.append(sum(values) / len(values))
        bar.set_postfix(loss=history[-1])
        if on_step is not None:
            on_step(step, history[-1])
    model.eval()
    return history
'''

_PPL_PREFIX = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    nll, count = 0.0, 0
    for batch in batches:
        ids = batch["input_ids"].to(device)
        if ids.shape[1] < 2:                       # nothing to predict
            continue
        mask = batch["attention_mask"].to(device)
        targets = batch["labels"].to(device)[:, 1:]
        # causal: the logits of the first T - 1 positions only need the first T - 1 tokens
        logits = model(input_ids=ids[:, :-1], attention_mask=mask[:, :-1]).logits.float()
        keep = targets != -100
        nll += F.cross_entropy(logits[keep], targets[keep], reduction="sum").item()
        count += int(keep.sum())
    return math.exp(nll / count)
'''

CORRECT = {
    "ex1_next_token": [ROUND13.CORRECT["ex1_next_token"][0],
                       ("last position by narrow + squeeze; greedy by index assignment into zeros_like; "
                        "z shifted by its row max, exp(z - logsumexp(z)) (round 14)", _NEXT_LSE)],
    "ex2_top_k_top_p": [ROUND13.CORRECT["ex2_top_k_top_p"][0],
                        ("top-k by the rank of each entry (double argsort); top-p row by row with index "
                         "assignment (round 14)", _FILTERS_RANK)],
    "ex3_generate": [ROUND13.CORRECT["ex3_generate"][0],
                     ("new tokens kept as Python ints, joined once by torch.tensor + torch.cat (round 14)",
                      _GEN_LIST)],
    "ex4_lora_layer": [ROUND13.CORRECT["ex4_lora_layer"][0],
                       ("A drawn on a plain tensor then wrapped; the branch by two einsums (round 14)",
                        _LORA_EINSUM)],
    "ex5_merge": [ROUND13.CORRECT["ex5_merge"][0],
                  ("one helper adding +-scale * einsum(B, A) with add_(alpha=), early returns (round 14)",
                   _MERGE_FOLD)],
    "ex6_inject": [ROUND13.CORRECT["ex6_inject"][0],
                   ("(parent, name, child) triples collected by one comprehension over named_modules and "
                    "named_children, swapped after; counts by map(torch.numel) (round 14)", _INJECT_TRIPLES)],
    "ex7_examples": [ROUND13.CORRECT["ex7_examples"][0],
                     ("tokenizer(...)['input_ids']; collate by pad_sequence(batch_first=True) (round 14)",
                      _EXAMPLES_PADSEQ)],
    "ex8_loss": [ROUND13.CORRECT["ex8_loss"][0],
                 ("cross_entropy on (B, V, T - 1) scores (vocabulary moved to dim 1 by transpose) (round 14)",
                  _LOSS_CLASSDIM)],
    "ex9_train": [ROUND13.CORRECT["ex9_train"][0],
                  ("the step's divided micro-batch losses summed and backpropagated once (round 14)",
                   _TRAIN_ONE_BACKWARD)],
    "ex10_perplexity": [ROUND13.CORRECT["ex10_perplexity"][0],
                        ("the model run on the first T - 1 tokens only (causal), counted positions selected by "
                         "a boolean mask (round 14)", _PPL_PREFIX)],
}

# ----------------------------------------------------------------------------- wrong answers
_SOFTMAX_RETURN = "    return F.softmax(logits / temperature, dim=-1)\n"
_TOPK_RETURN = ("    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)\n"
                "    return kept / kept.sum(dim=-1, keepdim=True)\n")
_TOPP_RETURN = ("    kept = torch.zeros_like(probs).scatter(-1, order, sorted_kept)\n"
                "    return kept / kept.sum(dim=-1, keepdim=True)\n")
_MERGE_BRANCH = "        layer.base.weight += layer.scale * (layer.lora_B @ layer.lora_A)\n        layer.merged = True\n"
_UNMERGE_BRANCH = "        layer.base.weight -= layer.scale * (layer.lora_B @ layer.lora_A)\n        layer.merged = False\n"
_LOSS_RETURN = ("    return F.cross_entropy(shift_logits.reshape(-1, vocab), shift_labels.reshape(-1), "
                "ignore_index=-100)\n")

_EX_COLLATE = _EXAMPLES[_EXAMPLES.index("\n\ndef collate"):]

_LOSS_DETACHED_LSE = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    scores = logits[:, :-1, :]
    targets = labels[:, 1:]
    keep = targets != -100
    picked = scores.gather(-1, targets.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    log_norm = torch.logsumexp(scores.detach(), dim=-1)       # the normaliser is a constant: no gradient
    return ((log_norm - picked) * keep).sum() / keep.sum()
'''

_PPL_ENTROPY = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    total, count = 0.0, 0
    for batch in batches:
        logits = model(input_ids=batch["input_ids"].to(device),
                       attention_mask=batch["attention_mask"].to(device)).logits[:, :-1, :].float()
        keep = batch["labels"].to(device)[:, 1:] != -100
        # perplexity = exp(entropy): the model's uncertainty at each counted position
        total += float(torch.distributions.Categorical(logits=logits[keep]).entropy().sum())
        count += int(keep.sum())
    return math.exp(total / count)
'''

MUTANTS = {
    "ex1_next_token": [
        ("temperature applied after the softmax (softmax(z) / T, renormalised): the division cancels in the "
         "renormalisation, every temperature gives the T = 1 distribution (the text: the temperature reshapes the "
         "logits 'before the softmax', p_i = exp(z_i / tau) / sum_j exp(z_j / tau))",
         replace_once(_NEXT, _SOFTMAX_RETURN,
                      "    probs = F.softmax(logits, dim=-1) / temperature\n"
                      "    return probs / probs.sum(dim=-1, keepdim=True)\n")),
        ("token_probs' default temperature changed to 0.7 ('the usual sampling temperature'): token_probs(logits) "
         "without a temperature is sharpened (the cell's signature: temperature: float = 1.0)",
         replace_once(_NEXT, "temperature: float = 1.0)", "temperature: float = 0.7)")),
        ("next_token_logits freezes the model (model.requires_grad_(False), 'it only reads the model'): the "
         "caller's trainable parameters come back frozen (the introduction: 'a function changes nothing the "
         "caller gives it')",
         replace_once(_NEXT, "    outputs = model(input_ids=input_ids)\n",
                      "    model.requires_grad_(False)\n    outputs = model(input_ids=input_ids)\n")),
        ("next_token_logits calls torch.manual_seed(0) first ('deterministic logits, in case dropout is on'): the "
         "caller's global random stream is reseeded (the introduction: draws 'from PyTorch's global generator ... "
         "without reseeding it')",
         replace_once(_NEXT, "    outputs = model(input_ids=input_ids)\n",
                      "    torch.manual_seed(0)\n    outputs = model(input_ids=input_ids)\n")),
    ],
    "ex2_top_k_top_p": [
        ("top-k fills the removed entries with -inf (Hugging Face's logits habit) before renormalising by the row "
         "sum: the sum is -inf, the kept entries become -0 and the removed ones NaN (the text: zero the rest, "
         "renormalise so the row sums to 1)",
         replace_once(_FILTERS, _TOPK_RETURN,
                      "    kept = torch.full_like(probs, float('-inf')).scatter(-1, top.indices, top.values)\n"
                      "    return kept / kept.sum(dim=-1, keepdim=True)\n")),
        ("top-k indices from an ascending argsort (descending=True forgotten): the k LEAST likely tokens are kept "
         "(the text: 'keep exactly k tokens, the k most likely')",
         replace_once(replace_once(_FILTERS, "    top = torch.topk(probs, k, dim=-1)\n",
                                   "    idx = torch.argsort(probs, dim=-1)[..., :k]\n"),
                      _TOPK_RETURN,
                      "    kept = torch.zeros_like(probs).scatter(-1, idx, probs.gather(-1, idx))\n"
                      "    return kept / kept.sum(dim=-1, keepdim=True)\n")),
        ("top-k 'renormalised' by dividing by k (the mean's habit): the kept probabilities are divided by the "
         "number of tokens, not by their mass, rows do not sum to 1 (the text: 'renormalise what is left so it "
         "sums to 1 again')",
         replace_once(_FILTERS, _TOPK_RETURN,
                      "    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)\n"
                      "    return kept / k\n")),
        ("top-p renormalised by the running total gathered at index n_kept (one past the last kept token, an "
         "off-by-one): the divisor is the mass of one token more than is kept, rows sum below 1, and keeping every "
         "token indexes past the end (the text: renormalise what is left so it sums to 1)",
         replace_once(_FILTERS, _TOPP_RETURN,
                      "    kept = torch.zeros_like(probs).scatter(-1, order, sorted_kept)\n"
                      "    n_kept = (before < p).sum(dim=-1, keepdim=True)\n"
                      "    return kept / torch.cumsum(sorted_probs, dim=-1).gather(-1, n_kept)\n")),
    ],
    "ex3_generate": [
        ("new tokens collected in a list and joined by torch.cat(new, dim=1): with max_new_tokens = 0 the list is "
         "empty and torch.cat raises (the exercise: n <= max_new_tokens, (1, T) -> (1, T + n))",
         '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    new, past, feed = [], None, input_ids
    for _ in range(max_new_tokens):
        outputs = model(input_ids=feed, past_key_values=past, use_cache=True)
        past = outputs.past_key_values
        token = pick(outputs.logits[:, -1, :]).reshape(1, 1).to(input_ids.dtype)
        new.append(token)
        if eos_id is not None and token.item() == eos_id:
            break
        feed = token
    return torch.cat([input_ids, torch.cat(new, dim=1)], dim=1)
'''),
        ("model.zero_grad() first ('generation must not accumulate gradients'): the .grad the caller's parameters "
         "held is cleared (the introduction: 'does not clear or replace the gradients the caller's parameters hold "
         "in .grad')",
         replace_once(_GEN, "    ids = input_ids\n", "    model.zero_grad()\n    ids = input_ids\n")),
        ("after eos the answer is filled up with eos_id to max_new_tokens (Hugging Face's batched generate pads "
         "finished rows): n is always max_new_tokens (the exercise: stop right after eos_id, 'that token is the "
         "last one appended')",
         replace_once(_GEN, "        if eos_id is not None and token.item() == eos_id:\n            break\n",
                      "        if eos_id is not None and token.item() == eos_id:\n"
                      "            rest = max_new_tokens - (ids.shape[1] - input_ids.shape[1])\n"
                      "            ids = torch.cat([ids, torch.full((1, rest), eos_id, dtype=ids.dtype)], dim=1)\n"
                      "            break\n")),
        ("returns (ids, number of new tokens) ('the caller needs to know where the answer starts'): a tuple, not "
         "the (1, T + n) tensor (the exercise: (1, T) -> (1, T + n); the demo slices out[0, T:])",
         replace_once(_GEN, "        feed = token\n    return ids\n",
                      "        feed = token\n    return ids, ids.shape[1] - input_ids.shape[1]\n")),
    ],
    "ex4_lora_layer": [
        ("merged registered as a buffer (register_buffer('merged', torch.tensor(False)), 'so it is saved with "
         "the weights'): the layer's state_dict gains an entry, merged is a tensor, and merge's layer.merged = True "
         "raises (the exercise: store merged = False)",
         replace_once(_LORA, "        self.merged = False\n",
                      "        self.register_buffer(\"merged\", torch.tensor(False))\n")),
        ("dropout's default changed to 0.05 (LoRAConfig's value): LoRALinear(base) without a dropout argument "
         "drops the branch's inputs in training mode (the cell's signature: dropout: float = 0.0)",
         replace_once(_LORA, "dropout: float = 0.0):", "dropout: float = 0.05):")),
        ("A initialised at zero like B ('so the model starts exactly as the pretrained one'): with A = B = 0 both "
         "gradients are zero and the adapter never trains (the exercise: create lora_A with "
         "nn.init.kaiming_uniform_(..., a=math.sqrt(5)); the text: 'A starts small and random')",
         replace_once(_LORA, "        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))\n",
                      "        nn.init.zeros_(self.lora_A)\n")),
        ("base frozen through .data (p.data.requires_grad = False): .data is a new detached tensor, the caller's "
         "parameters keep requires_grad=True and the base trains (the exercise: 'freeze its parameters')",
         replace_once(_LORA, "        for p in self.base.parameters():\n            p.requires_grad = False\n",
                      "        for p in self.base.parameters():\n            p.data.requires_grad = False\n")),
    ],
    "ex5_merge": [
        ("merge never sets merged = True: forward still adds the branch on top of the merged weight, a second "
         "merge adds the update again and unmerge does nothing (the text: 'a layer remembers whether it is "
         "merged')",
         replace_once(_MERGE, _MERGE_BRANCH,
                      "        layer.base.weight += layer.scale * (layer.lora_B @ layer.lora_A)\n")),
        ("merge re-wraps lora_A and lora_B as fresh nn.Parameters (detached copies, 'folded in now'): the layer's "
         "parameter objects change, an optimizer holding the old ones no longer trains the layer (the exercise: "
         "'Only the base weight and merged change')",
         replace_once(_MERGE, _MERGE_BRANCH,
                      _MERGE_BRANCH
                      + "        layer.lora_A = nn.Parameter(layer.lora_A.detach().clone())\n"
                      + "        layer.lora_B = nn.Parameter(layer.lora_B.detach().clone())\n")),
        ("unmerge's flag flipped outside the guard (layer.merged = not layer.merged): unmerging an unmerged layer "
         "marks it merged without touching the weight, and forward then skips the adapter (the exercise: nothing "
         "to do when 'unmerging an unmerged one')",
         replace_once(_MERGE, _UNMERGE_BRANCH,
                      "        layer.base.weight -= layer.scale * (layer.lora_B @ layer.lora_A)\n"
                      "    layer.merged = not layer.merged\n")),
        ("merge and unmerge return whether they did anything (True / False, 'a status'): not the layer (the "
         "exercise: 'each returns the layer it was given')",
         replace_once(replace_once(_MERGE, "        layer.merged = True\n    return layer\n",
                                   "        layer.merged = True\n        return True\n    return False\n"),
                      "        layer.merged = False\n    return layer\n",
                      "        layer.merged = False\n        return True\n    return False\n")),
    ],
    "ex6_inject": [
        ("count_parameters returns millions (trainable / 1e6, total / 1e6, 'as in 135M'): floats, not the "
         "numbers of parameters (the exercise: count_parameters(model) -> (trainable, total))",
         replace_once(_INJECT, "    return trainable, total\n", "    return trainable / 1e6, total / 1e6\n")),
        ("torch.manual_seed(0) before wrapping ('reproducible adapters'): the caller's global random stream is "
         "reseeded and every run draws the same A (the introduction: 'without reseeding it'; exercise 4: A 'draws "
         "from torch's global random stream as the caller left it')",
         replace_once(_INJECT, "    for _, parent in list(model.named_modules()):\n",
                      "    torch.manual_seed(0)\n    for _, parent in list(model.named_modules()):\n")),
        ("add_lora ends with model.float() ('the adapters are float32: match them'): a float64 (or bfloat16) model "
         "is converted in place (the introduction: does not move a model to another dtype)",
         replace_once(_INJECT, "    return model\n", "    model.float()\n    return model\n")),
        ("only bias-free Linears wrapped (child.bias is None, 'attention projections have no bias'): a target "
         "nn.Linear with a bias is left as it is (the exercise: replace each nn.Linear whose attribute name is one "
         "of targets)",
         replace_once(_INJECT, "isinstance(child, nn.Linear)", "isinstance(child, nn.Linear) and child.bias is None")),
    ],
    "ex7_examples": [
        ("prompt masked by value (-100 for every token id that occurs in the prompt): answer tokens that also "
         "occur in the prompt, <|im_end|> included, are masked too (the exercise: -100 over the prompt positions; "
         "section 9's picture)",
         '''
def tokenize_pair(tokenizer, instruction: str, response: str) -> dict:
    """{'input_ids': prompt + answer token ids, 'labels': -100 over the prompt, the ids elsewhere}."""
    prompt = tokenizer(chat_prompt(tokenizer, instruction), add_special_tokens=False).input_ids
    answer = tokenizer(response + tokenizer.eos_token, add_special_tokens=False).input_ids
    ids = list(prompt) + list(answer)
    in_prompt = set(prompt)
    return {"input_ids": ids, "labels": [-100 if t in in_prompt else t for t in ids]}
''' + _EX_COLLATE),
        ("labels padded with pad_id, then labels == pad_id set to -100 (DataCollatorForLanguageModeling's "
         "habit): a real label equal to pad_id (SmolLM2's end-of-turn) is masked (the exercise: labels padded "
         "with -100; 'a real token may have the id pad_id')",
         replace_once(replace_once(_EXAMPLES, "    labels = torch.full((len(examples), width), -100, dtype=torch.long)\n",
                                   "    labels = torch.full((len(examples), width), pad_id, dtype=torch.long)\n"),
                      "    return {\"input_ids\": input_ids, \"labels\": labels, \"attention_mask\": attention_mask}\n",
                      "    labels[labels == pad_id] = -100\n"
                      "    return {\"input_ids\": input_ids, \"labels\": labels, \"attention_mask\": attention_mask}\n")),
        ("collate converts each example's input_ids to a tensor in the example itself (e['input_ids'] = "
         "torch.as_tensor(...)): the caller's lists are replaced by tensors (the exercise: 'Leave the examples "
         "themselves unchanged')",
         replace_once(_EXAMPLES, "        input_ids[row, :n] = torch.tensor(e[\"input_ids\"], dtype=torch.long)\n",
                      "        e[\"input_ids\"] = torch.as_tensor(e[\"input_ids\"], dtype=torch.long)\n"
                      "        input_ids[row, :n] = e[\"input_ids\"]\n")),
        ("width = max(*lengths) (the list unpacked into max): a batch of one calls max(n) on a single int and "
         "raises (the exercise: shape (B, T_max), 'a batch of one included')",
         replace_once(_EXAMPLES, "    width = max(len(e[\"input_ids\"]) for e in examples)\n",
                      "    width = max(*[len(e[\"input_ids\"]) for e in examples])\n")),
    ],
    "ex8_loss": [
        ("log-normaliser computed on detached logits ('the log-sum-exp is only for stability'): the value is the "
         "cross-entropy but its gradient lacks the softmax term, training pushes every target logit up without "
         "bound (the exercise: a scalar 'that gradients flow through (it is what backward() runs on)')",
         _LOSS_DETACHED_LSE),
        ("a position scored only when the label before it is real too (labels[:, :-1] != -100 as well): the first "
         "answer token, whose previous label is the prompt's -100, is never scored (the formula: R = {(b, t) : "
         "label_{b,t+1} != -100})",
         replace_once(_LOSS, "    shift_labels = labels[:, 1:]\n",
                      "    shift_labels = labels[:, 1:].masked_fill(labels[:, :-1] == -100, -100)\n")),
        ("the token-mean loss divided again by the batch size ('per example'): for B > 1 the loss is B times too "
         "small (the formula: -1/|R| times the sum over R)",
         replace_once(_LOSS, _LOSS_RETURN,
                      "    loss = F.cross_entropy(shift_logits.reshape(-1, vocab), shift_labels.reshape(-1), "
                      "ignore_index=-100)\n    return loss / logits.shape[0]\n")),
        ("logits cast .double() ('exact accumulation') and never cast back: float32 logits give a float64 loss "
         "(the exercise: 'The loss comes back in the dtype of the logits')",
         replace_once(_LOSS, "    return F.cross_entropy(shift_logits.reshape(-1, vocab)",
                      "    return F.cross_entropy(shift_logits.double().reshape(-1, vocab)")),
    ],
    "ex9_train": [
        ("a linear learning-rate warm-up added (LinearLR(optimizer, start_factor=0.1), stepped after each "
         "optimizer step, 'the fine-tuning recipe'): the caller's optimizer is changed and the steps are taken at "
         "a tenth of its learning rate (the exercise: one optimizer.step() per step with the optimizer given)",
         replace_once(replace_once(_TRAIN, "    model.train()\n",
                                   "    model.train()\n"
                                   "    warmup = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.1, "
                                   "total_iters=max(1, n_steps))\n"),
                      "        optimizer.step()\n", "        optimizer.step()\n        warmup.step()\n")),
        ("on_step given step_loss / accum_steps (the value each backward saw): not the step's value from the "
         "returned list (the exercise: 'loss is that step's value from the returned list')",
         replace_once(_TRAIN, "            on_step(step, step_loss)\n",
                      "            on_step(step, step_loss / accum_steps)\n")),
        ("on_step called with keywords (on_step(step=step, loss=step_loss)): a callback whose parameters have "
         "other names raises (the exercise: call on_step(step, loss))",
         replace_once(_TRAIN, "            on_step(step, step_loss)\n",
                      "            on_step(step=step, loss=step_loss)\n")),
        ("one more on_step call at the end with the run's mean loss ('a summary line'): on_step is called "
         "n_steps + 1 times, the last with step = n_steps (the exercise: 'call on_step(step, loss) once after "
         "each step')",
         replace_once(_TRAIN, "    model.eval()\n    return history\n",
                      "    if on_step is not None and history:\n"
                      "        on_step(n_steps, sum(history) / len(history))\n"
                      "    model.eval()\n    return history\n")),
    ],
    "ex10_perplexity": [
        ("model.zero_grad() first ('a clean model to evaluate'): the .grad the caller's parameters held is "
         "cleared (the introduction: 'does not clear or replace the gradients the caller's parameters hold')",
         replace_once(_PPL, "    total_nll, total_count = 0.0, 0\n",
                      "    model.zero_grad()\n    total_nll, total_count = 0.0, 0\n")),
        ("model.requires_grad_(False) first ('evaluation needs no gradients'): the caller's LoRA parameters come "
         "back frozen, training after an evaluation updates nothing (the introduction: 'a function changes "
         "nothing the caller gives it')",
         replace_once(_PPL, "    total_nll, total_count = 0.0, 0\n",
                      "    model.requires_grad_(False)\n    total_nll, total_count = 0.0, 0\n")),
        ("exp of the model's mean entropy at the counted positions (perplexity of its own distribution): the "
         "targets are never scored (the formula: PPL = exp(1/N sum -log p(x_n | x_<n)) of the target tokens)",
         _PPL_ENTROPY),
        ("the perplexity rounded to a whole number ('the number of equally likely tokens'): an int, not the "
         "float exp(mean NLL) (the exercise: 'Return a Python float')",
         replace_once(_PPL, "    return math.exp(total_nll / total_count)\n",
                      "    return round(math.exp(total_nll / total_count))\n")),
    ],
}

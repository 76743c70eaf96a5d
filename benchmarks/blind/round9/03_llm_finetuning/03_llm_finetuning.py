"""Blind round 9, lab 03 (LLM fine-tuning with LoRA): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of tests/mutants, rounds 1-8 holds.
Right answers: CORRECT[gid][0] is round 8's reference (round 2's, reused by name: the reference keeps
the proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND8 = earlier_round(8, __file__)

_NEXT, _FILTERS, _GEN, _LORA, _MERGE = (ROUND8._NEXT, ROUND8._FILTERS, ROUND8._GEN, ROUND8._LORA,
                                        ROUND8._MERGE)
_INJECT, _EXAMPLES, _LOSS, _TRAIN, _PPL = (ROUND8._INJECT, ROUND8._EXAMPLES, ROUND8._LOSS, ROUND8._TRAIN,
                                           ROUND8._PPL)

# ----------------------------------------------------------------------------- round 9's own right answers
_NEXT_ROWLOOP = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    logits = model(input_ids=input_ids)["logits"]
    return logits[:, input_ids.shape[1] - 1]


def token_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities at `temperature` (0 = greedy: one-hot at the argmax)."""
    if temperature == 0:
        hot = torch.zeros_like(logits)
        for row in range(logits.shape[0]):
            hot[row, int(torch.argmax(logits[row]))] = 1
        return hot
    return F.softmax(logits.double() / temperature, dim=-1, dtype=torch.float64).to(logits.dtype)
'''

_FILTERS_ROLL = '''
def top_k_probs(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep exactly k probabilities of each row, the k largest (ties: any), zero the rest, renormalise."""
    values, indices = probs.topk(k, dim=-1)
    kept = torch.zeros_like(probs).scatter_add_(-1, indices, values)
    return kept / kept.sum(dim=-1, keepdim=True)


def top_p_probs(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose total reaches p, renormalise."""
    values, order = probs.sort(dim=-1, descending=True)
    before = values.cumsum(dim=-1).roll(1, dims=-1)
    before[..., 0] = 0                                   # nothing is ranked above the top token
    values = values.masked_fill(before >= p, 0)
    values = values / values.sum(dim=-1, keepdim=True)
    return torch.empty_like(probs).scatter_(-1, order, values)
'''

_GEN_YIELD = '''
def _tokens(model, input_ids, pick):
    """Endless stream of picked tokens ((1, 1) each), the KV cache kept between model calls."""
    feed, cache = input_ids, None
    while True:
        out = model(input_ids=feed, past_key_values=cache, use_cache=True)
        cache = out.past_key_values
        feed = pick(out.logits[:, -1, :]).view(1, 1).to(input_ids.dtype)
        yield feed


@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    pieces = [input_ids]
    if max_new_tokens > 0:
        for token in _tokens(model, input_ids, pick):
            pieces.append(token)
            if len(pieces) - 1 == max_new_tokens or (eos_id is not None and int(token) == eos_id):
                break
    return torch.cat(pieces, dim=1)
'''

_LORA_FROM_LINEAR = '''
class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0, dropout: float = 0.0):
        super().__init__()
        self.base = base.requires_grad_(False)
        self.r, self.alpha, self.scale, self.merged = r, alpha, alpha / r, False
        # a bias-free nn.Linear(d_in, r) draws its (r, d_in) weight with kaiming_uniform_(a=sqrt(5)) itself
        self.lora_A = nn.Linear(base.in_features, r, bias=False, device=base.weight.device,
                                dtype=base.weight.dtype).weight
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r, device=base.weight.device,
                                               dtype=base.weight.dtype))
        self.dropout = nn.Dropout(p=dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (..., d_in) -> (..., d_out)
        out = self.base(x)
        if not self.merged:
            hidden = torch.tensordot(self.dropout(x), self.lora_A, dims=([-1], [1]))     # (..., r)
            out = out + self.scale * torch.tensordot(hidden, self.lora_B, dims=([-1], [1]))
        return out
'''

_MERGE_ELLIPSIS = '''
@torch.no_grad()
def merge(layer: nn.Module) -> nn.Module:
    """W <- W + scale * B @ A, once; forward then skips the LoRA branch. Returns the layer."""
    if layer.merged:
        return layer
    w = layer.base.weight
    w[...] = w + layer.scale * torch.matmul(layer.lora_B, layer.lora_A)
    layer.merged = True
    return layer


@torch.no_grad()
def unmerge(layer: nn.Module) -> nn.Module:
    """Undo merge: W <- W - scale * B @ A, once. Returns the layer."""
    if not layer.merged:
        return layer
    w = layer.base.weight
    w[...] = w - layer.scale * torch.matmul(layer.lora_B, layer.lora_A)
    layer.merged = False
    return layer
'''

_INJECT_STACK = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, wrap every nn.Linear whose name is one of `targets` with make_lora(linear);
    return the model."""
    model.requires_grad_(False)
    seen, stack = set(), [model]
    while stack:                                       # depth-first over named_children, each module once
        parent = stack.pop()
        if id(parent) in seen:
            continue
        seen.add(id(parent))
        for child_name, child in list(parent.named_children()):
            if child_name in targets and isinstance(child, nn.Linear):
                parent.register_module(child_name, make_lora(child))
            else:
                stack.append(child)
    return model


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(number of trainable parameters, number of all parameters)."""
    from torch.nn.utils import parameters_to_vector
    params = list(model.parameters())
    trainable = [p for p in params if p.requires_grad]
    total = parameters_to_vector(params).numel() if params else 0
    return (parameters_to_vector(trainable).numel() if trainable else 0), total
'''

_EXAMPLES_NESTED = '''
def tokenize_pair(tokenizer, instruction: str, response: str) -> dict:
    """{'input_ids': prompt + answer token ids, 'labels': -100 over the prompt, the ids elsewhere}."""
    prompt = tokenizer.encode(chat_prompt(tokenizer, instruction), add_special_tokens=False)
    # the end-of-turn token is a special token: tokenizing "response<|im_end|>" gives response's ids + its id
    answer = tokenizer.encode(response, add_special_tokens=False) + [tokenizer.eos_token_id]
    return {"input_ids": [*prompt, *answer], "labels": [-100] * len(prompt) + [*answer]}


def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    def padded(key, fill):
        rows = [torch.tensor(e[key], dtype=torch.long) for e in examples]
        return torch.nested.nested_tensor(rows).to_padded_tensor(fill)
    ones = [torch.ones(len(e["input_ids"]), dtype=torch.long) for e in examples]
    return {"input_ids": padded("input_ids", pad_id), "labels": padded("labels", -100),
            "attention_mask": torch.nested.nested_tensor(ones).to_padded_tensor(0)}
'''

_LOSS_ROWS = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    total, count = logits.new_zeros(()), 0
    for row_logits, row_labels in zip(logits, labels):          # one sequence at a time
        targets = row_labels[1:]
        total = total + F.cross_entropy(row_logits[:-1], targets, ignore_index=-100, reduction="sum")
        count += int((targets != -100).sum())
    return total / count
'''

_TRAIN_ONE_BACKWARD = '''
def train_lora(model: nn.Module, batches: list[dict], optimizer: torch.optim.Optimizer, loss_fn,
               accum_steps: int, device, on_step=None) -> list[float]:
    """Gradient-accumulation training; returns the mean micro-batch loss of every optimizer step."""
    model.train()
    history: list[float] = []
    bar = progress(range(len(batches) // accum_steps), desc="LoRA")
    for step in bar:
        optimizer.zero_grad()
        step_losses = []
        for batch in batches[accum_steps * step:accum_steps * (step + 1)]:
            with autocast(device):
                logits = model(input_ids=batch["input_ids"].to(device),
                               attention_mask=batch["attention_mask"].to(device)).logits
            step_losses.append(loss_fn(logits.float(), batch["labels"].to(device)))
        mean_loss = torch.stack(step_losses).mean()      # = sum(loss_i / accum_steps): one backward per step
        mean_loss.backward()
        optimizer.step()
        history.append(float(torch.stack([l.detach() for l in step_losses]).mean()))
        bar.set_postfix(loss=f"{history[-1]:.3f}")
        if on_step:
            on_step(step, history[-1])
    model.eval()
    return history
'''

_PPL_PER_ROW = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    nll, count = [], 0
    for batch in batches:
        for ids, mask, labels in zip(batch["input_ids"], batch["attention_mask"], batch["labels"]):
            n = int(mask.sum())                          # right padding: the real tokens come first
            if n < 2:
                continue
            logits = model(input_ids=ids[None, :n].to(device)).logits[0, :-1].double()
            targets = labels[1:n].to(device)
            keep = targets != -100
            log_p = torch.log_softmax(logits, dim=-1)[keep]
            nll.append(-log_p.gather(-1, targets[keep].unsqueeze(-1)).sum().item())
            count += int(keep.sum())
    return math.exp(math.fsum(nll) / count)
'''

CORRECT = {
    "ex1_next_token": [ROUND8.CORRECT["ex1_next_token"][0],
                       ("logits by the 'logits' key at index T - 1; greedy one-hot written row by row in a "
                        "Python loop; F.softmax(dtype=float64) cast back (round 9)", _NEXT_ROWLOOP)],
    "ex2_top_k_top_p": [ROUND8.CORRECT["ex2_top_k_top_p"][0],
                        ("top-k by scatter_add_ of the top values; top-p by a rolled cumsum with its first "
                         "entry zeroed, renormalised in sorted order, scattered into empty_like (round 9)",
                         _FILTERS_ROLL)],
    "ex3_generate": [ROUND8.CORRECT["ex3_generate"][0],
                     ("a Python generator yields the picked tokens with the cache kept inside; the caller "
                      "collects pieces and stops (round 9)", _GEN_YIELD)],
    "ex4_lora_layer": [ROUND8.CORRECT["ex4_lora_layer"][0],
                       ("lora_A taken from a bias-free nn.Linear(d_in, r) (its own kaiming_uniform_(a=sqrt(5))); "
                        "branch by two tensordots (round 9)", _LORA_FROM_LINEAR)],
    "ex5_merge": [ROUND8.CORRECT["ex5_merge"][0],
                  ("early returns; the weight rewritten by w[...] = w +- scale * matmul(B, A) (round 9)",
                   _MERGE_ELLIPSIS)],
    "ex6_inject": [ROUND8.CORRECT["ex6_inject"][0],
                   ("depth-first stack over named_children, swap by register_module; counts by "
                    "parameters_to_vector (round 9)", _INJECT_STACK)],
    "ex7_examples": [ROUND8.CORRECT["ex7_examples"][0],
                     ("answer as encode(response) + [eos_token_id]; collate by nested tensors' "
                      "to_padded_tensor (round 9)", _EXAMPLES_NESTED)],
    "ex8_loss": [ROUND8.CORRECT["ex8_loss"][0],
                 ("a loop over the sequences: summed cross_entropy per row, divided by the total count "
                  "(round 9)", _LOSS_ROWS)],
    "ex9_train": [ROUND8.CORRECT["ex9_train"][0],
                  ("the step's micro-batch losses kept in one graph, one backward of their mean per step "
                   "(round 9)", _TRAIN_ONE_BACKWARD)],
    "ex10_perplexity": [ROUND8.CORRECT["ex10_perplexity"][0],
                        ("each sequence run alone, cut to its real length (no padding), float64 log_softmax "
                         "+ gather, math.fsum (round 9)", _PPL_PER_ROW)],
}

# ----------------------------------------------------------------------------- wrong answers
_NEXT_SHIFT_RAW_MAX = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    return model(input_ids=input_ids).logits[:, -1, :]


def token_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities at `temperature` (0 = greedy: one-hot at the argmax)."""
    if temperature == 0:
        return F.one_hot(logits.argmax(dim=-1), num_classes=logits.shape[-1]).to(logits.dtype)
    shifted = logits / temperature - logits.max(dim=-1, keepdim=True).values    # "max shift for stability"
    e = torch.exp(shifted)
    return e / e.sum(dim=-1, keepdim=True)
'''

_FILTERS_TOPK = ("    top = torch.topk(probs, k, dim=-1)\n"
                 "    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)\n")

_GEN_REFEED = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    past = model(input_ids=input_ids, use_cache=True).past_key_values       # warm the cache with the prompt
    ids = input_ids
    for _ in range(max_new_tokens):
        outputs = model(input_ids=ids[:, -1:], past_key_values=past, use_cache=True)
        past = outputs.past_key_values
        token = pick(outputs.logits[:, -1, :]).reshape(1, 1)
        ids = torch.cat([ids, token.to(ids.dtype)], dim=1)
        if eos_id is not None and token.item() == eos_id:
            break
    return ids
'''

_LORA_FLAT = '''
class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0, dropout: float = 0.0):
        super().__init__()
        self.base = base
        for p in self.base.parameters():
            p.requires_grad = False
        self.r, self.alpha = r, alpha
        self.scale = alpha / r
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))
        self.dropout = nn.Dropout(dropout)
        self.merged = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (..., d_in) -> (..., d_out)
        x = x.reshape(-1, x.shape[-1])                   # (N, d_in) for the matrix products
        result = self.base(x)
        if self.merged:
            return result
        update = self.dropout(x) @ self.lora_A.T @ self.lora_B.T
        return result + self.scale * update
'''

_MERGE_CHAINED = '''
@torch.no_grad()
def merge(layer: nn.Module) -> nn.Module:
    """W <- W + scale * B @ A, once; forward then skips the LoRA branch. Returns the layer."""
    if not layer.merged:
        layer.base.weight.add_(layer.lora_B @ layer.lora_A).mul_(layer.scale)
        layer.merged = True
    return layer


@torch.no_grad()
def unmerge(layer: nn.Module) -> nn.Module:
    """Undo merge: W <- W - scale * B @ A, once. Returns the layer."""
    if layer.merged:
        layer.base.weight.div_(layer.scale).sub_(layer.lora_B @ layer.lora_A)
        layer.merged = False
    return layer
'''

_MERGE_UNMERGE_NONE = '''
@torch.no_grad()
def unmerge(layer: nn.Module) -> nn.Module:
    """Undo merge: W <- W - scale * B @ A, once. Returns the layer."""
    if layer.merged:
        layer.base.weight -= layer.scale * (layer.lora_B @ layer.lora_A)
        layer.merged = False
    else:
        return layer
'''

_INJECT_LOOP = ("            if child_name in targets and isinstance(child, nn.Linear):\n"
                "                setattr(parent, child_name, make_lora(child))\n")
_COUNT = ("    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)\n"
          "    total = sum(p.numel() for p in model.parameters())\n")

_COLLATE_MASK_ALL_ROWS = '''

def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    width = max(len(e["input_ids"]) for e in examples)
    input_ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    labels = torch.full((len(examples), width), -100, dtype=torch.long)
    attention_mask = torch.zeros((len(examples), width), dtype=torch.long)
    for row, e in enumerate(examples):
        n = len(e["input_ids"])
        input_ids[row, :n] = torch.tensor(e["input_ids"], dtype=torch.long)
        labels[row, :n] = torch.tensor(e["labels"], dtype=torch.long)
        attention_mask[:, :n] = 1
    return {"input_ids": input_ids, "labels": labels, "attention_mask": attention_mask}
'''

_LOSS_GATHER = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    scores, targets = logits[:, :-1, :], labels[:, 1:]
    keep = targets != -100
    log_p = F.log_softmax(scores, dim=-1)
    picked = log_p.gather(-1, targets.masked_fill(~keep, 0).unsqueeze(-1)).squeeze(-1)
    return -(picked * keep).sum() / keep.sum()
'''

_LOSS_LSE_SHIFTED = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    scores, targets = logits[:, :-1, :], labels[:, 1:]
    keep = targets != -100
    shifted = scores - scores.max(dim=-1, keepdim=True).values          # max shift for a stable log-sum-exp
    log_norm = shifted.exp().sum(dim=-1).log()
    target_logit = scores.gather(-1, targets.masked_fill(~keep, 0).unsqueeze(-1)).squeeze(-1)
    return ((log_norm - target_logit) * keep).sum() / keep.sum()
'''

_LOSS_GLOBAL_MAX = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    scores, targets = logits[:, :-1, :], labels[:, 1:]
    keep = targets != -100
    m = scores.max()                                                   # one shift for the whole batch
    log_norm = m + (scores - m).exp().sum(dim=-1).log()
    target_logit = scores.gather(-1, targets.masked_fill(~keep, 0).unsqueeze(-1)).squeeze(-1)
    return ((log_norm - target_logit) * keep).sum() / keep.sum()
'''

_TRAIN_ON_STEP = "        if on_step is not None:\n            on_step(step, step_loss)\n"

_TRAIN_FLAT_FORWARD = '''
def train_lora(model: nn.Module, batches: list[dict], optimizer: torch.optim.Optimizer, loss_fn,
               accum_steps: int, device, on_step=None) -> list[float]:
    """Gradient-accumulation training; returns the mean micro-batch loss of every optimizer step."""
    n_steps = len(batches) // accum_steps
    model.train()
    history, micro = [], []
    bar = progress(range(n_steps), desc="LoRA fine-tuning")
    optimizer.zero_grad()
    for i, batch in enumerate(batches):
        with autocast(device):
            outputs = model(input_ids=batch["input_ids"].to(device),
                            attention_mask=batch["attention_mask"].to(device))
        loss = loss_fn(outputs.logits.float(), batch["labels"].to(device))
        if i >= n_steps * accum_steps:                # a leftover: not part of any step
            continue
        (loss / accum_steps).backward()
        micro.append(loss.item())
        if len(micro) == accum_steps:
            optimizer.step()
            step = len(history)
            history.append(sum(micro) / accum_steps)
            bar.update(1)
            bar.set_postfix(loss=f"{history[-1]:.3f}")
            if on_step is not None:
                on_step(step, history[-1])
            optimizer.zero_grad()
            micro = []
    bar.close()
    model.eval()
    return history
'''

_PPL_NLL = ("        total_nll += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),\n"
            "                                     ignore_index=-100, reduction=\"sum\").item()\n"
            "        total_count += int((targets != -100).sum())\n")

_PPL_CONCAT = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    input_ids = torch.cat([b["input_ids"] for b in batches]).to(device)        # one forward pass for all
    attention_mask = torch.cat([b["attention_mask"] for b in batches]).to(device)
    targets = torch.cat([b["labels"] for b in batches]).to(device)[:, 1:]
    logits = model(input_ids=input_ids, attention_mask=attention_mask).logits[:, :-1, :].float()
    total_nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                                ignore_index=-100, reduction="sum").item()
    return math.exp(total_nll / int((targets != -100).sum()))
'''

MUTANTS = {
    "ex1_next_token": [
        ("next_token_logits calls model.eval() first 'to be safe': a model the caller left in training mode "
         "comes back in eval mode (a side effect on the argument)",
         replace_once(_NEXT, "    outputs = model(input_ids=input_ids)\n",
                      "    model.eval()\n    outputs = model(input_ids=input_ids)\n")),
        ("greedy one-hot scattered into logits.clone() (zeros_like forgotten): the other entries keep their "
         "logits", replace_once(_NEXT, "        return F.one_hot(best, num_classes=logits.shape[-1]).to(logits.dtype)\n",
                                "        return logits.clone().scatter(-1, best.unsqueeze(-1), 1.0)\n")),
        ("max shift by the raw logits' max, not the max of logits / temperature: at a low temperature "
         "z / T - max(z) still overflows exp (inf / inf = NaN)", _NEXT_SHIFT_RAW_MAX),
        ("last position indexed as logits[:, input_ids.shape[1]] (T, not T - 1): out of range",
         replace_once(_NEXT, "    return outputs.logits[:, -1, :]\n",
                      "    return outputs.logits[:, input_ids.shape[1], :]\n")),
    ],
    "ex2_top_k_top_p": [
        ("top-k mask set by mask[torch.arange(B), top.indices] = True without the row index's [:, None]: "
         "(B,) against (B, k) does not pair rows with their own k indices",
         replace_once(_FILTERS, _FILTERS_TOPK,
                      "    top = torch.topk(probs, k, dim=-1)\n"
                      "    mask = torch.zeros_like(probs, dtype=torch.bool)\n"
                      "    mask[torch.arange(probs.shape[0]), top.indices] = True\n"
                      "    kept = probs * mask\n")),
        ("top-k values scattered into probs.clone() instead of zeros_like: the other entries keep their "
         "probabilities, nothing is removed",
         replace_once(_FILTERS, _FILTERS_TOPK,
                      "    top = torch.topk(probs, k, dim=-1)\n"
                      "    kept = probs.clone().scatter(-1, top.indices, top.values)\n")),
        ("top-p values sorted descending but the order taken from probs.argsort() (ascending): the kept values "
         "are scattered to the wrong tokens",
         replace_once(_FILTERS, "    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)\n",
                      "    sorted_probs = torch.sort(probs, dim=-1, descending=True).values\n"
                      "    order = probs.argsort(dim=-1)\n")),
        ("top-k's k capped at probs.shape[0] 'to stay in range' (the batch size, meant the vocabulary): a "
         "batch of one keeps only its top token",
         replace_once(_FILTERS, _FILTERS_TOPK,
                      "    k = min(k, probs.shape[0])\n" + _FILTERS_TOPK)),
    ],
    "ex3_generate": [
        ("pick given outputs.logits[-1] (the last sequence, (T, V) on the prompt call), not the last position "
         "(1, V)", replace_once(_GEN, "        token = pick(outputs.logits[:, -1, :]).reshape(1, 1)\n",
                                "        token = pick(outputs.logits[-1]).reshape(1, 1)\n")),
        ("eos tested on the argmax of the logits, not on the token pick chose: a sampled token stops the loop "
         "when the greedy choice would have been eos_id",
         replace_once(_GEN, "        if eos_id is not None and token.item() == eos_id:\n",
                      "        if eos_id is not None and outputs.logits[:, -1, :].argmax().item() == eos_id:\n")),
        ("cache warmed with the whole prompt, then the prompt's last token fed again with it: that token "
         "enters the cache twice and every logit is shifted", _GEN_REFEED),
        ("later steps feed ids[:, -2:] (the last two tokens) with the cache: the previous token enters the "
         "cache a second time", replace_once(_GEN, "        feed = token\n", "        feed = ids[:, -2:]\n")),
    ],
    "ex4_lora_layer": [
        ("scale = alpha // r (floor division): alpha = 4, r = 3 gives 1.0, not 1.33",
         replace_once(_LORA, "        self.scale = alpha / r\n", "        self.scale = alpha // r\n")),
        ("forward flattens x to (N, d_in) for the matrix products and never reshapes back: a (B, T, d_in) "
         "input comes back (B * T, d_out)", _LORA_FLAT),
        ("torch.manual_seed(0) in __init__ 'for reproducibility': every LoRA layer gets the same A and the "
         "caller's random stream is reset",
         replace_once(_LORA, "        self.lora_A = nn.Parameter(torch.empty(r, base.in_features))\n",
                      "        torch.manual_seed(0)\n"
                      "        self.lora_A = nn.Parameter(torch.empty(r, base.in_features))\n")),
        ("scale registered as nn.Parameter(torch.tensor(alpha / r)): a third trainable parameter, and "
         "assigning a float to layer.scale (set_lora_scale) raises",
         replace_once(_LORA, "        self.scale = alpha / r\n",
                      "        self.scale = nn.Parameter(torch.tensor(alpha / r))\n")),
    ],
    "ex5_merge": [
        ("merged flag set on layer.base (the Linear) instead of the layer: forward still adds the branch on "
         "top of the merged weight, and a second merge adds the update again",
         _MERGE.replace("        layer.merged = True\n", "        layer.base.merged = True\n")),
        ("unmerge returns the layer only in the nothing-to-do branch: after a real unmerge it returns None",
         _MERGE[:_MERGE.index("\n\n@torch.no_grad()\ndef unmerge")] + "\n\n" + _MERGE_UNMERGE_NONE),
        ("merge chained as weight.add_(B @ A).mul_(scale): W' = scale * (W + B A), the base weight scaled too "
         "(unmerge, its exact inverse, gives W back)", _MERGE_CHAINED),
        ("merge calls layer.eval() ('merging is for inference'): a layer in training mode comes back in eval "
         "mode", replace_once(_MERGE, "        layer.merged = True\n",
                              "        layer.merged = True\n        layer.eval()\n")),
    ],
    "ex6_inject": [
        ("make_lora(copy.deepcopy(child)) 'to be safe': the adapter wraps a copy, not the model's own Linear",
         replace_once(_INJECT, _INJECT_LOOP,
                      "            if child_name in targets and isinstance(child, nn.Linear):\n"
                      "                import copy\n"
                      "                setattr(parent, child_name, make_lora(copy.deepcopy(child)))\n")),
        ("count_parameters counts p.shape[0] * p.shape[1] (weight matrices in mind): a 1-D parameter (a bias, "
         "a norm weight) raises",
         replace_once(_INJECT, _COUNT,
                      "    trainable = sum(p.shape[0] * p.shape[1] for p in model.parameters() if p.requires_grad)\n"
                      "    total = sum(p.shape[0] * p.shape[1] for p in model.parameters())\n")),
        ("count_parameters sums over the nn.Linear modules only: embeddings, norms and LoRA's own A / B are "
         "left out",
         replace_once(_INJECT, _COUNT,
                      "    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]\n"
                      "    trainable = sum(p.numel() for m in linears for p in m.parameters() if p.requires_grad)\n"
                      "    total = sum(p.numel() for m in linears for p in m.parameters())\n")),
        ("setattr(parent, child_name, make_lora): the factory itself, not its result (a function is not a "
         "Module: the assignment raises)",
         replace_once(_INJECT, _INJECT_LOOP,
                      "            if child_name in targets and isinstance(child, nn.Linear):\n"
                      "                setattr(parent, child_name, make_lora)\n")),
    ],
    "ex7_examples": [
        ("tokenizer.tokenize (token strings) instead of the ids: input_ids and labels hold strings",
         replace_once(replace_once(_EXAMPLES,
                                   "    prompt = tokenizer(chat_prompt(tokenizer, instruction), add_special_tokens=False).input_ids\n",
                                   "    prompt = tokenizer.tokenize(chat_prompt(tokenizer, instruction), add_special_tokens=False)\n"),
                      "    answer = tokenizer(response + tokenizer.eos_token, add_special_tokens=False).input_ids\n",
                      "    answer = tokenizer.tokenize(response + tokenizer.eos_token, add_special_tokens=False)\n")),
        ("prompt by tokenizer.apply_chat_template(..., tokenize=False) without add_generation_prompt=True "
         "(chat_prompt bypassed): the prompt lacks the '<|im_start|>assistant\\n' header",
         replace_once(_EXAMPLES,
                      "    prompt = tokenizer(chat_prompt(tokenizer, instruction), add_special_tokens=False).input_ids\n",
                      "    text = tokenizer.apply_chat_template([{\"role\": \"user\", \"content\": instruction}], tokenize=False)\n"
                      "    prompt = tokenizer(text, add_special_tokens=False).input_ids\n")),
        ("width = longest + 1 ('room for the end token'): every row gets one extra padding column",
         replace_once(_EXAMPLES, "    width = max(len(e[\"input_ids\"]) for e in examples)\n",
                      "    width = max(len(e[\"input_ids\"]) for e in examples) + 1\n")),
        ("attention_mask[:, :n] = 1 (the row index forgotten): every row's mask runs to the longest example "
         "seen so far", _EXAMPLES[:_EXAMPLES.index("\n\ndef collate")] + _COLLATE_MASK_ALL_ROWS),
    ],
    "ex8_loss": [
        ("positions kept where the label is > 0 (not != -100): target token id 0 is ignored as if masked",
         replace_once(_LOSS_GATHER, "    keep = targets != -100\n", "    keep = targets > 0\n")),
        ("log-sum-exp of the max-shifted logits, minus the raw target logit: the loss is off by each "
         "position's max logit", _LOSS_LSE_SHIFTED),
        ("log-sum-exp shifted by the whole batch's max (scores.max()), not each position's: a position far "
         "below the batch maximum underflows to log 0 (inf loss)", _LOSS_GLOBAL_MAX),
        ("target log-probs by log_p[..., targets] (advanced indexing on the last axis alone): every position "
         "is scored against every target",
         replace_once(_LOSS_GATHER,
                      "    picked = log_p.gather(-1, targets.masked_fill(~keep, 0).unsqueeze(-1)).squeeze(-1)\n",
                      "    picked = log_p[..., targets.masked_fill(~keep, 0)]\n")),
    ],
    "ex9_train": [
        ("on_step given the progress bar's text f'{step_loss:.3f}', not the float",
         replace_once(_TRAIN, _TRAIN_ON_STEP,
                      "        if on_step is not None:\n            on_step(step, f\"{step_loss:.3f}\")\n")),
        ("forward under torch.no_grad() ('the base is frozen'): the loss has no graph and backward raises",
         replace_once(_TRAIN, "            with autocast(device):\n",
                      "            with torch.no_grad(), autocast(device):\n")),
        ("one flat loop over every micro-batch: the leftovers are run through the model and the loss, then "
         "skipped (the instructions: not even run)", _TRAIN_FLAT_FORWARD),
        ("zero_grad skipped on the first step ('the gradients start at zero anyway'): gradients the caller "
         "left in .grad join step 0",
         replace_once(_TRAIN, "        optimizer.zero_grad()\n",
                      "        if step > 0:\n            optimizer.zero_grad()\n")),
    ],
    "ex10_perplexity": [
        ("mean NLL by floor division (total // count): the perplexity is e to a whole number",
         replace_once(_PPL, "    return math.exp(total_nll / total_count)\n",
                      "    return math.exp(total_nll // total_count)\n")),
        ("`break` at the first batch without counted targets (meant `continue`): later batches are never "
         "scored",
         replace_once(_PPL, _PPL_NLL,
                      "        if int((targets != -100).sum()) == 0:\n            break\n" + _PPL_NLL)),
        ("all batches concatenated for one forward pass: batches of different widths raise", _PPL_CONCAT),
        ("model.eval() first and model.train() at the end ('back to training'): a model in eval mode comes "
         "back in training mode",
         replace_once(replace_once(_PPL, "    total_nll, total_count = 0.0, 0\n",
                                   "    model.eval()\n    total_nll, total_count = 0.0, 0\n"),
                      "    return math.exp(total_nll / total_count)\n",
                      "    model.train()\n    return math.exp(total_nll / total_count)\n")),
    ],
}

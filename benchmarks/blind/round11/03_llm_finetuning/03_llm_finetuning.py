"""Blind round 11, lab 03 (LLM fine-tuning with LoRA): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of rounds 1-10 holds.
Right answers: CORRECT[gid][0] is round 10's reference (round 2's, reused by name: the reference keeps
the proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND10 = earlier_round(10, __file__)

_NEXT, _FILTERS, _GEN, _LORA, _MERGE = (ROUND10._NEXT, ROUND10._FILTERS, ROUND10._GEN, ROUND10._LORA,
                                        ROUND10._MERGE)
_INJECT, _EXAMPLES, _LOSS, _TRAIN, _PPL = (ROUND10._INJECT, ROUND10._EXAMPLES, ROUND10._LOSS, ROUND10._TRAIN,
                                           ROUND10._PPL)
_INJECT_LOOP = ROUND10._INJECT_LOOP

# ----------------------------------------------------------------------------- round 11's own right answers
_NEXT_SELECT = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    return model(input_ids=input_ids).logits.select(1, -1)


def token_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities at `temperature` (0 = greedy: one-hot at the argmax)."""
    if temperature == 0:
        return torch.zeros_like(logits).scatter(-1, logits.argmax(dim=-1, keepdim=True), 1.0)
    z = logits / temperature
    z = z - z.amax(dim=-1, keepdim=True)                 # the largest entry is exp(0) = 1: nothing overflows
    e = z.exp()
    return e / e.sum(dim=-1, keepdim=True)
'''

_FILTERS_MASKS = '''
def top_k_probs(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep exactly k probabilities of each row, the k largest (ties: any), zero the rest, renormalise."""
    values, order = probs.sort(dim=-1, descending=True)
    ranks = torch.arange(probs.shape[-1], device=probs.device)
    kept = torch.zeros_like(probs).scatter(-1, order, values * (ranks < k))
    return kept / kept.sum(dim=-1, keepdim=True)


def top_p_probs(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose total reaches p, renormalise."""
    values, order = probs.sort(dim=-1, descending=True)
    above = values.cumsum(dim=-1) - values                # mass of the tokens ranked above each one
    keep = torch.zeros_like(probs, dtype=torch.bool).scatter(-1, order, above < p)   # back in vocabulary order
    kept = torch.where(keep, probs, torch.zeros_like(probs))
    return kept / kept.sum(dim=-1, keepdim=True)
'''

_GEN_WHILE = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    sequence, feed, cache = input_ids, input_ids, None
    while sequence.shape[1] - input_ids.shape[1] < max_new_tokens:
        out = model(input_ids=feed, past_key_values=cache, use_cache=True)
        cache = out.past_key_values
        feed = torch.as_tensor(pick(out.logits[:, -1, :]), device=sequence.device).view(1, 1).to(sequence.dtype)
        sequence = torch.cat((sequence, feed), dim=1)
        if eos_id is not None and int(feed) == eos_id:
            break
    return sequence
'''

_LORA_FLINEAR = '''
class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0, dropout: float = 0.0):
        super().__init__()
        base.requires_grad_(False)                       # weight and bias (if any), nothing else
        self.base = base
        self.r = r
        self.alpha = alpha
        self.scale = alpha / r
        self.merged = False
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))
        self.dropout = nn.Dropout(p=dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (..., d_in) -> (..., d_out)
        if self.merged:
            return self.base(x)
        low = F.linear(self.dropout(x), self.lora_A)     # (..., r)
        return self.base(x) + self.scale * F.linear(low, self.lora_B)
'''

_MERGE_ADDMM = '''
@torch.no_grad()
def merge(layer: nn.Module) -> nn.Module:
    """W <- W + scale * B @ A, once; forward then skips the LoRA branch. Returns the layer."""
    if layer.merged:
        return layer
    layer.base.weight.addmm_(layer.lora_B, layer.lora_A, alpha=layer.scale)
    layer.merged = True
    return layer


@torch.no_grad()
def unmerge(layer: nn.Module) -> nn.Module:
    """Undo merge: W <- W - scale * B @ A, once. Returns the layer."""
    if not layer.merged:
        return layer
    layer.base.weight.addmm_(layer.lora_B, layer.lora_A, alpha=-layer.scale)
    layer.merged = False
    return layer
'''

_INJECT_COLLECT = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, wrap every nn.Linear whose name is one of `targets` with make_lora(linear);
    return the model."""
    model.requires_grad_(False)
    found = [(parent, name, child) for _, parent in model.named_modules()
             for name, child in parent.named_children() if name in targets and isinstance(child, nn.Linear)]
    for parent, name, child in found:                   # all found first, swapped afterwards
        setattr(parent, name, make_lora(child))
    return model


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(number of trainable parameters, number of all parameters)."""
    trainable = total = 0
    for p in model.parameters():
        total += p.numel()
        if p.requires_grad:
            trainable += p.numel()
    return trainable, total
'''

_EXAMPLES_ROWS = '''
def tokenize_pair(tokenizer, instruction: str, response: str) -> dict:
    """{'input_ids': prompt + answer token ids, 'labels': -100 over the prompt, the ids elsewhere}."""
    prompt = tokenizer.encode(chat_prompt(tokenizer, instruction), add_special_tokens=False)
    answer = tokenizer.encode(response + tokenizer.eos_token, add_special_tokens=False)
    labels = [-100] * len(prompt)
    labels.extend(answer)
    return {"input_ids": [*prompt, *answer], "labels": labels}


def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    width = max(len(e["input_ids"]) for e in examples)
    rows = {"input_ids": [], "labels": [], "attention_mask": []}
    for e in examples:
        gap = width - len(e["input_ids"])
        rows["input_ids"].append(list(e["input_ids"]) + [pad_id] * gap)
        rows["labels"].append(list(e["labels"]) + [-100] * gap)
        rows["attention_mask"].append([1] * len(e["input_ids"]) + [0] * gap)
    return {key: torch.tensor(value, dtype=torch.long) for key, value in rows.items()}
'''

_LOSS_WHERE = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    log_p = logits[:, :-1].log_softmax(dim=-1)
    targets = labels[:, 1:]
    counted = targets != -100
    nll = -log_p.gather(-1, targets.masked_fill(~counted, 0).unsqueeze(-1)).squeeze(-1)
    return torch.where(counted, nll, torch.zeros_like(nll)).sum() / counted.sum()
'''

_TRAIN_ISLICE = '''
def train_lora(model: nn.Module, batches: list[dict], optimizer: torch.optim.Optimizer, loss_fn,
               accum_steps: int, device, on_step=None) -> list[float]:
    """Gradient-accumulation training; returns the mean micro-batch loss of every optimizer step."""
    from itertools import islice
    stream = iter(batches)
    history = []
    model.train()
    bar = progress(range(len(batches) // accum_steps), desc="LoRA")
    for step in bar:
        optimizer.zero_grad()
        total = 0.0
        for batch in islice(stream, accum_steps):        # the next accum_steps micro-batches
            batch = {key: value.to(device) for key, value in batch.items()}   # a new dict: the caller's stays
            with autocast(device):
                outputs = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
            loss = loss_fn(outputs.logits.float(), batch["labels"])
            (loss / accum_steps).backward()
            total += loss.item()
        optimizer.step()
        history.append(total / accum_steps)
        bar.set_postfix(loss=f"{history[-1]:.3f}")
        if on_step is not None:
            on_step(step, history[-1])
    model.eval()
    return history
'''

_PPL_FSUM = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    parts, count = [], 0
    for batch in batches:
        logits = model(input_ids=batch["input_ids"].to(device),
                       attention_mask=batch["attention_mask"].to(device)).logits[:, :-1].double()
        targets = batch["labels"][:, 1:].to(device)
        keep = targets != -100
        log_p = logits.log_softmax(dim=-1).gather(-1, targets.clamp(min=0).unsqueeze(-1)).squeeze(-1)
        parts.append(-float(log_p[keep].sum()))
        count += int(keep.sum())
    return math.exp(math.fsum(parts) / count)
'''

CORRECT = {
    "ex1_next_token": [ROUND10.CORRECT["ex1_next_token"][0],
                       ("the last position by select(1, -1); greedy by scatter of 1.0 into zeros_like at "
                        "argmax(keepdim); softmax by hand after a max shift (round 11)", _NEXT_SELECT)],
    "ex2_top_k_top_p": [ROUND10.CORRECT["ex2_top_k_top_p"][0],
                        ("top-k by sort and a rank < k mask scattered back; top-p's keep mask scattered to "
                         "vocabulary order, torch.where on probs (round 11)", _FILTERS_MASKS)],
    "ex3_generate": [ROUND10.CORRECT["ex3_generate"][0],
                     ("a while loop on the number of new tokens; pick's token as_tensor(...).view(1, 1) is the "
                      "next feed (round 11)", _GEN_WHILE)],
    "ex4_lora_layer": [ROUND10.CORRECT["ex4_lora_layer"][0],
                       ("base.requires_grad_(False) before anything is drawn; branch by two F.linear calls "
                        "(round 11)", _LORA_FLINEAR)],
    "ex5_merge": [ROUND10.CORRECT["ex5_merge"][0],
                  ("early returns; weight.addmm_(B, A, alpha=+-scale) (round 11)", _MERGE_ADDMM)],
    "ex6_inject": [ROUND10.CORRECT["ex6_inject"][0],
                   ("model.requires_grad_(False); every (parent, name, Linear) collected first, then swapped; "
                    "counts in one loop (round 11)", _INJECT_COLLECT)],
    "ex7_examples": [ROUND10.CORRECT["ex7_examples"][0],
                     ("tokenizer.encode twice; collate builds padded Python rows per key, one torch.tensor each "
                      "(round 11)", _EXAMPLES_ROWS)],
    "ex8_loss": [ROUND10.CORRECT["ex8_loss"][0],
                 ("log_softmax + gather on masked_fill(0) targets, torch.where zeroes the rest, sum / count "
                  "(round 11)", _LOSS_WHERE)],
    "ex9_train": [ROUND10.CORRECT["ex9_train"][0],
                  ("one iterator over the batches, itertools.islice per step; each micro-batch copied to a new "
                   "dict on the device (round 11)", _TRAIN_ISLICE)],
    "ex10_perplexity": [ROUND10.CORRECT["ex10_perplexity"][0],
                        ("float64 log_softmax + gather on clamped targets, per-batch sums as floats, "
                         "math.fsum (round 11)", _PPL_FSUM)],
}

# ----------------------------------------------------------------------------- wrong answers
_GREEDY = ("    if temperature == 0:\n"
           "        best = logits.argmax(dim=-1)\n"
           "        return F.one_hot(best, num_classes=logits.shape[-1]).to(logits.dtype)\n")
_SOFTMAX_RETURN = "    return F.softmax(logits / temperature, dim=-1)\n"

_NEXT_EVAL_TRAIN = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    model.eval()                                         # no dropout while reading the logits
    logits = model(input_ids=input_ids).logits[:, -1, :]
    model.train()                                        # and back
    return logits
'''

_GEN_NO_CACHE = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    ids = input_ids
    for _ in range(max_new_tokens):
        outputs = model(input_ids=ids, past_key_values=None, use_cache=True)   # the whole sequence, fresh
        token = pick(outputs.logits[:, -1, :]).reshape(1, 1)
        ids = torch.cat([ids, token.to(ids.dtype)], dim=1)
        if eos_id is not None and token.item() == eos_id:
            break
    return ids
'''

_MERGE_TRANSPOSED = '''
@torch.no_grad()
def merge(layer: nn.Module) -> nn.Module:
    """W <- W + scale * B @ A, once; forward then skips the LoRA branch. Returns the layer."""
    if not layer.merged:
        layer.base.weight += layer.scale * (layer.lora_A.T @ layer.lora_B.T)   # as forward: x @ A.T @ B.T
        layer.merged = True
    return layer


@torch.no_grad()
def unmerge(layer: nn.Module) -> nn.Module:
    """Undo merge: W <- W - scale * B @ A, once. Returns the layer."""
    if layer.merged:
        layer.base.weight -= layer.scale * (layer.lora_A.T @ layer.lora_B.T)
        layer.merged = False
    return layer
'''

_MERGE_BUFFER = '''
@torch.no_grad()
def merge(layer: nn.Module) -> nn.Module:
    """W <- W + scale * B @ A, once; forward then skips the LoRA branch. Returns the layer."""
    if not layer.merged:
        delta = layer.scale * (layer.lora_B @ layer.lora_A)
        layer.base.weight += delta
        layer.register_buffer("merged_delta", delta)     # exactly what unmerge has to take out again
        layer.merged = True
    return layer


@torch.no_grad()
def unmerge(layer: nn.Module) -> nn.Module:
    """Undo merge: W <- W - scale * B @ A, once. Returns the layer."""
    if layer.merged:
        layer.base.weight -= layer.merged_delta
        del layer.merged_delta
        layer.merged = False
    return layer
'''

_INJECT_FREEZE_LAST = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, wrap every nn.Linear whose name is one of `targets` with make_lora(linear);
    return the model."""
    for _, parent in list(model.named_modules()):
        for child_name, child in list(parent.named_children()):
            if child_name in targets and isinstance(child, nn.Linear):
                setattr(parent, child_name, make_lora(child))
    for p in model.parameters():                         # then freeze the model
        p.requires_grad_(False)
    return model


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(number of trainable parameters, number of all parameters)."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return trainable, total
'''

_COLLATE_MASK_OR = '''
def tokenize_pair(tokenizer, instruction: str, response: str) -> dict:
    """{'input_ids': prompt + answer token ids, 'labels': -100 over the prompt, the ids elsewhere}."""
    prompt = tokenizer(chat_prompt(tokenizer, instruction), add_special_tokens=False).input_ids
    answer = tokenizer(response + tokenizer.eos_token, add_special_tokens=False).input_ids
    return {"input_ids": list(prompt) + list(answer), "labels": [-100] * len(prompt) + list(answer)}


def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    width = max(len(e["input_ids"]) for e in examples)
    input_ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    labels = torch.full((len(examples), width), -100, dtype=torch.long)
    for row, e in enumerate(examples):
        n = len(e["input_ids"])
        input_ids[row, :n] = torch.tensor(e["input_ids"], dtype=torch.long)
        labels[row, :n] = torch.tensor(e["labels"], dtype=torch.long)
    # a pad-id token is padding unless it is learned (SmolLM2's eos ends every answer)
    attention_mask = ((input_ids != pad_id) | (labels != -100)).long()
    return {"input_ids": input_ids, "labels": labels, "attention_mask": attention_mask}
'''

_TOKENIZE_WITH_MASK = '''
def tokenize_pair(tokenizer, instruction: str, response: str) -> dict:
    """{'input_ids': prompt + answer token ids, 'labels': -100 over the prompt, the ids elsewhere}."""
    prompt = tokenizer(chat_prompt(tokenizer, instruction), add_special_tokens=False)
    answer = tokenizer(response + tokenizer.eos_token, add_special_tokens=False)
    return {"input_ids": prompt.input_ids + answer.input_ids,
            "attention_mask": prompt.attention_mask + answer.attention_mask,   # what the tokenizer returns
            "labels": [-100] * len(prompt.input_ids) + answer.input_ids}
'''

_LOSS_ROW_MEANS = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    shift_logits, shift_labels = logits[:, :-1, :], labels[:, 1:]
    per_token = F.cross_entropy(shift_logits.transpose(1, 2), shift_labels, ignore_index=-100, reduction="none")
    counted = (shift_labels != -100).sum(dim=1)
    return (per_token.sum(dim=1) / counted).mean()       # each sequence's mean, then the mean over the batch
'''

MUTANTS = {
    "ex1_next_token": [
        ("temperature 0 replaced by a tiny one (1e-6) and softmaxed ('tau -> 0 is greedy'): tied logits share "
         "the mass instead of a one-hot at the first of them (the exercise: 'a tiny temperature is not the "
         "same')",
         replace_once(_NEXT, _GREEDY, "    if temperature == 0:\n        temperature = 1e-6\n")),
        ("next_token_logits switches the model to eval() for the call and back with train(): a model the "
         "caller left in eval mode comes back in training mode (the exercise: 'leave its train/eval mode as the "
         "caller set it')", _NEXT_EVAL_TRAIN),
        ("the last logits cast .float() ('probabilities want float32'): a float64 model's logits come back "
         "float32 (the introduction: 'does not move ... a tensor to another dtype')",
         replace_once(_NEXT, "    return outputs.logits[:, -1, :]\n", "    return outputs.logits[:, -1, :].float()\n")),
        ("softmax with dtype=torch.float32 ('for stability at low temperatures'): float64 logits give float32 "
         "probabilities (the exercise: 'float16, float32 or float64 alike'; the introduction: no other dtype)",
         replace_once(_NEXT, _SOFTMAX_RETURN, "    return F.softmax(logits / temperature, dim=-1, dtype=torch.float32)\n")),
    ],
    "ex2_top_k_top_p": [
        ("top-p keeps a token when the mass above it is at most p (before <= p): when the running total hits "
         "p exactly one token too many survives (the text: 'below p', the smallest set)",
         replace_once(_FILTERS, "    sorted_kept = sorted_probs * (before < p)\n",
                      "    sorted_kept = sorted_probs * (before <= p)\n")),
        ("top-k returns probs itself when k >= V ('nothing to cut'): not a new tensor (the exercise: 'as new "
         "tensors')",
         replace_once(_FILTERS, "    top = torch.topk(probs, k, dim=-1)\n",
                      "    if k >= probs.shape[-1]:\n        return probs\n    top = torch.topk(probs, k, dim=-1)\n")),
        ("top-p keeps the tokens whose running total INCLUDING themselves is below p, the top one forced in: "
         "the token that crosses p is dropped, the set no longer reaches p",
         replace_once(_FILTERS, "    before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs\n"
                                "    sorted_kept = sorted_probs * (before < p)\n",
                      "    within = torch.cumsum(sorted_probs, dim=-1) < p\n"
                      "    within[..., 0] = True\n"
                      "    sorted_kept = sorted_probs * within\n")),
        ("top-p read as the tail to cut: the least likely tokens whose (ascending) running total is below p "
         "are removed, the rest kept (the text: keep the smallest set whose total reaches p)",
         replace_once(_FILTERS, "    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)\n"
                                "    before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs\n"
                                "    sorted_kept = sorted_probs * (before < p)\n",
                      "    sorted_probs, order = torch.sort(probs, dim=-1)\n"
                      "    sorted_kept = sorted_probs * (torch.cumsum(sorted_probs, dim=-1) >= p)\n")),
    ],
    "ex3_generate": [
        ("model.eval() at the start ('generation is inference'): a model the caller left in training mode "
         "comes back in eval mode (the exercise: 'generate leaves the model in the train/eval mode the caller "
         "set')",
         replace_once(_GEN, "    ids = input_ids\n", "    model.eval()\n    ids = input_ids\n")),
        ("the token fed back with the cache is the argmax of the logits, not pick's token: with a sampling "
         "pick the model reads tokens that are not in the sequence",
         replace_once(_GEN, "        feed = token\n",
                      "        feed = outputs.logits[:, -1, :].argmax(dim=-1, keepdim=True)\n")),
        ("no KV cache: the whole sequence is fed again at every step with past_key_values=None (the exercise: "
         "'the whole prompt first, then one new token at a time')", _GEN_NO_CACHE),
        ("pick given log-probabilities (log_softmax of the last logits, 'samplers take log-probs'): pick's "
         "input is not the logits",
         replace_once(_GEN, "        token = pick(outputs.logits[:, -1, :]).reshape(1, 1)\n",
                      "        token = pick(F.log_softmax(outputs.logits[:, -1, :], dim=-1)).reshape(1, 1)\n")),
    ],
    "ex4_lora_layer": [
        ("LoRA dropout by F.dropout(x, p) (its training argument defaults to True): an eval-mode layer still "
         "drops the branch's inputs",
         replace_once(replace_once(_LORA, "        self.dropout = nn.Dropout(dropout)\n",
                                   "        self.dropout_p = dropout\n"),
                      "self.dropout(x)", "F.dropout(x, self.dropout_p)")),
        ("base.eval() in __init__ ('a frozen layer is for inference'): the caller's Linear changes mode (the "
         "introduction: hands a model back in the mode the caller left it in)",
         replace_once(_LORA, "        self.base = base\n", "        self.base = base\n        base.eval()\n")),
        ("freezing also clears the base's gradients (p.grad = None, 'a frozen parameter has none'): the "
         ".grad the caller's Linear held is gone (the introduction: 'does not clear ... .grad')",
         replace_once(_LORA, "            p.requires_grad = False\n",
                      "            p.requires_grad = False\n            p.grad = None\n")),
        ("self.base = base.float() ('LoRA trains in float32'): the caller's Linear is converted in place "
         "(the introduction: 'does not move a model ... to another dtype')",
         replace_once(_LORA, "        self.base = base\n", "        self.base = base.float()\n")),
    ],
    "ex5_merge": [
        ("update written as A.T @ B.T ('as forward computes x @ A.T @ B.T'): the transpose of B @ A, wrong "
         "for square layers and a shape error for the others", _MERGE_TRANSPOSED),
        ("unmerge ends with merged = True (copied from merge): the weight is restored but forward still "
         "skips the branch, and a second unmerge subtracts again",
         replace_once(_MERGE, "        layer.merged = False\n", "        layer.merged = True\n")),
        ("merge clears lora_A.grad and lora_B.grad ('a merged adapter has nothing to train'): the gradients "
         "the caller's parameters held are gone (the introduction: 'does not clear ... .grad')",
         replace_once(_MERGE, "        layer.merged = True\n",
                      "        layer.lora_A.grad = None\n        layer.lora_B.grad = None\n"
                      "        layer.merged = True\n")),
        ("merge registers the update as a buffer for unmerge: the merged layer gains a state_dict entry "
         "(the exercise: 'Only the base weight and merged change')", _MERGE_BUFFER),
    ],
    "ex6_inject": [
        ("the nn.Linear test left out (name match only): a target name held by another module (a LayerNorm "
         "'norm') is handed to make_lora too (the exercise: 'each nn.Linear whose attribute name is one of "
         "targets')",
         replace_once(_INJECT, _INJECT_LOOP,
                      "            if child_name in targets:\n"
                      "                setattr(parent, child_name, make_lora(child))\n")),
        ("frozen through model.children() (child.requires_grad_(False)): a parameter held by the model "
         "itself stays trainable (the exercise: 'freeze every parameter')",
         replace_once(_INJECT, "    for p in model.parameters():\n        p.requires_grad_(False)\n",
                      "    for child in model.children():\n        child.requires_grad_(False)\n")),
        ("count_parameters returns (total, trainable): the pair in the wrong order",
         replace_once(_INJECT, "    return trainable, total\n", "    return total, trainable\n")),
        ("frozen after wrapping ('then freeze the model'): the new adapters are frozen too, nothing trains "
         "(the exercise: 'first freeze every parameter')", _INJECT_FREEZE_LAST),
    ],
    "ex7_examples": [
        ("attention mask = (input_ids != pad_id) | (labels != -100): a prompt token whose id is pad_id (the "
         "chat prompt's <|im_end|>) is hidden (the exercise: padding follows from each example's length)",
         _COLLATE_MASK_OR),
        ("tokenize_pair also returns the tokenizer's attention_mask lists: a dict of three lists, not of two "
         "(the exercise: 'a dict of two lists, input_ids and labels')",
         _TOKENIZE_WITH_MASK + _EXAMPLES[_EXAMPLES.index("\n\ndef collate"):]),
        ("attention mask pre-filled with pad_id (the input_ids line copied): with pad_id != 0 its padding is "
         "pad_id, not 0",
         replace_once(_EXAMPLES, "    attention_mask = torch.zeros((len(examples), width), dtype=torch.long)\n",
                      "    attention_mask = torch.full((len(examples), width), pad_id, dtype=torch.long)\n")),
        ("labels pre-filled with pad_id (the input_ids line copied): padding positions get a learned label, "
         "not -100",
         replace_once(_EXAMPLES, "    labels = torch.full((len(examples), width), -100, dtype=torch.long)\n",
                      "    labels = torch.full((len(examples), width), pad_id, dtype=torch.long)\n")),
    ],
    "ex8_loss": [
        ("mean of each sequence's mean loss: sequences weigh equally, not counted positions (the formula: "
         "one mean over R)", _LOSS_ROW_MEANS),
        ("the loss rebuilt as torch.tensor(loss.item(), requires_grad=True) ('a clean scalar that requires "
         "grad'): a new leaf, no gradient reaches the logits (the exercise: 'gradients flow through')",
         replace_once(_LOSS, "    return F.cross_entropy(shift_logits.reshape(-1, vocab), shift_labels.reshape(-1), "
                             "ignore_index=-100)\n",
                      "    loss = F.cross_entropy(shift_logits.reshape(-1, vocab), shift_labels.reshape(-1), "
                      "ignore_index=-100)\n    return torch.tensor(loss.item(), requires_grad=True)\n")),
        ("reduction='none' then .mean(): the ignored positions count as zeros in the mean (the text: the "
         "mean over the positions whose label is not -100)",
         replace_once(_LOSS, "ignore_index=-100)\n", "ignore_index=-100,\n"
                      "                           reduction=\"none\").mean()\n")),
        ("no shift ('the labels are the targets'): logits at t scored against the label at t",
         replace_once(_LOSS, "    shift_logits = logits[:, :-1, :]\n    shift_labels = labels[:, 1:]\n",
                      "    shift_logits = logits\n    shift_labels = labels\n")),
    ],
    "ex9_train": [
        ("each micro-batch loss backpropagated undivided: the accumulated gradient is the sum over "
         "accum_steps micro-batches, not the mean (the text: 'Divide each micro-batch loss by accum_steps')",
         replace_once(_TRAIN, "            (loss / accum_steps).backward()\n", "            loss.backward()\n")),
        ("model.eval() never called at the end: the model comes back in training mode (the exercise: 'back in "
         "eval mode before returning')",
         replace_once(_TRAIN, "    model.eval()\n    return history\n", "    return history\n")),
        ("at least one step (max(1, len(batches) // accum_steps)): fewer micro-batches than accum_steps still "
         "give a step (the exercise: len(batches) // accum_steps steps, leftovers not even run)",
         replace_once(_TRAIN, "    n_steps = len(batches) // accum_steps\n",
                      "    n_steps = max(1, len(batches) // accum_steps)\n")),
        ("steps by ceiling division (math.ceil): the leftover micro-batches make a last, shorter step (the "
         "exercise: 'left over at the end are not used')",
         replace_once(_TRAIN, "    n_steps = len(batches) // accum_steps\n",
                      "    n_steps = math.ceil(len(batches) / accum_steps)\n")),
    ],
    "ex10_perplexity": [
        ("@torch.no_grad() replaced by torch.set_grad_enabled(False) at the top: gradient tracking stays off "
         "for the caller (the introduction: 'does not leave gradient tracking turned off')",
         replace_once(_PPL, "@torch.no_grad()\ndef perplexity(model: nn.Module, batches: list[dict], device) -> float:\n"
                            "    \"\"\"exp(total next-token NLL / number of counted tokens) over all batches.\"\"\"\n",
                      "def perplexity(model: nn.Module, batches: list[dict], device) -> float:\n"
                      "    \"\"\"exp(total next-token NLL / number of counted tokens) over all batches.\"\"\"\n"
                      "    torch.set_grad_enabled(False)\n")),
        ("targets equal to tokenizer.pad_token_id skipped too ('padding is never scored'): the learned "
         "end-of-turn token (SmolLM2's pad id) is not counted (the exercise: skip labels equal to -100)",
         replace_once(_PPL, "        targets = batch[\"labels\"].to(device)[:, 1:]\n",
                      "        targets = batch[\"labels\"].to(device)[:, 1:]\n"
                      "        targets = targets.masked_fill(targets == tokenizer.pad_token_id, -100)\n")),
        ("tokens counted from the attention mask (attention_mask[:, 1:].sum()): the prompt's masked labels are "
         "counted though never scored",
         replace_once(_PPL, "        total_count += int((targets != -100).sum())\n",
                      "        total_count += int(attention_mask[:, 1:].sum())\n")),
        ("2 ** (mean NLL) ('perplexity is 2 to the entropy'): the NLL is in nats, the exponential is e's",
         replace_once(_PPL, "    return math.exp(total_nll / total_count)\n",
                      "    return 2 ** (total_nll / total_count)\n")),
    ],
}

"""Blind round 2, lab 03 (LLM fine-tuning with LoRA): wrong answers and right answers in other
styles, written from the student notebook only (no hidden checks seen), each wrong answer a
mistake that neither tests/mutants nor round 1 holds.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""


def _sub(source: str, old: str, new: str) -> str:
    assert source.count(old) == 1, f"{old!r} occurs {source.count(old)} times"
    return source.replace(old, new)


# ----------------------------------------------------------------------------- ex1 next token
_NEXT = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    outputs = model(input_ids=input_ids)
    return outputs.logits[:, -1, :]


def token_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities at `temperature` (0 = greedy: one-hot at the argmax)."""
    if temperature == 0:
        best = logits.argmax(dim=-1)
        return F.one_hot(best, num_classes=logits.shape[-1]).to(logits.dtype)
    return F.softmax(logits / temperature, dim=-1)
'''

_NEXT_SCATTER = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    logits = model(input_ids).logits
    return logits.narrow(1, logits.shape[1] - 1, 1).squeeze(1)


def token_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities at `temperature` (0 = greedy: one-hot at the argmax)."""
    if temperature == 0.0:
        one_hot = torch.zeros_like(logits)
        one_hot.scatter_(-1, torch.argmax(logits, dim=-1, keepdim=True), 1.0)
        return one_hot
    return torch.log_softmax(logits / temperature, dim=-1).exp()
'''

# ----------------------------------------------------------------------------- ex2 top-k / top-p
_FILTERS = '''
def top_k_probs(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep the k largest probabilities of each row, zero the rest, renormalise."""
    top = torch.topk(probs, k, dim=-1)
    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)
    return kept / kept.sum(dim=-1, keepdim=True)


def top_p_probs(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose total reaches p, renormalise."""
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    sorted_kept = sorted_probs * (before < p)
    kept = torch.zeros_like(probs).scatter(-1, order, sorted_kept)
    return kept / kept.sum(dim=-1, keepdim=True)
'''

_FILTERS_MASK = '''
def top_k_probs(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep the k largest probabilities of each row, zero the rest, renormalise."""
    idx = probs.topk(k, dim=-1).indices
    kept = torch.zeros_like(probs)
    kept.scatter_(-1, idx, probs.gather(-1, idx))
    return kept / kept.sum(-1, keepdim=True)


def top_p_probs(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose total reaches p, renormalise."""
    values, order = probs.sort(-1, descending=True)
    exclusive = torch.cat([torch.zeros_like(values[..., :1]), values.cumsum(-1)[..., :-1]], dim=-1)
    keep_sorted = exclusive < p
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    kept = torch.where(keep, probs, torch.zeros_like(probs))
    return kept / kept.sum(-1, keepdim=True)
'''

# ----------------------------------------------------------------------------- ex3 generate
_GEN = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    ids = input_ids
    past = None
    feed = input_ids
    for _ in range(max_new_tokens):
        outputs = model(input_ids=feed, past_key_values=past, use_cache=True)
        past = outputs.past_key_values
        token = pick(outputs.logits[:, -1, :]).reshape(1, 1)
        ids = torch.cat([ids, token.to(ids.dtype)], dim=1)
        if eos_id is not None and token.item() == eos_id:
            break
        feed = token
    return ids
'''

_GEN_STEPS = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    ids = input_ids.clone()
    cache = None
    for step in range(max_new_tokens):
        if step == 0:
            out = model(input_ids=ids, past_key_values=None, use_cache=True)
        else:
            out = model(input_ids=ids[:, -1:], past_key_values=cache, use_cache=True)
        cache = out.past_key_values
        new = pick(out.logits[:, -1, :])
        ids = torch.cat((ids, new.view(1, 1).long()), dim=-1)
        if eos_id is not None and int(new.view(-1)[0]) == eos_id:
            break
    return ids
'''

# ----------------------------------------------------------------------------- ex4 LoRA layer
_LORA = '''
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
        result = self.base(x)
        if self.merged:
            return result
        update = self.dropout(x) @ self.lora_A.T @ self.lora_B.T
        return result + self.scale * update
'''

_LORA_LINEAR = '''
class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0, dropout: float = 0.0):
        super().__init__()
        base.weight.requires_grad_(False)
        if base.bias is not None:
            base.bias.requires_grad_(False)
        self.base = base
        self.r = r
        self.alpha = alpha
        a = torch.empty(r, base.in_features, dtype=base.weight.dtype, device=base.weight.device)
        torch.nn.init.kaiming_uniform_(a, a=math.sqrt(5))
        self.register_parameter("lora_A", nn.Parameter(a))
        self.register_parameter("lora_B", nn.Parameter(base.weight.new_zeros(base.out_features, r)))
        self.scale = self.alpha / self.r
        self.drop = nn.Dropout(p=dropout)
        self.merged = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (..., d_in) -> (..., d_out)
        if self.merged:
            return self.base(x)
        low_rank = F.linear(F.linear(self.drop(x), self.lora_A), self.lora_B)
        return self.base(x) + low_rank * self.scale
'''

# ----------------------------------------------------------------------------- ex5 merge
_MERGE = '''
@torch.no_grad()
def merge(layer: nn.Module) -> nn.Module:
    """W <- W + scale * B @ A, once; forward then skips the LoRA branch."""
    if not layer.merged:
        layer.base.weight += layer.scale * (layer.lora_B @ layer.lora_A)
        layer.merged = True
    return layer


@torch.no_grad()
def unmerge(layer: nn.Module) -> nn.Module:
    """Undo merge: W <- W - scale * B @ A, once."""
    if layer.merged:
        layer.base.weight -= layer.scale * (layer.lora_B @ layer.lora_A)
        layer.merged = False
    return layer
'''

_MERGE_ADDMM = '''
@torch.no_grad()
def merge(layer: nn.Module) -> nn.Module:
    """W <- W + scale * B @ A, once; forward then skips the LoRA branch."""
    if layer.merged:
        return layer
    w = layer.base.weight
    w.copy_(torch.addmm(w, layer.lora_B.to(w.dtype), layer.lora_A.to(w.dtype), alpha=layer.scale))
    layer.merged = True
    return layer


@torch.no_grad()
def unmerge(layer: nn.Module) -> nn.Module:
    """Undo merge: W <- W - scale * B @ A, once."""
    if not layer.merged:
        return layer
    w = layer.base.weight
    w.copy_(torch.addmm(w, layer.lora_B.to(w.dtype), layer.lora_A.to(w.dtype), alpha=-layer.scale))
    layer.merged = False
    return layer
'''

# ----------------------------------------------------------------------------- ex6 inject
_INJECT = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, then wrap every nn.Linear named in `targets` with make_lora(linear)."""
    for p in model.parameters():
        p.requires_grad_(False)
    for _, parent in list(model.named_modules()):
        for child_name, child in list(parent.named_children()):
            if child_name in targets and isinstance(child, nn.Linear):
                setattr(parent, child_name, make_lora(child))
    return model


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(number of trainable parameters, number of all parameters)."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return trainable, total
'''

_INJECT_RECURSIVE = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, then wrap every nn.Linear named in `targets` with make_lora(linear)."""
    model.requires_grad_(False)

    def visit(module):
        for name, child in list(module.named_children()):
            if isinstance(child, nn.Linear) and name in targets:
                setattr(module, name, make_lora(child))
            else:
                visit(child)

    visit(model)
    return model


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(number of trainable parameters, number of all parameters)."""
    sizes = [(p.numel(), p.requires_grad) for p in model.parameters()]
    return sum(n for n, grad in sizes if grad), sum(n for n, _ in sizes)
'''

# ----------------------------------------------------------------------------- ex7 examples
_EXAMPLES = '''
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
    attention_mask = torch.zeros((len(examples), width), dtype=torch.long)
    for row, e in enumerate(examples):
        n = len(e["input_ids"])
        input_ids[row, :n] = torch.tensor(e["input_ids"], dtype=torch.long)
        labels[row, :n] = torch.tensor(e["labels"], dtype=torch.long)
        attention_mask[row, :n] = 1
    return {"input_ids": input_ids, "labels": labels, "attention_mask": attention_mask}
'''

_EXAMPLES_FPAD = '''
def tokenize_pair(tokenizer, instruction: str, response: str) -> dict:
    """{'input_ids': prompt + answer token ids, 'labels': -100 over the prompt, the ids elsewhere}."""
    prompt_ids = tokenizer(chat_prompt(tokenizer, instruction), add_special_tokens=False)["input_ids"]
    answer_ids = tokenizer(response + tokenizer.eos_token, add_special_tokens=False)["input_ids"]
    input_ids = [*prompt_ids, *answer_ids]
    labels = [-100 for _ in prompt_ids] + [i for i in answer_ids]
    return {"input_ids": input_ids, "labels": labels}


def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    width = max(len(e["input_ids"]) for e in examples)
    ids, labs, masks = [], [], []
    for e in examples:
        gap = width - len(e["input_ids"])
        ids.append(F.pad(torch.tensor(e["input_ids"], dtype=torch.long), (0, gap), value=pad_id))
        labs.append(F.pad(torch.tensor(e["labels"], dtype=torch.long), (0, gap), value=-100))
        masks.append(F.pad(torch.ones(len(e["input_ids"]), dtype=torch.long), (0, gap), value=0))
    return {"input_ids": torch.stack(ids), "labels": torch.stack(labs), "attention_mask": torch.stack(masks)}
'''

# ----------------------------------------------------------------------------- ex8 loss
_LOSS = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    shift_logits = logits[:, :-1, :]
    shift_labels = labels[:, 1:]
    vocab = shift_logits.shape[-1]
    return F.cross_entropy(shift_logits.reshape(-1, vocab), shift_labels.reshape(-1), ignore_index=-100)
'''

_LOSS_CHANNELS = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    # (B, V, T-1) against (B, T-1): cross_entropy's "classes second" form; -100 is its default ignore_index
    return F.cross_entropy(logits[:, :-1].transpose(1, 2), labels[:, 1:])
'''

# ----------------------------------------------------------------------------- ex9 training loop
_TRAIN = '''
def train_lora(model: nn.Module, batches: list[dict], optimizer: torch.optim.Optimizer, loss_fn,
               accum_steps: int, device, on_step=None) -> list[float]:
    """Gradient-accumulation training; returns the mean micro-batch loss of every optimizer step."""
    n_steps = len(batches) // accum_steps
    model.train()
    history = []
    bar = progress(range(n_steps), desc="LoRA fine-tuning")
    for step in bar:
        optimizer.zero_grad()
        micro = []
        for batch in batches[step * accum_steps:(step + 1) * accum_steps]:
            input_ids = batch["input_ids"].to(device)
            attention_mask = batch["attention_mask"].to(device)
            labels = batch["labels"].to(device)
            with autocast(device):
                outputs = model(input_ids=input_ids, attention_mask=attention_mask)
            loss = loss_fn(outputs.logits.float(), labels)
            (loss / accum_steps).backward()
            micro.append(loss.item())
        optimizer.step()
        step_loss = sum(micro) / len(micro)
        history.append(step_loss)
        bar.set_postfix(loss=f"{step_loss:.3f}")
        if on_step is not None:
            on_step(step, step_loss)
    model.eval()
    return history
'''

_TRAIN_FLAT = '''
def train_lora(model: nn.Module, batches: list[dict], optimizer: torch.optim.Optimizer, loss_fn,
               accum_steps: int, device, on_step=None) -> list[float]:
    """Gradient-accumulation training; returns the mean micro-batch loss of every optimizer step."""
    n_steps = len(batches) // accum_steps
    model.train()
    optimizer.zero_grad(set_to_none=True)
    history, window = [], 0.0
    bar = progress(total=n_steps, desc="fine-tuning")
    for i, batch in enumerate(batches[:n_steps * accum_steps]):
        batch = {key: value.to(device) for key, value in batch.items()}
        with autocast(device):
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        loss = loss_fn(logits.float(), batch["labels"])
        loss.div(accum_steps).backward()
        window += float(loss.detach())
        if (i + 1) % accum_steps == 0:
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            history.append(window / accum_steps)
            window = 0.0
            bar.update(1)
            bar.set_postfix(loss=f"{history[-1]:.3f}")
            if on_step is not None:
                on_step(len(history) - 1, history[-1])
    bar.close()
    model.eval()
    return history
'''

# ----------------------------------------------------------------------------- ex10 perplexity
_PPL = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    total_nll, total_count = 0.0, 0
    for batch in batches:
        input_ids = batch["input_ids"].to(device)
        attention_mask = batch["attention_mask"].to(device)
        targets = batch["labels"].to(device)[:, 1:]
        logits = model(input_ids=input_ids, attention_mask=attention_mask).logits[:, :-1, :].float()
        total_nll += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                                     ignore_index=-100, reduction="sum").item()
        total_count += int((targets != -100).sum())
    return math.exp(total_nll / total_count)
'''

_PPL_LSE = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    nll = torch.zeros((), dtype=torch.float64)
    tokens = 0
    for batch in batches:
        out = model(input_ids=batch["input_ids"].to(device), attention_mask=batch["attention_mask"].to(device))
        z = out.logits[:, :-1].double()
        y = batch["labels"].to(device)[:, 1:]
        valid = y != -100
        picked = z.gather(-1, y.clamp(min=0).unsqueeze(-1)).squeeze(-1)
        per_token = torch.logsumexp(z, dim=-1) - picked
        nll += per_token[valid].sum().cpu()
        tokens += int(valid.sum())
    return math.exp(nll.item() / tokens)
'''

CORRECT = {
    "ex1_next_token": [("logits[:, -1, :], F.one_hot, F.softmax", _NEXT),
                       ("narrow the time axis, scatter one-hot, exp(log_softmax)", _NEXT_SCATTER)],
    "ex2_top_k_top_p": [("topk + scatter, sort + cumsum - self + scatter", _FILTERS),
                        ("gather/scatter_ top-k, exclusive cumsum by cat, boolean mask scattered back", _FILTERS_MASK)],
    "ex3_generate": [("for loop, past and feed kept apart", _GEN),
                     ("step 0 feeds the prompt, later steps ids[:, -1:] with the cache", _GEN_STEPS)],
    "ex4_lora_layer": [("nn.Dropout, x @ A.T @ B.T", _LORA),
                       ("register_parameter, F.linear twice, weight's dtype and device", _LORA_LINEAR)],
    "ex5_merge": [("+= / -= under a guard", _MERGE), ("torch.addmm with alpha = +-scale, copy_, early returns", _MERGE_ADDMM)],
    "ex6_inject": [("named_modules + named_children", _INJECT),
                   ("a recursive walk over named_children; counts from one list", _INJECT_RECURSIVE)],
    "ex7_examples": [("torch.full then copy each row", _EXAMPLES), ("F.pad of each example, torch.stack", _EXAMPLES_FPAD)],
    "ex8_loss": [("flatten, F.cross_entropy(ignore_index=-100)", _LOSS),
                 ("(B, V, T-1) form of cross_entropy, default ignore_index", _LOSS_CHANNELS)],
    "ex9_train": [("slices of micro-batches, progress over steps", _TRAIN),
                  ("one flat loop over micro-batches, a manual progress bar", _TRAIN_FLAT)],
    "ex10_perplexity": [("summed cross-entropy, token count", _PPL),
                        ("logsumexp - picked logit in float64, boolean mask", _PPL_LSE)],
}

MUTANTS = {
    "ex1_next_token": [
        ("token_probs returns log-probabilities (log_softmax)",
         _sub(_NEXT, "F.softmax(logits / temperature, dim=-1)", "F.log_softmax(logits / temperature, dim=-1)")),
        ("next_token_logits keeps the time axis: logits[:, -1:, :] is (B, 1, V)",
         _sub(_NEXT, "outputs.logits[:, -1, :]", "outputs.logits[:, -1:, :]")),
        ("softmax by hand without the max shift: exp(z / T) overflows",
         _sub(_NEXT, "    return F.softmax(logits / temperature, dim=-1)\n",
              "    e = torch.exp(logits / temperature)\n    return e / e.sum(dim=-1, keepdim=True)\n")),
        ("temperature 0 returns the argmax token ids, not a one-hot row",
         _sub(_NEXT, "        return F.one_hot(best, num_classes=logits.shape[-1]).to(logits.dtype)\n", "        return best\n")),
    ],
    "ex2_top_k_top_p": [
        ("top-k keeps probs strictly above the k-th largest: k - 1 tokens survive",
         _sub(_FILTERS, "    top = torch.topk(probs, k, dim=-1)\n    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)\n",
              "    kth = torch.topk(probs, k, dim=-1).values[..., -1:]\n    kept = probs * (probs > kth)\n")),
        ("top-p sorts ascending (descending=True forgotten)",
         _sub(_FILTERS, "torch.sort(probs, dim=-1, descending=True)", "torch.sort(probs, dim=-1)")),
        ("top-p divides by p instead of by the kept mass",
         _sub(_FILTERS, "    kept = torch.zeros_like(probs).scatter(-1, order, sorted_kept)\n    return kept / kept.sum(dim=-1, keepdim=True)\n",
              "    kept = torch.zeros_like(probs).scatter(-1, order, sorted_kept)\n    return kept / p\n")),
        ("top-p returns the kept probabilities in sorted order (never put back)",
         _sub(_FILTERS, "    kept = torch.zeros_like(probs).scatter(-1, order, sorted_kept)\n",
              "    kept = sorted_kept\n")),
    ],
    "ex3_generate": [
        ("pick is given softmax probabilities instead of the logits",
         _sub(_GEN, "pick(outputs.logits[:, -1, :])", "pick(torch.softmax(outputs.logits[:, -1, :], dim=-1))")),
        ("one token too few: range(max_new_tokens - 1)",
         _sub(_GEN, "for _ in range(max_new_tokens):", "for _ in range(max_new_tokens - 1):")),
        ("stops when eos_id is anywhere in the sequence (a prompt holding eos stops at once)",
         _sub(_GEN, "if eos_id is not None and token.item() == eos_id:", "if eos_id is not None and (ids == eos_id).any():")),
        ("returns ids[0]: the batch dimension dropped", _sub(_GEN, "    return ids\n", "    return ids[0]\n")),
    ],
    "ex4_lora_layer": [
        ("A stored as (d_in, r) and B as (r, d_out): x @ A @ B",
         _sub(_sub(_sub(_LORA, "torch.empty(r, base.in_features)", "torch.empty(base.in_features, r)"),
                   "torch.zeros(base.out_features, r)", "torch.zeros(r, base.out_features)"),
              "self.dropout(x) @ self.lora_A.T @ self.lora_B.T", "self.dropout(x) @ self.lora_A @ self.lora_B")),
        ("A drawn from a Gaussian N(0, 1/r) (peft's 'gaussian' option) instead of kaiming_uniform_",
         _sub(_LORA, "nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))", "nn.init.normal_(self.lora_A, std=1 / r)")),
        ("dropout made but never applied (x goes straight into the branch)",
         _sub(_LORA, "update = self.dropout(x) @ self.lora_A.T", "update = x @ self.lora_A.T")),
        ("lora_A / lora_B plain tensors with requires_grad, not registered parameters",
         _sub(_sub(_sub(_LORA, "self.lora_A = nn.Parameter(torch.empty(r, base.in_features))",
                        "self.lora_A = torch.empty(r, base.in_features, requires_grad=True)"),
                   "nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))",
                   "with torch.no_grad():\n            nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))"),
              "self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))",
              "self.lora_B = torch.zeros(base.out_features, r, requires_grad=True)")),
    ],
    "ex5_merge": [
        ("unmerge zeroes lora_B instead of subtracting the update from W",
         _sub(_MERGE, "        layer.base.weight -= layer.scale * (layer.lora_B @ layer.lora_A)\n",
              "        layer.lora_B.zero_()\n")),
        ("merge switches the branch off by scale = 0 instead of merged = True",
         _sub(_MERGE, "        layer.merged = True\n", "        layer.scale = 0.0\n")),
        ("merge's guard inverted (if layer.merged)", _sub(_MERGE, "    if not layer.merged:\n", "    if layer.merged:\n")),
        ("merge deletes lora_A / lora_B to save memory (nothing left to unmerge)",
         _sub(_MERGE, "        layer.merged = True\n", "        layer.merged = True\n        del layer.lora_A, layer.lora_B\n")),
    ],
    "ex6_inject": [
        ("looks at the model's direct children only (no recursion into the layers)",
         _sub(_INJECT, "    for _, parent in list(model.named_modules()):\n        for child_name, child in list(parent.named_children()):\n"
                       "            if child_name in targets and isinstance(child, nn.Linear):\n"
                       "                setattr(parent, child_name, make_lora(child))\n",
              "    for child_name, child in list(model.named_children()):\n"
              "        if child_name in targets and isinstance(child, nn.Linear):\n"
              "            setattr(model, child_name, make_lora(child))\n")),
        ("returns right after the first replacement",
         _sub(_INJECT, "                setattr(parent, child_name, make_lora(child))\n",
              "                setattr(parent, child_name, make_lora(child))\n                return model\n")),
        ("freezes only parameters named 'weight' (biases stay trainable)",
         _sub(_INJECT, "    for p in model.parameters():\n        p.requires_grad_(False)\n",
              "    for name, p in model.named_parameters():\n        if name.endswith(\"weight\"):\n"
              "            p.requires_grad_(False)\n")),
        ("trainable = parameters whose name contains 'lora' (not requires_grad)",
         _sub(_INJECT, "sum(p.numel() for p in model.parameters() if p.requires_grad)",
              "sum(p.numel() for n, p in model.named_parameters() if \"lora\" in n)")),
    ],
    "ex7_examples": [
        ("collate makes int32 tensors", _EXAMPLES.replace("dtype=torch.long", "dtype=torch.int32")),
        ("attention mask from labels != -100 (the prompt is hidden from attention)",
         _sub(_EXAMPLES, "        attention_mask[row, :n] = 1\n",
              "        attention_mask[row, :n] = (torch.tensor(e[\"labels\"]) != -100).long()\n")),
        ("tokenize_pair returns tensors (return_tensors='pt'), not lists", '''
def tokenize_pair(tokenizer, instruction: str, response: str) -> dict:
    """{'input_ids': prompt + answer token ids, 'labels': -100 over the prompt, the ids elsewhere}."""
    prompt = tokenizer(chat_prompt(tokenizer, instruction), add_special_tokens=False, return_tensors="pt").input_ids[0]
    answer = tokenizer(response + tokenizer.eos_token, add_special_tokens=False, return_tensors="pt").input_ids[0]
    return {"input_ids": torch.cat([prompt, answer]), "labels": torch.cat([torch.full_like(prompt, -100), answer])}
''' + _EXAMPLES[_EXAMPLES.index("\n\ndef collate"):]),
        ("the prompt's last token ('\\n' after assistant) is left unmasked",
         _sub(_EXAMPLES, '"labels": [-100] * len(prompt) + list(answer)', '"labels": [-100] * (len(prompt) - 1) + list(prompt[-1:]) + list(answer)')),
    ],
    "ex8_loss": [
        ("flattens with .view (the shifted slice is not contiguous)",
         _sub(_LOSS, "shift_logits.reshape(-1, vocab), shift_labels.reshape(-1)", "shift_logits.view(-1, vocab), shift_labels.view(-1)")),
        ("3-D logits passed to cross_entropy without flattening (the time axis read as classes)",
         _sub(_LOSS, "F.cross_entropy(shift_logits.reshape(-1, vocab), shift_labels.reshape(-1), ignore_index=-100)",
              "F.cross_entropy(shift_logits, shift_labels, ignore_index=-100)")),
        ("log-softmax over the time axis (dim=1) instead of the vocabulary",
         _sub(_LOSS, "    return F.cross_entropy(shift_logits.reshape(-1, vocab), shift_labels.reshape(-1), ignore_index=-100)\n",
              "    log_p = torch.log_softmax(shift_logits, dim=1)\n"
              "    return F.nll_loss(log_p.reshape(-1, vocab), shift_labels.reshape(-1), ignore_index=-100)\n")),
        ("reduction='none': one loss per position instead of a scalar",
         _sub(_LOSS, "ignore_index=-100)", "ignore_index=-100, reduction=\"none\")")),
    ],
    "ex9_train": [
        ("micro-batches sliced batches[step:step + accum_steps]: the windows overlap",
         _sub(_TRAIN, "batches[step * accum_steps:(step + 1) * accum_steps]", "batches[step:step + accum_steps]")),
        ("zero_grad just before optimizer.step(): every step is taken on zero gradients",
         _sub(_sub(_TRAIN, "        optimizer.zero_grad()\n        micro = []\n", "        micro = []\n"),
              "        optimizer.step()\n", "        optimizer.zero_grad()\n        optimizer.step()\n")),
        ("model.eval() inside the step loop: every step after the first runs in eval mode",
         _sub(_TRAIN, "            on_step(step, step_loss)\n    model.eval()\n", "            on_step(step, step_loss)\n        model.eval()\n")),
        ("on_step gets the index of the last micro-batch, not the step",
         _sub(_TRAIN_FLAT, "on_step(len(history) - 1, history[-1])", "on_step(i, history[-1])")),
    ],
    "ex10_perplexity": [
        ("log(softmax + 1e-9) instead of log_softmax (confident mistakes capped)",
         _sub(_PPL, '''        total_nll += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                                     ignore_index=-100, reduction="sum").item()''',
              '''        log_p = torch.log(torch.softmax(logits, dim=-1) + 1e-9)
        total_nll += F.nll_loss(log_p.reshape(-1, log_p.shape[-1]), targets.reshape(-1),
                                ignore_index=-100, reduction="sum").item()''')),
        ("returns the mean NLL (the exp forgotten)", _sub(_PPL, "return math.exp(total_nll / total_count)", "return total_nll / total_count")),
        ("mean of the per-token exp(nll) instead of exp of the mean", '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    per_token = []
    for batch in batches:
        targets = batch["labels"].to(device)[:, 1:]
        logits = model(input_ids=batch["input_ids"].to(device), attention_mask=batch["attention_mask"].to(device)).logits[:, :-1].float()
        nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-100, reduction="none")
        per_token += nll[targets.reshape(-1) != -100].exp().tolist()
    return sum(per_token) / len(per_token)
'''),  # noqa: E501 (student code, kept as typed)
        ("batch means weighted by the number of sequences, not of tokens", '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    total, rows = 0.0, 0
    for batch in batches:
        targets = batch["labels"].to(device)[:, 1:]
        logits = model(input_ids=batch["input_ids"].to(device), attention_mask=batch["attention_mask"].to(device)).logits[:, :-1].float()
        mean_nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-100).item()
        total += mean_nll * len(targets)
        rows += len(targets)
    return math.exp(total / rows)
'''),  # noqa: E501 (student code, kept as typed)
    ],
}

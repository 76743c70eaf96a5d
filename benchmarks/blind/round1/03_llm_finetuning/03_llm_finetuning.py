"""Blind round, lab 03 (LLM fine-tuning with LoRA): wrong answers and right answers in other
styles, written from the student notebook only (no hidden checks seen).

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""


def _sub(source: str, old: str, new: str) -> str:
    assert source.count(old) == 1, f"{old!r} occurs {source.count(old)} times"
    return source.replace(old, new)


_NEXT = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    return model(input_ids=input_ids).logits[:, -1, :]


def token_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities at `temperature` (0 = greedy: one-hot at the argmax)."""
    if temperature == 0:
        return F.one_hot(logits.argmax(dim=-1), num_classes=logits.shape[-1]).to(logits.dtype)
    return torch.softmax(logits / temperature, dim=-1)
'''

_NEXT_MANUAL = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    out = model(input_ids)
    return out.logits.select(1, out.logits.shape[1] - 1)


def token_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities at `temperature` (0 = greedy: one-hot at the argmax)."""
    if temperature == 0:
        best = logits.argmax(dim=-1, keepdim=True)
        vocab = torch.arange(logits.shape[-1], device=logits.device)
        return (vocab == best).to(logits.dtype)
    z = logits.double() / temperature
    z = z - z.max(dim=-1, keepdim=True).values
    e = z.exp()
    return (e / e.sum(dim=-1, keepdim=True)).to(logits.dtype)
'''

_FILTERS = '''
def top_k_probs(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep the k largest probabilities of each row, zero the rest, renormalise."""
    values, indices = torch.topk(probs, k, dim=-1)
    out = torch.zeros_like(probs).scatter(-1, indices, values)
    return out / out.sum(dim=-1, keepdim=True)


def top_p_probs(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose total reaches p, renormalise."""
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    mass_before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    kept_sorted = torch.where(mass_before < p, sorted_probs, torch.zeros_like(sorted_probs))
    kept = torch.zeros_like(probs).scatter(-1, order, kept_sorted)
    return kept / kept.sum(dim=-1, keepdim=True)
'''

_FILTERS_MASKS = '''
def top_k_probs(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep the k largest probabilities of each row, zero the rest, renormalise."""
    keep = torch.zeros_like(probs, dtype=torch.bool)
    keep.scatter_(-1, probs.topk(k, dim=-1).indices, True)
    kept = probs.masked_fill(~keep, 0.0)
    return kept / kept.sum(-1, keepdim=True)


def top_p_probs(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose total reaches p, renormalise."""
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    before = F.pad(sorted_probs.cumsum(-1)[..., :-1], (1, 0))    # exclusive cumulative sum
    keep = (before < p).gather(-1, order.argsort(dim=-1))          # back to vocabulary order
    kept = probs * keep
    return kept / kept.sum(-1, keepdim=True)
'''

_GEN = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick, eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    ids = input_ids
    past = None
    feed = input_ids
    for _ in range(max_new_tokens):
        out = model(input_ids=feed, past_key_values=past, use_cache=True)
        past = out.past_key_values
        token = pick(out.logits[:, -1, :]).reshape(1, 1).to(ids.device)
        ids = torch.cat([ids, token], dim=1)
        if eos_id is not None and int(token) == eos_id:
            break
        feed = token
    return ids
'''  # noqa: E501 (student code, kept as typed)

_GEN_LIST = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick, eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    if max_new_tokens <= 0:
        return input_ids.clone()
    outputs = model(input_ids=input_ids, use_cache=True)
    new_tokens = []
    while True:
        token = int(pick(outputs.logits[:, -1, :]).reshape(-1)[0])
        new_tokens.append(token)
        if token == eos_id or len(new_tokens) == max_new_tokens:
            break
        step_ids = torch.tensor([[token]], dtype=input_ids.dtype, device=input_ids.device)
        outputs = model(input_ids=step_ids, past_key_values=outputs.past_key_values, use_cache=True)
    tail = torch.tensor([new_tokens], dtype=input_ids.dtype, device=input_ids.device)
    return torch.cat([input_ids, tail], dim=1)
'''  # noqa: E501 (student code, kept as typed)

_LORA = '''
class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0, dropout: float = 0.0):
        super().__init__()
        self.base = base
        for p in self.base.parameters():
            p.requires_grad_(False)
        self.r = r
        self.alpha = alpha
        self.scale = alpha / r
        w = base.weight
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features, device=w.device, dtype=w.dtype))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r, device=w.device, dtype=w.dtype))
        self.dropout = nn.Dropout(dropout)
        self.merged = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (..., d_in) -> (..., d_out)
        out = self.base(x)
        if self.merged:
            return out
        return out + (self.dropout(x) @ self.lora_A.t() @ self.lora_B.t()) * self.scale
'''

_LORA_DELTA = '''
class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0, dropout: float = 0.0):
        super().__init__()
        base.requires_grad_(False)
        self.base, self.r, self.alpha, self.p = base, r, alpha, dropout
        w = base.weight
        self.lora_A = nn.Parameter(nn.init.kaiming_uniform_(w.new_empty(r, base.in_features), a=math.sqrt(5)))
        self.lora_B = nn.Parameter(w.new_zeros(base.out_features, r))
        self.scale = alpha / r
        self.merged = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (..., d_in) -> (..., d_out)
        y = self.base(x)
        if not self.merged:
            h = F.dropout(x, p=self.p, training=self.training)
            y = y + h @ (self.scale * (self.lora_B @ self.lora_A)).T
        return y
'''

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

_MERGE_EINSUM = '''
def _lora_delta(layer):
    return torch.einsum("or,ri->oi", layer.lora_B, layer.lora_A).mul(layer.scale).to(layer.base.weight.dtype)


@torch.no_grad()
def merge(layer: nn.Module) -> nn.Module:
    """W <- W + scale * B @ A, once; forward then skips the LoRA branch."""
    if layer.merged:
        return layer
    layer.base.weight.add_(_lora_delta(layer))
    layer.merged = True
    return layer


@torch.no_grad()
def unmerge(layer: nn.Module) -> nn.Module:
    """Undo merge: W <- W - scale * B @ A, once."""
    if not layer.merged:
        return layer
    layer.base.weight.sub_(_lora_delta(layer))
    layer.merged = False
    return layer
'''

_INJECT = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, then wrap every nn.Linear named in `targets` with make_lora(linear)."""
    for p in model.parameters():
        p.requires_grad_(False)
    for _, module in list(model.named_modules()):
        for child_name, child in list(module.named_children()):
            if child_name in targets and isinstance(child, nn.Linear):
                setattr(module, child_name, make_lora(child))
    return model


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(number of trainable parameters, number of all parameters)."""
    params = list(model.parameters())
    return sum(p.numel() for p in params if p.requires_grad), sum(p.numel() for p in params)
'''

_INJECT_COLLECT = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, then wrap every nn.Linear named in `targets` with make_lora(linear)."""
    model.requires_grad_(False)
    found = [(parent, name) for _, parent in model.named_modules()
             for name, child in parent.named_children() if name in targets and isinstance(child, nn.Linear)]
    for parent, name in found:                  # replace only after the walk is over
        setattr(parent, name, make_lora(getattr(parent, name)))
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

_EXAMPLES = '''
def tokenize_pair(tokenizer, instruction: str, response: str) -> dict:
    """{'input_ids': prompt + answer token ids, 'labels': -100 over the prompt, the ids elsewhere}."""
    prompt_ids = tokenizer(chat_prompt(tokenizer, instruction), add_special_tokens=False).input_ids
    answer_ids = tokenizer(response + tokenizer.eos_token, add_special_tokens=False).input_ids
    return {"input_ids": list(prompt_ids) + list(answer_ids), "labels": [-100] * len(prompt_ids) + list(answer_ids)}


def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    longest = max(len(e["input_ids"]) for e in examples)
    n = len(examples)
    input_ids = torch.full((n, longest), pad_id, dtype=torch.long)
    labels = torch.full((n, longest), -100, dtype=torch.long)
    attention_mask = torch.zeros((n, longest), dtype=torch.long)
    for i, e in enumerate(examples):
        length = len(e["input_ids"])
        input_ids[i, :length] = torch.tensor(e["input_ids"], dtype=torch.long)
        labels[i, :length] = torch.tensor(e["labels"], dtype=torch.long)
        attention_mask[i, :length] = 1
    return {"input_ids": input_ids, "labels": labels, "attention_mask": attention_mask}
'''

_EXAMPLES_PADSEQ = '''
from torch.nn.utils.rnn import pad_sequence


def tokenize_pair(tokenizer, instruction: str, response: str) -> dict:
    """{'input_ids': prompt + answer token ids, 'labels': -100 over the prompt, the ids elsewhere}."""
    prompt = tokenizer.encode(chat_prompt(tokenizer, instruction), add_special_tokens=False)
    answer = tokenizer.encode(response + tokenizer.eos_token, add_special_tokens=False)
    return dict(input_ids=prompt + answer, labels=[-100] * len(prompt) + answer)


def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    ids = [torch.tensor(e["input_ids"], dtype=torch.long) for e in examples]
    labels = [torch.tensor(e["labels"], dtype=torch.long) for e in examples]
    lengths = torch.tensor([len(i) for i in ids])
    input_ids = pad_sequence(ids, batch_first=True, padding_value=pad_id)
    padded_labels = pad_sequence(labels, batch_first=True, padding_value=-100)
    mask = (torch.arange(input_ids.shape[1])[None, :] < lengths[:, None]).long()
    return {"input_ids": input_ids, "labels": padded_labels, "attention_mask": mask}
'''

_LOSS = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    shift_logits = logits[:, :-1, :]
    shift_labels = labels[:, 1:]
    return F.cross_entropy(shift_logits.reshape(-1, shift_logits.size(-1)), shift_labels.reshape(-1), ignore_index=-100)
'''

_LOSS_LSE = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    z = logits[:, :-1]
    target = labels[:, 1:]
    valid = target.ne(-100)
    safe = torch.where(valid, target, torch.zeros_like(target))
    nll = torch.logsumexp(z, dim=-1) - z.gather(-1, safe.unsqueeze(-1)).squeeze(-1)
    return nll[valid].mean()
'''

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
        micro_losses = []
        for i, batch in enumerate(batches[step * accum_steps:(step + 1) * accum_steps]):
            input_ids = batch["input_ids"].to(device)
            attention_mask = batch["attention_mask"].to(device)
            labels = batch["labels"].to(device)
            with autocast(device):
                outputs = model(input_ids=input_ids, attention_mask=attention_mask)
            loss = loss_fn(outputs.logits.float(), labels)
            (loss / accum_steps).backward()
            micro_losses.append(loss.item())
        optimizer.step()
        step_loss = sum(micro_losses) / len(micro_losses)
        history.append(step_loss)
        bar.set_postfix(loss=f"{step_loss:.3f}")
        if on_step is not None:
            on_step(step, step_loss)
    model.eval()
    return history
'''

_TRAIN_MANUAL_BAR = '''
def train_lora(model: nn.Module, batches: list[dict], optimizer: torch.optim.Optimizer, loss_fn,
               accum_steps: int, device, on_step=None) -> list[float]:
    """Gradient-accumulation training; returns the mean micro-batch loss of every optimizer step."""
    n_steps = len(batches) // accum_steps
    groups = [batches[s * accum_steps:(s + 1) * accum_steps] for s in range(n_steps)]
    model.train()
    history = []
    with progress(total=n_steps, desc="fine-tuning") as bar:
        for step, group in enumerate(groups):
            optimizer.zero_grad(set_to_none=True)
            total = 0.0
            for batch in group:
                batch = {k: v.to(device) for k, v in batch.items()}
                with autocast(device):
                    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
                loss = loss_fn(logits.float(), batch["labels"])
                loss.div(accum_steps).backward()
                total += float(loss.detach())
            optimizer.step()
            mean_loss = total / accum_steps
            history.append(mean_loss)
            bar.set_postfix(loss=f"{mean_loss:.3f}")
            bar.update(1)
            if on_step is not None:
                on_step(step, mean_loss)
    model.eval()
    return history
'''

_PPL = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    total_nll = 0.0
    total_count = 0
    for batch in batches:
        input_ids = batch["input_ids"].to(device)
        attention_mask = batch["attention_mask"].to(device)
        labels = batch["labels"].to(device)
        logits = model(input_ids=input_ids, attention_mask=attention_mask).logits[:, :-1, :].float()
        targets = labels[:, 1:]
        total_nll += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                                     ignore_index=-100, reduction="sum").item()
        total_count += int((targets != -100).sum())
    return math.exp(total_nll / total_count)
'''

_PPL_MEAN_TIMES_COUNT = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    nll = torch.zeros((), dtype=torch.float64)
    count = 0
    for batch in batches:
        b = {k: v.to(device) for k, v in batch.items()}
        logits = model(input_ids=b["input_ids"], attention_mask=b["attention_mask"]).logits[:, :-1].float()
        targets = b["labels"][:, 1:]
        n = int(targets.ne(-100).sum())
        if n == 0:
            continue
        mean = F.cross_entropy(logits.transpose(1, 2), targets, ignore_index=-100)   # (B, V, T-1) form
        nll += mean.double().cpu() * n
        count += n
    return float(torch.exp(nll / count))
'''

CORRECT = {
    "ex1_next_token": [("logits[:, -1], one_hot, softmax", _NEXT),
                       ("select the last position; arange == argmax one-hot; softmax by hand in float64",
                        _NEXT_MANUAL)],
    "ex2_top_k_top_p": [("topk + scatter, sort + cumsum - self + scatter", _FILTERS),
                        ("boolean masks, exclusive cumsum by F.pad, inverse permutation by argsort", _FILTERS_MASKS)],
    "ex3_generate": [("for loop, one model call per new token", _GEN),
                     ("while loop over Python ints, tokens concatenated at the end", _GEN_LIST)],
    "ex4_lora_layer": [("nn.Dropout, x @ A.T @ B.T", _LORA),
                       ("functional dropout, the update as one (out, in) matrix", _LORA_DELTA)],
    "ex5_merge": [("+= / -= under a guard", _MERGE), ("einsum delta, add_ / sub_, early returns", _MERGE_EINSUM)],
    "ex6_inject": [("named_modules + named_children", _INJECT),
                   ("collect (parent, name) pairs first, then replace; a counting loop", _INJECT_COLLECT)],
    "ex7_examples": [("torch.full then copy each row", _EXAMPLES),
                     ("tokenizer.encode, pad_sequence, mask from the lengths", _EXAMPLES_PADSEQ)],
    "ex8_loss": [("flatten and F.cross_entropy(ignore_index)", _LOSS),
                 ("logsumexp - gathered logit, boolean mask", _LOSS_LSE)],
    "ex9_train": [("slices of micro-batches, progress over steps", _TRAIN),
                  ("groups built first, a manual progress bar, float(loss.detach())", _TRAIN_MANUAL_BAR)],
    "ex10_perplexity": [("summed cross-entropy, token count", _PPL),
                        ("mean cross-entropy times the token count, float64 tensor sum", _PPL_MEAN_TIMES_COUNT)],
}

MUTANTS = {
    "ex1_next_token": [
        ("logits of the second-to-last position", _sub(_NEXT, ".logits[:, -1, :]", ".logits[:, -2, :]")),
        ("greedy argmax over the flattened batch: only one row gets a 1",
         _sub(_NEXT, "        return F.one_hot(logits.argmax(dim=-1), num_classes=logits.shape[-1]).to(logits.dtype)\n",
              "        probs = torch.zeros_like(logits)\n        probs.view(-1)[logits.argmax()] = 1.0\n"
              "        return probs\n")),
        ("divides the caller's logits in place by the temperature",
         _sub(_NEXT, "    return torch.softmax(logits / temperature, dim=-1)\n",
              "    logits /= temperature\n    return torch.softmax(logits, dim=-1)\n")),
        ("greedy one-hot always float32, whatever the logits' dtype", _sub(_NEXT, ".to(logits.dtype)", ".float()")),
    ],
    "ex2_top_k_top_p": [
        ("top-k keeps every token tied with the k-th value (probs >= threshold)",
         _sub(_FILTERS, "    values, indices = torch.topk(probs, k, dim=-1)\n"
                        "    out = torch.zeros_like(probs).scatter(-1, indices, values)\n",
              "    threshold = torch.topk(probs, k, dim=-1).values[..., -1:]\n"
              "    out = torch.where(probs >= threshold, probs, torch.zeros_like(probs))\n")),
        ("top-k not renormalised",
         _sub(_FILTERS, "    return out / out.sum(dim=-1, keepdim=True)\n", "    return out\n")),
        ("top-p puts the sorted values back with gather (the permutation, not its inverse)",
         _sub(_FILTERS, "torch.zeros_like(probs).scatter(-1, order, kept_sorted)", "kept_sorted.gather(-1, order)")),
        ("top-p mass before a token by torch.roll of the cumsum (the top token sees the total mass)",
         _sub(_FILTERS, "torch.cumsum(sorted_probs, dim=-1) - sorted_probs",
              "torch.roll(torch.cumsum(sorted_probs, dim=-1), 1, dims=-1)")),
    ],
    "ex3_generate": [
        ("feeds the whole sequence again together with the cache",
         _sub(_GEN, "        feed = token\n", "        feed = ids\n")),
        ("eos test by truthiness: eos_id = 0 never stops", _sub(_GEN, "if eos_id is not None and int(token) == eos_id:",
                                                                "if eos_id and int(token) == eos_id:")),
        ("returns only the new tokens, without the prompt",
         _sub(_GEN, "    return ids\n", "    return ids[:, input_ids.shape[1]:]\n")),
        ("always appends at least one token (max_new_tokens = 0 gives one)", '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick, eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    ids = input_ids
    out = model(input_ids=ids, use_cache=True)
    while True:
        token = pick(out.logits[:, -1, :]).reshape(1, 1)
        ids = torch.cat([ids, token], dim=1)
        if (eos_id is not None and int(token) == eos_id) or ids.shape[1] - input_ids.shape[1] >= max_new_tokens:
            break
        out = model(input_ids=token, past_key_values=out.past_key_values, use_cache=True)
    return ids
'''),  # noqa: E501 (student code, kept as typed)
    ],
    "ex4_lora_layer": [
        ("kaiming_uniform_ without a=sqrt(5) (range too wide)",
         _sub(_LORA, "nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))", "nn.init.kaiming_uniform_(self.lora_A)")),
        ("freezes the base weight only: its bias stays trainable",
         _sub(_LORA, "        for p in self.base.parameters():\n            p.requires_grad_(False)\n",
              "        self.base.weight.requires_grad_(False)\n")),
        ("dropout on the frozen path too (x dropped before base(x))",
         _sub(_LORA, "        out = self.base(x)\n",
              "        x = self.dropout(x)\n        out = self.base(x)\n").replace(
             "(self.dropout(x) @ self.lora_A.t()", "(x @ self.lora_A.t()")),
        ("forward ignores merged (adds the update on top of a merged weight)",
         _sub(_LORA, "        if self.merged:\n            return out\n", "")),
    ],
    "ex5_merge": [
        ("merge zeroes lora_B afterwards (unmerge then subtracts nothing)",
         _sub(_MERGE, "        layer.merged = True\n", "        layer.merged = True\n        layer.lora_B.zero_()\n")),
        ("merge returns None",
         _sub(_MERGE, "        layer.merged = True\n    return layer\n", "        layer.merged = True\n")),
        ("recomputes alpha / r instead of using layer.scale",
         _MERGE.replace("layer.scale * (layer.lora_B @ layer.lora_A)",
                        "(layer.alpha / layer.r) * (layer.lora_B @ layer.lora_A)")),
        ("merge toggles: a second merge unmerges", _sub(_MERGE, '''    if not layer.merged:
        layer.base.weight += layer.scale * (layer.lora_B @ layer.lora_A)
        layer.merged = True
''', '''    sign = -1.0 if layer.merged else 1.0
    layer.base.weight += sign * layer.scale * (layer.lora_B @ layer.lora_A)
    layer.merged = not layer.merged
''')),
    ],
    "ex6_inject": [
        ("matches the full dotted module name against targets (nested layers never match)",
         _sub(_INJECT, '''    for _, module in list(model.named_modules()):
        for child_name, child in list(module.named_children()):
            if child_name in targets and isinstance(child, nn.Linear):
                setattr(module, child_name, make_lora(child))
''', '''    for name, module in list(model.named_modules()):
        if name in targets and isinstance(module, nn.Linear):
            parent_name, _, child_name = name.rpartition(".")
            setattr(model.get_submodule(parent_name), child_name, make_lora(module))
''')),
        ("substring match: wraps every Linear whose name contains a target",
         _sub(_INJECT, "if child_name in targets and", "if any(t in child_name for t in targets) and")),
        ("count_parameters counts parameter tensors, not their elements",
         _sub(_INJECT, "sum(p.numel() for p in params if p.requires_grad), sum(p.numel() for p in params)",
              "sum(1 for p in params if p.requires_grad), len(params)")),
        ("add_lora returns None",
         _sub(_INJECT, "                setattr(module, child_name, make_lora(child))\n    return model\n",
              "                setattr(module, child_name, make_lora(child))\n")),
    ],
    "ex7_examples": [
        ("the first answer token is masked too (off by one)",
         _sub(_EXAMPLES, '"labels": [-100] * len(prompt_ids) + list(answer_ids)',
              '"labels": [-100] * (len(prompt_ids) + 1) + list(answer_ids)[1:]')),
        ("attention mask of dtype bool",
         _sub(_sub(_EXAMPLES, "attention_mask = torch.zeros((n, longest), dtype=torch.long)",
                   "attention_mask = torch.zeros((n, longest), dtype=torch.bool)"),
              "attention_mask[i, :length] = 1", "attention_mask[i, :length] = True")),
        ("collate copies labels from input_ids (the prompt mask is lost)",
         _sub(_EXAMPLES, 'labels[i, :length] = torch.tensor(e["labels"], dtype=torch.long)',
              'labels[i, :length] = torch.tensor(e["input_ids"], dtype=torch.long)')),
        ("input_ids padded with 0 whatever pad_id is",
         _sub(_EXAMPLES, "torch.full((n, longest), pad_id, dtype=torch.long)",
              "torch.zeros((n, longest), dtype=torch.long)")),
    ],
    "ex8_loss": [
        ("-100 labels clamped to token 0 and scored instead of ignored",
         _sub(_LOSS, "shift_labels.reshape(-1), ignore_index=-100)", "shift_labels.clamp(min=0).reshape(-1))")),
        ("softmax applied before cross_entropy",
         _sub(_LOSS, "F.cross_entropy(shift_logits.reshape(", "F.cross_entropy(shift_logits.softmax(-1).reshape(")),
        ("nll_loss on the raw logits (no log-softmax)", _sub(_LOSS, "F.cross_entropy(", "F.nll_loss(")),
        ("summed NLL divided by the batch size",
         _sub(_LOSS, "ignore_index=-100)", "ignore_index=-100, reduction=\"sum\") / logits.shape[0]")),
    ],
    "ex9_train": [
        ("on_step gets a 1-based step", _sub(_TRAIN, "on_step(step, step_loss)", "on_step(step + 1, step_loss)")),
        ("zero_grad only once, before the first step: gradients pile up across steps",
         _sub(_sub(_TRAIN, "        optimizer.zero_grad()\n", ""),
              "    model.train()\n", "    model.train()\n    optimizer.zero_grad()\n")),
        ("reports the divided losses (loss / accum_steps) instead of the undivided ones",
         _sub(_TRAIN, "micro_losses.append(loss.item())", "micro_losses.append(loss.item() / accum_steps)")),
        ("optimizer.step() before the last micro-batch's backward",
         _sub(_sub(_TRAIN, "            (loss / accum_steps).backward()\n",
                   "            if i == accum_steps - 1:\n                optimizer.step()\n"
                   "            (loss / accum_steps).backward()\n"),
              "        optimizer.step()\n        step_loss", "        step_loss")),
    ],
    "ex10_perplexity": [
        ("counts the targets before the shift (labels != -100 over all positions)",
         _sub(_PPL, "total_count += int((targets != -100).sum())", "total_count += int((labels != -100).sum())")),
        ("averages per-sequence mean NLLs, then one exp", '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    per_sequence = []
    for batch in batches:
        logits = model(input_ids=batch["input_ids"].to(device), attention_mask=batch["attention_mask"].to(device)).logits[:, :-1].float()
        targets = batch["labels"].to(device)[:, 1:]
        for row_logits, row_targets in zip(logits, targets):
            if (row_targets != -100).any():
                per_sequence.append(F.cross_entropy(row_logits, row_targets, ignore_index=-100).item())
    return math.exp(sum(per_sequence) / len(per_sequence))
'''),  # noqa: E501 (student code, kept as typed)
        ("labels cut at the end instead of the start (targets misaligned)",
         _sub(_PPL, "targets = labels[:, 1:]", "targets = labels[:, :-1]")),
        ("exp(total) / count instead of exp(total / count)",
         _sub(_PPL, "math.exp(total_nll / total_count)", "math.exp(total_nll) / total_count")),
    ],
}

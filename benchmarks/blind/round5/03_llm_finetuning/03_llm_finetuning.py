"""Blind round 5, lab 03 (LLM fine-tuning with LoRA): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of tests/mutants, rounds 1-4 holds.
Right answers: CORRECT[gid][0] is round 4's reference (round 2's, reused by name: the reference keeps
the proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND4 = earlier_round(4, __file__)


_NEXT, _FILTERS, _GEN, _LORA, _MERGE = ROUND4._NEXT, ROUND4._FILTERS, ROUND4._GEN, ROUND4._LORA, ROUND4._MERGE
_INJECT, _EXAMPLES, _LOSS, _TRAIN, _PPL = (ROUND4._INJECT, ROUND4._EXAMPLES, ROUND4._LOSS, ROUND4._TRAIN,
                                           ROUND4._PPL)

# ----------------------------------------------------------------------------- round 5's own right answers
_NEXT_INDEX = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    logits = model(input_ids=input_ids).logits
    rows = torch.arange(logits.shape[0], device=logits.device)
    return logits[rows, logits.shape[1] - 1]


def token_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities at `temperature` (0 = greedy: one-hot at the argmax)."""
    if temperature == 0:
        one_hot = logits.new_zeros(logits.shape)
        rows = torch.arange(logits.shape[0], device=logits.device)
        one_hot[rows, logits.argmax(dim=-1)] = 1
        return one_hot
    return nn.Softmax(dim=-1)(logits / temperature)
'''

_FILTERS_RANKS = '''
def top_k_probs(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep exactly k probabilities of each row, the k largest (ties: any), zero the rest, renormalise."""
    ranks = probs.argsort(dim=-1, descending=True).argsort(dim=-1)     # 0 for the largest of each row
    kept = torch.where(ranks < k, probs, torch.zeros_like(probs))
    return kept / kept.sum(dim=-1, keepdim=True)


def top_p_probs(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose total reaches p, renormalise."""
    values, order = probs.sort(dim=-1, descending=True)
    keep_sorted = (values.cumsum(dim=-1) - values) < p
    keep = torch.empty_like(keep_sorted).scatter_(-1, order, keep_sorted)
    return F.normalize(probs.where(keep, torch.zeros_like(probs)), p=1.0, dim=-1)
'''

_GEN_BUFFER = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    length = input_ids.shape[1]
    buffer = input_ids.new_empty((1, length + max_new_tokens))
    buffer[:, :length] = input_ids
    added, cache, feed = 0, None, input_ids
    while added < max_new_tokens:
        result = model(input_ids=feed, past_key_values=cache, use_cache=True)
        cache = result.past_key_values
        buffer[0, length + added] = pick(result.logits[:, -1, :]).reshape(-1)[0]
        added += 1
        feed = buffer[:, length + added - 1:length + added]
        if eos_id is not None and int(feed) == eos_id:
            break
    return buffer[:, :length + added].clone()
'''

_LORA_PEFT = '''
class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0, dropout: float = 0.0):
        super().__init__()
        for _, param in base.named_parameters():
            param.requires_grad = False
        self.base = base
        self.r, self.alpha = r, alpha
        w = base.weight
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features, dtype=w.dtype, device=w.device))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r, dtype=w.dtype, device=w.device))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.lora_dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.scale = alpha / r
        self.merged = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (..., d_in) -> (..., d_out)
        if self.merged:
            return self.base(x)
        down = torch.matmul(self.lora_dropout(x), self.lora_A.mT)
        return self.base(x) + self.scale * torch.matmul(down, self.lora_B.mT)
'''

_MERGE_SIGN = '''
def _fold(layer: nn.Module, sign: float) -> None:
    delta = torch.mm(layer.lora_B, layer.lora_A).mul_(sign * layer.scale)
    layer.base.weight.add_(delta.to(layer.base.weight.dtype))


@torch.no_grad()
def merge(layer: nn.Module) -> nn.Module:
    """W <- W + scale * B @ A, once; forward then skips the LoRA branch. Returns the layer."""
    if not layer.merged:
        _fold(layer, +1.0)
        layer.merged = True
    return layer


@torch.no_grad()
def unmerge(layer: nn.Module) -> nn.Module:
    """Undo merge: W <- W - scale * B @ A, once. Returns the layer."""
    if layer.merged:
        _fold(layer, -1.0)
        layer.merged = False
    return layer
'''

_INJECT_MODULES = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, wrap every nn.Linear whose name is one of `targets` with make_lora(linear);
    return the model."""
    for param in model.parameters():
        param.requires_grad = False
    wanted = set(targets)
    for parent in list(model.modules()):
        names = [n for n, c in parent.named_children() if n in wanted and isinstance(c, nn.Linear)]
        for name in names:
            setattr(parent, name, make_lora(getattr(parent, name)))
    return model


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(number of trainable parameters, number of all parameters)."""
    params = list(model.parameters())
    trainable = sum(p.numel() * int(p.requires_grad) for p in params)
    return trainable, sum(map(torch.Tensor.numel, params))
'''

_EXAMPLES_CAT = '''
def tokenize_pair(tokenizer, instruction: str, response: str) -> dict:
    """{'input_ids': prompt + answer token ids, 'labels': -100 over the prompt, the ids elsewhere}."""
    def encode(text):
        return list(tokenizer(text, add_special_tokens=False, return_attention_mask=False)["input_ids"])

    prompt = encode(chat_prompt(tokenizer, instruction))
    ids = [*prompt, *encode(response + tokenizer.eos_token)]
    return {"input_ids": ids, "labels": [t if i >= len(prompt) else -100 for i, t in enumerate(ids)]}


def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    width = max(len(e["input_ids"]) for e in examples)

    def pad(seq, value):
        t = torch.as_tensor(seq, dtype=torch.long)
        return torch.cat([t, t.new_full((width - len(t),), value)])

    return {"input_ids": torch.stack([pad(e["input_ids"], pad_id) for e in examples]),
            "labels": torch.stack([pad(e["labels"], -100) for e in examples]),
            "attention_mask": torch.stack([pad([1] * len(e["input_ids"]), 0) for e in examples])}
'''

_LOSS_SELECT = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    targets = labels[:, 1:].reshape(-1)
    scores = logits[:, :-1].reshape(-1, logits.shape[-1])
    keep = targets != -100
    return F.cross_entropy(scores[keep], targets[keep])
'''

_TRAIN_ITER = '''
def train_lora(model: nn.Module, batches: list[dict], optimizer: torch.optim.Optimizer, loss_fn,
               accum_steps: int, device, on_step=None) -> list[float]:
    """Gradient-accumulation training; returns the mean micro-batch loss of every optimizer step."""
    n_steps = len(batches) // accum_steps
    source = iter(batches)
    model.train()
    means = []
    bar = progress(range(n_steps), desc="LoRA")
    for step in bar:
        optimizer.zero_grad(set_to_none=False)
        losses = []
        for _ in range(accum_steps):
            batch = next(source)
            ids, mask, labels = (batch[key].to(device) for key in ("input_ids", "attention_mask", "labels"))
            with autocast(device):
                out = model(input_ids=ids, attention_mask=mask)
            loss = loss_fn(out.logits.float(), labels)
            (loss * (1.0 / accum_steps)).backward()
            losses.append(loss.item())
        optimizer.step()
        means.append(math.fsum(losses) / accum_steps)
        bar.set_postfix(loss=f"{means[-1]:.3f}")
        if on_step is not None:
            on_step(step, means[-1])
    model.eval()
    return means
'''

_PPL_SHIFT_INPUTS = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    pieces, count = [], 0
    for batch in batches:
        ids, mask = batch["input_ids"].to(device), batch["attention_mask"].to(device)
        if ids.shape[1] < 2:
            continue
        targets = batch["labels"].to(device)[:, 1:]
        # a causal model: the logits of the first T - 1 tokens are the same with or without the last one
        logits = model(input_ids=ids[:, :-1], attention_mask=mask[:, :-1]).logits.float()
        nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-100,
                              reduction="none")
        pieces.append(nll.double().sum().item())
        count += int(torch.count_nonzero(targets != -100))
    return math.exp(math.fsum(pieces) / count)
'''

CORRECT = {
    "ex1_next_token": [("logits[:, -1, :], F.one_hot, F.softmax (round 2)", _NEXT),
                       ("advanced indexing of the last position, one-hot by index_put, nn.Softmax (round 5)",
                        _NEXT_INDEX)],
    "ex2_top_k_top_p": [("topk + scatter, sort + cumsum - self + scatter (round 2)", _FILTERS),
                        ("ranks by a double argsort; top-p mask scattered back, F.normalize(p=1) (round 5)",
                         _FILTERS_RANKS)],
    "ex3_generate": [("for loop, past and feed kept apart (round 2)", _GEN),
                     ("preallocated (1, T + max_new_tokens) buffer, trimmed copy returned (round 5)", _GEN_BUFFER)],
    "ex4_lora_layer": [("nn.Dropout, x @ A.T @ B.T (round 2)", _LORA),
                       ("peft layout: Identity for dropout 0, matmul with .mT, weight's dtype (round 5)", _LORA_PEFT)],
    "ex5_merge": [("+= / -= under a guard (round 2)", _MERGE),
                  ("one signed helper, torch.mm + mul_, add_ (round 5)", _MERGE_SIGN)],
    "ex6_inject": [("named_modules + named_children (round 2)", _INJECT),
                   ("model.modules() listed first, a set of targets, bool-weighted count (round 5)", _INJECT_MODULES)],
    "ex7_examples": [("lists, torch.full + row slices (round 2)", _EXAMPLES),
                     ("labels by position, torch.cat padding per row, stack (round 5)", _EXAMPLES_CAT)],
    "ex8_loss": [("slices, reshape, F.cross_entropy (round 2)", _LOSS),
                 ("flatten, boolean-select the counted positions, plain cross_entropy (round 5)", _LOSS_SELECT)],
    "ex9_train": [("nested loops over steps and micro-batches (round 2)", _TRAIN),
                  ("an iterator over the batches, next() per micro-batch, math.fsum (round 5)", _TRAIN_ITER)],
    "ex10_perplexity": [("summed cross-entropy, token count, math.exp (round 2)", _PPL),
                        ("inputs shifted instead of logits, per-token NLL summed by math.fsum (round 5)",
                         _PPL_SHIFT_INPUTS)],
}

# ----------------------------------------------------------------------------- round 5's wrong answers
_GEN_FLOAT_BUFFER = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    new = torch.zeros(1, max_new_tokens)
    n = 0
    feed, past = input_ids, None
    for i in range(max_new_tokens):
        outputs = model(input_ids=feed, past_key_values=past, use_cache=True)
        past = outputs.past_key_values
        token = pick(outputs.logits[:, -1, :]).reshape(1, 1)
        new[0, i] = token.item()
        n += 1
        if eos_id is not None and token.item() == eos_id:
            break
        feed = token
    return torch.cat([input_ids, new[:, :n]], dim=1)
'''

_MERGE_SAVED = '''
@torch.no_grad()
def merge(layer: nn.Module) -> nn.Module:
    """W <- W + scale * B @ A, once; forward then skips the LoRA branch. Returns the layer."""
    if not layer.merged:
        layer.weight_before_merge = layer.base.weight.detach().clone()
        layer.base.weight += layer.scale * (layer.lora_B @ layer.lora_A)
        layer.merged = True
    return layer


@torch.no_grad()
def unmerge(layer: nn.Module) -> nn.Module:
    """Undo merge: W <- W - scale * B @ A, once. Returns the layer."""
    if layer.merged:
        layer.base.weight.copy_(layer.weight_before_merge)     # exact, no rounding
        layer.merged = False
    return layer
'''

_MERGE_COPY = '''
import copy


@torch.no_grad()
def merge(layer: nn.Module) -> nn.Module:
    """W <- W + scale * B @ A, once; forward then skips the LoRA branch. Returns the layer."""
    merged = copy.deepcopy(layer)
    if not merged.merged:
        merged.base.weight += merged.scale * (merged.lora_B @ merged.lora_A)
        merged.merged = True
    return merged


@torch.no_grad()
def unmerge(layer: nn.Module) -> nn.Module:
    """Undo merge: W <- W - scale * B @ A, once. Returns the layer."""
    plain = copy.deepcopy(layer)
    if plain.merged:
        plain.base.weight -= plain.scale * (plain.lora_B @ plain.lora_A)
        plain.merged = False
    return plain
'''

_MERGE_BETA = '''
@torch.no_grad()
def merge(layer: nn.Module) -> nn.Module:
    """W <- W + scale * B @ A, once; forward then skips the LoRA branch. Returns the layer."""
    if not layer.merged:
        layer.base.weight.addmm_(layer.lora_B, layer.lora_A, beta=layer.scale)
        layer.merged = True
    return layer


@torch.no_grad()
def unmerge(layer: nn.Module) -> nn.Module:
    """Undo merge: W <- W - scale * B @ A, once. Returns the layer."""
    if layer.merged:
        layer.base.weight.addmm_(layer.lora_B, layer.lora_A, beta=-layer.scale)
        layer.merged = False
    return layer
'''

_INJECT_UNFREEZE_BY_NAME = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, wrap every nn.Linear whose name is one of `targets` with make_lora(linear);
    return the model."""
    for _, parent in list(model.named_modules()):
        for child_name, child in list(parent.named_children()):
            if child_name in targets and isinstance(child, nn.Linear):
                setattr(parent, child_name, make_lora(child))
    for name, p in model.named_parameters():
        p.requires_grad_("lora_" in name)          # only the adapters train
    return model


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(number of trainable parameters, number of all parameters)."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return trainable, total
'''

_COLLATE_PADSEQ_TIME_FIRST = '''
def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    from torch.nn.utils.rnn import pad_sequence

    ids = [torch.tensor(e["input_ids"], dtype=torch.long) for e in examples]
    labs = [torch.tensor(e["labels"], dtype=torch.long) for e in examples]
    ones = [torch.ones(len(e["input_ids"]), dtype=torch.long) for e in examples]
    return {"input_ids": pad_sequence(ids, padding_value=pad_id),
            "labels": pad_sequence(labs, padding_value=-100),
            "attention_mask": pad_sequence(ones, padding_value=0)}
'''

_LOSS_FIRST_ROW = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    return F.cross_entropy(logits[0, :-1], labels[0, 1:], ignore_index=-100)
'''

_LOSS_LSE_NO_SHIFT = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    z = logits[:, :-1]
    targets = labels[:, 1:]
    valid = targets != -100
    log_norm = torch.log(torch.exp(z).sum(dim=-1))
    picked = z.gather(-1, targets.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    return (log_norm - picked)[valid].mean()
'''

_LOSS_ROW_COUNTS = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    targets = labels[:, 1:]
    mask = (targets != -100).float()
    nll = F.cross_entropy(logits[:, :-1].transpose(1, 2), targets, ignore_index=-100, reduction="none")
    return (nll * mask).sum() / mask.sum(-1)
'''

_LOSS_VIEW_WRITE = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    targets = labels[:, 1:]
    mask = targets != -100
    targets[~mask] = 0                          # a valid index for gather; masked out below
    log_p = F.log_softmax(logits[:, :-1], dim=-1)
    nll = -log_p.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    return nll[mask].mean()
'''

_PPL_FLOAT32_EXP = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    total_nll, total_count = torch.zeros(()), 0
    for batch in batches:
        logits = model(input_ids=batch["input_ids"].to(device),
                       attention_mask=batch["attention_mask"].to(device)).logits[:, :-1, :].float()
        targets = batch["labels"].to(device)[:, 1:]
        total_nll += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                                     ignore_index=-100, reduction="sum").cpu()
        total_count += int((targets != -100).sum())
    return torch.exp(total_nll / total_count).item()
'''

_PPL_CLAMP_IN_PLACE = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    total_nll, total_count = 0.0, 0
    for batch in batches:
        labels = batch["labels"].to(device)
        keep = labels[:, 1:] != -100
        labels[labels == -100] = 0                  # gather needs a valid index
        logits = model(input_ids=batch["input_ids"].to(device),
                       attention_mask=batch["attention_mask"].to(device)).logits[:, :-1, :].float()
        log_p = F.log_softmax(logits, dim=-1).gather(-1, labels[:, 1:].unsqueeze(-1)).squeeze(-1)
        total_nll += -log_p[keep].sum().item()
        total_count += int(keep.sum())
    return math.exp(total_nll / total_count)
'''

_PPL_MASK_AFTER_FILL = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    total_nll, total_count = 0.0, 0
    for batch in batches:
        targets = batch["labels"].to(device)[:, 1:].clone()
        targets[targets == -100] = 0                # gather needs a valid index
        keep = targets != -100
        logits = model(input_ids=batch["input_ids"].to(device),
                       attention_mask=batch["attention_mask"].to(device)).logits[:, :-1, :].float()
        log_p = F.log_softmax(logits, dim=-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)
        total_nll += -log_p[keep].sum().item()
        total_count += int(keep.sum())
    return math.exp(total_nll / total_count)
'''

MUTANTS = {
    "ex1_next_token": [
        ("max shift over the whole batch (z - z.max()), not per row: at a low temperature a row far below the "
         "batch maximum underflows to 0 / 0 = NaN",
         replace_once(_NEXT, "    return F.softmax(logits / temperature, dim=-1)\n",
              "    z = logits / temperature\n    e = torch.exp(z - z.max())\n"
              "    return e / e.sum(dim=-1, keepdim=True)\n")),
        ("greedy one-hot written into the caller's logits (logits.zero_().scatter_): the logits are destroyed",
         replace_once(_NEXT, "        best = logits.argmax(dim=-1)\n"
                     "        return F.one_hot(best, num_classes=logits.shape[-1]).to(logits.dtype)\n",
              "        best = logits.argmax(dim=-1, keepdim=True)\n"
              "        return logits.zero_().scatter_(-1, best, 1.0)\n")),
        ("divides by temperature + 1e-6 'for safety': a very low temperature gets the wrong distribution",
         replace_once(_NEXT, "F.softmax(logits / temperature, dim=-1)", "F.softmax(logits / (temperature + 1e-6), dim=-1)")),
        ("logits at the last non-pad position (input_ids != pad id): a prompt ending in <|im_end|> (the pad id) "
         "is read one token early",
         replace_once(_NEXT, "    outputs = model(input_ids=input_ids)\n    return outputs.logits[:, -1, :]\n",
              "    outputs = model(input_ids=input_ids)\n"
              "    last = (input_ids != tokenizer.pad_token_id).sum(dim=1) - 1\n"
              "    return outputs.logits[torch.arange(input_ids.shape[0]), last]\n")),
    ],
    "ex2_top_k_top_p": [
        ("top-p cut turned into a probability threshold (probs >= the last kept value): tokens tied at the cut "
         "all survive, the set is not the smallest",
         replace_once(_FILTERS, "    sorted_kept = sorted_probs * (before < p)\n"
                        "    kept = torch.zeros_like(probs).scatter(-1, order, sorted_kept)\n",
              "    n_keep = (before < p).sum(dim=-1, keepdim=True)\n"
              "    threshold = sorted_probs.gather(-1, n_keep - 1)\n"
              "    kept = torch.where(probs >= threshold, probs, torch.zeros_like(probs))\n")),
        ("top-p mask computed in sorted order but applied to probs in vocabulary order (never scattered back)",
         replace_once(_FILTERS, "    sorted_kept = sorted_probs * (before < p)\n"
                        "    kept = torch.zeros_like(probs).scatter(-1, order, sorted_kept)\n",
              "    kept = probs * (before < p)\n")),
        ("top-p cut index by argmax(cumsum >= p): when rounding keeps the total below p (p = 1) only the top "
         "token survives",
         replace_once(_FILTERS, "    before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs\n"
                        "    sorted_kept = sorted_probs * (before < p)\n",
              "    reached = torch.cumsum(sorted_probs, dim=-1) >= p\n"
              "    cut = reached.int().argmax(dim=-1, keepdim=True)      # first index whose total reaches p\n"
              "    ranks = torch.arange(probs.shape[-1], device=probs.device)\n"
              "    sorted_kept = sorted_probs * (ranks <= cut)\n")),
        ("top-k threshold topk(...).values.min() with the dim forgotten: the smallest k-th value of the whole "
         "batch, rows keep more than k tokens",
         replace_once(_FILTERS, "    top = torch.topk(probs, k, dim=-1)\n"
                        "    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)\n",
              "    threshold = torch.topk(probs, k, dim=-1).values.min()\n"
              "    kept = probs * (probs >= threshold)\n")),
    ],
    "ex3_generate": [
        ("pick called twice per step (once to append, once for the eos test): a sampling pick appends one token "
         "and tests another, the generator advances twice",
         replace_once(_GEN, "if eos_id is not None and token.item() == eos_id:",
              "if eos_id is not None and pick(outputs.logits[:, -1, :]).item() == eos_id:")),
        ("new tokens collected in torch.zeros(1, max_new_tokens) (float32): the result comes back as floats",
         _GEN_FLOAT_BUFFER),
        ("`token.item() is eos_id`: identity, not equality: an eos id above 256 never stops the loop",
         replace_once(_GEN, "token.item() == eos_id", "token.item() is eos_id")),
        ("attention_mask=torch.ones_like(feed) on every call: with the cache the mask covers the new token only "
         "(the logits change)",
         replace_once(_GEN, "model(input_ids=feed, past_key_values=past, use_cache=True)",
              "model(input_ids=feed, attention_mask=torch.ones_like(feed), past_key_values=past, use_cache=True)")),
    ],
    "ex4_lora_layer": [
        ("LoRA branch fed x.detach() ('only A and B need gradients'): no gradient reaches x through the update",
         replace_once(_LORA, "update = self.dropout(x) @", "update = self.dropout(x.detach()) @")),
        ("kaiming_uniform_ on a (d_in, r) tensor, then transposed to (r, d_in): fan_in = r, bound 1/sqrt(r)",
         replace_once(_LORA, "        self.lora_A = nn.Parameter(torch.empty(r, base.in_features))\n"
                     "        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))\n",
              "        a = torch.empty(base.in_features, r)\n"
              "        nn.init.kaiming_uniform_(a, a=math.sqrt(5))\n"
              "        self.lora_A = nn.Parameter(a.T.contiguous())\n")),
        ("nn.Dropout(dropout, inplace=True) 'to save memory': in train mode the caller's x is zeroed and scaled "
         "in place",
         replace_once(_LORA, "nn.Dropout(dropout)", "nn.Dropout(dropout, inplace=True)")),
        ("branch by torch.mm: (B, T, d_in) inputs (what the real model feeds) raise",
         replace_once(_LORA, "update = self.dropout(x) @ self.lora_A.T @ self.lora_B.T",
              "update = torch.mm(torch.mm(self.dropout(x), self.lora_A.T), self.lora_B.T)")),
    ],
    "ex5_merge": [
        ("merge keeps a copy of W and unmerge copies it back: a layer marked merged by hand cannot be unmerged",
         _MERGE_SAVED),
        ("merge / unmerge work on copy.deepcopy(layer) and return the copy: the caller's layer is unchanged",
         _MERGE_COPY),
        ("addmm_ with beta=scale instead of alpha=scale: W is scaled, the update is not",
         _MERGE_BETA),
        ("merge only in eval mode ('merging is for inference'): a layer in train mode is returned unmerged",
         replace_once(_MERGE, "    if not layer.merged:\n        layer.base.weight +=",
              "    if not layer.merged and not layer.training:\n        layer.base.weight +=")),
    ],
    "ex6_inject": [
        ("wraps first, then trains exactly the parameters named lora_*: an adapter whose parameters have other "
         "names stays frozen", _INJECT_UNFREEZE_BY_NAME),
        ("count_parameters returns a list [trainable, total], not a tuple",
         replace_once(_INJECT, "    return trainable, total\n", "    return [trainable, total]\n")),
        ("make_lora ignored: LoRALinear(child) with its default r = 8, alpha = 16",
         replace_once(_INJECT, "make_lora(child)", "LoRALinear(child)")),
        ("freezes model.model only (the decoder stack printed in section 7): lm_head stays trainable, a model "
         "without .model raises",
         replace_once(_INJECT, "    for p in model.parameters():\n        p.requires_grad_(False)\n",
              "    for p in model.model.parameters():\n        p.requires_grad_(False)\n")),
    ],
    "ex7_examples": [
        ("pad_sequence without batch_first=True: (T_max, B) tensors",
         _EXAMPLES[:_EXAMPLES.index("\n\ndef collate")] + "\n\n" + _COLLATE_PADSEQ_TIME_FIRST),
        ("collate pads with tokenizer.pad_token_id, ignoring its pad_id argument",
         replace_once(_EXAMPLES, "torch.full((len(examples), width), pad_id, dtype=torch.long)",
              "torch.full((len(examples), width), tokenizer.pad_token_id, dtype=torch.long)")),
        ("a space between the response and the end-of-turn token (response + ' ' + eos): an extra ' ' token is "
         "learned", replace_once(_EXAMPLES, "tokenizer(response + tokenizer.eos_token", "tokenizer(response + \" \" + tokenizer.eos_token")),
        ("end-of-turn added twice (in the string and as an id): the answer ends <|im_end|> <|im_end|>",
         replace_once(_EXAMPLES, "    answer = tokenizer(response + tokenizer.eos_token, add_special_tokens=False).input_ids\n",
              "    answer = tokenizer(response + tokenizer.eos_token, add_special_tokens=False).input_ids\n"
              "    answer = list(answer) + [tokenizer.eos_token_id]\n")),
    ],
    "ex8_loss": [
        ("written for a batch of one: cross-entropy of logits[0] and labels[0] only", _LOSS_FIRST_ROW),
        ("log-sum-exp by hand without the max shift: logits above ~88 overflow to inf / NaN", _LOSS_LSE_NO_SHIFT),
        ("summed NLL divided by mask.sum(-1) (counts per row): a (B,) tensor, not a scalar, for B > 1",
         _LOSS_ROW_COUNTS),
        ("targets = labels[:, 1:] is a view: setting its -100 entries to 0 writes into the caller's labels",
         _LOSS_VIEW_WRITE),
    ],
    "ex9_train": [
        ("restores the mode the model had before (model.train(was_training)) instead of model.eval()",
         replace_once(replace_once(_TRAIN, "    model.train()\n", "    was_training = model.training\n    model.train()\n"),
              "    model.eval()\n", "    model.train(was_training)\n")),
        ("on_step called before optimizer.step(): the callback sees the parameters of the previous step",
         replace_once(replace_once(_TRAIN, "        optimizer.step()\n        step_loss = sum(micro) / len(micro)\n",
                   "        step_loss = sum(micro) / len(micro)\n"),
              "        if on_step is not None:\n            on_step(step, step_loss)\n",
              "        if on_step is not None:\n            on_step(step, step_loss)\n        optimizer.step()\n")),
        ("on_step gets the step loss as a 0-d tensor (losses summed as tensors, float() only for the history)",
         replace_once(replace_once(replace_once(_TRAIN, "            micro.append(loss.item())\n", "            micro.append(loss.detach())\n"),
                   "        history.append(step_loss)\n", "        history.append(float(step_loss))\n"),
              "bar.set_postfix(loss=f\"{step_loss:.3f}\")", "bar.set_postfix(loss=f\"{float(step_loss):.3f}\")")),
        ("micro-batches reshuffled (torch.randperm) before grouping: a step is not over the next accum_steps "
         "micro-batches",
         replace_once(_TRAIN, "    n_steps = len(batches) // accum_steps\n",
              "    batches = [batches[i] for i in torch.randperm(len(batches)).tolist()]\n"
              "    n_steps = len(batches) // accum_steps\n")),
    ],
    "ex10_perplexity": [
        ("exp of a float32 tensor (torch.exp(...).item()): a mean NLL above ~88.7 gives inf", _PPL_FLOAT32_EXP),
        ("totals reset inside the batch loop (indentation): the perplexity of the last batch only",
         replace_once(_PPL, "    total_nll, total_count = 0.0, 0\n    for batch in batches:\n",
              "    for batch in batches:\n        total_nll, total_count = 0.0, 0\n")),
        ("-100 labels set to 0 in the caller's batch (in place) for gather: a second evaluation scores the prompt",
         _PPL_CLAMP_IN_PLACE),
        ("mask taken after -100 was replaced by 0: masked positions are scored as token 0 and counted",
         _PPL_MASK_AFTER_FILL),
    ],
}

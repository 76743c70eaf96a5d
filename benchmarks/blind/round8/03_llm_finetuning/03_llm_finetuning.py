"""Blind round 8, lab 03 (LLM fine-tuning with LoRA): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of tests/mutants, rounds 1-7 holds.
Right answers: CORRECT[gid][0] is round 7's reference (round 2's, reused by name: the reference keeps
the proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND7 = earlier_round(7, __file__)


_NEXT, _FILTERS, _GEN, _LORA, _MERGE = (ROUND7._NEXT, ROUND7._FILTERS, ROUND7._GEN, ROUND7._LORA,
                                        ROUND7._MERGE)
_INJECT, _EXAMPLES, _LOSS, _TRAIN, _PPL = (ROUND7._INJECT, ROUND7._EXAMPLES, ROUND7._LOSS, ROUND7._TRAIN,
                                           ROUND7._PPL)

# ----------------------------------------------------------------------------- round 8's own right answers
_NEXT_LOGSPACE = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    logits = model(input_ids=input_ids).logits
    return logits.narrow(1, logits.shape[1] - 1, 1).squeeze(1)


def token_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities at `temperature` (0 = greedy: one-hot at the argmax)."""
    if temperature == 0:
        columns = torch.arange(logits.shape[-1], device=logits.device)
        hot = columns.unsqueeze(0) == logits.argmax(dim=-1, keepdim=True)
        return hot.to(logits.dtype)
    log_p = F.log_softmax(logits.double() / temperature, dim=-1)   # float64: no overflow, no underflow to 0 / 0
    return log_p.exp().to(logits.dtype)
'''

_FILTERS_LOOPS = '''
def top_k_probs(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep exactly k probabilities of each row, the k largest (ties: any), zero the rest, renormalise."""
    keep = torch.zeros_like(probs, dtype=torch.bool).scatter(-1, probs.topk(k, dim=-1).indices, True)
    kept = torch.where(keep, probs, torch.zeros_like(probs))
    return kept / kept.sum(dim=-1, keepdim=True)


def top_p_probs(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose total reaches p, renormalise."""
    out = torch.zeros_like(probs)
    for row in range(probs.shape[0]):
        values, order = torch.sort(probs[row], descending=True)
        mass = torch.zeros((), dtype=probs.dtype)          # summed in the dtype of probs, as cumsum would
        for value, index in zip(values, order.tolist()):
            if mass >= p:                          # the tokens above already reach p: the set is complete
                break
            out[row, index] = value
            mass = mass + value
    return out / out.sum(dim=-1, keepdim=True)
'''

_GEN_BUFFER = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    length = input_ids.shape[1]
    buffer = torch.empty((1, length + max(max_new_tokens, 0)), dtype=input_ids.dtype, device=input_ids.device)
    buffer[:, :length] = input_ids
    end, cache, feed = length, None, input_ids
    while end < length + max_new_tokens:
        outputs = model(input_ids=feed, past_key_values=cache, use_cache=True)
        cache = outputs.past_key_values
        buffer[0, end] = pick(outputs.logits[:, -1, :]).reshape(-1)[0]
        end += 1
        if eos_id is not None and int(buffer[0, end - 1]) == eos_id:
            break
        feed = buffer[:, end - 1:end]
    return buffer[:, :end].clone()
'''

_LORA_FUSED = '''
class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0, dropout: float = 0.0):
        super().__init__()
        self.base = base
        base.weight.requires_grad_(False)
        if base.bias is not None:
            base.bias.requires_grad_(False)
        self.r = r
        self.alpha = alpha
        self.scale = alpha / r
        self.register_parameter("lora_A", nn.Parameter(base.weight.new_empty(r, base.in_features)))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.register_parameter("lora_B", nn.Parameter(base.weight.new_zeros(base.out_features, r)))
        self.drop = nn.Dropout(dropout)
        self.merged = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (..., d_in) -> (..., d_out)
        if self.merged:
            return self.base(x)
        delta = self.scale * (self.lora_B @ self.lora_A)           # (d_out, d_in), like a Linear weight
        return self.base(x) + F.linear(self.drop(x), delta)
'''

_MERGE_SIGN = '''
def _fold(layer: nn.Module, sign: float) -> None:
    delta = torch.matmul(layer.lora_B.detach(), layer.lora_A.detach()).mul(sign * layer.scale)
    layer.base.weight.data.add_(delta.to(layer.base.weight.dtype))


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

_INJECT_DOTTED = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, wrap every nn.Linear whose name is one of `targets` with make_lora(linear);
    return the model."""
    for param in model.parameters():
        param.requires_grad = False
    found = [name for name, module in model.named_modules()
             if name and name.split(".")[-1] in targets and isinstance(module, nn.Linear)]
    for name in found:
        parent_name, _, child_name = name.rpartition(".")
        parent = model.get_submodule(parent_name)          # "" is the model itself
        setattr(parent, child_name, make_lora(getattr(parent, child_name)))
    return model


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(number of trainable parameters, number of all parameters)."""
    params = list(model.parameters())
    total = int(sum(p.numel() for p in params))
    frozen = int(sum(p.numel() for p in params if not p.requires_grad))
    return total - frozen, total
'''

_EXAMPLES_LENGTHS = '''
def tokenize_pair(tokenizer, instruction: str, response: str) -> dict:
    """{'input_ids': prompt + answer token ids, 'labels': -100 over the prompt, the ids elsewhere}."""
    prompt = list(tokenizer.encode(chat_prompt(tokenizer, instruction), add_special_tokens=False))
    answer = list(tokenizer.encode(response + tokenizer.eos_token, add_special_tokens=False))
    labels = [-100 for _ in range(len(prompt))] + answer
    return {"input_ids": prompt + answer, "labels": labels}


def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    lengths = torch.tensor([len(e["input_ids"]) for e in examples], dtype=torch.long)
    width = int(lengths.max())
    attention_mask = (torch.arange(width).unsqueeze(0) < lengths.unsqueeze(1)).long()
    input_ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    labels = torch.full((len(examples), width), -100, dtype=torch.long)
    for row, e in enumerate(examples):
        input_ids[row, :len(e["input_ids"])] = torch.as_tensor(e["input_ids"], dtype=torch.long)
        labels[row, :len(e["labels"])] = torch.as_tensor(e["labels"], dtype=torch.long)
    return {"input_ids": input_ids, "labels": labels, "attention_mask": attention_mask}
'''

_LOSS_LSE = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    scores, targets = logits[:, :-1, :], labels[:, 1:]
    keep = targets.ne(-100)
    safe = torch.where(keep, targets, torch.zeros_like(targets))
    nll = torch.logsumexp(scores, dim=-1) - scores.gather(-1, safe.unsqueeze(-1)).squeeze(-1)
    return nll[keep].mean()
'''

_TRAIN_ISLICE = '''
from itertools import islice


def train_lora(model: nn.Module, batches: list[dict], optimizer: torch.optim.Optimizer, loss_fn,
               accum_steps: int, device, on_step=None) -> list[float]:
    """Gradient-accumulation training; returns the mean micro-batch loss of every optimizer step."""
    n_steps = len(batches) // accum_steps
    stream = iter(batches)
    model.train()
    losses: list[float] = []
    bar = progress(range(n_steps), desc="LoRA")
    for step in bar:
        optimizer.zero_grad()
        step_total = 0.0
        for batch in islice(stream, accum_steps):
            moved = {key: batch[key].to(device) for key in ("input_ids", "attention_mask", "labels")}
            with autocast(device):
                outputs = model(input_ids=moved["input_ids"], attention_mask=moved["attention_mask"])
            loss = loss_fn(outputs.logits.float(), moved["labels"])
            loss.div(accum_steps).backward()
            step_total += loss.item()
        optimizer.step()
        losses.append(step_total / accum_steps)
        bar.set_postfix(loss=f"{losses[-1]:.3f}")
        if on_step is not None:
            on_step(step, losses[-1])
    model.eval()
    return losses
'''

_PPL_LSE = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    nll_sum = torch.zeros((), dtype=torch.float64)
    n_tokens = 0
    for batch in batches:
        logits = model(input_ids=batch["input_ids"].to(device),
                       attention_mask=batch["attention_mask"].to(device)).logits[:, :-1].double()
        targets = batch["labels"].to(device)[:, 1:]
        keep = targets != -100
        picked = logits.gather(-1, targets.clamp(min=0).unsqueeze(-1)).squeeze(-1)
        nll = torch.logsumexp(logits, dim=-1) - picked
        nll_sum += nll[keep].sum().cpu()
        n_tokens += int(keep.sum())
    return float(torch.exp(nll_sum / n_tokens))
'''

CORRECT = {
    "ex1_next_token": [ROUND7.CORRECT["ex1_next_token"][0],
                       ("logits narrowed to the last position; one-hot by comparing an arange with the "
                        "argmax; exp of log_softmax in float64 (round 8)", _NEXT_LOGSPACE)],
    "ex2_top_k_top_p": [ROUND7.CORRECT["ex2_top_k_top_p"][0],
                        ("top-k by a boolean scatter mask and torch.where; top-p row by row, a Python loop "
                         "in sorted order until the mass above reaches p (round 8)", _FILTERS_LOOPS)],
    "ex3_generate": [ROUND7.CORRECT["ex3_generate"][0],
                     ("preallocated (1, T + max_new_tokens) buffer, returned cut at the last token "
                      "(round 8)", _GEN_BUFFER)],
    "ex4_lora_layer": [ROUND7.CORRECT["ex4_lora_layer"][0],
                       ("register_parameter, new_empty / new_zeros; branch as F.linear with the scaled "
                        "B @ A (round 8)", _LORA_FUSED)],
    "ex5_merge": [ROUND7.CORRECT["ex5_merge"][0],
                  ("one helper adding sign * scale * B @ A to weight.data (round 8)", _MERGE_SIGN)],
    "ex6_inject": [ROUND7.CORRECT["ex6_inject"][0],
                   ("dotted names from named_modules, parent by get_submodule(rpartition); count as "
                    "total - frozen (round 8)", _INJECT_DOTTED)],
    "ex7_examples": [ROUND7.CORRECT["ex7_examples"][0],
                     ("tokenizer.encode; attention mask from arange < lengths, torch.full + rows "
                      "(round 8)", _EXAMPLES_LENGTHS)],
    "ex8_loss": [ROUND7.CORRECT["ex8_loss"][0],
                 ("logsumexp minus the gathered target logit, mean over the kept positions (round 8)",
                  _LOSS_LSE)],
    "ex9_train": [ROUND7.CORRECT["ex9_train"][0],
                  ("one iterator over the batches, islice(accum_steps) per step (round 8)", _TRAIN_ISLICE)],
    "ex10_perplexity": [ROUND7.CORRECT["ex10_perplexity"][0],
                        ("logsumexp minus the target logit in float64, a float64 running total (round 8)",
                         _PPL_LSE)],
}

# ----------------------------------------------------------------------------- round 8's wrong answers
_GREEDY = ("        best = logits.argmax(dim=-1)\n"
           "        return F.one_hot(best, num_classes=logits.shape[-1]).to(logits.dtype)\n")

_TOP_K = ("    top = torch.topk(probs, k, dim=-1)\n"
          "    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)\n")

_NEXT_DIVIDE_FIRST = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    outputs = model(input_ids=input_ids)
    return outputs.logits[:, -1, :]


def token_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities at `temperature` (0 = greedy: one-hot at the argmax)."""
    scaled = logits / temperature
    if temperature == 0:
        best = scaled.argmax(dim=-1)
        return F.one_hot(best, num_classes=logits.shape[-1]).to(logits.dtype)
    return F.softmax(scaled, dim=-1)
'''

_NEXT_MEAN_SHIFT = replace_once(_NEXT, "    return F.softmax(logits / temperature, dim=-1)\n",
                                "    z = logits / temperature\n"
                                "    e = torch.exp(z - z.mean(dim=-1, keepdim=True))      # centred for stability\n"
                                "    return e / e.sum(dim=-1, keepdim=True)\n")

_TOP_P_FRACTION = '''
def top_k_probs(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep the k largest probabilities of each row, zero the rest, renormalise."""
    top = torch.topk(probs, k, dim=-1)
    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)
    return kept / kept.sum(dim=-1, keepdim=True)


def top_p_probs(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose total reaches p, renormalise."""
    n_keep = max(1, math.ceil(p * probs.shape[-1]))          # the top p of the vocabulary
    top = torch.topk(probs, n_keep, dim=-1)
    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)
    return kept / kept.sum(dim=-1, keepdim=True)
'''

_GEN_PREALLOC = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    T = input_ids.shape[1]
    ids = torch.zeros((1, T + max_new_tokens), dtype=input_ids.dtype, device=input_ids.device)
    ids[:, :T] = input_ids
    past, feed = None, input_ids
    for i in range(max_new_tokens):
        outputs = model(input_ids=feed, past_key_values=past, use_cache=True)
        past = outputs.past_key_values
        token = pick(outputs.logits[:, -1, :]).reshape(1, 1)
        ids[:, T + i] = token[0]
        if eos_id is not None and token.item() == eos_id:
            break
        feed = token
    return ids
'''

_GEN_LEN = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    ids, past, feed = input_ids, None, input_ids
    while len(ids[0]) - len(input_ids) < max_new_tokens:
        outputs = model(input_ids=feed, past_key_values=past, use_cache=True)
        past = outputs.past_key_values
        token = pick(outputs.logits[:, -1, :]).reshape(1, 1)
        ids = torch.cat([ids, token.to(ids.dtype)], dim=1)
        if eos_id is not None and token.item() == eos_id:
            break
        feed = token
    return ids
'''

_LORA_FREEZE = ("        for p in self.base.parameters():\n"
                "            p.requires_grad = False\n")
_LORA_UPDATE = "        update = self.dropout(x) @ self.lora_A.T @ self.lora_B.T\n"

_MERGE_ADD = "        layer.base.weight += layer.scale * (layer.lora_B @ layer.lora_A)\n"
_MERGE_SUB = "        layer.base.weight -= layer.scale * (layer.lora_B @ layer.lora_A)\n"

_MERGE_NEW_LINEAR = '''
@torch.no_grad()
def merge(layer: nn.Module) -> nn.Module:
    """W <- W + scale * B @ A, once; forward then skips the LoRA branch. Returns the layer."""
    if not layer.merged:
        old = layer.base
        new = nn.Linear(old.in_features, old.out_features, bias=old.bias is not None)
        new.weight.copy_(old.weight + layer.scale * (layer.lora_B @ layer.lora_A))
        if old.bias is not None:
            new.bias.copy_(old.bias)
        layer.base = new
        layer.merged = True
    return layer


@torch.no_grad()
def unmerge(layer: nn.Module) -> nn.Module:
    """Undo merge: W <- W - scale * B @ A, once. Returns the layer."""
    if layer.merged:
        layer.base.weight -= layer.scale * (layer.lora_B @ layer.lora_A)
        layer.merged = False
    return layer
'''

_INJECT_LOOP = ("            if child_name in targets and isinstance(child, nn.Linear):\n"
                "                setattr(parent, child_name, make_lora(child))\n")
_COUNT = ("    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)\n"
          "    total = sum(p.numel() for p in model.parameters())\n")

_INJECT_ATTENTION = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, then wrap every nn.Linear named in `targets` with make_lora(linear)."""
    for p in model.parameters():
        p.requires_grad_(False)
    for layer in model.model.layers:                      # the structure printed in section 7
        attention = layer.self_attn
        for child_name, child in list(attention.named_children()):
            if child_name in targets and isinstance(child, nn.Linear):
                setattr(attention, child_name, make_lora(child))
    return model


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(number of trainable parameters, number of all parameters)."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return trainable, total
'''

_COLLATE_ALIASED = '''

def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    width = max(len(e["input_ids"]) for e in examples)
    input_ids = [[pad_id] * width] * len(examples)
    labels = [[-100] * width] * len(examples)
    attention_mask = [[0] * width] * len(examples)
    for row, e in enumerate(examples):
        n = len(e["input_ids"])
        input_ids[row][:n] = e["input_ids"]
        labels[row][:n] = e["labels"]
        attention_mask[row][:n] = [1] * n
    return {"input_ids": torch.tensor(input_ids, dtype=torch.long),
            "labels": torch.tensor(labels, dtype=torch.long),
            "attention_mask": torch.tensor(attention_mask, dtype=torch.long)}
'''

_COLLATE_LABELS_UNPADDED = '''

def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    width = max(len(e["input_ids"]) for e in examples)
    input_ids = [list(e["input_ids"]) + [pad_id] * (width - len(e["input_ids"])) for e in examples]
    attention_mask = [[1] * len(e["input_ids"]) + [0] * (width - len(e["input_ids"])) for e in examples]
    labels = [list(e["labels"]) for e in examples]
    return {"input_ids": torch.tensor(input_ids, dtype=torch.long),
            "labels": torch.tensor(labels, dtype=torch.long),
            "attention_mask": torch.tensor(attention_mask, dtype=torch.long)}
'''

_LOSS_LSE_MISALIGNED = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    targets = labels[:, 1:]
    keep = targets != -100
    safe = targets.masked_fill(~keep, 0)
    log_norm = torch.logsumexp(logits[:, :-1], dim=-1)
    target_logit = logits[:, 1:].gather(-1, safe.unsqueeze(-1)).squeeze(-1)
    return ((log_norm - target_logit) * keep).sum() / keep.sum()
'''

_TRAIN_ON_STEP = "        if on_step is not None:\n            on_step(step, step_loss)\n"

_PPL_TARGETS = "        targets = batch[\"labels\"].to(device)[:, 1:]\n"
_PPL_NLL = ("        total_nll += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),\n"
            "                                     ignore_index=-100, reduction=\"sum\").item()\n")

_PPL_WEIGHTED = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    weighted, total_count = 0.0, 0
    for batch in batches:
        input_ids = batch["input_ids"].to(device)
        attention_mask = batch["attention_mask"].to(device)
        targets = batch["labels"].to(device)[:, 1:]
        logits = model(input_ids=input_ids, attention_mask=attention_mask).logits[:, :-1, :].float()
        count = int((targets != -100).sum())
        if count == 0:
            continue
        mean_nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-100)
        weighted += count * math.exp(mean_nll.item())          # a batch with more tokens counts more
        total_count += count
    return weighted / total_count
'''

MUTANTS = {
    "ex1_next_token": [
        ("last position read as input_ids.shape[0] - 1 (the batch size, not the length T)",
         replace_once(_NEXT, "    return outputs.logits[:, -1, :]\n",
                      "    return outputs.logits[:, input_ids.shape[0] - 1, :]\n")),
        ("argmax with keepdim=True kept from the softmax habit: one_hot gives (B, 1, V), not (B, V)",
         replace_once(_NEXT, "        best = logits.argmax(dim=-1)\n",
                      "        best = logits.argmax(dim=-1, keepdim=True)\n")),
        ("softmax by hand centred on the row mean instead of the row max: at a low temperature exp overflows "
         "(inf / inf = NaN)", _NEXT_MEAN_SHIFT),
        ("logits divided by the temperature before the temperature == 0 test: the greedy argmax is taken on "
         "logits / 0 (all positive logits are inf, the first of them wins)", _NEXT_DIVIDE_FIRST),
    ],
    "ex2_top_k_top_p": [
        ("top-k returns the k kept values themselves ((B, k), renormalised), never scattered back to (B, V)",
         replace_once(_FILTERS, _TOP_K, "    kept = torch.topk(probs, k, dim=-1).values\n")),
        ("scatter's src given the whole probs row instead of the top-k values: the top indices get the "
         "first k probabilities of the vocabulary",
         replace_once(_FILTERS, _TOP_K,
                      "    top = torch.topk(probs, k, dim=-1)\n"
                      "    kept = torch.zeros_like(probs).scatter(-1, top.indices, probs)\n")),
        ("top-p read as a share of the vocabulary: the ceil(p * V) most likely tokens, whatever their mass",
         _TOP_P_FRACTION),
        ("top-p renormalised by kept.sum(dim=-1) without keepdim: (B, V) / (B,) divides columns, not rows "
         "(a batch of several rows raises or mixes rows)",
         replace_once(_FILTERS,
                      "    kept = torch.zeros_like(probs).scatter(-1, order, sorted_kept)\n"
                      "    return kept / kept.sum(dim=-1, keepdim=True)\n",
                      "    kept = torch.zeros_like(probs).scatter(-1, order, sorted_kept)\n"
                      "    return kept / kept.sum(dim=-1)\n")),
    ],
    "ex3_generate": [
        ("preallocated (1, T + max_new_tokens) buffer returned whole: after an early eos the tail is "
         "filler zeros", _GEN_PREALLOC),
        ("new tokens appended with torch.cat(..., dim=0): the batch axis, not the time axis",
         replace_once(_GEN, "        ids = torch.cat([ids, token.to(ids.dtype)], dim=1)\n",
                      "        ids = torch.cat([ids, token.to(ids.dtype)], dim=0)\n")),
        ("also stops at the tokenizer's own eos_token_id when another eos_id is given (`token in (eos_id, "
         "tokenizer.eos_token_id)`)",
         replace_once(_GEN, "        if eos_id is not None and token.item() == eos_id:\n",
                      "        if eos_id is not None and token.item() in (eos_id, tokenizer.eos_token_id):\n")),
        ("new-token count as len(ids[0]) - len(input_ids): len of the (1, T) prompt is 1, so a prompt of T "
         "tokens gets max_new_tokens - T + 1 new ones", _GEN_LEN),
    ],
    "ex4_lora_layer": [
        ("scale stored as self.scaling (peft's name): the layer has no `scale`, merge and set_lora_scale fail",
         replace_once(replace_once(_LORA, "        self.scale = alpha / r\n", "        self.scaling = alpha / r\n"),
                      "        return result + self.scale * update\n",
                      "        return result + self.scaling * update\n")),
        ("update written in the formula's letter order, x @ B @ A: raises unless d_in == d_out, and then "
         "adds x B A instead of x (B A)^T", replace_once(_LORA, _LORA_UPDATE,
                                                     "        update = self.dropout(x) @ self.lora_B @ self.lora_A\n")),
        ("LoRA branch only in training mode (`if self.merged or not self.training`): an eval-mode layer "
         "ignores its adapter", replace_once(_LORA, "        if self.merged:\n",
                                             "        if self.merged or not self.training:\n")),
        ("A drawn with nn.init.xavier_uniform_ (bound sqrt(6 / (d_in + r))), not kaiming_uniform_(a=sqrt(5))",
         replace_once(_LORA, "nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))",
                      "nn.init.xavier_uniform_(self.lora_A)")),
    ],
    "ex5_merge": [
        ("merge and unmerge scale the update by r / alpha (the fraction upside down)",
         _MERGE.replace("layer.scale * (layer.lora_B @ layer.lora_A)",
                        "(layer.r / layer.alpha) * (layer.lora_B @ layer.lora_A)")),
        ("unmerge subtracts B @ A without the scale: merge then unmerge does not give W back (scale != 1)",
         replace_once(_MERGE, _MERGE_SUB, "        layer.base.weight -= layer.lora_B @ layer.lora_A\n")),
        ("merge builds a new nn.Linear holding W + update as layer.base: the caller's Linear keeps the old "
         "weight, and the new weight is trainable", _MERGE_NEW_LINEAR),
        ("merge raises on a layer already merged (peft's warning made an error) instead of returning it",
         replace_once(_MERGE, "    if not layer.merged:\n        layer.base.weight +=",
                      "    if layer.merged:\n        raise RuntimeError(\"layer is already merged\")\n"
                      "    if not layer.merged:\n        layer.base.weight +=")),
    ],
    "ex6_inject": [
        ("`child = make_lora(child)` instead of setattr: only the loop variable is rebound, nothing is wrapped",
         replace_once(_INJECT, _INJECT_LOOP,
                      "            if child_name in targets and isinstance(child, nn.Linear):\n"
                      "                child = make_lora(child)\n")),
        ("loops over model.model.layers[i].self_attn (the printed structure) only: targets elsewhere are not "
         "wrapped, a model without .model.layers raises", _INJECT_ATTENTION),
        ("count via Hugging Face's model.num_parameters(only_trainable=True / False): a plain nn.Module has no "
         "such method", replace_once(_INJECT, _COUNT,
                                     "    trainable = model.num_parameters(only_trainable=True)\n"
                                     "    total = model.num_parameters()\n")),
        ("model.parameters() kept in one generator and iterated twice: the total comes out 0",
         replace_once(_INJECT, _COUNT,
                      "    params = model.parameters()\n"
                      "    trainable = sum(p.numel() for p in params if p.requires_grad)\n"
                      "    total = sum(p.numel() for p in params)\n")),
    ],
    "ex7_examples": [
        ("width = max(len(e) for e in examples): the number of keys of each dict (2), not of tokens",
         replace_once(_EXAMPLES, "    width = max(len(e[\"input_ids\"]) for e in examples)\n",
                      "    width = max(len(e) for e in examples)\n")),
        ("rows pre-filled as [[pad_id] * width] * B: one list shared by every row, all rows become the last "
         "example", _EXAMPLES[:_EXAMPLES.index("\n\ndef collate")] + _COLLATE_ALIASED),
        ("end token appended as text of its id (response + str(tokenizer.eos_token_id)): digits are learned, "
         "not <|im_end|>", replace_once(_EXAMPLES, "tokenizer(response + tokenizer.eos_token,",
                                        "tokenizer(response + str(tokenizer.eos_token_id),")),
        ("labels never padded (only input_ids and attention_mask): examples of different lengths raise",
         _EXAMPLES[:_EXAMPLES.index("\n\ndef collate")] + _COLLATE_LABELS_UNPADDED),
    ],
    "ex8_loss": [
        ("flattened to (B*T, V) first, then shifted by one: each row's last logit is scored against the next "
         "row's first label",
         replace_once(replace_once(_LOSS, "    shift_logits = logits[:, :-1, :]\n    shift_labels = labels[:, 1:]\n",
                                   "    vocab = logits.shape[-1]\n"
                                   "    shift_logits = logits.reshape(-1, vocab)[:-1]\n"
                                   "    shift_labels = labels.reshape(-1)[1:]\n"),
                      "    vocab = shift_logits.shape[-1]\n", "")),
        ("class axis moved by reshape(B, V, T - 1) instead of transpose(1, 2): the scores are scrambled",
         "\ndef causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:\n"
         "    \"\"\"Mean next-token cross-entropy over the positions whose label is not -100.\"\"\"\n"
         "    B, T, V = logits.shape\n"
         "    scores = logits[:, :-1, :].reshape(B, V, T - 1)              # cross_entropy wants (B, C, ...)\n"
         "    return F.cross_entropy(scores, labels[:, 1:], ignore_index=-100)\n"),
        ("log-normaliser from logits[:, :-1] but the target logit gathered from logits[:, 1:]: the two halves "
         "of the cross-entropy are one position apart", _LOSS_LSE_MISALIGNED),
        ("mean by floor division (sum // count): the loss is rounded down to an integer and its gradient is 0",
         replace_once(ROUND7._LOSS_GATHER_BASE, "    return -(picked * keep).sum() / keep.sum()\n",
                      "    return -(picked * keep).sum() // keep.sum()\n")),
    ],
    "ex9_train": [
        ("group starts from range(0, len(batches) - accum_steps, accum_steps): when len(batches) is a multiple "
         "of accum_steps the last full group is never run (one step too few)",
         replace_once(replace_once(_TRAIN, "    bar = progress(range(n_steps), desc=\"LoRA fine-tuning\")\n"
                                           "    for step in bar:\n",
                                   "    starts = range(0, len(batches) - accum_steps, accum_steps)\n"
                                   "    bar = progress(list(enumerate(starts)), desc=\"LoRA fine-tuning\")\n"
                                   "    for step, start in bar:\n"),
                      "        for batch in batches[step * accum_steps:(step + 1) * accum_steps]:\n",
                      "        for batch in batches[start:start + accum_steps]:\n")),
        ("on_step called without the `is not None` test: the default on_step=None raises",
         replace_once(_TRAIN, _TRAIN_ON_STEP, "        on_step(step, step_loss)\n")),
        ("on_step given `loss.item()`, the last micro-batch's loss, not the step's mean (the returned list "
         "is right)", replace_once(_TRAIN, _TRAIN_ON_STEP,
                                   "        if on_step is not None:\n            on_step(step, loss.item())\n")),
        ("returns the running mean over all micro-batches so far at each step, not each step's own mean",
         replace_once(replace_once(_TRAIN, "    history = []\n", "    history, seen = [], []\n"),
                      "        step_loss = sum(micro) / len(micro)\n",
                      "        seen.extend(micro)\n        step_loss = sum(seen) / len(seen)\n")),
    ],
    "ex10_perplexity": [
        ("F.nll_loss on the raw logits (the log_softmax forgotten): the NLL is minus the target logit",
         replace_once(_PPL, _PPL_NLL,
                      "        total_nll += F.nll_loss(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),\n"
                      "                                ignore_index=-100, reduction=\"sum\").item()\n")),
        ("token-weighted mean of the per-batch perplexities, not exp of the token-mean NLL", _PPL_WEIGHTED),
        ("torch.distributions.Categorical(logits) positional: the logits are read as probabilities (probs=)",
         replace_once(_PPL, _PPL_NLL,
                      "        dist = torch.distributions.Categorical(logits)\n"
                      "        keep = targets != -100\n"
                      "        total_nll -= float(dist.log_prob(targets.clamp(min=0))[keep].sum())\n")),
        ("-100 targets set to 0 for gather and the masked positions summed too (scored as token 0), though "
         "only the real targets are counted",
         replace_once(_PPL, _PPL_NLL,
                      "        log_p = F.log_softmax(logits, dim=-1)\n"
                      "        picked = log_p.gather(-1, targets.clamp(min=0).unsqueeze(-1)).squeeze(-1)\n"
                      "        total_nll -= float(picked.sum())\n")),
    ],
}

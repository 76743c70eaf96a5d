"""Blind round 3, lab 03 (LLM fine-tuning with LoRA): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of tests/mutants, round 1 or round 2 holds.
Right answers: CORRECT[gid][0] and [2] are round 2's (the reference keeps the
proofs comparable); CORRECT[gid][1] is this round's own, in another style (added at the end of the file).

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND2 = earlier_round(2, __file__)  # its right answers are this round's references, reused by name


# ----------------------------------------------------------------------------- ex1 next token
_NEXT = ROUND2._NEXT

_NEXT_SCATTER = ROUND2._NEXT_SCATTER

# ----------------------------------------------------------------------------- ex2 top-k / top-p
_FILTERS = ROUND2._FILTERS

_FILTERS_MASK = ROUND2._FILTERS_MASK

# ----------------------------------------------------------------------------- ex3 generate
_GEN = ROUND2._GEN

_GEN_STEPS = ROUND2._GEN_STEPS

# ----------------------------------------------------------------------------- ex4 LoRA layer
_LORA = ROUND2._LORA

_LORA_LINEAR = ROUND2._LORA_LINEAR

# ----------------------------------------------------------------------------- ex5 merge
_MERGE = ROUND2._MERGE

_MERGE_ADDMM = ROUND2._MERGE_ADDMM

# ----------------------------------------------------------------------------- ex6 inject
_INJECT = ROUND2._INJECT

_INJECT_RECURSIVE = ROUND2._INJECT_RECURSIVE

# ----------------------------------------------------------------------------- ex7 examples
_EXAMPLES = ROUND2._EXAMPLES

_EXAMPLES_FPAD = ROUND2._EXAMPLES_FPAD

# ----------------------------------------------------------------------------- ex8 loss
_LOSS = ROUND2._LOSS

_LOSS_CHANNELS = ROUND2._LOSS_CHANNELS

# ----------------------------------------------------------------------------- ex9 training loop
_TRAIN = ROUND2._TRAIN

_TRAIN_FLAT = ROUND2._TRAIN_FLAT

# ----------------------------------------------------------------------------- ex10 perplexity
_PPL = ROUND2._PPL

_PPL_LSE = ROUND2._PPL_LSE

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

_GEN_STALE = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    outputs = model(input_ids=input_ids, past_key_values=None, use_cache=True)
    past = outputs.past_key_values
    logits = outputs.logits[:, -1, :]
    ids = input_ids
    for _ in range(max_new_tokens):
        token = pick(logits).reshape(1, 1)
        ids = torch.cat([ids, token.to(ids.dtype)], dim=1)
        if eos_id is not None and token.item() == eos_id:
            break
        outputs = model(input_ids=token, past_key_values=past, use_cache=True)
        past = outputs.past_key_values
    return ids
'''

_EXAMPLES_JOINED = '''
def tokenize_pair(tokenizer, instruction: str, response: str) -> dict:
    """{'input_ids': prompt + answer token ids, 'labels': -100 over the prompt, the ids elsewhere}."""
    prompt_text = chat_prompt(tokenizer, instruction)
    prompt = tokenizer(prompt_text, add_special_tokens=False).input_ids
    ids = tokenizer(prompt_text + response + tokenizer.eos_token, add_special_tokens=False).input_ids
    return {"input_ids": list(ids), "labels": [-100] * len(prompt) + list(ids[len(prompt):])}
''' + _EXAMPLES[_EXAMPLES.index("\n\ndef collate"):]

MUTANTS = {
    "ex1_next_token": [
        ("temperatures below 1e-3 treated as greedy (one-hot): a very low temperature is not 0",
         replace_once(_NEXT, "    if temperature == 0:\n", "    if temperature < 1e-3:\n")),
        ("greedy one-hot by comparing with the row max: tied logits give several ones",
         replace_once(_NEXT, "        best = logits.argmax(dim=-1)\n        return F.one_hot(best, num_classes=logits.shape[-1]).to(logits.dtype)\n",
              "        return (logits == logits.max(dim=-1, keepdim=True).values).to(logits.dtype)\n")),
        ("logits[-1]: the last sequence of the batch (T, V), not the last position",
         replace_once(_NEXT, "return outputs.logits[:, -1, :]", "return outputs.logits[-1]")),
        ("feeds only the last token (input_ids[:, -1:]): the context is lost",
         replace_once(_NEXT, "model(input_ids=input_ids)", "model(input_ids=input_ids[:, -1:])")),
    ],
    "ex2_top_k_top_p": [
        ("top-k threshold from torch.kthvalue (the k-th smallest, not the k-th largest)",
         replace_once(_FILTERS, "    top = torch.topk(probs, k, dim=-1)\n    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)\n",
              "    threshold = torch.kthvalue(probs, k, dim=-1, keepdim=True).values\n    kept = probs * (probs >= threshold)\n")),
        ("top-k over dim 0 (the batch): the k largest of every column",
         replace_once(_FILTERS, "    top = torch.topk(probs, k, dim=-1)\n    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)\n",
              "    top = torch.topk(probs, k, dim=0)\n    kept = torch.zeros_like(probs).scatter(0, top.indices, top.values)\n")),
        ("top-p scatters the kept values back into the caller's probs (in place)",
         replace_once(_FILTERS, "    kept = torch.zeros_like(probs).scatter(-1, order, sorted_kept)\n",
              "    kept = probs.scatter_(-1, order, sorted_kept)\n")),
        ("top-p read as a probability threshold: keeps the tokens whose own probability is at least p",
         replace_once(_FILTERS, "    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)\n"
                        "    before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs\n"
                        "    sorted_kept = sorted_probs * (before < p)\n"
                        "    kept = torch.zeros_like(probs).scatter(-1, order, sorted_kept)\n",
              "    kept = probs * (probs >= p)\n")),
    ],
    "ex3_generate": [
        ("max_new_tokens read as the total length: range(max_new_tokens - prompt length)",
         replace_once(_GEN, "for _ in range(max_new_tokens):", "for _ in range(max_new_tokens - input_ids.shape[1]):")),
        ("pick gets logits[0, -1]: a (V,) vector, the batch dimension dropped",
         replace_once(_GEN, "pick(outputs.logits[:, -1, :])", "pick(outputs.logits[0, -1, :])")),
        ("the prompt's last logits reused at every step (logits never updated after the first call)", _GEN_STALE),
        ("eos tested on the sequence's last token at the top of the loop: a prompt ending in eos_id stops at once",
         replace_once(replace_once(_GEN, "    for _ in range(max_new_tokens):\n",
                   "    for _ in range(max_new_tokens):\n"
                   "        if eos_id is not None and ids[0, -1].item() == eos_id:\n            break\n"),
              "        if eos_id is not None and token.item() == eos_id:\n            break\n", "")),
    ],
    "ex4_lora_layer": [
        ("scale = alpha // r (floor division)", replace_once(_LORA, "self.scale = alpha / r", "self.scale = alpha // r")),
        ("keeps a deep copy of base: the caller's Linear stays trainable and is not the layer's",
         replace_once(replace_once(_LORA, "        self.base = base\n", "        self.base = copy.deepcopy(base)\n"),
              "class LoRALinear", "import copy\n\n\nclass LoRALinear")),
        ("kaiming_uniform_ with a=5 instead of a=sqrt(5)", replace_once(_LORA, "a=math.sqrt(5)", "a=5")),
        ("dropout rate hard-coded (nn.Dropout(0.1)): the dropout argument is ignored",
         replace_once(_LORA, "nn.Dropout(dropout)", "nn.Dropout(0.1)")),
    ],
    "ex5_merge": [
        ("merges into a clone of the weight (w = weight.clone(); w += ...): nothing written back",
         replace_once(replace_once(_MERGE, "        layer.base.weight += layer.scale * (layer.lora_B @ layer.lora_A)\n        layer.merged = True\n",
                   "        w = layer.base.weight.clone()\n        w += layer.scale * (layer.lora_B @ layer.lora_A)\n        layer.merged = True\n"),
              "        layer.base.weight -= layer.scale * (layer.lora_B @ layer.lora_A)\n",
              "        w = layer.base.weight.clone()\n        w -= layer.scale * (layer.lora_B @ layer.lora_A)\n")),
        ("merge uses weight.copy_(update): W replaced by the update instead of W + update",
         replace_once(_MERGE, "        layer.base.weight += layer.scale * (layer.lora_B @ layer.lora_A)\n",
              "        layer.base.weight.copy_(layer.scale * (layer.lora_B @ layer.lora_A))\n")),
        ("merge folds the scale into lora_B in place (B *= scale): unmerge then subtracts scale twice",
         replace_once(_MERGE, "        layer.base.weight += layer.scale * (layer.lora_B @ layer.lora_A)\n",
              "        layer.lora_B.mul_(layer.scale)\n        layer.base.weight += layer.lora_B @ layer.lora_A\n")),
        ("unmerge asserts the layer is merged (an unmerged layer raises instead of being returned)",
         replace_once(_MERGE, "    if layer.merged:\n        layer.base.weight -=",
              "    assert layer.merged, 'unmerge: the layer is not merged'\n    if layer.merged:\n        layer.base.weight -=")),
    ],
    "ex6_inject": [
        ("count_parameters: trainable = parameters that have a .grad (0 before any backward)",
         replace_once(_INJECT, "if p.requires_grad)", "if p.grad is not None)")),
        ("setattr on the root model instead of the parent: the layers keep their plain Linear",
         replace_once(_INJECT, "setattr(parent, child_name, make_lora(child))", "setattr(model, child_name, make_lora(child))")),
        ("works on copy.deepcopy(model): the caller's model is left unchanged",
         replace_once(replace_once(_INJECT, "    for p in model.parameters():\n        p.requires_grad_(False)\n",
                   "    model = copy.deepcopy(model)\n    for p in model.parameters():\n        p.requires_grad_(False)\n"),
              "def add_lora", "import copy\n\n\ndef add_lora")),
        ("count_parameters: total counts the frozen parameters only",
         replace_once(_INJECT, "    total = sum(p.numel() for p in model.parameters())\n",
              "    total = sum(p.numel() for p in model.parameters() if not p.requires_grad)\n")),
    ],
    "ex7_examples": [
        ("tokenizes prompt + response + eos as one string (tokens merge across the boundary)", _EXAMPLES_JOINED),
        ("collate sorts the examples by length (longest first): rows come back reordered",
         replace_once(_EXAMPLES, "    width = max(len(e[\"input_ids\"]) for e in examples)\n",
              "    examples = sorted(examples, key=lambda e: len(e[\"input_ids\"]), reverse=True)\n"
              "    width = max(len(e[\"input_ids\"]) for e in examples)\n")),
        ("pads to a multiple of 8 (the pad_to_multiple_of habit), not to the longest example",
         replace_once(_EXAMPLES, "    width = max(len(e[\"input_ids\"]) for e in examples)\n",
              "    width = -(-max(len(e[\"input_ids\"]) for e in examples) // 8) * 8\n")),
        ("the end-of-turn token masked in the labels too (-100 on the last answer token)",
         replace_once(_EXAMPLES, "\"labels\": [-100] * len(prompt) + list(answer)}", "\"labels\": [-100] * len(prompt) + list(answer[:-1]) + [-100]}")),
    ],
    "ex8_loss": [
        ("summed loss divided by the non -100 labels counted before the shift",
         replace_once(_LOSS, "    return F.cross_entropy(shift_logits.reshape(-1, vocab), shift_labels.reshape(-1), ignore_index=-100)\n",
              "    total = F.cross_entropy(shift_logits.reshape(-1, vocab), shift_labels.reshape(-1), ignore_index=-100,\n"
              "                            reduction='sum')\n"
              "    return total / (labels != -100).sum()\n")),
        ("squeeze() first: a batch of one loses its batch axis (the shift then fails)",
         replace_once(_LOSS, "    shift_logits = logits[:, :-1, :]\n    shift_labels = labels[:, 1:]\n",
              "    logits, labels = logits.squeeze(), labels.squeeze()\n"
              "    shift_logits = logits[:, :-1, :]\n"
              "    shift_labels = labels[:, 1:]\n")),
        ("ignore_index=0 (the pad id) instead of -100",
         replace_once(_LOSS, "ignore_index=-100)", "ignore_index=0)")),
        ("label_smoothing=0.1 (a training-recipe habit)",
         replace_once(_LOSS, "ignore_index=-100)", "ignore_index=-100, label_smoothing=0.1)")),
    ],
    "ex9_train": [
        ("labels taken from input_ids (the prompt mask is lost)",
         replace_once(_TRAIN, "labels = batch[\"labels\"].to(device)", "labels = batch[\"input_ids\"].to(device)")),
        ("off by one in the group slice: the first micro-batch of every step is skipped",
         replace_once(_TRAIN, "batches[step * accum_steps:(step + 1) * accum_steps]", "batches[step * accum_steps + 1:(step + 1) * accum_steps]")),
        ("returns the sum of the step's micro-batch losses, not their mean",
         replace_once(_TRAIN, "step_loss = sum(micro) / len(micro)", "step_loss = sum(micro)")),
        ("uses outputs.loss (model(..., labels=labels)) instead of calling loss_fn",
         replace_once(replace_once(_TRAIN, "outputs = model(input_ids=input_ids, attention_mask=attention_mask)",
                   "outputs = model(input_ids=input_ids, attention_mask=attention_mask, labels=labels)"),
              "loss = loss_fn(outputs.logits.float(), labels)", "loss = outputs.loss")),
    ],
    "ex10_perplexity": [
        ("returns a tensor (torch.exp) instead of a Python float",
         replace_once(_PPL, "return math.exp(total_nll / total_count)", "return torch.exp(torch.tensor(total_nll / total_count))")),
        ("targets by torch.roll(labels, -1) over all T positions (the first label wraps round to the end)",
         replace_once(replace_once(_PPL, "targets = batch[\"labels\"].to(device)[:, 1:]", "targets = batch[\"labels\"].to(device).roll(-1, dims=1)"),
              ".logits[:, :-1, :].float()", ".logits.float()")),
        ("scores only the first sequence of every batch (written for a batch of one)",
         replace_once(replace_once(_PPL, "targets = batch[\"labels\"].to(device)[:, 1:]", "targets = batch[\"labels\"].to(device)[:1, 1:]"),
              ".logits[:, :-1, :].float()", ".logits[:1, :-1, :].float()")),
        ("targets kept where label > 0: token id 0 is skipped as if it were padding",
         replace_once(_PPL, "        targets = batch[\"labels\"].to(device)[:, 1:]\n",
              "        targets = batch[\"labels\"].to(device)[:, 1:]\n        targets = targets.masked_fill(targets <= 0, -100)\n")),
    ],
}

# ----------------------------------------------------------------------------- round 3's own right answers
_NEXT_EYE = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    return model(input_ids=input_ids).logits.select(1, input_ids.shape[1] - 1)


def token_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities at `temperature` (0 = greedy: one-hot at the argmax)."""
    if temperature == 0:
        eye = torch.eye(logits.shape[-1], dtype=logits.dtype, device=logits.device)
        return eye[logits.argmax(dim=-1)]
    z = logits / temperature
    return torch.exp(z - torch.logsumexp(z, dim=-1, keepdim=True))
'''

_FILTERS_RANK = '''
def top_k_probs(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep exactly k probabilities of each row, the k largest (ties: any), zero the rest, renormalise."""
    values, order = probs.sort(dim=-1, descending=True, stable=True)
    rank = torch.arange(probs.shape[-1], device=probs.device)
    kept_sorted = torch.where(rank < k, values, torch.zeros_like(values))
    kept = torch.empty_like(probs).scatter_(-1, order, kept_sorted)
    return kept / kept.sum(-1, keepdim=True)


def top_p_probs(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose total reaches p, renormalise."""
    values, order = probs.sort(dim=-1, descending=True)
    mass_above = values.cumsum(-1) - values
    kept_sorted = values.masked_fill(mass_above >= p, 0.0)
    kept = kept_sorted.gather(-1, order.argsort(-1))
    return kept / kept.sum(-1, keepdim=True)
'''

_GEN_LIST = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    new = []
    out = None
    while len(new) < max_new_tokens:
        if out is None:
            out = model(input_ids=input_ids, past_key_values=None, use_cache=True)
        else:
            out = model(input_ids=torch.tensor([[new[-1]]], device=input_ids.device),
                        past_key_values=out.past_key_values, use_cache=True)
        new.append(int(pick(out.logits[:, -1, :]).reshape(-1)[0]))
        if eos_id is not None and new[-1] == eos_id:
            break
    tail = torch.tensor([new], dtype=input_ids.dtype, device=input_ids.device).reshape(1, len(new))
    return torch.cat([input_ids, tail], dim=1)
'''

_LORA_EINSUM = '''
class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0, dropout: float = 0.0):
        super().__init__()
        self.base = base.requires_grad_(False)
        self.r = r
        self.alpha = alpha
        self.scale = alpha / r
        self.merged = False
        self.lora_A = nn.Parameter(torch.zeros(r, base.in_features))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))
        self.lora_dropout = nn.Dropout(p=dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (..., d_in) -> (..., d_out)
        out = self.base(x)
        if not self.merged:
            down = torch.einsum("...i,ri->...r", self.lora_dropout(x), self.lora_A)
            out = out + self.scale * torch.einsum("...r,or->...o", down, self.lora_B)
        return out
'''

_MERGE_EINSUM = '''
def _delta(layer):
    return layer.scale * torch.einsum("or,ri->oi", layer.lora_B, layer.lora_A)


@torch.no_grad()
def merge(layer: nn.Module) -> nn.Module:
    """W <- W + scale * B @ A, once; forward then skips the LoRA branch. Returns the layer."""
    if layer.merged is False:
        layer.base.weight.add_(_delta(layer))
        layer.merged = True
    return layer


@torch.no_grad()
def unmerge(layer: nn.Module) -> nn.Module:
    """Undo merge: W <- W - scale * B @ A, once. Returns the layer."""
    if layer.merged is True:
        layer.base.weight.sub_(_delta(layer))
        layer.merged = False
    return layer
'''

_INJECT_SUBMODULE = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, wrap every nn.Linear whose name is one of `targets` with make_lora(linear);
    return the model."""
    for param in model.parameters():
        param.requires_grad = False
    found = [(name, child_name) for name, module in model.named_modules()
             for child_name, child in module.named_children()
             if child_name in targets and isinstance(child, nn.Linear)]
    for name, child_name in found:
        parent = model.get_submodule(name)
        setattr(parent, child_name, make_lora(getattr(parent, child_name)))
    return model


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(number of trainable parameters, number of all parameters)."""
    trainable = total = 0
    for param in model.parameters():
        total += param.numel()
        if param.requires_grad:
            trainable += param.numel()
    return trainable, total
'''

_EXAMPLES_LISTS = '''
def tokenize_pair(tokenizer, instruction: str, response: str) -> dict:
    """{'input_ids': prompt + answer token ids, 'labels': -100 over the prompt, the ids elsewhere}."""
    enc = lambda text: list(tokenizer(text, add_special_tokens=False)["input_ids"])  # noqa: E731
    prompt, answer = enc(chat_prompt(tokenizer, instruction)), enc(response + tokenizer.eos_token)
    return {"input_ids": prompt + answer, "labels": [-100 for _ in prompt] + answer}


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

_LOSS_NLL = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    log_p = F.log_softmax(logits[:, :-1], dim=-1).flatten(0, 1)
    return F.nll_loss(log_p, labels[:, 1:].flatten(), ignore_index=-100)
'''

_TRAIN_GROUPS = '''
def train_lora(model: nn.Module, batches: list[dict], optimizer: torch.optim.Optimizer, loss_fn,
               accum_steps: int, device, on_step=None) -> list[float]:
    """Gradient-accumulation training; returns the mean micro-batch loss of every optimizer step."""
    groups = [batches[i:i + accum_steps] for i in range(0, len(batches) // accum_steps * accum_steps, accum_steps)]
    model.train()
    means = []
    bar = progress(groups, desc="train")
    for step, group in enumerate(bar):
        optimizer.zero_grad()
        total = 0.0
        for micro in group:
            micro = {k: v.to(device) for k, v in micro.items()}
            with autocast(device):
                logits = model(input_ids=micro["input_ids"], attention_mask=micro["attention_mask"]).logits
            loss = loss_fn(logits.float(), micro["labels"])
            (loss / accum_steps).backward()
            total += loss.item()
        optimizer.step()
        means.append(total / len(group))
        bar.set_postfix(loss=f"{means[-1]:.3f}")
        if on_step is not None:
            on_step(step, means[-1])
    model.eval()
    return means
'''

_PPL_MEAN_TIMES_COUNT = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    nll_sum, n_tokens = 0.0, 0
    for batch in batches:
        batch = {k: v.to(device) for k, v in batch.items()}
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits.float()
        targets = batch["labels"][:, 1:]
        n = int(targets.ne(-100).sum())
        if n == 0:
            continue
        log_p = F.log_softmax(logits[:, :-1], dim=-1)
        nll = F.nll_loss(log_p.reshape(-1, log_p.shape[-1]), targets.reshape(-1), ignore_index=-100)
        nll_sum += nll.item() * n
        n_tokens += n
    return float(math.exp(nll_sum / n_tokens))
'''

for _gid, _src, _label in (
        ("ex1_next_token", _NEXT_EYE, "select the last position, eye rows as one-hot, exp(z - logsumexp) (round 3)"),
        ("ex2_top_k_top_p", _FILTERS_RANK, "rank mask on the sorted values, inverse permutation by argsort (round 3)"),
        ("ex3_generate", _GEN_LIST, "while loop collecting Python ints, one cat at the end (round 3)"),
        ("ex4_lora_layer", _LORA_EINSUM, "requires_grad_ on base, einsum branch (round 3)"),
        ("ex5_merge", _MERGE_EINSUM, "einsum update, add_ / sub_ (round 3)"),
        ("ex6_inject", _INJECT_SUBMODULE, "collect (module name, child name) pairs, get_submodule, one counting loop (round 3)"),
        ("ex7_examples", _EXAMPLES_LISTS, "padded Python lists, one torch.tensor per key (round 3)"),
        ("ex8_loss", _LOSS_NLL, "nll_loss of log_softmax, flatten (round 3)"),
        ("ex9_train", _TRAIN_GROUPS, "groups listed first, enumerate over the progress bar (round 3)"),
        ("ex10_perplexity", _PPL_MEAN_TIMES_COUNT, "per-batch mean NLL times its token count (round 3)")):
    CORRECT[_gid].insert(1, (_label, _src))

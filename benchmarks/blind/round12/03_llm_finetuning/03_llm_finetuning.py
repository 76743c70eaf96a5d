"""Blind round 12, lab 03 (LLM fine-tuning with LoRA): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of rounds 1-11 holds.
Right answers: CORRECT[gid][0] is round 11's reference (round 2's, reused by name: the reference keeps
the proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND11 = earlier_round(11, __file__)

_NEXT, _FILTERS, _GEN, _LORA, _MERGE = (ROUND11._NEXT, ROUND11._FILTERS, ROUND11._GEN, ROUND11._LORA,
                                        ROUND11._MERGE)
_INJECT, _EXAMPLES, _LOSS, _TRAIN, _PPL = (ROUND11._INJECT, ROUND11._EXAMPLES, ROUND11._LOSS, ROUND11._TRAIN,
                                           ROUND11._PPL)

# ----------------------------------------------------------------------------- round 12's own right answers
_NEXT_F64 = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    logits = model(input_ids=input_ids).logits
    return logits.narrow(1, logits.shape[1] - 1, 1).squeeze(1)


def token_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities at `temperature` (0 = greedy: one-hot at the argmax)."""
    if temperature == 0:
        eye = torch.eye(logits.shape[-1], dtype=logits.dtype, device=logits.device)
        return eye[logits.argmax(dim=-1)]
    z = logits.double() / temperature                    # float64 inside, cast back at the end
    return (z - torch.logsumexp(z, dim=-1, keepdim=True)).exp().to(logits.dtype)
'''

_FILTERS_LOOP = '''
def top_k_probs(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep exactly k probabilities of each row, the k largest (ties: any), zero the rest, renormalise."""
    out = torch.zeros_like(probs)
    for row in range(probs.shape[0]):
        idx = torch.argsort(probs[row], descending=True)[:k]
        out[row, idx] = probs[row, idx]
        out[row] = out[row] / out[row].sum()
    return out


def top_p_probs(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose total reaches p, renormalise."""
    out = torch.zeros_like(probs)
    for row in range(probs.shape[0]):
        values, idx = torch.sort(probs[row], descending=True)
        above = torch.cumsum(values, dim=0) - values     # the mass ranked above each token
        for rank, i in enumerate(idx.tolist()):
            if above[rank] < p:
                out[row, i] = probs[row, i]
        out[row] = out[row] / out[row].sum()
    return out
'''

_GEN_LIST = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    new, cache, feed = [], None, input_ids
    for _ in range(max_new_tokens):
        out = model(input_ids=feed, past_key_values=cache, use_cache=True)
        cache = out.past_key_values
        token = int(pick(out.logits[:, -1, :]).reshape(-1)[0])
        new.append(token)
        if eos_id is not None and token == eos_id:
            break
        feed = torch.tensor([[token]], dtype=input_ids.dtype, device=input_ids.device)
    tail = torch.tensor([new], dtype=input_ids.dtype, device=input_ids.device).reshape(1, len(new))
    return torch.cat([input_ids, tail], dim=1)
'''

_LORA_EINSUM = '''
class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0, dropout: float = 0.0):
        super().__init__()
        for p in base.parameters():
            p.requires_grad_(False)
        self.base = base
        self.r, self.alpha, self.scale, self.merged = r, alpha, alpha / r, False
        d_out, d_in = base.weight.shape
        A = torch.empty(r, d_in)
        nn.init.kaiming_uniform_(A, a=math.sqrt(5))
        self.lora_A = nn.Parameter(A)
        self.lora_B = nn.Parameter(torch.zeros(d_out, r))
        self.drop = nn.Dropout(p=dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (..., d_in) -> (..., d_out)
        out = self.base(x)
        if not self.merged:
            out = out + self.scale * torch.einsum("...i,ri,or->...o", self.drop(x), self.lora_A, self.lora_B)
        return out
'''

_MERGE_DATA = '''
def _delta(layer):
    return torch.matmul(layer.lora_B, layer.lora_A).mul(layer.scale)


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

_INJECT_NAMES = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, wrap every nn.Linear whose name is one of `targets` with make_lora(linear);
    return the model."""
    for _, p in model.named_parameters():
        p.requires_grad = False
    wanted = set(targets)
    for _, parent in list(model.named_modules()):
        for child_name, child in list(parent.named_children()):
            if isinstance(child, nn.Linear) and child_name in wanted:
                setattr(parent, child_name, make_lora(child))
    return model


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(number of trainable parameters, number of all parameters)."""
    sizes = [(p.numel(), p.requires_grad) for p in model.parameters()]
    return sum(n for n, t in sizes if t), sum(n for n, _ in sizes)
'''

_EXAMPLES_PAD = '''
def tokenize_pair(tokenizer, instruction: str, response: str) -> dict:
    """{'input_ids': prompt + answer token ids, 'labels': -100 over the prompt, the ids elsewhere}."""
    enc = [tokenizer(text, add_special_tokens=False)["input_ids"]
           for text in (chat_prompt(tokenizer, instruction), response + tokenizer.eos_token)]
    return {"input_ids": enc[0] + enc[1], "labels": [-100 for _ in enc[0]] + enc[1]}


def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    from torch.nn.utils.rnn import pad_sequence
    ids = [torch.tensor(e["input_ids"], dtype=torch.long) for e in examples]
    labs = [torch.tensor(e["labels"], dtype=torch.long) for e in examples]
    mask = [torch.ones(len(e["input_ids"]), dtype=torch.long) for e in examples]
    return {"input_ids": pad_sequence(ids, batch_first=True, padding_value=pad_id),
            "labels": pad_sequence(labs, batch_first=True, padding_value=-100),
            "attention_mask": pad_sequence(mask, batch_first=True, padding_value=0)}
'''

_LOSS_NLL = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    log_p = F.log_softmax(logits[:, :-1], dim=-1)
    targets = labels[:, 1:]
    keep = targets != -100
    return F.nll_loss(log_p[keep], targets[keep], reduction="sum") / keep.sum()
'''

_TRAIN_FLAT = '''
def train_lora(model: nn.Module, batches: list[dict], optimizer: torch.optim.Optimizer, loss_fn,
               accum_steps: int, device, on_step=None) -> list[float]:
    """Gradient-accumulation training; returns the mean micro-batch loss of every optimizer step."""
    steps = len(batches) // accum_steps
    used = batches[:steps * accum_steps]                 # the leftovers are never run
    model.train()
    history, micro = [], []
    bar = progress(range(steps), desc="LoRA")
    it = iter(bar)
    for i, batch in enumerate(used):
        if i % accum_steps == 0:
            step = next(it)
            optimizer.zero_grad()
            micro = []
        with autocast(device):
            outputs = model(input_ids=batch["input_ids"].to(device),
                            attention_mask=batch["attention_mask"].to(device))
        loss = loss_fn(outputs.logits.float(), batch["labels"].to(device))
        (loss / accum_steps).backward()
        micro.append(float(loss.detach()))
        if len(micro) == accum_steps:
            optimizer.step()
            history.append(sum(micro) / accum_steps)
            bar.set_postfix(loss=history[-1])
            if on_step is not None:
                on_step(step, history[-1])
    for _ in it:                                          # let the progress bar finish
        pass
    model.eval()
    return history
'''

_PPL_LSE = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    nll = torch.zeros((), dtype=torch.float64)
    n = 0
    for batch in batches:
        out = model(input_ids=batch["input_ids"].to(device), attention_mask=batch["attention_mask"].to(device))
        z = out.logits[:, :-1].double()
        y = batch["labels"][:, 1:].to(device)
        m = y != -100
        zm, ym = z[m], y[m]
        nll += (torch.logsumexp(zm, dim=-1) - zm.gather(-1, ym[:, None]).squeeze(-1)).sum().cpu()
        n += int(m.sum())
    return float(torch.exp(nll / n))
'''

CORRECT = {
    "ex1_next_token": [ROUND11.CORRECT["ex1_next_token"][0],
                       ("last position by narrow + squeeze(1); greedy rows of eye(V, dtype) at the argmax; "
                        "float64 z - logsumexp(z), cast back to the logits' dtype (round 12)", _NEXT_F64)],
    "ex2_top_k_top_p": [ROUND11.CORRECT["ex2_top_k_top_p"][0],
                        ("row by row with Python loops: argsort slices for top-k, each rank's mass above tested for top-p "
                         "(round 12)", _FILTERS_LOOP)],
    "ex3_generate": [ROUND11.CORRECT["ex3_generate"][0],
                     ("new tokens kept as Python ints, joined once at the end in the prompt's dtype "
                      "(round 12)", _GEN_LIST)],
    "ex4_lora_layer": [ROUND11.CORRECT["ex4_lora_layer"][0],
                       ("A drawn into a plain tensor then wrapped; the branch by one einsum (round 12)",
                        _LORA_EINSUM)],
    "ex5_merge": [ROUND11.CORRECT["ex5_merge"][0],
                  ("a shared _delta helper; weight.add_ / sub_ (round 12)", _MERGE_DATA)],
    "ex6_inject": [ROUND11.CORRECT["ex6_inject"][0],
                   ("named_parameters freeze; set of targets; counts from one list of (numel, trainable) "
                    "(round 12)", _INJECT_NAMES)],
    "ex7_examples": [ROUND11.CORRECT["ex7_examples"][0],
                     ("tokenizer(...)['input_ids'] in a comprehension; collate by pad_sequence(batch_first) "
                      "(round 12)", _EXAMPLES_PAD)],
    "ex8_loss": [ROUND11.CORRECT["ex8_loss"][0],
                 ("boolean-mask selection then F.nll_loss(sum) / count (round 12)", _LOSS_NLL)],
    "ex9_train": [ROUND11.CORRECT["ex9_train"][0],
                  ("one flat loop over the used micro-batches, a step every accum_steps (round 12)",
                   _TRAIN_FLAT)],
    "ex10_perplexity": [ROUND11.CORRECT["ex10_perplexity"][0],
                        ("float64 logsumexp minus the target logit on masked positions, a float64 tensor "
                         "total (round 12)", _PPL_LSE)],
}

# ----------------------------------------------------------------------------- wrong answers
_SOFTMAX_RETURN = "    return F.softmax(logits / temperature, dim=-1)\n"
_LAST = "    return outputs.logits[:, -1, :]\n"

_GEN_PROMPT_STEPWISE = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    past = None
    for t in range(input_ids.shape[1]):                  # warm the cache one prompt token at a time
        outputs = model(input_ids=input_ids[:, t:t + 1], past_key_values=past, use_cache=True)
        past = outputs.past_key_values
    ids = input_ids
    for _ in range(max_new_tokens):
        token = pick(outputs.logits[:, -1, :]).reshape(1, 1)
        ids = torch.cat([ids, token.to(ids.dtype)], dim=1)
        if eos_id is not None and token.item() == eos_id:
            break
        if ids.shape[1] - input_ids.shape[1] == max_new_tokens:
            break
        outputs = model(input_ids=token, past_key_values=past, use_cache=True)
        past = outputs.past_key_values
    return ids
'''

_COLLATE_LEFT = '''
def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    width = max(len(e["input_ids"]) for e in examples)
    input_ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    labels = torch.full((len(examples), width), -100, dtype=torch.long)
    attention_mask = torch.zeros((len(examples), width), dtype=torch.long)
    for row, e in enumerate(examples):
        n = len(e["input_ids"])
        input_ids[row, width - n:] = torch.tensor(e["input_ids"], dtype=torch.long)   # padding_side = "left"
        labels[row, width - n:] = torch.tensor(e["labels"], dtype=torch.long)
        attention_mask[row, width - n:] = 1
    return {"input_ids": input_ids, "labels": labels, "attention_mask": attention_mask}
'''

_COLLATE_EXTEND = '''
def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    width = max(len(e["input_ids"]) for e in examples)
    masks = []
    for e in examples:
        gap = width - len(e["input_ids"])
        masks.append([1] * len(e["input_ids"]) + [0] * gap)
        e["input_ids"] += [pad_id] * gap                 # pads the example's own lists
        e["labels"] += [-100] * gap
    return {"input_ids": torch.tensor([e["input_ids"] for e in examples], dtype=torch.long),
            "labels": torch.tensor([e["labels"] for e in examples], dtype=torch.long),
            "attention_mask": torch.tensor(masks, dtype=torch.long)}
'''

_EX_TOKENIZE = _EXAMPLES[:_EXAMPLES.index("\n\ndef collate")]

_TRAIN_STEP_EACH = '''
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
            optimizer.step()                             # a step after every micro-batch
            micro.append(loss.item())
        step_loss = sum(micro) / len(micro)
        history.append(step_loss)
        bar.set_postfix(loss=f"{step_loss:.3f}")
        if on_step is not None:
            on_step(step, step_loss)
    model.eval()
    return history
'''

_PPL_BATCH_MEANS = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    means = []
    for batch in batches:
        input_ids = batch["input_ids"].to(device)
        attention_mask = batch["attention_mask"].to(device)
        targets = batch["labels"].to(device)[:, 1:]
        logits = model(input_ids=input_ids, attention_mask=attention_mask).logits[:, :-1, :].float()
        means.append(F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                                     ignore_index=-100).item())
    return math.exp(sum(means) / len(means))             # each batch's mean NLL, then their mean
'''

MUTANTS = {
    "ex1_next_token": [
        ("temperature multiplies the logits (logits * temperature) instead of dividing them: T < 1 flattens "
         "and T > 1 sharpens (the formula: p_i = exp(z_i / tau) / sum_j exp(z_j / tau))",
         replace_once(_NEXT, _SOFTMAX_RETURN, "    return F.softmax(logits * temperature, dim=-1)\n")),
        ("next_token_logits squeezes the logits first (logits.squeeze()[..., -1, :]): a batch of one comes back "
         "(V,), not (1, V) (the exercise: '(B, T) -> (B, V)')",
         replace_once(_NEXT, _LAST, "    return outputs.logits.squeeze()[..., -1, :]\n")),
        ("softmax over dim=0 (the batch axis) instead of the vocabulary: each column sums to 1, a batch of "
         "one gives all ones (the exercise: (B, V) -> (B, V) probabilities, one distribution per row)",
         replace_once(_NEXT, _SOFTMAX_RETURN, "    return F.softmax(logits / temperature, dim=0)\n")),
        ("next_token_logits converts the model with model.float() first ('so the logits are float32'): a "
         "float64 model is changed in place and its logits come back float32 (the exercise: 'a float64 "
         "model's logits stay float64'; the introduction: does not move a model to another dtype)",
         replace_once(_NEXT, "    outputs = model(input_ids=input_ids)\n",
                      "    model.float()\n    outputs = model(input_ids=input_ids)\n")),
    ],
    "ex2_top_k_top_p": [
        ("top-k zeroes the dropped entries in the caller's probs (probs.masked_fill_ on an alias) and "
         "renormalises that: the caller's probs change (the exercise: 'as new tensors (leave probs itself "
         "unchanged)')",
         replace_once(_FILTERS, "    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)\n",
                      "    drop = torch.ones_like(probs, dtype=torch.bool).scatter(-1, top.indices, False)\n"
                      "    kept = probs.masked_fill_(drop, 0.0)\n")),
        ("top-p sorts over dim=0 (the batch axis) and takes the cumsum there: rows are ranked against each "
         "other instead of each row's tokens (the exercise: 'row by row')",
         replace_once(replace_once(_FILTERS, "    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)\n",
                                   "    sorted_probs, order = torch.sort(probs, dim=0, descending=True)\n"),
                      "    before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs\n"
                      "    sorted_kept = sorted_probs * (before < p)\n"
                      "    kept = torch.zeros_like(probs).scatter(-1, order, sorted_kept)\n",
                      "    before = torch.cumsum(sorted_probs, dim=0) - sorted_probs\n"
                      "    sorted_kept = sorted_probs * (before < p)\n"
                      "    kept = torch.zeros_like(probs).scatter(0, order, sorted_kept)\n")),
        ("top-p returns probs itself when p >= 1 ('everything is kept'): not a new tensor (the exercise: 'as "
         "new tensors')",
         replace_once(_FILTERS, "    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)\n",
                      "    if p >= 1:\n        return probs\n"
                      "    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)\n")),
        ("top-k scatters into torch.zeros(probs.shape) with the kept values cast .float() to match: float64 "
         "probabilities come back float32 (the introduction: does not move a tensor to another dtype)",
         replace_once(_FILTERS, "    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)\n",
                      "    kept = torch.zeros(probs.shape).scatter(-1, top.indices, top.values.float())\n")),
    ],
    "ex3_generate": [
        ("pick given outputs.logits[:, -1:, :] (the time axis kept, (1, 1, V)) instead of the (1, V) last "
         "logits (the text: pick(logits) -> token ids, (1, V) -> (1,))",
         replace_once(_GEN, "        token = pick(outputs.logits[:, -1, :]).reshape(1, 1)\n",
                      "        token = pick(outputs.logits[:, -1:, :]).reshape(1, 1)\n")),
        ("range(max_new_tokens + 1) ('up to and including the limit'): one token more than max_new_tokens "
         "(the exercise: n <= max_new_tokens)",
         replace_once(_GEN, "    for _ in range(max_new_tokens):\n", "    for _ in range(max_new_tokens + 1):\n")),
        ("the prompt fed one token at a time to warm the cache, not as one call (the exercise: 'the whole "
         "prompt first, then one new token at a time')", _GEN_PROMPT_STEPWISE),
        ("pick given the last logits cast .float() ('samplers want float32'): a float64 model's logits reach "
         "pick as float32 (the introduction: does not move a tensor to another dtype)",
         replace_once(_GEN, "        token = pick(outputs.logits[:, -1, :]).reshape(1, 1)\n",
                      "        token = pick(outputs.logits[:, -1, :].float()).reshape(1, 1)\n")),
    ],
    "ex4_lora_layer": [
        ("lora_B initialised like lora_A (kaiming_uniform_, 'both like nn.Linear') and never zeroed: at step 0 "
         "the layer is not the pretrained one (the text: 'B starts at zero')",
         replace_once(_LORA, "        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))\n",
                      "        self.lora_B = nn.Parameter(torch.empty(base.out_features, r))\n"
                      "        nn.init.kaiming_uniform_(self.lora_B, a=math.sqrt(5))\n")),
        ("dropout applied to the branch's output (after B) instead of its input: in training mode the update "
         "is dropped element by element at the output (the text: 'Dropout on the input of the LoRA branch')",
         replace_once(_LORA, "        update = self.dropout(x) @ self.lora_A.T @ self.lora_B.T\n",
                      "        update = self.dropout(x @ self.lora_A.T @ self.lora_B.T)\n")),
        ("A drawn with its own generator seeded 0 (kaiming_uniform_(..., generator=torch.Generator()."
         "manual_seed(0)), 'reproducible, and the global stream stays untouched'): every layer gets the same A, "
         "not a draw from the global stream (the exercise: 'it draws from torch's global random stream as the "
         "caller left it')",
         replace_once(_LORA, "        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))\n",
                      "        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5),\n"
                      "                                 generator=torch.Generator().manual_seed(0))\n")),
        ("the base kept as self.linear (not self.base): the layer has no `base`, merge and the notebook "
         "cannot reach the wrapped Linear (the exercise: 'keep the base you are given ... as self.base')",
         replace_once(replace_once(_LORA, "        self.base = base\n        for p in self.base.parameters():\n",
                                   "        self.linear = base\n        for p in self.linear.parameters():\n"),
                      "        result = self.base(x)\n", "        result = self.linear(x)\n")),
    ],
    "ex5_merge": [
        ("merge without the merged test: merging a merged layer adds the update a second time (the text: "
         "'Merging twice would add the update twice, so a layer remembers whether it is merged')",
         replace_once(_MERGE, "    if not layer.merged:\n        layer.base.weight += layer.scale * (layer.lora_B @ layer.lora_A)\n"
                              "        layer.merged = True\n",
                      "    layer.base.weight += layer.scale * (layer.lora_B @ layer.lora_A)\n"
                      "    layer.merged = True\n")),
        ("unmerge without the merged test: unmerging an unmerged layer subtracts the update from the "
         "pretrained weight (the exercise: nothing to do when 'unmerging an unmerged one')",
         replace_once(_MERGE, "    if layer.merged:\n        layer.base.weight -= layer.scale * (layer.lora_B @ layer.lora_A)\n"
                              "        layer.merged = False\n",
                      "    layer.base.weight -= layer.scale * (layer.lora_B @ layer.lora_A)\n"
                      "    layer.merged = False\n")),
        ("merge replaces the weight by a new frozen nn.Parameter(W + update, requires_grad=False): the weight "
         "is not changed in place, the caller's reference to base.weight keeps the old values (the exercise: "
         "'Change the weight in place')",
         replace_once(_MERGE, "        layer.base.weight += layer.scale * (layer.lora_B @ layer.lora_A)\n",
                      "        layer.base.weight = nn.Parameter(layer.base.weight + layer.scale * "
                      "(layer.lora_B @ layer.lora_A), requires_grad=False)\n")),
        ("merge ends with layer.train() ('so the adapter can keep training'): a layer in eval mode comes back "
         "in training mode (the exercise: 'leaves the layer's train/eval mode as the caller set it')",
         replace_once(_MERGE, "        layer.merged = True\n    return layer\n",
                      "        layer.merged = True\n    return layer.train()\n")),
    ],
    "ex6_inject": [
        ("add_lora never freezes the model ('LoRALinear freezes its base already'): embeddings, norms, the "
         "other projections and lm_head stay trainable (the exercise: 'first freeze every parameter')",
         replace_once(_INJECT, "    for p in model.parameters():\n        p.requires_grad_(False)\n", "")),
        ("count_parameters reads model.state_dict(): its tensors are detached (requires_grad False), so "
         "trainable is always 0, and tied weights count once per key (the exercise: (trainable, total))",
         replace_once(replace_once(_INJECT,
                                   "    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)\n",
                                   "    trainable = sum(p.numel() for p in model.state_dict().values() if p.requires_grad)\n"),
                      "    total = sum(p.numel() for p in model.parameters())\n",
                      "    total = sum(p.numel() for p in model.state_dict().values())\n")),
        ("count_parameters sums each module's own parameters (m.parameters(recurse=False) over model.modules()): "
         "a weight shared by two modules (tied embedding and lm_head, as in SmolLM2) is counted twice",
         replace_once(replace_once(_INJECT,
                                   "    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)\n",
                                   "    own = [p for m in model.modules() for p in m.parameters(recurse=False)]\n"
                                   "    trainable = sum(p.numel() for p in own if p.requires_grad)\n"),
                      "    total = sum(p.numel() for p in model.parameters())\n",
                      "    total = sum(p.numel() for p in own)\n")),
        ("the freeze written as `with torch.no_grad():` around the swaps ('no gradients for the model'): "
         "no_grad does not change requires_grad, nothing is frozen (the exercise: 'first freeze every "
         "parameter')",
         replace_once(_INJECT, "    for p in model.parameters():\n        p.requires_grad_(False)\n"
                               "    for _, parent in list(model.named_modules()):\n"
                               "        for child_name, child in list(parent.named_children()):\n"
                               "            if child_name in targets and isinstance(child, nn.Linear):\n"
                               "                setattr(parent, child_name, make_lora(child))\n",
                      "    with torch.no_grad():\n"
                      "        for _, parent in list(model.named_modules()):\n"
                      "            for child_name, child in list(parent.named_children()):\n"
                      "                if child_name in targets and isinstance(child, nn.Linear):\n"
                      "                    setattr(parent, child_name, make_lora(child))\n")),
    ],
    "ex7_examples": [
        ("collate pads on the left (the answer() helper's padding_side='left'): real tokens end each row, "
         "padding comes first (the exercise: 'pad on the right to the longest example')",
         _EX_TOKENIZE + "\n\n" + _COLLATE_LEFT),
        ("collate pads the examples' own lists (e['input_ids'] += [pad_id] * gap): the caller's examples "
         "grow (the exercise: 'Leave the examples themselves unchanged')",
         _EX_TOKENIZE + "\n\n" + _COLLATE_EXTEND),
        ("attention_mask = (input_ids != pad_id): a real token whose id is pad_id (the prompt's and the "
         "answer's <|im_end|>) is masked (the exercise: which positions are padding follows from each "
         "example's length)",
         replace_once(_EXAMPLES, "    return {\"input_ids\": input_ids, \"labels\": labels, \"attention_mask\": attention_mask}\n",
                      "    attention_mask = (input_ids != pad_id).long()\n"
                      "    return {\"input_ids\": input_ids, \"labels\": labels, \"attention_mask\": attention_mask}\n")),
        ("attention mask inverted, 1 on padding and 0 on real tokens (nn.Transformer's key_padding_mask "
         "habit) (the exercise: '1 for real tokens, 0 for padding')",
         replace_once(replace_once(_EXAMPLES,
                                   "    attention_mask = torch.zeros((len(examples), width), dtype=torch.long)\n",
                                   "    attention_mask = torch.ones((len(examples), width), dtype=torch.long)\n"),
                      "        attention_mask[row, :n] = 1\n", "        attention_mask[row, :n] = 0\n")),
    ],
    "ex8_loss": [
        ("shifted the wrong way: logits[:, 1:] scored against labels[:, :-1] (the text: compare logits[:, :-1] "
         "with labels[:, 1:])",
         replace_once(_LOSS, "    shift_logits = logits[:, :-1, :]\n    shift_labels = labels[:, 1:]\n",
                      "    shift_logits = logits[:, 1:, :]\n    shift_labels = labels[:, :-1]\n")),
        ("returns loss.item(), a Python float (the exercise: 'a scalar tensor that gradients flow through')",
         replace_once(_LOSS, "ignore_index=-100)\n", "ignore_index=-100).item()\n")),
        ("log-probabilities as torch.log(softmax) instead of log_softmax: a target whose logit is ~100 below "
         "the largest underflows to log 0 and the loss is inf",
         replace_once(_LOSS, "    return F.cross_entropy(shift_logits.reshape(-1, vocab), shift_labels.reshape(-1), "
                             "ignore_index=-100)\n",
                      "    log_p = torch.log(F.softmax(shift_logits.reshape(-1, vocab), dim=-1))\n"
                      "    return F.nll_loss(log_p, shift_labels.reshape(-1), ignore_index=-100)\n")),
        ("loss in bits (cross-entropy / log 2, 'cross-entropy is measured in bits'): the formula is the mean "
         "of -log p in nats",
         replace_once(_LOSS, "ignore_index=-100)\n", "ignore_index=-100) / math.log(2)\n")),
    ],
    "ex9_train": [
        ("optimizer.step() after every micro-batch's backward: accum_steps steps per group instead of one, "
         "nothing is accumulated (the text: 'run accum_steps micro-batches ... and take one optimizer step')",
         _TRAIN_STEP_EACH),
        ("model.train() never called ('the model is already set up'): a model the caller left in eval mode "
         "trains with LoRA's dropout off (the exercise: 'Put the model in training mode ... for the loop')",
         replace_once(_TRAIN, "    model.train()\n", "")),
        ("optimizer.zero_grad() inside the micro-batch loop ('every micro-batch starts clean'): only the last "
         "micro-batch's gradient reaches optimizer.step() (the text: gradients add up in .grad over the "
         "accum_steps micro-batches)",
         replace_once(replace_once(_TRAIN, "        optimizer.zero_grad()\n        micro = []\n",
                                   "        micro = []\n"),
                      "            input_ids = batch[\"input_ids\"].to(device)\n",
                      "            optimizer.zero_grad()\n            input_ids = batch[\"input_ids\"].to(device)\n")),
        ("the returned history holds each step's last micro-batch loss (history.append(loss.item())), not the "
         "mean micro-batch loss of the step (the exercise: 'Return the mean micro-batch loss of every step')",
         replace_once(_TRAIN, "        history.append(step_loss)\n", "        history.append(loss.item())\n")),
        ("micro-batch losses kept as loss.detach() (no .item(), 'avoid a device sync'): the history and "
         "on_step get 0-d tensors, not Python floats (the exercise: 'as Python floats')",
         replace_once(_TRAIN, "            micro.append(loss.item())\n", "            micro.append(loss.detach())\n")),
    ],
    "ex10_perplexity": [
        ("no shift ('collate's labels are the targets'): the logits at t scored against the label at t (the "
         "exercise: 'shift by one')",
         replace_once(replace_once(_PPL, "        targets = batch[\"labels\"].to(device)[:, 1:]\n",
                                   "        targets = batch[\"labels\"].to(device)\n"),
                      ".logits[:, :-1, :].float()\n", ".logits.float()\n")),
        ("each batch's mean NLL, then the plain mean over batches: a batch with more target tokens does not "
         "count more (the text: 'Average over tokens, not over batches')", _PPL_BATCH_MEANS),
        ("tokens counted as targets.numel() (every shifted position): the prompt's and the padding's -100 "
         "labels are counted though never scored (the exercise: skip labels equal to -100)",
         replace_once(_PPL, "        total_count += int((targets != -100).sum())\n",
                      "        total_count += targets.numel()\n")),
        ("ignore_index=tokenizer.pad_token_id ('padding is what to skip') instead of -100: the -100 labels "
         "reach cross_entropy as class indices and raise (the exercise: skip labels equal to -100)",
         replace_once(_PPL, "ignore_index=-100, reduction=\"sum\")", "ignore_index=tokenizer.pad_token_id, reduction=\"sum\")")),
    ],
}

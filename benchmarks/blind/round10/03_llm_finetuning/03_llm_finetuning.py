"""Blind round 10, lab 03 (LLM fine-tuning with LoRA): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of tests/mutants, rounds 1-9 holds.
Right answers: CORRECT[gid][0] is round 9's reference (round 2's, reused by name: the reference keeps
the proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND9 = earlier_round(9, __file__)

_NEXT, _FILTERS, _GEN, _LORA, _MERGE = (ROUND9._NEXT, ROUND9._FILTERS, ROUND9._GEN, ROUND9._LORA,
                                        ROUND9._MERGE)
_INJECT, _EXAMPLES, _LOSS, _TRAIN, _PPL = (ROUND9._INJECT, ROUND9._EXAMPLES, ROUND9._LOSS, ROUND9._TRAIN,
                                           ROUND9._PPL)
_FILTERS_TOPK, _INJECT_LOOP, _COUNT = ROUND9._FILTERS_TOPK, ROUND9._INJECT_LOOP, ROUND9._COUNT

# ----------------------------------------------------------------------------- round 10's own right answers
_NEXT_UNBIND = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    return model(input_ids=input_ids).logits.unbind(dim=1)[-1]


def token_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities at `temperature` (0 = greedy: one-hot at the argmax)."""
    if temperature == 0:
        batch, vocab = logits.shape
        hot = torch.zeros_like(logits)
        flat = torch.arange(batch, device=logits.device) * vocab + logits.argmax(dim=-1)
        hot.view(-1)[flat] = 1                           # one entry per row, in the flattened grid
        return hot
    return torch.special.softmax(logits / temperature, dim=-1)
'''

_FILTERS_SEARCH = '''
def top_k_probs(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep exactly k probabilities of each row, the k largest (ties: any), zero the rest, renormalise."""
    values, indices = probs.topk(k, dim=-1)
    out = torch.zeros_like(probs)
    out.scatter_(-1, indices, values / values.sum(dim=-1, keepdim=True))   # renormalised before scattering
    return out


def top_p_probs(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose total reaches p, renormalise."""
    values, order = probs.sort(dim=-1, descending=True)
    total = values.cumsum(dim=-1)
    # the first rank whose running total reaches p is the last one kept
    count = torch.searchsorted(total, torch.full_like(total[..., :1], p)).clamp(max=probs.shape[-1] - 1) + 1
    ranks = torch.arange(probs.shape[-1], device=probs.device).expand_as(values)
    values = torch.where(ranks < count, values, torch.zeros_like(values))
    out = torch.zeros_like(probs).scatter(-1, order, values)
    return out / out.sum(dim=-1, keepdim=True)
'''

_GEN_RECURSIVE = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    def step(sequence, feed, cache, left):
        if left == 0:
            return sequence
        out = model(input_ids=feed, past_key_values=cache, use_cache=True)
        token = pick(out.logits[:, -1, :]).reshape(1, 1).to(sequence.dtype)
        sequence = torch.cat((sequence, token), dim=-1)
        if eos_id is not None and int(token) == eos_id:
            return sequence
        return step(sequence, token, out.past_key_values, left - 1)

    return step(input_ids, input_ids, None, max_new_tokens)
'''

_LORA_UNIFORM = '''
class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0, dropout: float = 0.0):
        super().__init__()
        self.base = base
        for _, p in base.named_parameters():
            p.requires_grad_(False)
        self.r, self.alpha, self.scale, self.merged = r, alpha, alpha / r, False
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features))
        # kaiming_uniform_(a=sqrt(5)): gain sqrt(2 / 6), bound gain * sqrt(3 / fan_in) = 1 / sqrt(fan_in)
        bound = 1 / math.sqrt(base.in_features)
        nn.init.uniform_(self.lora_A, -bound, bound)
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (..., d_in) -> (..., d_out)
        result = self.base(x)
        if self.merged:
            return result
        return torch.add(result, (self.dropout(x) @ self.lora_A.mT) @ self.lora_B.mT, alpha=self.scale)
'''

_MERGE_OUTER = '''
def _update(layer: nn.Module) -> torch.Tensor:
    """scale * B @ A written as the sum of its r rank-one outer products."""
    A, B = layer.lora_A, layer.lora_B
    return layer.scale * sum(torch.outer(B[:, i], A[i]) for i in range(A.shape[0]))


@torch.no_grad()
def merge(layer: nn.Module) -> nn.Module:
    """W <- W + scale * B @ A, once; forward then skips the LoRA branch. Returns the layer."""
    if not layer.merged:
        layer.base.weight[:] = layer.base.weight + _update(layer)
        layer.merged = True
    return layer


@torch.no_grad()
def unmerge(layer: nn.Module) -> nn.Module:
    """Undo merge: W <- W - scale * B @ A, once. Returns the layer."""
    if layer.merged:
        layer.base.weight[:] = layer.base.weight - _update(layer)
        layer.merged = False
    return layer
'''

_INJECT_QUEUE = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, wrap every nn.Linear whose name is one of `targets` with make_lora(linear);
    return the model."""
    from collections import deque
    for _, p in model.named_parameters():
        p.requires_grad = False
    queue = deque([model])                              # breadth first; a new adapter is never queued
    while queue:
        parent = queue.popleft()
        for child_name, child in list(parent.named_children()):
            if isinstance(child, nn.Linear) and child_name in set(targets):
                setattr(parent, child_name, make_lora(child))
            else:
                queue.append(child)
    return model


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(number of trainable parameters, number of all parameters)."""
    sizes = [(p.numel(), p.requires_grad) for p in model.parameters()]
    return sum(n for n, trainable in sizes if trainable), sum(n for n, _ in sizes)
'''

_EXAMPLES_ZIP = '''
def tokenize_pair(tokenizer, instruction: str, response: str) -> dict:
    """{'input_ids': prompt + answer token ids, 'labels': -100 over the prompt, the ids elsewhere}."""
    prompt, answer = tokenizer([chat_prompt(tokenizer, instruction), response + tokenizer.eos_token],
                               add_special_tokens=False)["input_ids"]      # one call, two separate texts
    return {"input_ids": prompt + answer, "labels": [-100 for _ in prompt] + answer}


def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    from itertools import zip_longest

    def grid(rows, fill):                              # columns by zip_longest, transposed back to rows
        return torch.tensor(list(zip_longest(*rows, fillvalue=fill)), dtype=torch.long).T.contiguous()

    return {"input_ids": grid([e["input_ids"] for e in examples], pad_id),
            "labels": grid([e["labels"] for e in examples], -100),
            "attention_mask": grid([[1] * len(e["input_ids"]) for e in examples], 0)}
'''

_LOSS_TAKE = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    log_p = logits[:, :-1].log_softmax(dim=-1)
    targets = labels[:, 1:]
    keep = targets.ne(-100)
    picked = torch.take_along_dim(log_p, targets.clamp(min=0).unsqueeze(-1), dim=-1).squeeze(-1)
    return -picked.masked_select(keep).mean()
'''

_TRAIN_CURSOR = '''
def train_lora(model: nn.Module, batches: list[dict], optimizer: torch.optim.Optimizer, loss_fn,
               accum_steps: int, device, on_step=None) -> list[float]:
    """Gradient-accumulation training; returns the mean micro-batch loss of every optimizer step."""
    import statistics
    model.train()
    history, cursor = [], 0
    bar = progress(range(len(batches) // accum_steps), desc="LoRA")
    for step in bar:
        optimizer.zero_grad()
        losses = []
        while len(losses) < accum_steps:                  # the next accum_steps micro-batches
            batch = batches[cursor]
            cursor += 1
            with autocast(device):
                outputs = model(input_ids=batch["input_ids"].to(device),
                                attention_mask=batch["attention_mask"].to(device))
            loss = loss_fn(outputs.logits.float(), batch["labels"].to(device))
            loss.mul(1.0 / accum_steps).backward()
            losses.append(float(loss.detach()))
        optimizer.step()
        history.append(statistics.fmean(losses))
        bar.set_postfix(loss=f"{history[-1]:.3f}")
        if on_step is not None:
            on_step(step, history[-1])
    model.eval()
    return history
'''

_PPL_NLL_LOSS = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    nll = torch.zeros((), dtype=torch.float64)
    count = 0
    for batch in batches:
        logits = model(input_ids=batch["input_ids"].to(device),
                       attention_mask=batch["attention_mask"].to(device)).logits
        log_p = F.log_softmax(logits[:, :-1].double(), dim=-1).flatten(0, 1)
        targets = batch["labels"][:, 1:].to(device).flatten()
        nll += F.nll_loss(log_p, targets, ignore_index=-100, reduction="sum").cpu()
        count += int(torch.count_nonzero(targets != -100))
    return float(torch.exp(nll / count))
'''

CORRECT = {
    "ex1_next_token": [ROUND9.CORRECT["ex1_next_token"][0],
                       ("the last position by unbind(dim=1)[-1]; greedy one-hot written through a flat view "
                        "at row * V + argmax; torch.special.softmax (round 10)", _NEXT_UNBIND)],
    "ex2_top_k_top_p": [ROUND9.CORRECT["ex2_top_k_top_p"][0],
                        ("top-k renormalised among the k values, then scatter_; top-p kept count by "
                         "searchsorted on the running total, ranks below it kept (round 10)", _FILTERS_SEARCH)],
    "ex3_generate": [ROUND9.CORRECT["ex3_generate"][0],
                     ("a recursive helper: one model call and one token per level, the cache passed down "
                      "(round 10)", _GEN_RECURSIVE)],
    "ex4_lora_layer": [ROUND9.CORRECT["ex4_lora_layer"][0],
                       ("A drawn by uniform_(-1/sqrt(d_in), 1/sqrt(d_in)), the bound kaiming_uniform_(a=sqrt(5)) "
                        "works out to; branch by torch.add(alpha=scale) with .mT (round 10)", _LORA_UNIFORM)],
    "ex5_merge": [ROUND9.CORRECT["ex5_merge"][0],
                  ("the update as a sum of r outer products in a helper; weight[:] = weight +- update "
                   "(round 10)", _MERGE_OUTER)],
    "ex6_inject": [ROUND9.CORRECT["ex6_inject"][0],
                   ("breadth-first deque over named_children, swap by setattr; counts from one list of "
                    "(numel, requires_grad) pairs (round 10)", _INJECT_QUEUE)],
    "ex7_examples": [ROUND9.CORRECT["ex7_examples"][0],
                     ("prompt and answer tokenized as two texts of one tokenizer call; collate by "
                      "itertools.zip_longest columns, transposed (round 10)", _EXAMPLES_ZIP)],
    "ex8_loss": [ROUND9.CORRECT["ex8_loss"][0],
                 ("log_softmax + torch.take_along_dim on clamped targets, masked_select(...).mean() "
                  "(round 10)", _LOSS_TAKE)],
    "ex9_train": [ROUND9.CORRECT["ex9_train"][0],
                  ("a cursor over the batches, a while loop per step; loss.mul(1 / accum).backward(), "
                   "statistics.fmean (round 10)", _TRAIN_CURSOR)],
    "ex10_perplexity": [ROUND9.CORRECT["ex10_perplexity"][0],
                        ("F.nll_loss(reduction='sum') of float64 log_softmax, a float64 tensor total, "
                         "count_nonzero (round 10)", _PPL_NLL_LOSS)],
}

# ----------------------------------------------------------------------------- wrong answers
_GREEDY_RETURN = "        return F.one_hot(best, num_classes=logits.shape[-1]).to(logits.dtype)\n"
_SOFTMAX_RETURN = "    return F.softmax(logits / temperature, dim=-1)\n"

_GEN_POSITIONS = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    ids = input_ids
    past = None
    feed = input_ids
    for _ in range(max_new_tokens):
        extra = {}
        if past is not None:                             # the new token's position, for the rotary embedding
            extra["position_ids"] = torch.tensor([[ids.shape[1]]], device=ids.device)
        outputs = model(input_ids=feed, past_key_values=past, use_cache=True, **extra)
        past = outputs.past_key_values
        token = pick(outputs.logits[:, -1, :]).reshape(1, 1)
        ids = torch.cat([ids, token.to(ids.dtype)], dim=1)
        if eos_id is not None and token.item() == eos_id:
            break
        feed = token
    return ids
'''

_LORA_INIT = ("        self.lora_A = nn.Parameter(torch.empty(r, base.in_features))\n"
              "        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))\n"
              "        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))\n")

_LOSS_COUNT_MINUS_B = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    shift_logits = logits[:, :-1, :]
    shift_labels = labels[:, 1:]
    vocab = shift_logits.shape[-1]
    total = F.cross_entropy(shift_logits.reshape(-1, vocab), shift_labels.reshape(-1), ignore_index=-100,
                            reduction="sum")
    count = (labels != -100).sum() - labels.shape[0]     # the shift leaves one target fewer per row
    return total / count
'''

_LOSS_BCE = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    scores, targets = logits[:, :-1, :], labels[:, 1:]
    keep = targets != -100
    one_hot = F.one_hot(targets[keep], num_classes=scores.shape[-1]).to(scores.dtype)
    return F.binary_cross_entropy_with_logits(scores[keep], one_hot)
'''

MUTANTS = {
    "ex1_next_token": [
        ("greedy one-hot as the comparison arange(V) == argmax, never cast: a bool tensor, not the logits' "
         "dtype", replace_once(_NEXT, _GREEDY_RETURN,
                               "        return torch.arange(logits.shape[-1], device=logits.device) == "
                               "best.unsqueeze(-1)\n")),
        ("temperature applied to the log-probabilities, exp(log_softmax(z) / T): p ** (1 / T) never "
         "renormalised, rows sum to 1 only at T = 1",
         replace_once(_NEXT, _SOFTMAX_RETURN, "    return torch.exp(F.log_softmax(logits, dim=-1) / temperature)\n")),
        ("row max subtracted from the caller's logits in place (logits -= max) 'for stability' before the "
         "softmax: the caller's logits change (the exercise: 'leave logits itself unchanged')",
         replace_once(_NEXT, _SOFTMAX_RETURN,
                      "    logits -= logits.max(dim=-1, keepdim=True).values\n" + _SOFTMAX_RETURN)),
        ("temperature floored at 0.05 ('so z / T cannot overflow'): a very low temperature such as 0.02 "
         "gets the distribution of 0.05",
         replace_once(_NEXT, _SOFTMAX_RETURN, "    temperature = max(temperature, 0.05)\n" + _SOFTMAX_RETURN)),
    ],
    "ex2_top_k_top_p": [
        ("top-k on probs.reshape(-1) (written for one row): the k largest of the whole batch, some rows keep "
         "none (0 / 0)",
         replace_once(_FILTERS, _FILTERS_TOPK,
                      "    flat = probs.reshape(-1)\n"
                      "    top = torch.topk(flat, k)\n"
                      "    kept = torch.zeros_like(flat).scatter(-1, top.indices, top.values).reshape(probs.shape)\n")),
        ("top-p mass before each token from the cumsum of probs in vocabulary order (cumsum(probs) - probs), "
         "applied to the sorted values",
         replace_once(_FILTERS, "    before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs\n",
                      "    before = torch.cumsum(probs, dim=-1) - probs\n")),
        ("top-p keep mask used as a remove mask (masked_fill(before < p, 0)): the nucleus is zeroed and the "
         "tail kept",
         replace_once(_FILTERS, "    sorted_kept = sorted_probs * (before < p)\n",
                      "    sorted_kept = sorted_probs.masked_fill(before < p, 0)\n")),
        ("top-p sorted values taken by probs[order] (NumPy's 1-D habit): the (B, V) order indexes rows, not "
         "each row's entries",
         replace_once(_FILTERS, "    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)\n",
                      "    order = torch.argsort(probs, dim=-1, descending=True)\n"
                      "    sorted_probs = probs[order]\n")),
    ],
    "ex3_generate": [
        ("torch.manual_seed(0) at the start 'so samples are reproducible': the caller's global random stream "
         "is reset (a sampling pick draws the same tokens every call; the introduction: 'without reseeding it')",
         replace_once(_GEN, "    ids = input_ids\n", "    torch.manual_seed(0)\n    ids = input_ids\n")),
        ("eos only tested from the second new token on (Hugging Face's min_new_tokens habit, 'no empty "
         "answer'): an eos picked first does not stop the loop",
         replace_once(_GEN, "        if eos_id is not None and token.item() == eos_id:\n",
                      "        if eos_id is not None and token.item() == eos_id and "
                      "ids.shape[1] > input_ids.shape[1] + 1:\n")),
        ("position_ids passed by hand as ids.shape[1] for each new token (one past its real position "
         "ids.shape[1] - 1): the rotary positions are shifted, the logits change", _GEN_POSITIONS),
        ("returns torch.cat([input_ids, ids]) though ids already starts with the prompt: the prompt "
         "appears twice",
         replace_once(_GEN, "    return ids\n", "    return torch.cat([input_ids, ids], dim=1)\n")),
    ],
    "ex4_lora_layer": [
        ("both A and B initialised like nn.Linear, B first, then B zeroed: A is drawn from a later part of "
         "the random stream than the caller left it (the exercise: 'as the caller left it')",
         replace_once(_LORA, _LORA_INIT,
                      "        self.lora_B = nn.Parameter(torch.empty(base.out_features, r))\n"
                      "        nn.init.kaiming_uniform_(self.lora_B, a=math.sqrt(5))\n"
                      "        self.lora_A = nn.Parameter(torch.empty(r, base.in_features))\n"
                      "        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))\n"
                      "        nn.init.zeros_(self.lora_B)\n")),
        ("rank stored as self.rank, not self.r: set_lora_scale's m.r raises",
         replace_once(_LORA, "        self.r, self.alpha = r, alpha\n", "        self.rank, self.alpha = r, alpha\n")),
        ("alpha stored as alpha / r ('the effective alpha'): scale is right, but set_lora_scale's "
         "alpha / r then gives scale / r",
         replace_once(_LORA, "        self.r, self.alpha = r, alpha\n", "        self.r, self.alpha = r, alpha / r\n")),
        ("A drawn by hand from uniform(-1/d_in, 1/d_in) (the square root of kaiming's 1/sqrt(d_in) bound "
         "forgotten): the range is too narrow",
         replace_once(_LORA, "        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))\n",
                      "        nn.init.uniform_(self.lora_A, -1 / base.in_features, 1 / base.in_features)\n")),
    ],
    "ex5_merge": [
        ("merge freezes lora_A and lora_B ('a merged adapter is final'): after unmerge the adapter is no "
         "longer trainable (the introduction: 'a function changes nothing the caller gives it')",
         replace_once(_MERGE, "        layer.merged = True\n",
                      "        layer.merged = True\n"
                      "        layer.lora_A.requires_grad_(False)\n        layer.lora_B.requires_grad_(False)\n")),
        ("unmerge subtracts the update, then zeroes lora_B ('back to the start'): the weight is restored but "
         "the adapter is lost",
         replace_once(_MERGE, "        layer.merged = False\n",
                      "        layer.merged = False\n        layer.lora_B.zero_()\n")),
        ("unmerge makes the base weight trainable again (requires_grad_(True), 'undo everything'): the frozen "
         "path trains after an unmerge (the introduction: 'changes nothing the caller gives it')",
         replace_once(_MERGE, "        layer.merged = False\n",
                      "        layer.merged = False\n        layer.base.weight.requires_grad_(True)\n")),
        ("merge replaces the layer's dropout by nn.Identity() ('no dropout at inference'): after unmerge the "
         "branch trains without its dropout (the introduction: 'changes nothing the caller gives it')",
         replace_once(_MERGE, "        layer.merged = True\n",
                      "        layer.merged = True\n        layer.dropout = nn.Identity()\n")),
    ],
    "ex6_inject": [
        ("count_parameters' total leaves out the lora_* parameters ('the base model's size'): the adapter is "
         "not part of the total",
         replace_once(_INJECT, _COUNT,
                      "    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)\n"
                      "    total = sum(p.numel() for n, p in model.named_parameters() if \"lora_\" not in n)\n")),
        ("adapter registered under a new name (parent.add_module(name + '_lora', ...)): the original Linear "
         "stays in place and is what forward still calls",
         replace_once(_INJECT, _INJECT_LOOP,
                      "            if child_name in targets and isinstance(child, nn.Linear):\n"
                      "                parent.add_module(child_name + \"_lora\", make_lora(child))\n")),
        ("add_lora ends with model.train() ('ready for fine-tuning'): a model the caller left in eval mode "
         "comes back in training mode (the introduction: 'hands it back in that mode')",
         replace_once(_INJECT, "    return model\n", "    model.train()\n    return model\n")),
        ("names matched by child_name.endswith(targets) (str.endswith takes the tuple): 'out_proj' ends with "
         "'proj' and is wrapped too",
         replace_once(_INJECT, _INJECT_LOOP,
                      "            if child_name.endswith(tuple(targets)) and isinstance(child, nn.Linear):\n"
                      "                setattr(parent, child_name, make_lora(child))\n")),
    ],
    "ex7_examples": [
        ("end of turn hard-coded as the text '</s>' (the Llama habit): SmolLM2 splits it into ordinary "
         "tokens, <|im_end|> is never learned",
         replace_once(_EXAMPLES, "    answer = tokenizer(response + tokenizer.eos_token, add_special_tokens=False).input_ids\n",
                      "    answer = tokenizer(response + \"</s>\", add_special_tokens=False).input_ids\n")),
        ("collate's tensors squeeze()d 'to drop size-1 dims': a batch of one comes back 1-D (T,), not (1, T)",
         replace_once(_EXAMPLES,
                      "    return {\"input_ids\": input_ids, \"labels\": labels, \"attention_mask\": attention_mask}\n",
                      "    return {\"input_ids\": input_ids.squeeze(), \"labels\": labels.squeeze(),\n"
                      "            \"attention_mask\": attention_mask.squeeze()}\n")),
        ("a space put before the response (' ' + response, 'BPE words start with a space'): the answer's "
         "first tokens change",
         replace_once(_EXAMPLES, "    answer = tokenizer(response + tokenizer.eos_token, add_special_tokens=False).input_ids\n",
                      "    answer = tokenizer(\" \" + response + tokenizer.eos_token, add_special_tokens=False).input_ids\n")),
        ("width = min of the lengths (min for max): the rows do not fit, examples of different lengths raise",
         replace_once(_EXAMPLES, "    width = max(len(e[\"input_ids\"]) for e in examples)\n",
                      "    width = min(len(e[\"input_ids\"]) for e in examples)\n")),
    ],
    "ex8_loss": [
        ("counted positions as (labels != -100).sum() - B ('one target fewer per row after the shift'): wrong "
         "whenever a row's first label is -100 (the usual case)", _LOSS_COUNT_MINUS_B),
        ("ignore_index=-1 (the 'no class' habit) instead of -100: a -100 target reaches cross_entropy and "
         "raises", replace_once(_LOSS, "ignore_index=-100", "ignore_index=-1")),
        ("binary cross-entropy with logits against one-hot targets (every vocabulary entry a yes/no): not the "
         "softmax cross-entropy", _LOSS_BCE),
        ("logits flattened with .flatten() (reshape(-1, V) meant): a 1-D input against the (N,) targets raises",
         replace_once(_LOSS, "shift_logits.reshape(-1, vocab)", "shift_logits.flatten()")),
    ],
    "ex9_train": [
        ("torch.manual_seed(0) before the loop 'for reproducible dropout': the caller's global random stream "
         "is reseeded (the introduction: 'without reseeding it')",
         replace_once(_TRAIN, "    model.train()\n", "    torch.manual_seed(0)\n    model.train()\n")),
        ("labels taken by batch.pop('labels') (the Hugging Face **batch habit): the caller's batch dicts "
         "lose their labels (the introduction: 'a function changes nothing the caller gives it')",
         replace_once(_TRAIN, "            labels = batch[\"labels\"].to(device)\n",
                      "            labels = batch.pop(\"labels\").to(device)\n")),
        ("the leftovers dropped from the front (groups start at len(batches) % accum_steps): the steps are "
         "not over the first micro-batches",
         replace_once(_TRAIN, "        for batch in batches[step * accum_steps:(step + 1) * accum_steps]:\n",
                      "        start = len(batches) % accum_steps + step * accum_steps\n"
                      "        for batch in batches[start:start + accum_steps]:\n")),
        ("train() called on the LoRA layers only ('only they have dropout'): the model itself stays in eval "
         "mode during the loop",
         replace_once(_TRAIN, "    model.train()\n",
                      "    for m in model.modules():\n        if hasattr(m, \"lora_A\"):\n            m.train()\n")),
    ],
    "ex10_perplexity": [
        ("model.eval() first, never restored ('evaluation runs in eval mode'): a model the caller left in "
         "training mode comes back in eval mode",
         replace_once(_PPL, "    total_nll, total_count = 0.0, 0\n",
                      "    model.eval()\n    total_nll, total_count = 0.0, 0\n")),
        ("labels taken by batch.pop('labels'): the caller's batches lose their labels (a second evaluation "
         "raises; the introduction: 'changes nothing the caller gives it')",
         replace_once(_PPL, "        targets = batch[\"labels\"].to(device)[:, 1:]\n",
                      "        targets = batch.pop(\"labels\").to(device)[:, 1:]\n")),
        ("torch.manual_seed(0) first 'for a deterministic evaluation': the caller's global random stream is "
         "reseeded (the introduction: 'without reseeding it')",
         replace_once(_PPL, "    total_nll, total_count = 0.0, 0\n",
                      "    torch.manual_seed(0)\n    total_nll, total_count = 0.0, 0\n")),
        ("batches with fewer rows than the first skipped (DataLoader's drop_last habit): a partial last batch "
         "is never scored",
         replace_once(_PPL, "    for batch in batches:\n",
                      "    for batch in [b for b in batches if len(b[\"input_ids\"]) == len(batches[0][\"input_ids\"])]:\n")),
    ],
}

"""Blind round 13, lab 03 (LLM fine-tuning with LoRA): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of rounds 1-12 holds.
Right answers: CORRECT[gid][0] is round 12's reference (round 2's, reused by name: the reference keeps
the proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND12 = earlier_round(12, __file__)

_NEXT, _FILTERS, _GEN, _LORA, _MERGE = (ROUND12._NEXT, ROUND12._FILTERS, ROUND12._GEN, ROUND12._LORA,
                                        ROUND12._MERGE)
_INJECT, _EXAMPLES, _LOSS, _TRAIN, _PPL = (ROUND12._INJECT, ROUND12._EXAMPLES, ROUND12._LOSS, ROUND12._TRAIN,
                                           ROUND12._PPL)

# ----------------------------------------------------------------------------- round 13's own right answers
_NEXT_DIST = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    return model(input_ids=input_ids).logits.select(1, -1)


def token_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities at `temperature` (0 = greedy: one-hot at the argmax)."""
    if temperature == 0:
        where = logits.argmax(dim=-1, keepdim=True)
        return torch.zeros_like(logits).scatter_(-1, where, 1.0)
    dist = torch.distributions.Categorical(logits=logits / temperature, validate_args=False)
    return dist.probs
'''

_FILTERS_MASK = '''
def top_k_probs(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep exactly k probabilities of each row, the k largest (ties: any), zero the rest, renormalise."""
    order = torch.argsort(probs, dim=-1, descending=True)[..., :k]
    keep = torch.zeros_like(probs, dtype=torch.bool).scatter(-1, order, True)
    kept = torch.where(keep, probs, torch.zeros_like(probs))
    return kept / kept.sum(dim=-1, keepdim=True)


def top_p_probs(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose total reaches p, renormalise."""
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    above = sorted_probs.cumsum(dim=-1) - sorted_probs    # the mass ranked above each token
    keep = torch.zeros_like(probs, dtype=torch.bool).scatter(-1, order, above < p)
    kept = torch.where(keep, probs, torch.zeros_like(probs))
    return kept / kept.sum(dim=-1, keepdim=True)
'''

_GEN_WHILE = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    pieces, cache, feed, n = [input_ids], None, input_ids, 0
    while n < max_new_tokens:
        out = model(input_ids=feed, past_key_values=cache, use_cache=True)
        cache = out.past_key_values
        feed = pick(out.logits[:, -1, :]).view(1, 1).to(input_ids.dtype)
        pieces.append(feed)
        n += 1
        if eos_id is not None and int(feed[0, 0]) == eos_id:
            break
    return torch.cat(pieces, dim=1)
'''

_LORA_FLINEAR = '''
class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0, dropout: float = 0.0):
        super().__init__()
        base.requires_grad_(False)
        self.base = base
        self.r = r
        self.alpha = alpha
        self.scale = alpha / r
        self.merged = False
        self.lora_A = nn.Parameter(torch.empty(r, base.weight.shape[1]))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.lora_B = nn.Parameter(torch.zeros(base.weight.shape[0], r))
        self.lora_dropout = nn.Dropout(p=dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (..., d_in) -> (..., d_out)
        if self.merged:
            return self.base(x)
        low = F.linear(self.lora_dropout(x), self.lora_A)     # (..., r)
        return self.base(x) + F.linear(low, self.lora_B) * self.scale
'''

_MERGE_ADDMM = '''
@torch.no_grad()
def merge(layer: nn.Module) -> nn.Module:
    """W <- W + scale * B @ A, once; forward then skips the LoRA branch. Returns the layer."""
    if not layer.merged:
        layer.base.weight.addmm_(layer.lora_B, layer.lora_A, alpha=layer.scale)
        layer.merged = True
    return layer


@torch.no_grad()
def unmerge(layer: nn.Module) -> nn.Module:
    """Undo merge: W <- W - scale * B @ A, once. Returns the layer."""
    if layer.merged:
        layer.base.weight.addmm_(layer.lora_B, layer.lora_A, alpha=-layer.scale)
        layer.merged = False
    return layer
'''

_INJECT_SUBMODULE = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, wrap every nn.Linear whose name is one of `targets` with make_lora(linear);
    return the model."""
    model.requires_grad_(False)
    found = []
    for name, module in model.named_modules():
        parent_name, _, child_name = name.rpartition(".")
        if child_name in targets and isinstance(module, nn.Linear):
            found.append((parent_name, child_name, module))
    for parent_name, child_name, module in found:
        setattr(model.get_submodule(parent_name), child_name, make_lora(module))
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

_EXAMPLES_FPAD = '''
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
        ids = torch.tensor(e["input_ids"], dtype=torch.long)
        rows["input_ids"].append(F.pad(ids, (0, gap), value=pad_id))
        rows["labels"].append(F.pad(torch.tensor(e["labels"], dtype=torch.long), (0, gap), value=-100))
        rows["attention_mask"].append(F.pad(torch.ones_like(ids), (0, gap), value=0))
    return {key: torch.stack(value) for key, value in rows.items()}
'''

_LOSS_GATHER64 = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    targets = labels[:, 1:]
    keep = targets.ne(-100)
    log_p = torch.log_softmax(logits[:, :-1].double(), dim=-1)          # float64 inside
    picked = log_p.gather(-1, targets.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    loss = -(picked * keep).sum() / keep.sum()
    return loss.to(logits.dtype)                                          # cast back
'''

_TRAIN_ISLICE = '''
def train_lora(model: nn.Module, batches: list[dict], optimizer: torch.optim.Optimizer, loss_fn,
               accum_steps: int, device, on_step=None) -> list[float]:
    """Gradient-accumulation training; returns the mean micro-batch loss of every optimizer step."""
    from itertools import islice
    n_steps = len(batches) // accum_steps
    source = iter(batches)
    losses: list[float] = []
    model.train()
    bar = progress(range(n_steps), desc="LoRA")
    for step in bar:
        optimizer.zero_grad()
        total = 0.0
        for batch in islice(source, accum_steps):
            with autocast(device):
                logits = model(input_ids=batch["input_ids"].to(device),
                               attention_mask=batch["attention_mask"].to(device)).logits
            loss = loss_fn(logits.float(), batch["labels"].to(device))
            loss.div(accum_steps).backward()
            total += loss.item()
        optimizer.step()
        losses.append(total / accum_steps)
        bar.set_postfix(loss=round(losses[-1], 3))
        if on_step is not None:
            on_step(step, losses[-1])
    model.eval()
    return losses
'''

_PPL_CATEGORICAL = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    nll, count = 0.0, 0
    for batch in batches:
        logits = model(input_ids=batch["input_ids"].to(device),
                       attention_mask=batch["attention_mask"].to(device)).logits[:, :-1].double()
        targets = batch["labels"][:, 1:].to(device)
        keep = targets != -100
        dist = torch.distributions.Categorical(logits=logits[keep], validate_args=False)
        nll -= float(dist.log_prob(targets[keep]).sum())
        count += int(keep.sum())
    return math.exp(nll / count)
'''

CORRECT = {
    "ex1_next_token": [ROUND12.CORRECT["ex1_next_token"][0],
                       ("last position by select(1, -1); greedy by zeros_like + scatter_; probabilities of a "
                        "torch.distributions.Categorical(logits=z / T) (round 13)", _NEXT_DIST)],
    "ex2_top_k_top_p": [ROUND12.CORRECT["ex2_top_k_top_p"][0],
                        ("boolean keep masks scattered to vocabulary order, torch.where (round 13)", _FILTERS_MASK)],
    "ex3_generate": [ROUND12.CORRECT["ex3_generate"][0],
                     ("while loop with a counter; pieces joined by one torch.cat (round 13)", _GEN_WHILE)],
    "ex4_lora_layer": [ROUND12.CORRECT["ex4_lora_layer"][0],
                       ("base.requires_grad_(False); the branch by two F.linear calls (round 13)", _LORA_FLINEAR)],
    "ex5_merge": [ROUND12.CORRECT["ex5_merge"][0],
                  ("weight.addmm_(B, A, alpha=+-scale) (round 13)", _MERGE_ADDMM)],
    "ex6_inject": [ROUND12.CORRECT["ex6_inject"][0],
                   ("named_modules' dotted names split by rpartition, parents by get_submodule, swapped after "
                    "the walk; one counting loop (round 13)", _INJECT_SUBMODULE)],
    "ex7_examples": [ROUND12.CORRECT["ex7_examples"][0],
                     ("tokenizer.encode; collate by F.pad of each row and torch.stack (round 13)", _EXAMPLES_FPAD)],
    "ex8_loss": [ROUND12.CORRECT["ex8_loss"][0],
                 ("float64 log_softmax + gather on clamped targets, masked sum / count, cast back (round 13)",
                  _LOSS_GATHER64)],
    "ex9_train": [ROUND12.CORRECT["ex9_train"][0],
                  ("one iterator over the batches, itertools.islice of accum_steps per step (round 13)",
                   _TRAIN_ISLICE)],
    "ex10_perplexity": [ROUND12.CORRECT["ex10_perplexity"][0],
                        ("float64 Categorical(logits).log_prob on the counted positions (round 13)",
                         _PPL_CATEGORICAL)],
}

# ----------------------------------------------------------------------------- wrong answers
_SOFTMAX_RETURN = "    return F.softmax(logits / temperature, dim=-1)\n"

_TOPK_RETURN = ("    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)\n"
                "    return kept / kept.sum(dim=-1, keepdim=True)\n")
_TOPP_RETURN = ("    kept = torch.zeros_like(probs).scatter(-1, order, sorted_kept)\n"
                "    return kept / kept.sum(dim=-1, keepdim=True)\n")

_MERGE_BRANCH = "        layer.base.weight += layer.scale * (layer.lora_B @ layer.lora_A)\n        layer.merged = True\n"
_UNMERGE_BRANCH = "        layer.base.weight -= layer.scale * (layer.lora_B @ layer.lora_A)\n        layer.merged = False\n"

_EX_TOKENIZE = _EXAMPLES[:_EXAMPLES.index("\n\ndef collate")]
_EX_COLLATE = _EXAMPLES[_EXAMPLES.index("\n\ndef collate"):]

_PPL_SEQ_MEAN = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    per_sequence = []
    for batch in batches:
        input_ids = batch["input_ids"].to(device)
        attention_mask = batch["attention_mask"].to(device)
        targets = batch["labels"].to(device)[:, 1:]
        logits = model(input_ids=input_ids, attention_mask=attention_mask).logits[:, :-1, :].float()
        for row in range(targets.shape[0]):
            keep = targets[row] != -100
            if keep.any():
                nll = F.cross_entropy(logits[row][keep], targets[row][keep])
                per_sequence.append(math.exp(nll.item()))     # each sequence's own perplexity
    return sum(per_sequence) / len(per_sequence)
'''

_PPL_PRODUCT = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    likelihood, total_count = 1.0, 0
    for batch in batches:
        input_ids = batch["input_ids"].to(device)
        attention_mask = batch["attention_mask"].to(device)
        targets = batch["labels"].to(device)[:, 1:]
        logits = model(input_ids=input_ids, attention_mask=attention_mask).logits[:, :-1, :].float()
        keep = targets != -100
        p = F.softmax(logits, dim=-1).gather(-1, targets.clamp(min=0).unsqueeze(-1)).squeeze(-1)
        likelihood *= float(p[keep].prod())                # the product of the target probabilities
        total_count += int(keep.sum())
    return likelihood ** (-1.0 / total_count)              # PPL = P(text) ** (-1 / N)
'''

MUTANTS = {
    "ex1_next_token": [
        ("next_token_logits turns gradient tracking off with torch.set_grad_enabled(False) ('it only reads the "
         "model') and never turns it back on (the introduction: 'a function does not leave gradient tracking "
         "turned off (torch.set_grad_enabled(False)) for the caller')",
         replace_once(_NEXT, "    outputs = model(input_ids=input_ids)\n",
                      "    torch.set_grad_enabled(False)\n    outputs = model(input_ids=input_ids)\n")),
        ("softmax with dtype=torch.float64 ('for precision at low temperatures') never cast back: float32 (and "
         "float16) logits give float64 probabilities (the exercise: 'the probabilities, at every temperature, in "
         "the dtype of the logits')",
         replace_once(_NEXT, _SOFTMAX_RETURN, "    return F.softmax(logits / temperature, dim=-1, dtype=torch.float64)\n")),
        ("greedy index taken from the first row only (logits[0].argmax(), written for the batch of one the demo "
         "uses) and repeated for every row: the other rows' one-hot is not at their own argmax (the exercise: "
         "(B, V) -> (B, V), an exact one-hot row at the argmax)",
         replace_once(_NEXT, "        best = logits.argmax(dim=-1)\n",
                      "        best = logits[0].argmax().expand(logits.shape[0])\n")),
        ("softmax by hand shifted by the row minimum instead of the row maximum: at a very low temperature "
         "exp(z / T - min) overflows to inf and the row is NaN (the exercise: 'valid for every temperature > 0, a "
         "very low one included')",
         replace_once(_NEXT, _SOFTMAX_RETURN,
                      "    z = logits / temperature\n"
                      "    e = torch.exp(z - z.min(dim=-1, keepdim=True).values)\n"
                      "    return e / e.sum(dim=-1, keepdim=True)\n")),
    ],
    "ex2_top_k_top_p": [
        ("top-p never renormalised (returns the kept probabilities as they are): the rows sum to the kept mass, "
         "not 1 (the text: 'then renormalise what is left so it sums to 1 again')",
         replace_once(_FILTERS, _TOPP_RETURN,
                      "    kept = torch.zeros_like(probs).scatter(-1, order, sorted_kept)\n    return kept\n")),
        ("top-p renormalised with a softmax over the filtered row (F.softmax(kept)): the zeroed tokens get "
         "weight exp(0) and the kept ones are not in proportion (the text: renormalise what is left so it sums "
         "to 1)",
         replace_once(_FILTERS, _TOPP_RETURN,
                      "    kept = torch.zeros_like(probs).scatter(-1, order, sorted_kept)\n"
                      "    return F.softmax(kept, dim=-1)\n")),
        ("top-k renormalised by the sum over dim=0 (the batch axis): each column sums to 1, not each row (the "
         "exercise: 'row by row')",
         replace_once(_FILTERS, _TOPK_RETURN,
                      "    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)\n"
                      "    return kept / kept.sum(dim=0, keepdim=True)\n")),
        ("top-k's k capped at V - 1 ('the last index'): k = V keeps V - 1 tokens and drops the least likely one "
         "(the text: 'keep exactly k tokens')",
         replace_once(_FILTERS, "    top = torch.topk(probs, k, dim=-1)\n",
                      "    top = torch.topk(probs, min(k, probs.shape[-1] - 1), dim=-1)\n")),
    ],
    "ex3_generate": [
        ("the cache never handed back (past = outputs.past_key_values left out): after the prompt each new token "
         "is fed alone with past_key_values=None and the model forgets the context (the text: 'hand it back with "
         "past_key_values= and feed only the new token')",
         replace_once(_GEN, "        past = outputs.past_key_values\n", "")),
        ("an end-of-turn token appended when the limit is reached without one ('so every answer is closed'): n "
         "can be max_new_tokens + 1, and the last token was not chosen by pick (the exercise: n <= "
         "max_new_tokens; only a token the loop appends stops it)",
         replace_once(_GEN, "        feed = token\n    return ids\n",
                      "        feed = token\n"
                      "    if eos_id is not None and ids[0, -1].item() != eos_id:\n"
                      "        ids = torch.cat([ids, torch.full((1, 1), eos_id, dtype=ids.dtype)], dim=1)\n"
                      "    return ids\n")),
        ("model.requires_grad_(False) first ('generation needs no gradients'): the caller's trainable "
         "parameters (LoRA's A and B) come back frozen (the introduction: 'a function changes nothing the caller "
         "gives it')",
         replace_once(_GEN, "    ids = input_ids\n", "    model.requires_grad_(False)\n    ids = input_ids\n")),
        ("returns ids.tolist() ('token ids for tokenizer.decode'): a list of lists, not a (1, T + n) tensor (the "
         "exercise: (1, T) -> (1, T + n))",
         replace_once(_GEN, "        feed = token\n    return ids\n", "        feed = token\n    return ids.tolist()\n")),
    ],
    "ex4_lora_layer": [
        ("A scaled down by 0.01 after kaiming_uniform_ ('A starts small'): the draw is not the kaiming_uniform_ "
         "one (the exercise: create lora_A with nn.init.kaiming_uniform_(..., a=math.sqrt(5)))",
         replace_once(_LORA, "        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))\n",
                      "        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))\n"
                      "        with torch.no_grad():\n            self.lora_A.mul_(0.01)\n")),
        ("forward flattens with x.view(-1, d_in) and views back: a non-contiguous input (a transposed (..., d_in) "
         "activation) raises (the exercise: forward (..., d_in) -> (..., d_out))",
         replace_once(_LORA, "        update = self.dropout(x) @ self.lora_A.T @ self.lora_B.T\n",
                      "        flat = self.dropout(x).view(-1, x.shape[-1])\n"
                      "        update = (flat @ self.lora_A.T @ self.lora_B.T).view(*x.shape[:-1], -1)\n")),
        ("scale = r / alpha (the fraction upside down): the update is scaled by 0.5 instead of 2 for r = 8, "
         "alpha = 16 (the exercise: scale = alpha / r)",
         replace_once(_LORA, "        self.scale = alpha / r\n", "        self.scale = r / alpha\n")),
        ("base frozen by replacing its parameters with detached copies (base.weight = nn.Parameter(w.detach(), "
         "requires_grad=False)): the caller's Linear gets new parameter objects, the old ones stay trainable and "
         "their .grad is gone (the exercise: 'Freezing is the only change to the caller's Linear')",
         replace_once(_LORA, "        for p in self.base.parameters():\n            p.requires_grad = False\n",
                      "        base.weight = nn.Parameter(base.weight.detach(), requires_grad=False)\n"
                      "        if base.bias is not None:\n"
                      "            base.bias = nn.Parameter(base.bias.detach(), requires_grad=False)\n")),
    ],
    "ex5_merge": [
        ("merge computes W + update in float64 ('exact') and assigns it to weight.data, never cast back: a "
         "float32 layer's weight becomes float64 (the introduction: does not move a model to another dtype; the "
         "exercise: change the weight in place)",
         replace_once(_MERGE, _MERGE_BRANCH,
                      "        w = layer.base.weight\n"
                      "        w.data = w.data.double() + layer.scale * (layer.lora_B.double() @ layer.lora_A.double())\n"
                      "        layer.merged = True\n")),
        ("merge puts the wrapped Linear in eval mode (layer.base.eval(), 'a merged weight is for inference'): "
         "the layer's submodule changes mode (the exercise: 'leaves the layer's train/eval mode as the caller set "
         "it')",
         replace_once(_MERGE, _MERGE_BRANCH, _MERGE_BRANCH + "        layer.base.eval()\n")),
        ("merge also sets layer.scale = 0 ('switch the branch off, to be sure') and unmerge resets it to alpha / r: "
         "a merged layer's scale is changed, and a scale the caller set (set_lora_scale) is lost (the exercise: "
         "'Only the base weight and merged change')",
         replace_once(replace_once(_MERGE, _MERGE_BRANCH, _MERGE_BRANCH + "        layer.scale = 0.0\n"),
                      _UNMERGE_BRANCH,
                      "        layer.scale = layer.alpha / layer.r\n" + _UNMERGE_BRANCH)),
        ("unmerge ends with layer.train() ('so an unmerged layer trains as before'): a layer the caller left in "
         "eval mode comes back in training mode (the exercise: each 'leaves the layer's train/eval mode as the "
         "caller set it')",
         replace_once(_MERGE, "        layer.merged = False\n    return layer\n",
                      "        layer.merged = False\n    return layer.train()\n")),
    ],
    "ex6_inject": [
        ("count_parameters' total adds the model's buffers (model.buffers(), 'every tensor of the model'): the "
         "rotary inv_freq buffers are counted as parameters (the exercise: (trainable, total) parameters)",
         replace_once(_INJECT, "    total = sum(p.numel() for p in model.parameters())\n",
                      "    total = sum(p.numel() for p in model.parameters()) + sum(b.numel() for b in model.buffers())\n")),
        ("add_lora ends with model.eval() ('a frozen model is for inference'): a model the caller left in "
         "training mode comes back in eval mode (the exercise: return the model 'in the train/eval mode the "
         "caller left it in')",
         replace_once(_INJECT, "                setattr(parent, child_name, make_lora(child))\n    return model\n",
                      "                setattr(parent, child_name, make_lora(child))\n    return model.eval()\n")),
        ("add_lora starts with model.zero_grad() ('a clean start for fine-tuning'): the gradients the caller's "
         "parameters held are cleared (the introduction: 'does not clear or replace the gradients the caller's "
         "parameters hold in .grad')",
         replace_once(_INJECT, "    for p in model.parameters():\n        p.requires_grad_(False)\n",
                      "    model.zero_grad()\n    for p in model.parameters():\n        p.requires_grad_(False)\n")),
        ("count_parameters returns a dict {'trainable': ..., 'total': ...} ('self-describing'): not the "
         "(trainable, total) tuple the notebook unpacks",
         replace_once(_INJECT, "    return trainable, total\n",
                      "    return {\"trainable\": trainable, \"total\": total}\n")),
    ],
    "ex7_examples": [
        ("attention mask made with torch.zeros((B, T_max)) without a dtype: float32, not torch.long (the "
         "exercise: 'all torch.long')",
         replace_once(_EXAMPLES, "    attention_mask = torch.zeros((len(examples), width), dtype=torch.long)\n",
                      "    attention_mask = torch.zeros((len(examples), width))\n")),
        ("collate truncates to 256 tokens ('the usual max_length'): a longer example loses its end and T_max is "
         "capped (the exercise: 'pad on the right to the longest example', shape (B, T_max))",
         _EX_TOKENIZE + "\n\n" + replace_once(replace_once(replace_once(replace_once(
             _EX_COLLATE,
             "    width = max(len(e[\"input_ids\"]) for e in examples)\n",
             "    width = min(256, max(len(e[\"input_ids\"]) for e in examples))\n"),
             "        n = len(e[\"input_ids\"])\n", "        n = min(width, len(e[\"input_ids\"]))\n"),
             "torch.tensor(e[\"input_ids\"], dtype=torch.long)", "torch.tensor(e[\"input_ids\"][:n], dtype=torch.long)"),
             "torch.tensor(e[\"labels\"], dtype=torch.long)", "torch.tensor(e[\"labels\"][:n], dtype=torch.long)")),
        ("prompt masked by len(tokenizer(prompt)): the length of the BatchEncoding (its keys input_ids and "
         "attention_mask, 2), not of the prompt's ids: only two positions are -100 and labels is shorter than "
         "input_ids (the exercise: -100 over the prompt)",
         '''
def tokenize_pair(tokenizer, instruction: str, response: str) -> dict:
    """{'input_ids': prompt + answer token ids, 'labels': -100 over the prompt, the ids elsewhere}."""
    prompt = tokenizer(chat_prompt(tokenizer, instruction), add_special_tokens=False)
    answer = tokenizer(response + tokenizer.eos_token, add_special_tokens=False).input_ids
    return {"input_ids": list(prompt.input_ids) + list(answer), "labels": [-100] * len(prompt) + list(answer)}
''' + _EX_COLLATE),
        ("collate stores each example's mask in the example (e['attention_mask'] = [1] * n) before stacking: the "
         "caller's example dicts gain a key (the exercise: 'Leave the examples themselves unchanged')",
         replace_once(_EXAMPLES, "        attention_mask[row, :n] = 1\n",
                      "        e[\"attention_mask\"] = [1] * n\n"
                      "        attention_mask[row, :n] = torch.tensor(e[\"attention_mask\"], dtype=torch.long)\n")),
    ],
    "ex8_loss": [
        ("logits cast .float() inside ('the training loop does it too'): float64 logits give a float32 loss (the "
         "introduction: does not move a tensor to another dtype)",
         replace_once(_LOSS, "    return F.cross_entropy(shift_logits.reshape(-1, vocab)",
                      "    return F.cross_entropy(shift_logits.float().reshape(-1, vocab)")),
        ("PaLM's z-loss added (1e-4 * logsumexp(logits)^2 averaged over the counted positions, 'a stability "
         "habit'): the loss is not the mean cross-entropy of the formula",
         replace_once(_LOSS, "    return F.cross_entropy(shift_logits.reshape(-1, vocab), shift_labels.reshape(-1), "
                             "ignore_index=-100)\n",
                      "    ce = F.cross_entropy(shift_logits.reshape(-1, vocab), shift_labels.reshape(-1), "
                      "ignore_index=-100)\n"
                      "    keep = shift_labels.reshape(-1) != -100\n"
                      "    z = torch.logsumexp(shift_logits.reshape(-1, vocab), dim=-1)[keep]\n"
                      "    return ce + 1e-4 * (z ** 2).mean()\n")),
        ("targets equal to tokenizer.pad_token_id ignored too ('padding is not a target'): the end-of-turn token "
         "(SmolLM2's pad id) the answer must learn is not scored (the formula: every position whose label is not "
         "-100)",
         replace_once(_LOSS, "    shift_labels = labels[:, 1:]\n",
                      "    shift_labels = labels[:, 1:].masked_fill(labels[:, 1:] == tokenizer.pad_token_id, -100)\n")),
        ("reduction='sum' ('the mean makes long answers count less'): the total NLL, not divided by |R| (the "
         "formula: -1/|R| times the sum)",
         replace_once(_LOSS, "ignore_index=-100)\n", "ignore_index=-100, reduction=\"sum\")\n")),
    ],
    "ex9_train": [
        ("model.requires_grad_(True) next to model.train() ('switch training on'): every frozen base weight is "
         "unfrozen and the caller's LoRA setup is undone (the exercise: 'Put the model in training mode "
         "(model.train() ...)', not requires_grad; the introduction: 'a function changes nothing the caller gives it')",
         replace_once(_TRAIN, "    model.train()\n", "    model.train()\n    model.requires_grad_(True)\n")),
        ("shifted before calling loss_fn (logits[:, :-1] with labels[:, 1:]) though loss_fn shifts itself: every "
         "position is scored against the token two ahead (the exercise: call loss_fn(outputs.logits.float(), "
         "labels))",
         replace_once(_TRAIN, "            loss = loss_fn(outputs.logits.float(), labels)\n",
                      "            loss = loss_fn(outputs.logits.float()[:, :-1], labels[:, 1:])\n")),
        ("returns torch.tensor(history) ('ready to plot'): a tensor, not a list of Python floats (the exercise: "
         "'Return the mean micro-batch loss of every step ... as Python floats')",
         replace_once(_TRAIN, "    model.eval()\n    return history\n", "    model.eval()\n    return torch.tensor(history)\n")),
        ("on_step given round(step_loss, 3), the progress bar's rounding: not the value in the returned list (the "
         "exercise: 'loss is that step's value from the returned list')",
         replace_once(_TRAIN, "            on_step(step, step_loss)\n", "            on_step(step, round(step_loss, 3))\n")),
    ],
    "ex10_perplexity": [
        ("`return` inside the batch loop (indentation): the perplexity of the first batch only (the exercise: "
         "'over all batches')",
         replace_once(_PPL, "        total_count += int((targets != -100).sum())\n    return math.exp(total_nll / total_count)\n",
                      "        total_count += int((targets != -100).sum())\n        return math.exp(total_nll / total_count)\n")),
        ("the mean of every sequence's own perplexity: not exp of the token-mean NLL (the formula: PPL = exp(1/N "
         "sum -log p); 'Average over tokens')", _PPL_SEQ_MEAN),
        ("model.float() first ('the cross-entropy wants float32'): a float64 model is converted in place (the "
         "introduction: does not move a model to another dtype)",
         replace_once(_PPL, "    total_nll, total_count = 0.0, 0\n",
                      "    model.float()\n    total_nll, total_count = 0.0, 0\n")),
        ("PPL as the product of the target probabilities to the power -1/N (P(text) ** (-1/N), the same on paper): "
         "the float32 product underflows to 0 on a few dozen tokens and the result raises or is inf (the text: "
         "PPL = exp(1/N sum -log p), a confident mistake costs its full -log p)",
         _PPL_PRODUCT),
    ],
}

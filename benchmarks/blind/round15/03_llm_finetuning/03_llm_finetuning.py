"""Blind round 15, lab 03 (LLM fine-tuning with LoRA): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of rounds 1-14 holds.
Right answers: CORRECT[gid][0] is round 14's reference (round 2's, reused by name: the reference keeps
the proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND14 = earlier_round(14, __file__)

_NEXT, _FILTERS, _GEN, _LORA, _MERGE = (ROUND14._NEXT, ROUND14._FILTERS, ROUND14._GEN, ROUND14._LORA,
                                        ROUND14._MERGE)
_INJECT, _EXAMPLES, _LOSS, _TRAIN, _PPL = (ROUND14._INJECT, ROUND14._EXAMPLES, ROUND14._LOSS, ROUND14._TRAIN,
                                           ROUND14._PPL)

# ----------------------------------------------------------------------------- round 15's own right answers
_NEXT_SELECT = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    return model(input_ids=input_ids).logits.select(1, -1)


def token_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities at `temperature` (0 = greedy: one-hot at the argmax)."""
    if temperature == 0:
        eye = torch.eye(logits.shape[-1], dtype=logits.dtype, device=logits.device)
        return eye[logits.argmax(dim=-1)]
    return torch.log_softmax(logits / temperature, dim=-1).exp()
'''

_FILTERS_MASK = '''
def top_k_probs(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep exactly k probabilities of each row, the k largest (ties: any), zero the rest, renormalise."""
    idx = probs.topk(k, dim=-1).indices
    keep = torch.zeros_like(probs, dtype=torch.bool).scatter(-1, idx, True)
    kept = probs.masked_fill(~keep, 0)
    return kept / kept.sum(dim=-1, keepdim=True)


def top_p_probs(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose total reaches p, renormalise."""
    values, order = probs.sort(dim=-1, descending=True)
    above = values.cumsum(dim=-1) - values
    kept_sorted = values.masked_fill(above >= p, 0)
    kept = kept_sorted.gather(-1, order.argsort(dim=-1))           # back to vocabulary order
    return kept / kept.sum(dim=-1, keepdim=True)
'''

_GEN_WHILE = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    pieces = [input_ids]
    cache, feed, n = None, input_ids, 0
    while n < max_new_tokens:
        out = model(input_ids=feed, past_key_values=cache, use_cache=True)
        cache = out.past_key_values
        feed = pick(out.logits[:, -1, :]).view(1, 1).to(input_ids.dtype)
        pieces.append(feed)
        n += 1
        if eos_id is not None and int(feed) == eos_id:
            break
    return torch.cat(pieces, dim=1)
'''

_LORA_FLINEAR = '''
class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0, dropout: float = 0.0):
        super().__init__()
        self.base = base.requires_grad_(False)
        self.r = r
        self.alpha = alpha
        self.scale = alpha / r
        self.merged = False
        self.lora_A = nn.Parameter(torch.empty(r, base.weight.shape[1]))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.lora_B = nn.Parameter(torch.zeros(base.weight.shape[0], r))
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (..., d_in) -> (..., d_out)
        if self.merged:
            return self.base(x)
        update = F.linear(F.linear(self.dropout(x), self.lora_A), self.lora_B)
        return self.base(x) + update * self.scale
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

_INJECT_RECURSIVE = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, wrap every nn.Linear whose name is one of `targets` with make_lora(linear);
    return the model."""
    model.requires_grad_(False)

    def visit(parent: nn.Module) -> None:
        for name, child in list(parent.named_children()):
            if name in targets and isinstance(child, nn.Linear):
                setattr(parent, name, make_lora(child))
            else:
                visit(child)

    visit(model)
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
    prompt = list(tokenizer(chat_prompt(tokenizer, instruction), add_special_tokens=False).input_ids)
    answer = list(tokenizer(response + tokenizer.eos_token, add_special_tokens=False).input_ids)
    labels = [-100 for _ in prompt]
    labels.extend(answer)
    return {"input_ids": prompt + answer, "labels": labels}


def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    width = max(len(e["input_ids"]) for e in examples)
    rows = {"input_ids": [], "labels": [], "attention_mask": []}
    for e in examples:
        n = len(e["input_ids"])
        gap = (0, width - n)
        rows["input_ids"].append(F.pad(torch.tensor(e["input_ids"], dtype=torch.long), gap, value=pad_id))
        rows["labels"].append(F.pad(torch.tensor(e["labels"], dtype=torch.long), gap, value=-100))
        rows["attention_mask"].append(F.pad(torch.ones(n, dtype=torch.long), gap, value=0))
    return {key: torch.stack(value) for key, value in rows.items()}
'''

_LOSS_GATHER = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    log_p = torch.log_softmax(logits[:, :-1, :], dim=-1)
    targets = labels[:, 1:]
    keep = targets != -100
    picked = log_p.gather(-1, targets.masked_fill(~keep, 0).unsqueeze(-1)).squeeze(-1)
    return -(picked * keep).sum() / keep.sum()
'''

_TRAIN_GROUPS = '''
def train_lora(model: nn.Module, batches: list[dict], optimizer: torch.optim.Optimizer, loss_fn,
               accum_steps: int, device, on_step=None) -> list[float]:
    """Gradient-accumulation training; returns the mean micro-batch loss of every optimizer step."""
    n_steps = len(batches) // accum_steps
    groups = [batches[i:i + accum_steps] for i in range(0, n_steps * accum_steps, accum_steps)]
    model.train()
    history = []
    bar = progress(groups, desc="LoRA")
    for step, group in enumerate(bar):
        optimizer.zero_grad()
        total = 0.0
        for batch in group:
            with autocast(device):
                logits = model(input_ids=batch["input_ids"].to(device),
                               attention_mask=batch["attention_mask"].to(device)).logits
            loss = loss_fn(logits.float(), batch["labels"].to(device))
            loss.div(accum_steps).backward()
            total += float(loss)
        optimizer.step()
        history.append(total / len(group))
        bar.set_postfix(loss=round(history[-1], 3))
        if on_step is not None:
            on_step(step, history[-1])
    model.eval()
    return history
'''

_PPL_LOGSOFTMAX = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    nll, count = 0.0, 0
    for batch in batches:
        logits = model(input_ids=batch["input_ids"].to(device),
                       attention_mask=batch["attention_mask"].to(device)).logits.float()
        log_p = torch.log_softmax(logits[:, :-1], dim=-1)
        targets = batch["labels"].to(device)[:, 1:]
        keep = targets != -100
        picked = log_p.gather(-1, targets.clamp(min=0).unsqueeze(-1)).squeeze(-1)
        nll -= float((picked * keep).sum())
        count += int(keep.sum())
    return float(math.exp(nll / count))
'''

CORRECT = {
    "ex1_next_token": [ROUND14.CORRECT["ex1_next_token"][0],
                       ("last position by select(1, -1); greedy as rows of an identity matrix; "
                        "log_softmax().exp() (round 15)", _NEXT_SELECT)],
    "ex2_top_k_top_p": [ROUND14.CORRECT["ex2_top_k_top_p"][0],
                        ("top-k by a scattered bool mask and masked_fill; top-p put back by gather with the "
                         "inverse permutation (argsort of the order) (round 15)", _FILTERS_MASK)],
    "ex3_generate": [ROUND14.CORRECT["ex3_generate"][0],
                     ("while loop with a counter, pieces joined once by torch.cat (round 15)", _GEN_WHILE)],
    "ex4_lora_layer": [ROUND14.CORRECT["ex4_lora_layer"][0],
                       ("base frozen by requires_grad_(False) on the module; branch by two F.linear (round 15)",
                        _LORA_FLINEAR)],
    "ex5_merge": [ROUND14.CORRECT["ex5_merge"][0],
                  ("in-place addmm_ with alpha = +-scale (round 15)", _MERGE_ADDMM)],
    "ex6_inject": [ROUND14.CORRECT["ex6_inject"][0],
                   ("model.requires_grad_(False), a recursive visit of named_children; counts in one loop "
                    "(round 15)", _INJECT_RECURSIVE)],
    "ex7_examples": [ROUND14.CORRECT["ex7_examples"][0],
                     ("labels built with extend; collate by F.pad of each row and torch.stack (round 15)",
                      _EXAMPLES_FPAD)],
    "ex8_loss": [ROUND14.CORRECT["ex8_loss"][0],
                 ("log_softmax + gather, masked sum over the count (round 15)", _LOSS_GATHER)],
    "ex9_train": [ROUND14.CORRECT["ex9_train"][0],
                  ("the step groups listed first, enumerate over the progress bar (round 15)", _TRAIN_GROUPS)],
    "ex10_perplexity": [ROUND14.CORRECT["ex10_perplexity"][0],
                        ("log_softmax + gather on clamped targets, masked sum (round 15)", _PPL_LOGSOFTMAX)],
}

# ----------------------------------------------------------------------------- wrong answers
_SOFTMAX_RETURN = "    return F.softmax(logits / temperature, dim=-1)\n"

MUTANTS = {
    "ex1_next_token": [
        ("softmax by hand, shifted by each row's max, but normalised by .sum() with the dim forgotten: every row "
         "is divided by the whole batch's mass, rows of a batch of several do not sum to 1 (the exercise: "
         "(B, V) -> (B, V), one distribution p_i = exp(z_i / tau) / sum_j exp(z_j / tau) per row)",
         replace_once(_NEXT, _SOFTMAX_RETURN,
                      "    z = logits / temperature\n"
                      "    e = torch.exp(z - z.max(dim=-1, keepdim=True).values)\n"
                      "    return e / e.sum()\n")),
        ("greedy one-hot as wide as the tokenizer's vocabulary (num_classes=len(tokenizer), 'the vocabulary "
         "size'): logits of any other width V get rows of the wrong length (the exercise: (B, V) -> (B, V))",
         replace_once(_NEXT, "num_classes=logits.shape[-1]", "num_classes=len(tokenizer)")),
        ("next_token_logits written for the batch of one the demo uses (logits[0, -1].unsqueeze(0)): a batch of "
         "B > 1 prompts gives only the first row, (1, V) (the exercise: (B, T) -> (B, V))",
         replace_once(_NEXT, "    return outputs.logits[:, -1, :]\n",
                      "    return outputs.logits[0, -1].unsqueeze(0)\n")),
        ("temperature clamped at 1 (min(temperature, 1.0), 'above 1 is noise'): tau > 1 gives the tau = 1 "
         "distribution instead of a flatter one (the text: 'tau > 1 flattens it'; valid for every temperature > 0)",
         replace_once(_NEXT, _SOFTMAX_RETURN,
                      "    return F.softmax(logits / min(temperature, 1.0), dim=-1)\n")),
    ],
    "ex2_top_k_top_p": [
        ("top-k returns (probabilities, kept indices), as torch.topk does: a tuple, not the (B, V) tensor (the "
         "exercise: top_k_probs(probs, k), (B, V) -> (B, V))",
         replace_once(_FILTERS, "    return kept / kept.sum(dim=-1, keepdim=True)\n\n\ndef top_p_probs",
                      "    return kept / kept.sum(dim=-1, keepdim=True), top.indices\n\n\ndef top_p_probs")),
        ("top-p filtered row by row with range(B - 1) (an off-by-one): the last row comes back unfiltered, as the "
         "caller's probabilities (the exercise: 'row by row')",
         replace_once(_FILTERS, "    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)\n"
                                "    before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs\n"
                                "    sorted_kept = sorted_probs * (before < p)\n"
                                "    kept = torch.zeros_like(probs).scatter(-1, order, sorted_kept)\n",
                      "    kept = probs.clone()\n"
                      "    for b in range(probs.shape[0] - 1):\n"
                      "        values, order = torch.sort(probs[b], descending=True)\n"
                      "        before = torch.cumsum(values, dim=0) - values\n"
                      "        kept[b] = torch.zeros_like(values).scatter(0, order, values * (before < p))\n")),
        ("the nucleus keeps at least two tokens (Hugging Face's min_tokens_to_keep set to 2, 'so sampling stays "
         "random'): a token whose own probability reaches p no longer survives alone (the text: keep the "
         "smallest set whose total reaches p)",
         replace_once(_FILTERS, "    sorted_kept = sorted_probs * (before < p)\n",
                      "    keep = before < p\n    keep[..., :2] = True\n    sorted_kept = sorted_probs * keep\n")),
        ("top-p's p capped at 0.99 ('p = 1 would keep the whole tail'): with p = 1 the tokens below the last 1% "
         "of mass are cut (the text: keep the tokens whose mass ranked above is below p)",
         replace_once(_FILTERS, "    sorted_kept = sorted_probs * (before < p)\n",
                      "    sorted_kept = sorted_probs * (before < min(p, 0.99))\n")),
    ],
    "ex3_generate": [
        ("new tokens appended without the cast to the prompt's dtype (torch.cat([ids, token])): an int32 prompt "
         "comes back int64 (the introduction: does not move a tensor to another dtype)",
         replace_once(_GEN, "ids = torch.cat([ids, token.to(ids.dtype)], dim=1)", "ids = torch.cat([ids, token], dim=1)")),
        ("@torch.no_grad() replaced by torch.set_grad_enabled(False) at the top ('generation needs no graph'): "
         "gradient tracking stays off for the caller (the introduction: 'a function does not leave gradient "
         "tracking turned off')",
         replace_once(replace_once(_GEN, "@torch.no_grad()\n", ""), "    ids = input_ids\n",
                      "    torch.set_grad_enabled(False)\n    ids = input_ids\n")),
        ("pick given outputs.logits[:, 0, :] (the first position): on the prompt call that is the logits after "
         "the prompt's first token, not after its last (the text: 'turn the last position's logits into one new "
         "token')",
         replace_once(_GEN, "pick(outputs.logits[:, -1, :])", "pick(outputs.logits[:, 0, :])")),
        ("the result written back into the caller's prompt (input_ids.data = ids, 'no copy'): the caller's "
         "input_ids tensor becomes the (1, T + n) output (the introduction: does not modify the caller's tensors)",
         replace_once(_GEN, "    return ids\n", "    input_ids.data = ids\n    return input_ids\n")),
    ],
    "ex4_lora_layer": [
        ("lora_B registered as a buffer ('it starts at zero'): B is not a trainable parameter, the adapter "
         "never learns (the exercise: create lora_A and lora_B; gradients train the update)",
         replace_once(_LORA, "        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))\n",
                      "        self.register_buffer(\"lora_B\", torch.zeros(base.out_features, r))\n")),
        ("scale = alpha / lora_A.shape[1] (A read as (d_in, r)): alpha / d_in, not alpha / r (the exercise: "
         "scale = alpha / r)",
         replace_once(replace_once(_LORA, "        self.scale = alpha / r\n", ""),
                      "        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))\n",
                      "        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))\n"
                      "        self.scale = alpha / self.lora_A.shape[1]\n")),
        ("the branch reshaped back with x.shape[0], x.shape[1] (written for the model's (B, T, d_in)): a 2-D "
         "(N, d_in) input raises (the exercise: forward takes any (..., d_in) tensor)",
         replace_once(_LORA, "        update = self.dropout(x) @ self.lora_A.T @ self.lora_B.T\n",
                      "        flat = self.dropout(x).reshape(-1, x.shape[-1])\n"
                      "        update = (flat @ self.lora_A.T @ self.lora_B.T).reshape(x.shape[0], x.shape[1], -1)\n")),
        ("kaiming_uniform_ with mode='fan_out': the bound is set by r instead of d_in, A is drawn too wide (the "
         "exercise: nn.init.kaiming_uniform_(..., a=math.sqrt(5)), what nn.Linear uses)",
         replace_once(_LORA, "nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))",
                      "nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5), mode=\"fan_out\")")),
    ],
    "ex5_merge": [
        ("merge's guard clause is a bare `return` (if layer.merged: return): merging a merged layer gives None "
         "back (the exercise: each returns the layer, 'also when there is nothing to do: merging a merged layer')",
         replace_once(_MERGE, "    if not layer.merged:\n        layer.base.weight += layer.scale * (layer.lora_B @ "
                              "layer.lora_A)\n        layer.merged = True\n",
                      "    if layer.merged:\n        return\n    layer.base.weight += layer.scale * (layer.lora_B @ "
                      "layer.lora_A)\n    layer.merged = True\n")),
        ("merge folds into a deep copy of the base Linear (layer.base = copy.deepcopy(layer.base), 'keep the "
         "caller's Linear intact'): the Linear the caller gave is no longer the layer's (the exercise: 'Only the "
         "base weight and merged change')",
         replace_once(_MERGE, "    if not layer.merged:\n        layer.base.weight +=",
                      "    if not layer.merged:\n        import copy\n        layer.base = copy.deepcopy(layer.base)\n"
                      "        layer.base.weight +=")),
        ("merge skips a layer whose scale is 0 ('the adapter is off: nothing to fold') and leaves merged False: "
         "a layer switched off by set_lora_scale is not marked merged (the exercise: W <- W + scale * B A, "
         "merged = True)",
         replace_once(_MERGE, "    if not layer.merged:\n        layer.base.weight +=",
                      "    if not layer.merged and layer.scale != 0:\n        layer.base.weight +=")),
        ("merge makes the base weight trainable (requires_grad_(True), 'the merged weight can be tuned further'): "
         "the frozen path trains afterwards (the exercise: 'Only the base weight and merged change')",
         replace_once(_MERGE, "        layer.merged = True\n",
                      "        layer.merged = True\n        layer.base.weight.requires_grad_(True)\n")),
    ],
    "ex6_inject": [
        ("empty targets fall back to the four attention projections (peft's default target_modules): "
         "add_lora(model, (), ...) wraps q/k/v/o (the exercise: replace each nn.Linear whose name is one of "
         "`targets`)",
         replace_once(_INJECT, "    for p in model.parameters():\n        p.requires_grad_(False)\n",
                      "    targets = targets or (\"q_proj\", \"k_proj\", \"v_proj\", \"o_proj\")\n"
                      "    for p in model.parameters():\n        p.requires_grad_(False)\n")),
        ("count_parameters by numpy's np.prod(p.shape): numpy numbers, not Python ints (the exercise: "
         "count_parameters(model) -> (trainable, total), numbers of parameters)",
         replace_once(_INJECT, "    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)\n"
                               "    total = sum(p.numel() for p in model.parameters())\n",
                      "    import numpy as np\n"
                      "    trainable = sum(np.prod(p.shape) for p in model.parameters() if p.requires_grad)\n"
                      "    total = sum(np.prod(p.shape) for p in model.parameters())\n")),
        ("add_lora turns gradient tracking off (torch.set_grad_enabled(False), 'the base is frozen') and never "
         "back on (the introduction: 'a function does not leave gradient tracking turned off')",
         replace_once(_INJECT, "    for p in model.parameters():\n        p.requires_grad_(False)\n",
                      "    torch.set_grad_enabled(False)\n    for p in model.parameters():\n        p.requires_grad_(False)\n")),
        ("count_parameters' trainable counts only the LoRA layers' A and B: a trainable parameter outside a "
         "LoRALinear is left out (the exercise: (trainable, total), trainable = what requires grad)",
         replace_once(_INJECT, "    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)\n",
                      "    trainable = sum(m.lora_A.numel() + m.lora_B.numel() for m in model.modules()\n"
                      "                    if isinstance(m, LoRALinear))\n")),
    ],
    "ex7_examples": [
        ("attention mask all ones ('the -100 labels already hide the padding'): padding positions get 1 (the "
         "exercise: attention_mask '1 for real tokens, 0 for padding')",
         replace_once(_EXAMPLES, "    attention_mask = torch.zeros((len(examples), width), dtype=torch.long)\n",
                      "    attention_mask = torch.ones((len(examples), width), dtype=torch.long)\n")),
        ("the instruction .strip()ped before the chat prompt ('clean input'): an instruction with leading or "
         "trailing spaces / newlines is tokenized differently (the exercise: tokenize chat_prompt(tokenizer, "
         "instruction))",
         replace_once(_EXAMPLES, "chat_prompt(tokenizer, instruction)", "chat_prompt(tokenizer, instruction.strip())")),
        ("width = longest - 1 ('the last token is never an input'): the longest example loses its last token "
         "(the exercise: 'pad on the right to the longest example', shape (B, T_max))",
         replace_once(replace_once(_EXAMPLES, "    width = max(len(e[\"input_ids\"]) for e in examples)\n",
                                   "    width = max(len(e[\"input_ids\"]) for e in examples) - 1\n"),
                      "        n = len(e[\"input_ids\"])\n", "        n = min(len(e[\"input_ids\"]), width)\n")
         .replace("torch.tensor(e[\"input_ids\"], dtype=torch.long)", "torch.tensor(e[\"input_ids\"][:n], dtype=torch.long)")
         .replace("torch.tensor(e[\"labels\"], dtype=torch.long)", "torch.tensor(e[\"labels\"][:n], dtype=torch.long)")),
        ("prompt and answer tokenized in one batched call with padding=True: the shorter of the two is padded "
         "and its pad tokens are concatenated into the example (the exercise: tokenize them separately and "
         "concatenate)",
         replace_once(_EXAMPLES,
                      "    prompt = tokenizer(chat_prompt(tokenizer, instruction), add_special_tokens=False).input_ids\n"
                      "    answer = tokenizer(response + tokenizer.eos_token, add_special_tokens=False).input_ids\n",
                      "    prompt, answer = tokenizer([chat_prompt(tokenizer, instruction), response + tokenizer.eos_token],\n"
                      "                               add_special_tokens=False, padding=True).input_ids\n")),
    ],
    "ex8_loss": [
        ("the -100 labels dropped from each row first, then the rest paired with the row's first logits "
         "(mask before shift): the targets are scored at the wrong positions (the formula: logits at t against "
         "label t + 1, R = {(b, t) : label_{b,t+1} != -100})",
         '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    scores, targets = [], []
    for row_logits, row_labels in zip(logits, labels):
        real = row_labels[row_labels != -100]
        scores.append(row_logits[:len(real)])
        targets.append(real)
    return F.cross_entropy(torch.cat(scores), torch.cat(targets))
'''),
        ("returns the mean log-likelihood (the minus sign forgotten): the loss is negative and minimising it "
         "makes the targets less likely (the formula: L = -1/|R| sum log p)",
         replace_once(_LOSS, "    return F.cross_entropy(", "    return -F.cross_entropy(")),
        ("cross-entropy computed on logits.half() ('the vocabulary is large: save memory') and cast back: the "
         "loss loses precision (the exercise: the loss in the dtype of the logits, the formula's exact mean)",
         replace_once(_LOSS, "    return F.cross_entropy(shift_logits.reshape(-1, vocab)",
                      "    return F.cross_entropy(shift_logits.half().reshape(-1, vocab)")
         .replace("ignore_index=-100)\n", "ignore_index=-100).to(logits.dtype)\n")),
        ("the loss returned .detach()ed ('so the caller can log it without the graph'): no gradient flows, "
         "backward() raises (the exercise: a scalar tensor 'that gradients flow through')",
         replace_once(_LOSS, "ignore_index=-100)\n", "ignore_index=-100).detach()\n")),
    ],
    "ex9_train": [
        ("a fresh AdamW built over the model's trainable parameters ('the optimizer must see the LoRA "
         "parameters'): the optimizer given is ignored (the exercise: one optimizer.step() per step with "
         "`optimizer`)",
         replace_once(replace_once(_TRAIN, "    model.train()\n",
                                   "    model.train()\n    opt = torch.optim.AdamW([p for p in model.parameters() "
                                   "if p.requires_grad], lr=2e-3)\n"),
                      "        optimizer.zero_grad()\n", "        opt.zero_grad()\n")
         .replace("        optimizer.step()\n", "        opt.step()\n")),
        ("each micro-batch loss multiplied by accum_steps (the division read backwards): the accumulated "
         "gradient is accum_steps^2 times the mean (the text: 'Divide each micro-batch loss by accum_steps')",
         replace_once(_TRAIN, "(loss / accum_steps).backward()", "(loss * accum_steps).backward()")),
        ("returns (step, loss) pairs ('what on_step saw'): a list of tuples, not of Python floats (the exercise: "
         "'Return the mean micro-batch loss of every step ... as Python floats')",
         replace_once(_TRAIN, "    model.eval()\n    return history\n",
                      "    model.eval()\n    return list(enumerate(history))\n")),
        ("the step loop runs over range(len(batches)) (micro-batches taken for steps): past the last full group "
         "the windows are empty and the step mean divides by zero (the exercise: len(batches) // accum_steps "
         "optimizer steps)",
         replace_once(_TRAIN, "    bar = progress(range(n_steps)", "    bar = progress(range(len(batches))")),
    ],
    "ex10_perplexity": [
        ("a target counted only when the label before it is real too (labels[:, :-1] != -100 as well): the first "
         "answer token after the prompt is never scored (the exercise: shift by one, skip labels equal to -100)",
         replace_once(_PPL, "        targets = batch[\"labels\"].to(device)[:, 1:]\n",
                      "        targets = batch[\"labels\"].to(device)[:, 1:]\n"
                      "        targets = targets.masked_fill(batch[\"labels\"].to(device)[:, :-1] == -100, -100)\n")),
        ("label_smoothing=0.1 kept from a training recipe: the NLL of the targets is mixed with the mean over the "
         "vocabulary (the formula: PPL = exp(1/N sum -log p(x_n | x_<n)))",
         replace_once(_PPL, "ignore_index=-100, reduction=\"sum\")", "ignore_index=-100, reduction=\"sum\", "
                      "label_smoothing=0.1)")),
        ("batches looped with range(len(batches) - 1) (an off-by-one): the last batch is never scored (the "
         "exercise: perplexity 'over all batches')",
         replace_once(_PPL, "    for batch in batches:\n",
                      "    for i in range(len(batches) - 1):\n        batch = batches[i]\n")),
        ("one perplexity per batch returned as a list ('over all batches'): not one Python float of the "
         "token-mean NLL (the exercise: 'Return a Python float'; 'Average over tokens, not over batches')",
         replace_once(replace_once(_PPL, "    total_nll, total_count = 0.0, 0\n",
                                   "    per_batch = []\n"),
                      "        total_count += int((targets != -100).sum())\n    return math.exp(total_nll / total_count)\n",
                      "        total_count += int((targets != -100).sum())\n"
                      "        per_batch.append(math.exp(total_nll / total_count))\n    return per_batch\n")
         .replace("        total_nll += F.cross_entropy", "        total_nll, total_count = 0.0, 0\n        total_nll += F.cross_entropy")),
    ],
}

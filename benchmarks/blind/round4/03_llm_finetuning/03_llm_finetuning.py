"""Blind round 4, lab 03 (LLM fine-tuning with LoRA): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of tests/mutants, rounds 1-3 holds.
Right answers: CORRECT[gid][0] is round 2's (reused through round 3's names, the reference keeps the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND3 = earlier_round(3, __file__)


_NEXT, _FILTERS, _GEN, _LORA, _MERGE = ROUND3._NEXT, ROUND3._FILTERS, ROUND3._GEN, ROUND3._LORA, ROUND3._MERGE
_INJECT, _EXAMPLES, _LOSS, _TRAIN, _PPL = (ROUND3._INJECT, ROUND3._EXAMPLES, ROUND3._LOSS, ROUND3._TRAIN,
                                           ROUND3._PPL)

# ----------------------------------------------------------------------------- round 4's own right answers
_NEXT_F64 = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    return model(input_ids=input_ids).logits.select(1, -1)


def token_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities at `temperature` (0 = greedy: one-hot at the argmax)."""
    if temperature == 0:
        return torch.zeros_like(logits).scatter_(-1, logits.argmax(dim=-1, keepdim=True), 1.0)
    z = logits / temperature
    z = z - z.amax(dim=-1, keepdim=True)        # the largest exponent is 0: nothing overflows
    e = torch.exp(z)
    return e / e.sum(dim=-1, keepdim=True)
'''

_FILTERS_LOOP = '''
def top_k_probs(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep exactly k probabilities of each row, the k largest (ties: any), zero the rest, renormalise."""
    values, order = probs.sort(dim=-1, descending=True)
    first_k = torch.arange(probs.shape[-1], device=probs.device) < k
    kept = torch.zeros_like(probs).scatter(-1, order, values * first_k)
    return kept / kept.sum(dim=-1, keepdim=True)


def top_p_probs(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose total reaches p, renormalise."""
    out = torch.zeros_like(probs)
    for b in range(probs.shape[0]):
        mass = probs.new_zeros(())
        for i in torch.argsort(probs[b], descending=True).tolist():
            if mass >= p:
                break
            out[b, i] = probs[b, i]
            mass = mass + probs[b, i]
    return out / out.sum(dim=-1, keepdim=True)
'''

_GEN_WHILE = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    ids, feed, cache, added = input_ids, input_ids, None, 0
    while added < max_new_tokens:
        out = model(input_ids=feed, past_key_values=cache, use_cache=True)
        cache = out.past_key_values
        feed = pick(out.logits[:, -1, :]).view(1, 1).to(ids.dtype)
        ids = torch.cat((ids, feed), dim=-1)
        added += 1
        if eos_id is not None and int(feed[0, 0]) == eos_id:
            break
    return ids
'''

_LORA_BA = '''
class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0, dropout: float = 0.0):
        super().__init__()
        base.requires_grad_(False)
        self.base = base
        w = base.weight
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features, dtype=w.dtype, device=w.device))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r, dtype=w.dtype, device=w.device))
        self.p_drop = dropout
        self.scale = alpha / r
        self.merged = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (..., d_in) -> (..., d_out)
        out = self.base(x)
        if not self.merged:
            x_in = F.dropout(x, self.p_drop, training=self.training)
            out = out + self.scale * (x_in @ self.lora_A.t() @ self.lora_B.t())
        return out
'''

_MERGE_ALPHA = '''
@torch.no_grad()
def merge(layer: nn.Module) -> nn.Module:
    """W <- W + scale * B @ A, once; forward then skips the LoRA branch. Returns the layer."""
    if layer.merged:
        return layer
    layer.base.weight.add_(layer.lora_B @ layer.lora_A, alpha=layer.scale)
    layer.merged = True
    return layer


@torch.no_grad()
def unmerge(layer: nn.Module) -> nn.Module:
    """Undo merge: W <- W - scale * B @ A, once. Returns the layer."""
    if not layer.merged:
        return layer
    layer.base.weight.sub_(layer.lora_B @ layer.lora_A, alpha=layer.scale)
    layer.merged = False
    return layer
'''

_INJECT_GETSUB = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, wrap every nn.Linear whose name is one of `targets` with make_lora(linear);
    return the model."""
    model.requires_grad_(False)
    found = [name for name, module in model.named_modules()
             if isinstance(module, nn.Linear) and name.rsplit(".", 1)[-1] in targets]
    for name in found:
        parent_name, _, child_name = name.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        setattr(parent, child_name, make_lora(getattr(parent, child_name)))
    return model


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(number of trainable parameters, number of all parameters)."""
    unique = {id(p): p for p in model.parameters()}.values()
    total = sum(p.numel() for p in unique)
    frozen = sum(p.numel() for p in unique if not p.requires_grad)
    return total - frozen, total
'''

_EXAMPLES_PADSEQ = '''
def tokenize_pair(tokenizer, instruction: str, response: str) -> dict:
    """{'input_ids': prompt + answer token ids, 'labels': -100 over the prompt, the ids elsewhere}."""
    prompt_ids = tokenizer.encode(chat_prompt(tokenizer, instruction), add_special_tokens=False)
    answer_ids = tokenizer.encode(response + tokenizer.eos_token, add_special_tokens=False)
    return {"input_ids": [*prompt_ids, *answer_ids], "labels": [-100 for _ in prompt_ids] + [*answer_ids]}


def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    from torch.nn.utils.rnn import pad_sequence

    ids = [torch.tensor(e["input_ids"], dtype=torch.long) for e in examples]
    labs = [torch.tensor(e["labels"], dtype=torch.long) for e in examples]
    ones = [torch.ones(len(e["input_ids"]), dtype=torch.long) for e in examples]
    return {"input_ids": pad_sequence(ids, batch_first=True, padding_value=pad_id),
            "labels": pad_sequence(labs, batch_first=True, padding_value=-100),
            "attention_mask": pad_sequence(ones, batch_first=True, padding_value=0)}
'''

_LOSS_HF_SHIFT = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    targets = F.pad(labels[:, 1:], (0, 1), value=-100)      # position t is scored against label t + 1
    return F.cross_entropy(logits.transpose(1, 2), targets, ignore_index=-100)
'''

_TRAIN_GRADDIV = '''
def train_lora(model: nn.Module, batches: list[dict], optimizer: torch.optim.Optimizer, loss_fn,
               accum_steps: int, device, on_step=None) -> list[float]:
    """Gradient-accumulation training; returns the mean micro-batch loss of every optimizer step."""
    model.train()
    params = [p for group in optimizer.param_groups for p in group["params"]]
    means = []
    for step in (bar := progress(range(len(batches) // accum_steps), desc="LoRA")):
        optimizer.zero_grad(set_to_none=True)
        total = 0.0
        for batch in batches[step * accum_steps:step * accum_steps + accum_steps]:
            batch = {k: v.to(device) for k, v in batch.items()}
            with autocast(device):
                logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            loss = loss_fn(logits.float(), batch["labels"])
            loss.backward()                       # undivided: the gradients are averaged below
            total += loss.item()
        for p in params:
            if p.grad is not None:
                p.grad.div_(accum_steps)
        optimizer.step()
        means.append(total / accum_steps)
        bar.set_postfix(loss=f"{means[-1]:.3f}")
        if on_step is not None:
            on_step(step, means[-1])
    model.eval()
    return means
'''

_PPL_TRANSPOSE = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    nll, n = torch.zeros((), dtype=torch.float64), 0
    for batch in batches:
        out = model(input_ids=batch["input_ids"].to(device), attention_mask=batch["attention_mask"].to(device))
        targets = batch["labels"].to(device)[:, 1:]
        per_token = F.cross_entropy(out.logits[:, :-1].float().transpose(1, 2), targets.clamp(min=0),
                                    reduction="none")
        keep = targets != -100
        nll += per_token[keep].double().sum().cpu()
        n += int(keep.sum().item())
    return float(torch.exp(nll / n))
'''

CORRECT = {
    "ex1_next_token": [("logits[:, -1, :], F.one_hot, F.softmax (round 2)", _NEXT),
                       ("select(1, -1), scatter_ one-hot, max-shifted softmax by hand (round 4)", _NEXT_F64)],
    "ex2_top_k_top_p": [("topk + scatter, sort + cumsum - self + scatter (round 2)", _FILTERS),
                        ("ranks below k after a sort; top-p by a Python loop per row (round 4)", _FILTERS_LOOP)],
    "ex3_generate": [("for loop, past and feed kept apart (round 2)", _GEN),
                     ("while loop counting the added tokens, cat on dim=-1 (round 4)", _GEN_WHILE)],
    "ex4_lora_layer": [("nn.Dropout, x @ A.T @ B.T (round 2)", _LORA),
                       ("requires_grad_ on base, F.dropout with self.training, weight's dtype (round 4)", _LORA_BA)],
    "ex5_merge": [("+= / -= under a guard (round 2)", _MERGE),
                  ("add_ / sub_ with alpha=scale, early returns (round 4)", _MERGE_ALPHA)],
    "ex6_inject": [("named_modules + named_children (round 2)", _INJECT),
                   ("dotted names, rpartition + get_submodule, unique parameters by id (round 4)", _INJECT_GETSUB)],
    "ex7_examples": [("lists, torch.full + row slices (round 2)", _EXAMPLES),
                     ("tokenizer.encode, pad_sequence for all three (round 4)", _EXAMPLES_PADSEQ)],
    "ex8_loss": [("slices, reshape, F.cross_entropy (round 2)", _LOSS),
                 ("labels shifted left and padded with -100, (B, V, T) cross-entropy (round 4)", _LOSS_HF_SHIFT)],
    "ex9_train": [("nested loops over steps and micro-batches (round 2)", _TRAIN),
                  ("undivided backward, gradients divided by accum_steps before the step (round 4)", _TRAIN_GRADDIV)],
    "ex10_perplexity": [("summed cross-entropy, token count, math.exp (round 2)", _PPL),
                        ("(B, V, T) cross-entropy per token, boolean selection, float64 total (round 4)", _PPL_TRANSPOSE)],
}

MUTANTS = {
    "ex1_next_token": [
        ("temperature as a power of the probabilities (softmax ** (1 / T), renormalised): tiny T underflows to NaN",
         replace_once(_NEXT, "    return F.softmax(logits / temperature, dim=-1)\n",
              "    sharpened = F.softmax(logits, dim=-1) ** (1.0 / temperature)\n"
              "    return sharpened / sharpened.sum(dim=-1, keepdim=True)\n")),
        ("`temperature is 0`: identity, not equality: a float 0.0 divides by zero",
         replace_once(_NEXT, "    if temperature == 0:\n", "    if temperature is 0:\n")),
        ("greedy argmax over dim 0 (the batch) instead of the vocabulary",
         replace_once(_NEXT, "best = logits.argmax(dim=-1)", "best = logits.argmax(dim=0)")),
        ("next_token_logits returns probabilities (softmax of the last logits)",
         replace_once(_NEXT, "    return outputs.logits[:, -1, :]\n", "    return outputs.logits[:, -1, :].softmax(dim=-1)\n")),
    ],
    "ex2_top_k_top_p": [
        ("top-p written for a batch of one: the first row's order and cut are used for every row",
         replace_once(_FILTERS, "    sorted_kept = sorted_probs * (before < p)\n    kept = torch.zeros_like(probs).scatter(-1, order, sorted_kept)\n",
              "    keep_sorted = before[0] < p\n"
              "    kept = torch.zeros_like(probs)\n"
              "    kept[:, order[0][keep_sorted]] = probs[:, order[0][keep_sorted]]\n")),
        ("top-k off by one: topk(probs, k + 1) ('the k-th index')",
         replace_once(_FILTERS, "torch.topk(probs, k, dim=-1)", "torch.topk(probs, k + 1, dim=-1)")),
        ("top-k renormalised with a softmax over the kept probabilities (zeros get weight too)",
         replace_once(_FILTERS, "    return kept / kept.sum(dim=-1, keepdim=True)\n\n\ndef top_p_probs",
              "    return F.softmax(kept, dim=-1)\n\n\ndef top_p_probs")),
        ("top-p scatters into torch.zeros(probs.shape): float32 whatever the dtype of probs",
         replace_once(_FILTERS, "kept = torch.zeros_like(probs).scatter(-1, order, sorted_kept)",
              "kept = torch.zeros(probs.shape).scatter(-1, order, sorted_kept)")),
    ],
    "ex3_generate": [
        ("strips the final eos_id before returning (the answer without its end token)",
         replace_once(_GEN, "        if eos_id is not None and token.item() == eos_id:\n            break\n",
              "        if eos_id is not None and token.item() == eos_id:\n            ids = ids[:, :-1]\n            break\n")),
        ("torch.cat([token, ids]): the new token is put in front",
         replace_once(_GEN, "ids = torch.cat([ids, token.to(ids.dtype)], dim=1)", "ids = torch.cat([token.to(ids.dtype), ids], dim=1)")),
        ("`continue` instead of `break` on eos: generation goes on after the end token",
         replace_once(_GEN, "token.item() == eos_id:\n            break\n", "token.item() == eos_id:\n            continue\n")),
        ("eos_id=None falls back to the notebook tokenizer's eos_token_id (Hugging Face's habit)",
         replace_once(_GEN, "    ids = input_ids\n", "    if eos_id is None:\n        eos_id = tokenizer.eos_token_id\n    ids = input_ids\n")),
    ],
    "ex4_lora_layer": [
        ("base(x) under torch.no_grad() ('the frozen path needs no gradient'): no gradient reaches x through it",
         replace_once(_LORA, "        result = self.base(x)\n", "        with torch.no_grad():\n            result = self.base(x)\n")),
        ("rsLoRA scale alpha / sqrt(r) instead of alpha / r",
         replace_once(_LORA, "self.scale = alpha / r", "self.scale = alpha / math.sqrt(r)")),
        ("lora_A / lora_B as nn.Linear(bias=False) modules (peft's layout): not (r, d_in) / (d_out, r) parameters",
         '''
class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0, dropout: float = 0.0):
        super().__init__()
        self.base = base
        for p in self.base.parameters():
            p.requires_grad = False
        self.lora_A = nn.Linear(base.in_features, r, bias=False)
        nn.init.kaiming_uniform_(self.lora_A.weight, a=math.sqrt(5))
        self.lora_B = nn.Linear(r, base.out_features, bias=False)
        nn.init.zeros_(self.lora_B.weight)
        self.dropout = nn.Dropout(dropout)
        self.scale = alpha / r
        self.merged = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (..., d_in) -> (..., d_out)
        result = self.base(x)
        if self.merged:
            return result
        return result + self.scale * self.lora_B(self.lora_A(self.dropout(x)))
'''),
        ("dropout on the rank-r hidden (after A) instead of on the input",
         replace_once(_LORA, "update = self.dropout(x) @ self.lora_A.T @ self.lora_B.T",
              "update = self.dropout(x @ self.lora_A.T) @ self.lora_B.T")),
    ],
    "ex5_merge": [
        ("unmerge's guard is a bare `return`: an unmerged layer gives None back",
         replace_once(_MERGE, "    if layer.merged:\n        layer.base.weight -= layer.scale * (layer.lora_B @ layer.lora_A)\n"
                      "        layer.merged = False\n    return layer\n",
              "    if not layer.merged:\n        return\n"
              "    layer.base.weight -= layer.scale * (layer.lora_B @ layer.lora_A)\n"
              "    layer.merged = False\n    return layer\n")),
        ("merge returns layer.base (the merged Linear) instead of the layer",
         replace_once(_MERGE, "        layer.merged = True\n    return layer\n", "        layer.merged = True\n    return layer.base\n")),
        ("merge and unmerge scale by alpha (the paper's symbol) instead of layer.scale = alpha / r",
         replace_once(replace_once(_MERGE, "layer.base.weight += layer.scale *", "layer.base.weight += layer.alpha *"),
              "layer.base.weight -= layer.scale *", "layer.base.weight -= layer.alpha *")),
        ("merge assigns weight.data = W + update: a new tensor, the weight not changed in place",
         replace_once(_MERGE, "        layer.base.weight += layer.scale * (layer.lora_B @ layer.lora_A)\n        layer.merged = True\n",
              "        layer.base.weight.data = layer.base.weight + layer.scale * (layer.lora_B @ layer.lora_A)\n"
              "        layer.merged = True\n")),
    ],
    "ex6_inject": [
        ("count_parameters tests p.requires_grad_() (the in-place setter, which returns the tensor) instead of p.requires_grad: the test raises",
         replace_once(_INJECT, "trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)",
              "trainable = sum(p.numel() for p in model.parameters() if p.requires_grad_())")),
        ("type(child) is nn.Linear: subclasses of nn.Linear are skipped",
         replace_once(_INJECT, "isinstance(child, nn.Linear)", "type(child) is nn.Linear")),
        ("skips the root module (name '') in named_modules(): its own children are never wrapped",
         replace_once(_INJECT, "    for _, parent in list(model.named_modules()):\n",
              "    for parent_name, parent in list(model.named_modules()):\n"
              "        if parent_name == '':\n            continue\n")),
        ("count_parameters sums over model.modules() and each one's parameters(): nested weights counted many times",
         replace_once(_INJECT, "    total = sum(p.numel() for p in model.parameters())\n",
              "    total = sum(p.numel() for m in model.modules() for p in m.parameters())\n")),
    ],
    "ex7_examples": [
        ("strips the response (response.strip()) before tokenizing",
         replace_once(_EXAMPLES, "tokenizer(response + tokenizer.eos_token", "tokenizer(response.strip() + tokenizer.eos_token")),
        ("labels pre-shifted (answer[1:] + [-100]) as if the loss did not shift",
         replace_once(_EXAMPLES, '"labels": [-100] * len(prompt) + list(answer)', '"labels": [-100] * len(prompt) + list(answer)[1:] + [-100]')),
        ("width taken from the first example, not the longest",
         replace_once(_EXAMPLES, 'width = max(len(e["input_ids"]) for e in examples)', 'width = len(examples[0]["input_ids"])')),
        ("attention mask made by copy-paste of the labels line: padding gets -100, not 0",
         replace_once(_EXAMPLES, "attention_mask = torch.zeros((len(examples), width), dtype=torch.long)",
              "attention_mask = torch.full((len(examples), width), -100, dtype=torch.long)")),
    ],
    "ex8_loss": [
        ("labels shifted left Hugging Face style but padded with 0, not -100: the last position is scored against token 0",
         '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    targets = torch.cat([labels[:, 1:], torch.zeros_like(labels[:, :1])], dim=1)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-100)
'''),
        ("subtracts the row max from the caller's logits in place (logits -= max) 'for stability'",
         replace_once(_LOSS, "    shift_logits = logits[:, :-1, :]\n",
              "    logits -= logits.max(dim=-1, keepdim=True).values\n    shift_logits = logits[:, :-1, :]\n")),
        ("log_softmax + gather on the raw labels: -100 is used as an index",
         '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    logp = F.log_softmax(logits[:, :-1], dim=-1)
    targets = labels[:, 1:]
    nll = -logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    mask = targets != -100
    return nll[mask].mean()
'''),
        ("sums the per-sequence means over the batch (not their mean, not the token mean)",
         '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    targets = labels[:, 1:]
    nll = F.cross_entropy(logits[:, :-1].transpose(1, 2), targets, ignore_index=-100, reduction="none")
    mask = (targets != -100).float()
    return ((nll * mask).sum(dim=1) / mask.sum(dim=1)).sum()
'''),
    ],
    "ex9_train": [
        ("zero_grad() at the end of each step instead of the start: stale gradients join the first step",
         replace_once(replace_once(_TRAIN, "        optimizer.zero_grad()\n        micro = []\n", "        micro = []\n"),
              "        optimizer.step()\n", "        optimizer.step()\n        optimizer.zero_grad()\n")),
        ("step loss weighted by each micro-batch's number of target tokens (the perplexity habit)",
         replace_once(replace_once(_TRAIN, "            micro.append(loss.item())\n",
                   "            micro.append((loss.item(), int((labels[:, 1:] != -100).sum())))\n"),
              "        step_loss = sum(micro) / len(micro)\n",
              "        step_loss = sum(l * n for l, n in micro) / sum(n for _, n in micro)\n")),
        ("one flat loop over every micro-batch, stepping when (i + 1) % accum_steps == 0: the leftovers still run backward",
         '''
def train_lora(model: nn.Module, batches: list[dict], optimizer: torch.optim.Optimizer, loss_fn,
               accum_steps: int, device, on_step=None) -> list[float]:
    """Gradient-accumulation training; returns the mean micro-batch loss of every optimizer step."""
    model.train()
    history, micro = [], []
    optimizer.zero_grad()
    for i, batch in enumerate(progress(batches, desc="LoRA fine-tuning")):
        input_ids = batch["input_ids"].to(device)
        attention_mask = batch["attention_mask"].to(device)
        labels = batch["labels"].to(device)
        with autocast(device):
            outputs = model(input_ids=input_ids, attention_mask=attention_mask)
        loss = loss_fn(outputs.logits.float(), labels)
        (loss / accum_steps).backward()
        micro.append(loss.item())
        if (i + 1) % accum_steps == 0:
            optimizer.step()
            optimizer.zero_grad()
            history.append(sum(micro) / len(micro))
            micro = []
            if on_step is not None:
                on_step(len(history) - 1, history[-1])
    model.eval()
    return history
'''),
        ("on_step called after every micro-batch (with the running mean), not once per step",
         replace_once(_TRAIN, "            micro.append(loss.item())\n",
              "            micro.append(loss.item())\n"
              "            if on_step is not None:\n                on_step(step, sum(micro) / len(micro))\n")
         .replace("        if on_step is not None:\n            on_step(step, step_loss)\n", "")),
    ],
    "ex10_perplexity": [
        ("math.exp(total) ** (1 / count): the same number on paper, but exp overflows on a long evaluation",
         replace_once(_PPL, "    return math.exp(total_nll / total_count)\n", "    return math.exp(total_nll) ** (1.0 / total_count)\n")),
        ("targets from input_ids[:, 1:] (the labels only as a mask)",
         replace_once(_PPL, "targets.reshape(-1),\n", "torch.where(targets != -100, input_ids[:, 1:], -100).reshape(-1),\n")),
        ("caps the perplexity at the vocabulary size ('V = clueless' read as a maximum)",
         replace_once(replace_once(_PPL, "    total_nll, total_count = 0.0, 0\n", "    total_nll, total_count, vocab = 0.0, 0, None\n"),
              "    return math.exp(total_nll / total_count)\n",
              "    return min(math.exp(total_nll / total_count), float(vocab))\n")
         .replace("        total_count += int((targets != -100).sum())\n",
                  "        total_count += int((targets != -100).sum())\n        vocab = logits.shape[-1]\n")),
        ("logits cast to bfloat16 before the cross-entropy ('as under autocast'): the NLL loses precision",
         replace_once(_PPL, "logits[:, :-1, :].float()", "logits[:, :-1, :].to(torch.bfloat16)")),
    ],
}

"""Blind round 17, lab 03 (LLM fine-tuning with LoRA): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of rounds 1-16 holds.
Right answers: CORRECT[gid][0] is round 16's reference for ex1_next_token and ex8_loss and round 15's
for the other exercises (round 16 covered only those two; all are round 2's, reused by name: the reference
keeps the proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND16 = earlier_round(16, __file__)
ROUND15 = earlier_round(15, __file__)

_NEXT, _FILTERS, _GEN, _LORA, _MERGE = (ROUND15._NEXT, ROUND15._FILTERS, ROUND15._GEN, ROUND15._LORA,
                                        ROUND15._MERGE)
_INJECT, _EXAMPLES, _LOSS, _TRAIN, _PPL = (ROUND15._INJECT, ROUND15._EXAMPLES, ROUND15._LOSS, ROUND15._TRAIN,
                                           ROUND15._PPL)

# ----------------------------------------------------------------------------- round 17's own right answers
_NEXT_LSE = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    logits = model(input_ids=input_ids).logits          # (B, T, V)
    return logits[:, -1]


def token_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities at `temperature` (0 = greedy: one-hot at the argmax)."""
    if temperature == 0:
        idx = logits.argmax(dim=-1, keepdim=True)
        ones = torch.ones(idx.shape, dtype=logits.dtype, device=logits.device)
        return torch.zeros_like(logits).scatter(-1, idx, ones)
    z = logits / temperature                               # a new tensor: logits untouched
    z = z - z.amax(dim=-1, keepdim=True)                   # largest entry 0: exp cannot overflow
    return torch.exp(z - torch.logsumexp(z, dim=-1, keepdim=True))
'''

_FILTERS_RANK = '''
def top_k_probs(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep exactly k probabilities of each row, the k largest (ties: any), zero the rest, renormalise."""
    rank = probs.argsort(dim=-1, descending=True).argsort(dim=-1)     # 0 = the most likely token
    kept = torch.where(rank < k, probs, torch.zeros_like(probs))
    return kept / kept.sum(dim=-1, keepdim=True)


def top_p_probs(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose total reaches p, renormalise."""
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    mass_above = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    n_keep = (mass_above < p).sum(dim=-1, keepdim=True)             # the kept tokens are a prefix
    rank = order.argsort(dim=-1)
    kept = torch.where(rank < n_keep, probs, torch.zeros_like(probs))
    return kept / kept.sum(dim=-1, keepdim=True)
'''

_GEN_STEPS = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    if max_new_tokens <= 0:
        return input_ids
    ids = input_ids
    outputs = model(input_ids=input_ids, past_key_values=None, use_cache=True)
    n = 0
    while True:
        token = pick(outputs.logits[:, -1, :]).view(1, 1).to(ids.dtype)
        ids = torch.cat((ids, token), dim=1)
        n += 1
        if (eos_id is not None and int(token) == eos_id) or n == max_new_tokens:
            return ids
        outputs = model(input_ids=token, past_key_values=outputs.past_key_values, use_cache=True)
'''

_LORA_FLINEAR = '''
class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0, dropout: float = 0.0):
        super().__init__()
        self.base = base.requires_grad_(False)          # Module.requires_grad_ returns the module itself
        d_out, d_in = base.weight.shape
        self.r = r
        self.alpha = alpha
        self.scale = alpha / r
        self.lora_A = nn.Parameter(torch.empty(r, d_in))
        self.lora_B = nn.Parameter(torch.zeros(d_out, r))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.dropout = nn.Dropout(p=dropout)
        self.merged = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (..., d_in) -> (..., d_out)
        out = self.base(x)
        if not self.merged:
            out = out + self.scale * F.linear(F.linear(self.dropout(x), self.lora_A), self.lora_B)
        return out
'''

_MERGE_EINSUM = '''
@torch.no_grad()
def merge(layer: nn.Module) -> nn.Module:
    """W <- W + scale * B @ A, once; forward then skips the LoRA branch. Returns the layer."""
    if layer.merged:
        return layer
    weight = layer.base.weight
    delta = torch.einsum("or,ri->oi", layer.lora_B, layer.lora_A).to(weight.dtype)
    weight.add_(delta, alpha=layer.scale)
    layer.merged = True
    return layer


@torch.no_grad()
def unmerge(layer: nn.Module) -> nn.Module:
    """Undo merge: W <- W - scale * B @ A, once. Returns the layer."""
    if not layer.merged:
        return layer
    weight = layer.base.weight
    delta = torch.einsum("or,ri->oi", layer.lora_B, layer.lora_A).to(weight.dtype)
    weight.sub_(delta, alpha=layer.scale)
    layer.merged = False
    return layer
'''

_INJECT_COLLECT = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, wrap every nn.Linear whose name is one of `targets` with make_lora(linear);
    return the model."""
    model.requires_grad_(False)
    swaps = []
    for _, module in model.named_modules():
        for child_name, child in module.named_children():
            if child_name in targets and isinstance(child, nn.Linear):
                swaps.append((module, child_name, child))
    for parent, child_name, child in swaps:           # swap after the walk: the walk never sees a new layer
        setattr(parent, child_name, make_lora(child))
    return model


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(number of trainable parameters, number of all parameters)."""
    params = list(model.parameters())
    trainable = sum(p.numel() for p in params if p.requires_grad)
    return int(trainable), int(sum(p.numel() for p in params))
'''

_EXAMPLES_PADSEQ = '''
def tokenize_pair(tokenizer, instruction: str, response: str) -> dict:
    """{'input_ids': prompt + answer token ids, 'labels': -100 over the prompt, the ids elsewhere}."""
    prompt_ids = tokenizer(chat_prompt(tokenizer, instruction), add_special_tokens=False)["input_ids"]
    answer_ids = tokenizer(response + tokenizer.eos_token, add_special_tokens=False)["input_ids"]
    return {"input_ids": [*prompt_ids, *answer_ids], "labels": [-100 for _ in prompt_ids] + [*answer_ids]}


def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    from torch.nn.utils.rnn import pad_sequence
    ids = [torch.tensor(e["input_ids"], dtype=torch.long) for e in examples]
    labels = [torch.tensor(e["labels"], dtype=torch.long) for e in examples]
    ones = [torch.ones(len(t), dtype=torch.long) for t in ids]
    return {"input_ids": pad_sequence(ids, batch_first=True, padding_value=pad_id),
            "labels": pad_sequence(labels, batch_first=True, padding_value=-100),
            "attention_mask": pad_sequence(ones, batch_first=True, padding_value=0)}
'''

_LOSS_LSE = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    z = logits[:, :-1, :]
    y = labels[:, 1:]
    keep = y != -100
    safe = torch.where(keep, y, torch.zeros_like(y))                 # a new tensor: labels untouched
    nll = torch.logsumexp(z, dim=-1) - z.gather(-1, safe.unsqueeze(-1)).squeeze(-1)
    return (nll * keep).sum() / keep.sum()
'''

_TRAIN_INDEXED = '''
def train_lora(model: nn.Module, batches: list[dict], optimizer: torch.optim.Optimizer, loss_fn,
               accum_steps: int, device, on_step=None) -> list[float]:
    """Gradient-accumulation training; returns the mean micro-batch loss of every optimizer step."""
    model.train()
    n_steps = len(batches) // accum_steps
    history = []
    bar = progress(range(n_steps), desc="LoRA")
    for step in bar:
        optimizer.zero_grad()
        total = 0.0
        for i in range(accum_steps):
            b = {key: value.to(device) for key, value in batches[step * accum_steps + i].items()}
            with autocast(device):
                out = model(input_ids=b["input_ids"], attention_mask=b["attention_mask"])
            loss = loss_fn(out.logits.float(), b["labels"])
            (loss / accum_steps).backward()
            total += float(loss.detach())
        optimizer.step()
        mean = total / accum_steps
        history.append(mean)
        bar.set_postfix(loss=f"{mean:.3f}")
        if on_step is not None:
            on_step(step, mean)
    model.eval()
    return history
'''

_PPL_F64 = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    nll_sum = torch.zeros((), dtype=torch.float64)
    n = 0
    for batch in batches:
        out = model(input_ids=batch["input_ids"].to(device), attention_mask=batch["attention_mask"].to(device))
        logp = out.logits[:, :-1].float().log_softmax(dim=-1)
        y = batch["labels"][:, 1:].to(device)
        keep = y != -100
        picked = logp.gather(-1, y.clamp(min=0).unsqueeze(-1)).squeeze(-1)
        nll_sum += -picked[keep].double().sum().cpu()
        n += int(keep.sum())
    return float(torch.exp(nll_sum / n))
'''

CORRECT = {
    "ex1_next_token": [ROUND16.CORRECT["ex1_next_token"][0],
                       ("greedy one-hot by scatter of ones; softmax as exp(z - logsumexp z) with z = logits / T - max "
                        "(round 17)", _NEXT_LSE)],
    "ex2_top_k_top_p": [ROUND15.CORRECT["ex2_top_k_top_p"][0],
                        ("ranks from a double argsort; top-p keeps the ranks below the count of tokens whose mass "
                         "above is < p (round 17)", _FILTERS_RANK)],
    "ex3_generate": [ROUND15.CORRECT["ex3_generate"][0],
                     ("prompt call before the loop, while True with one exit test, early return for 0 tokens "
                      "(round 17)", _GEN_STEPS)],
    "ex4_lora_layer": [ROUND15.CORRECT["ex4_lora_layer"][0],
                       ("base.requires_grad_(False), branch by two F.linear calls (round 17)", _LORA_FLINEAR)],
    "ex5_merge": [ROUND15.CORRECT["ex5_merge"][0],
                  ("early returns, update by einsum, add_ / sub_ with alpha=scale (round 17)", _MERGE_EINSUM)],
    "ex6_inject": [ROUND15.CORRECT["ex6_inject"][0],
                   ("model.requires_grad_(False); targets collected first, swapped after the walk (round 17)",
                    _INJECT_COLLECT)],
    "ex7_examples": [ROUND15.CORRECT["ex7_examples"][0],
                     ("unpacked lists; collate by pad_sequence(batch_first=True) (round 17)", _EXAMPLES_PADSEQ)],
    "ex8_loss": [ROUND16.CORRECT["ex8_loss"][0],
                 ("logsumexp minus the gathered target logit, masked sum over the count (round 17)", _LOSS_LSE)],
    "ex9_train": [ROUND15.CORRECT["ex9_train"][0],
                  ("micro-batches by index step * accum_steps + i, batch moved by a dict comprehension "
                   "(round 17)", _TRAIN_INDEXED)],
    "ex10_perplexity": [ROUND15.CORRECT["ex10_perplexity"][0],
                        ("log_softmax + gather, NLL summed in a float64 tensor, torch.exp at the end (round 17)",
                         _PPL_F64)],
}

# ----------------------------------------------------------------------------- wrong answers
_SOFTMAX_RETURN = "    return F.softmax(logits / temperature, dim=-1)\n"
_CALL = "    outputs = model(input_ids=input_ids)\n"
_TOPK_RENORM = ("    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)\n"
                "    return kept / kept.sum(dim=-1, keepdim=True)\n")

MUTANTS = {
    "ex1_next_token": [
        ("token_probs computed in float32 and cast back (F.softmax(logits.float() / T).to(logits.dtype), 'exp is "
         "faster in float32'): float64 logits lose their precision before the division, at a very low temperature "
         "two logits 1e-4 apart get the wrong split (the exercise: 'valid for every temperature > 0, a very low "
         "one included', float64 logits alike)",
         replace_once(_NEXT, _SOFTMAX_RETURN,
                      "    return F.softmax(logits.float() / temperature, dim=-1).to(logits.dtype)\n")),
        ("next_token_logits switches the model to eval() for the call and restores its previous mode after "
         "(model.train(was_training)): a model the caller left in training mode is run in eval mode (the "
         "exercise: 'next_token_logits only reads the model: leave its train/eval mode as the caller set it'; "
         "the introduction: it 'uses it in the train/eval mode the caller left it in')",
         replace_once(_NEXT, _CALL,
                      "    was_training = model.training\n    model.eval()\n"
                      "    outputs = model(input_ids=input_ids)\n    model.train(was_training)\n")),
        ("token_probs skips the division at temperature 1 (z = logits if T == 1 else logits / T) and then "
         "shifts z by its row max in place (z -= max) for stability: at T = 1 the caller's logits are shifted "
         "(the exercise: 'a new tensor: leave logits itself unchanged')",
         replace_once(_NEXT, _SOFTMAX_RETURN,
                      "    z = logits if temperature == 1 else logits / temperature\n"
                      "    z -= z.max(dim=-1, keepdim=True).values\n"
                      "    return F.softmax(z, dim=-1)\n")),
        ("probabilities computed in float32 and cast back with .half() (written for the float16 case of the "
         "exercise): float32 and float64 logits give float16 probabilities (the exercise: 'the probabilities, at "
         "every temperature, in the dtype of the logits')",
         replace_once(_NEXT, _SOFTMAX_RETURN,
                      "    return F.softmax(logits.float() / temperature, dim=-1).half()\n")),
    ],
    "ex2_top_k_top_p": [
        ("top_k_probs squeezes its input first (probs.squeeze(), 'work on the row'): a batch of one comes back "
         "(V,), not (1, V) (the exercise: both (B, V) -> (B, V))",
         replace_once(_FILTERS, "    top = torch.topk(probs, k, dim=-1)\n",
                      "    probs = probs.squeeze()\n    top = torch.topk(probs, k, dim=-1)\n")),
        ("top-k renormalised by top.values.sum() (the dim forgotten): every row is divided by the kept mass of "
         "the whole batch, rows do not sum to 1 (the exercise: 'row by row', 'renormalise what is left so it "
         "sums to 1 again')",
         replace_once(_FILTERS, _TOPK_RENORM,
                      "    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)\n"
                      "    return kept / top.values.sum()\n")),
    ],
    "ex3_generate": [
        ("the loop runs inside torch.random.fork_rng() ('generate must not disturb the caller's random "
         "numbers'): the global generator is put back as it was, the caller's next draws repeat the ones a "
         "sampling pick used (the introduction: draws 'from PyTorch's global generator when it is given none) "
         "without reseeding it')",
         replace_once(_GEN, "    for _ in range(max_new_tokens):\n        outputs",
                      "    with torch.random.fork_rng():\n        for _ in range(max_new_tokens):\n"
                      "            outputs").replace(
             "        past = outputs.past_key_values\n        token = pick(outputs.logits[:, -1, :]).reshape(1, 1)\n"
             "        ids = torch.cat([ids, token.to(ids.dtype)], dim=1)\n"
             "        if eos_id is not None and token.item() == eos_id:\n            break\n        feed = token\n",
             "            past = outputs.past_key_values\n"
             "            token = pick(outputs.logits[:, -1, :]).reshape(1, 1)\n"
             "            ids = torch.cat([ids, token.to(ids.dtype)], dim=1)\n"
             "            if eos_id is not None and token.item() == eos_id:\n                break\n"
             "            feed = token\n")),
        ("generate switches the model to eval() for the loop and restores its previous mode before returning "
         "('generation is inference'): a model the caller left in training mode generates in eval mode (the "
         "exercise: 'generate leaves the model in the train/eval mode the caller set'; the introduction: it "
         "'uses it in the train/eval mode the caller left it in')",
         replace_once(replace_once(_GEN, "    ids = input_ids\n",
                                   "    was_training = model.training\n    model.eval()\n    ids = input_ids\n"),
                      "    return ids\n", "    model.train(was_training)\n    return ids\n")),
    ],
    "ex4_lora_layer": [
        ("A drawn with kaiming_uniform_(..., nonlinearity='relu') (the CNN habit): the gain is sqrt(2), not the "
         "leaky-ReLU gain of a = sqrt(5), A is drawn sqrt(6) times too wide (the exercise: "
         "nn.init.kaiming_uniform_(..., a=math.sqrt(5)), what nn.Linear uses)",
         replace_once(_LORA, "nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))",
                      "nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5), nonlinearity='relu')")),
        ("update written as the formula's B A x with x as a column (lora_A @ x.transpose(-1, -2), transposed "
         "back): a 1-D (d_in,) input raises (the exercise: forward takes any (..., d_in) tensor)",
         replace_once(_LORA, "        update = self.dropout(x) @ self.lora_A.T @ self.lora_B.T\n",
                      "        update = (self.lora_B @ (self.lora_A @ self.dropout(x).transpose(-1, -2)))"
                      ".transpose(-1, -2)\n")),
        ("A drawn inside torch.random.fork_rng() ('creating a layer should not shift the caller's random "
         "numbers'): the global stream is put back, the next layer draws the same numbers again (the exercise: "
         "kaiming_uniform_ 'draws from torch's global random stream as the caller left it: do not reseed it')",
         replace_once(_LORA, "        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))\n",
                      "        with torch.random.fork_rng():\n"
                      "            nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))\n")),
    ],
    "ex5_merge": [
        ("unmerge skips a layer whose scale is 0 ('the adapter is off: nothing to subtract') and leaves merged "
         "True: a switched-off layer that was merged can never be unmerged (the exercise: 'A layer switched off "
         "(scale 0 ...) is merged and unmerged like any other')",
         replace_once(_MERGE, "    if layer.merged:\n", "    if layer.merged and layer.scale != 0:\n")),
        ("unmerge resets scale to alpha / r ('back to the trained adapter'): a layer switched off by "
         "set_lora_scale(model, 0.0) comes back switched on (the exercise: 'Only the base weight and merged "
         "change')",
         replace_once(_MERGE, "        layer.merged = False\n",
                      "        layer.merged = False\n        layer.scale = layer.alpha / layer.r\n")),
        ("unmerge returns layer.base (the restored Linear, 'what was unmerged'): not the layer it was given "
         "(the exercise: 'each returns the layer it was given')",
         replace_once(_MERGE, "        layer.merged = False\n    return layer\n",
                      "        layer.merged = False\n    return layer.base\n")),
    ],
    "ex6_inject": [
        ("count_parameters' total leaves out the embedding ('the non-embedding count of the scaling laws'): "
         "the vocabulary table (and a head tied to it) is not counted (the exercise: count_parameters(model) -> "
         "(trainable, total), the number of all parameters)",
         replace_once(_INJECT, "    total = sum(p.numel() for p in model.parameters())\n",
                      "    embedding = {id(p) for m in model.modules() if isinstance(m, nn.Embedding)\n"
                      "                 for p in m.parameters()}\n"
                      "    total = sum(p.numel() for p in model.parameters() if id(p) not in embedding)\n")),
        ("the wrapping runs inside torch.random.fork_rng() ('adding adapters should not change the caller's "
         "random numbers'): the global generator is put back, the caller's next draws repeat the ones the "
         "adapters' A used (the introduction: draws from PyTorch's global generator 'without reseeding it')",
         replace_once(_INJECT, "    for _, parent in list(model.named_modules()):\n"
                               "        for child_name, child in list(parent.named_children()):\n"
                               "            if child_name in targets and isinstance(child, nn.Linear):\n"
                               "                setattr(parent, child_name, make_lora(child))\n",
                      "    with torch.random.fork_rng():\n"
                      "        for _, parent in list(model.named_modules()):\n"
                      "            for child_name, child in list(parent.named_children()):\n"
                      "                if child_name in targets and isinstance(child, nn.Linear):\n"
                      "                    setattr(parent, child_name, make_lora(child))\n")),
    ],
    "ex7_examples": [
        ("collate returns a tuple (input_ids, labels, attention_mask), as its docstring lists them: not the "
         "dict the training loop reads batch['input_ids'] from (the exercise: return tensors input_ids, labels "
         "and attention_mask, 'dicts from collate')",
         replace_once(_EXAMPLES,
                      '    return {"input_ids": input_ids, "labels": labels, "attention_mask": attention_mask}\n',
                      "    return input_ids, labels, attention_mask\n")),
        ("a newline put between the response and the end-of-turn token (response + '\\n' + eos, as the chat "
         "template writes a turn): the model learns an extra newline token before <|im_end|> (the exercise: "
         "tokenize the answer `response + tokenizer.eos_token`)",
         replace_once(_EXAMPLES, "tokenizer(response + tokenizer.eos_token,",
                      "tokenizer(response + \"\\n\" + tokenizer.eos_token,")),
        ("collate masks each row's first label ('the first token has nothing before it'): plain-text examples "
         "(labels = ids) lose their first label (the exercise: labels padded with -100; only padding changes)",
         replace_once(_EXAMPLES, "        attention_mask[row, :n] = 1\n",
                      "        attention_mask[row, :n] = 1\n        labels[row, 0] = -100\n")),
    ],
    "ex8_loss": [
        ("cross-entropy computed on logits.float() and the loss cast back to the logits' dtype ('float32 is "
         "enough'): float64 logits lose their precision first, the loss of large logits is off (the exercise: "
         "float64 logits give a float64 loss, the formula's exact mean)",
         replace_once(_LOSS, "    return F.cross_entropy(shift_logits.reshape(-1, vocab), shift_labels.reshape(-1), "
                             "ignore_index=-100)\n",
                      "    loss = F.cross_entropy(shift_logits.reshape(-1, vocab).float(), shift_labels.reshape(-1), "
                      "ignore_index=-100)\n    return loss.to(logits.dtype)\n")),
        ("the first position's prediction skipped too (logits[:, 1:-1] against labels[:, 2:], 'the first token "
         "has no context'): the target at position 1 is never scored (the formula: R = {(b, t) : "
         "label_{b,t+1} != -100}, t from the first position)",
         replace_once(replace_once(_LOSS, "    shift_logits = logits[:, :-1, :]\n",
                                   "    shift_logits = logits[:, 1:-1, :]\n"),
                      "    shift_labels = labels[:, 1:]\n", "    shift_labels = labels[:, 2:]\n")),
    ],
    "ex9_train": [
        ("model.zero_grad() instead of optimizer.zero_grad() ('zero every gradient'): the .grad of parameters "
         "the optimizer does not hold (a frozen weight the caller gave a gradient) is cleared too (the "
         "exercise: 'optimizer.zero_grad() first'; the introduction: does not clear the gradients the caller's "
         "parameters hold)",
         replace_once(_TRAIN, "        optimizer.zero_grad()\n", "        model.zero_grad()\n")),
        ("every step takes the first accum_steps micro-batches (batches[:accum_steps], the step offset "
         "forgotten): later micro-batches are never used (the exercise: each step 'over the next accum_steps "
         "micro-batches')",
         replace_once(_TRAIN, "batches[step * accum_steps:(step + 1) * accum_steps]", "batches[:accum_steps]")),
    ],
    "ex10_perplexity": [
        ("each token's NLL clipped at 20 ('so one outlier does not dominate'): a confident mistake costs 20, "
         "not its full -log p (the text: 'a target the model gave probability 1e-20, costs its full -log p ~ 46')",
         replace_once(_PPL,
                      "        total_nll += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),\n"
                      "                                     ignore_index=-100, reduction=\"sum\").item()\n",
                      "        nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),\n"
                      "                              ignore_index=-100, reduction=\"none\")\n"
                      "        total_nll += nll.clamp(max=20.0).sum().item()\n")),
        ("the first position's prediction skipped (logits[:, 1:-1] against labels[:, 2:], 'the first token "
         "has no context'): the target at position 1 is never scored (the exercise: 'shift by one; skip labels "
         "equal to -100', nothing else)",
         replace_once(replace_once(_PPL, "        targets = batch[\"labels\"].to(device)[:, 1:]\n",
                                   "        targets = batch[\"labels\"].to(device)[:, 2:]\n"),
                      ".logits[:, :-1, :].float()", ".logits[:, 1:-1, :].float()")),
    ],
}

# ----------------------------------------------------------------------------- more wrong answers (second pass)
_TOPK_CAT = '''
def top_k_probs(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep exactly k probabilities of each row, the k largest (ties: any), zero the rest, renormalise."""
    rows = []
    for row in probs:
        top = torch.topk(row, k)
        kept = torch.zeros_like(row).scatter(0, top.indices, top.values)
        rows.append(kept / kept.sum())
    return torch.cat(rows)
'''
_TOP_P_ONLY = _FILTERS[_FILTERS.index("def top_p_probs"):]

_PPL_ROWS = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    total_nll, total_count = 0.0, 0
    for batch in batches:
        for row in range(batch["input_ids"].shape[0]):
            n = int(batch["attention_mask"][row].sum()) - 1          # 'the shift costs a token'
            ids = batch["input_ids"][row:row + 1, :n].to(device)
            targets = batch["labels"][row:row + 1, 1:n].to(device)
            logits = model(input_ids=ids, attention_mask=torch.ones_like(ids)).logits[:, :-1, :].float()
            total_nll += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                                         ignore_index=-100, reduction="sum").item()
            total_count += int((targets != -100).sum())
    return math.exp(total_nll / total_count)
'''

_CE_SUM_LINE = ("        total_nll += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),\n"
                "                                     ignore_index=-100, reduction=\"sum\").item()\n")
_LOSS_RETURN = ("    return F.cross_entropy(shift_logits.reshape(-1, vocab), shift_labels.reshape(-1), "
                "ignore_index=-100)\n")
_COUNT_TRAINABLE = "    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)\n"
_COUNT_TOTAL = "    total = sum(p.numel() for p in model.parameters())\n"

MUTANTS["ex2_top_k_top_p"] += [
    ("top_p_probs squeezes its input first (probs.squeeze(), 'sort the row'): a batch of one comes back (V,), "
     "not (1, V) (the exercise: both (B, V) -> (B, V))",
     replace_once(_FILTERS, "    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)\n",
                  "    probs = probs.squeeze()\n    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)\n")),
    ("top-k filtered row by row in a loop, the rows joined by torch.cat instead of torch.stack: the result is one "
     "flat (B * V,) vector, not (B, V) (the exercise: both (B, V) -> (B, V), row by row)",
     _TOPK_CAT + "\n\n" + _TOP_P_ONLY),
]
MUTANTS["ex3_generate"] += [
    ("generate sets model.config.use_cache = True first (when the model has a config, 'so the model returns its "
     "KV cache') and leaves it so: "
     "a caller's model configured without a cache comes back changed (the introduction: a function changes "
     "nothing the caller gives it)",
     replace_once(_GEN, "    ids = input_ids\n",
                  "    if hasattr(model, \"config\"):\n        model.config.use_cache = True\n    ids = input_ids\n")),
    ("generate calls torch.use_deterministic_algorithms(True) ('reproducible sampling') and never turns it off: "
     "the caller's PyTorch switch stays changed (the introduction: 'The same holds for PyTorch's own switches')",
     replace_once(_GEN, "    ids = input_ids\n", "    torch.use_deterministic_algorithms(True)\n    ids = input_ids\n")),
]
MUTANTS["ex4_lora_layer"] += [
    ("r's default changed to 16 (r: int = 16, 'peft's usual rank'): LoRALinear(base) without a rank gets a "
     "rank-16 adapter and scale 1, not r = 8 and scale 2 (the exercise's signature: r = 8, alpha = 16)",
     replace_once(_LORA, "r: int = 8,", "r: int = 16,")),
]
MUTANTS["ex5_merge"] += [
    ("the update cast to float16 before it is added ('a delta is small: half precision is enough'): the merged "
     "weight is off by the update's rounding, forward after merging no longer matches the unmerged layer (the "
     "exercise: W' = W + (alpha / r) B A)",
     replace_once(_MERGE, "        layer.base.weight += layer.scale * (layer.lora_B @ layer.lora_A)\n",
                  "        layer.base.weight += (layer.scale * (layer.lora_B @ layer.lora_A)).half()\n")),
]
MUTANTS["ex6_inject"] += [
    ("count_parameters counts p.size(0) * p.size(-1) ('rows times columns'): a 1-D parameter (a norm weight, a "
     "bias) is counted as its length squared (the exercise: count_parameters(model) -> (trainable, total), "
     "numbers of parameters)",
     replace_once(replace_once(_INJECT, _COUNT_TRAINABLE,
                               "    trainable = sum(p.size(0) * p.size(-1) for p in model.parameters() "
                               "if p.requires_grad)\n"),
                  _COUNT_TOTAL, "    total = sum(p.size(0) * p.size(-1) for p in model.parameters())\n")),
    ("count_parameters counts bytes (p.numel() * p.element_size(), 'the size of the model'): four times the "
     "number of float32 parameters (the exercise: (number of trainable parameters, number of all parameters))",
     replace_once(replace_once(_INJECT, _COUNT_TRAINABLE,
                               "    trainable = sum(p.numel() * p.element_size() for p in model.parameters() "
                               "if p.requires_grad)\n"),
                  _COUNT_TOTAL, "    total = sum(p.numel() * p.element_size() for p in model.parameters())\n")),
]
MUTANTS["ex7_examples"] += [
    ("the prompt tokenized with truncation=True, max_length=128 ('keep examples short on a CPU'): a long "
     "instruction loses the end of its chat prompt, the '<|im_start|>assistant' cue included (the exercise: "
     "tokenize the prompt chat_prompt(tokenizer, instruction) with add_special_tokens=False, and concatenate)",
     replace_once(_EXAMPLES, "tokenizer(chat_prompt(tokenizer, instruction), add_special_tokens=False)",
                  "tokenizer(chat_prompt(tokenizer, instruction), add_special_tokens=False, truncation=True,\n"
                  "                       max_length=128)")),
]
MUTANTS["ex8_loss"] += [
    ("both sliced [:, 1:] (logits[:, 1:] with labels[:, 1:], 'drop the first position'): the logits at t are "
     "scored against the label at t, nothing is shifted (the text: compare logits[:, :-1] with labels[:, 1:])",
     replace_once(_LOSS, "    shift_logits = logits[:, :-1, :]\n", "    shift_logits = logits[:, 1:, :]\n")),
    ("summed NLL divided by labels.numel() ('the mean over the tokens'): every position of the batch, the masked "
     "ones too, is counted (the formula: -1/|R| times the sum over R)",
     replace_once(_LOSS, _LOSS_RETURN,
                  "    total = F.cross_entropy(shift_logits.reshape(-1, vocab), shift_labels.reshape(-1), "
                  "ignore_index=-100,\n                            reduction=\"sum\")\n"
                  "    return total / labels.numel()\n")),
]
MUTANTS["ex9_train"] += [
    ("torch.autograd.set_detect_anomaly(True) left on from debugging: the caller's PyTorch switch stays changed "
     "after training (the introduction: 'The same holds for PyTorch's own switches')",
     replace_once(_TRAIN, "    model.train()\n", "    torch.autograd.set_detect_anomaly(True)\n    model.train()\n")),
    ("torch.autocast(device) instead of the course's autocast(device) helper ('the same thing'): on the CPU "
     "torch.autocast runs the forward pass in bfloat16, the losses and updates change (the text: on the CPU "
     "autocast(device) does nothing)",
     replace_once(_TRAIN, "            with autocast(device):\n",
                  "            with torch.autocast(device_type=str(device)):\n")),
]
MUTANTS["ex10_perplexity"] += [
    ("log-probabilities as torch.log(softmax) (no log-softmax): a target whose probability underflows float32 (a "
     "confident mistake of ~110 nats) costs inf, the perplexity is inf (the text: a confident mistake costs its "
     "full -log p)",
     replace_once(_PPL, _CE_SUM_LINE,
                  "        logp = torch.log(torch.softmax(logits, dim=-1))\n"
                  "        picked = logp.gather(-1, targets.clamp(min=0).unsqueeze(-1)).squeeze(-1)\n"
                  "        total_nll += -(picked * (targets != -100)).sum().item()\n")),
    ("each row scored alone, trimmed to its length minus one ('the shift costs a token'): the row's last real "
     "token is cut before the shift, its last target (the end-of-turn token) is never scored (the exercise: "
     "shift by one; skip labels equal to -100, nothing else)",
     _PPL_ROWS),
]

"""Blind round 6, lab 03 (LLM fine-tuning with LoRA): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of tests/mutants, rounds 1-5 holds.
Right answers: CORRECT[gid][0] is round 5's reference (round 2's, reused by name: the reference keeps
the proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND5 = earlier_round(5, __file__)


_NEXT, _FILTERS, _GEN, _LORA, _MERGE = (ROUND5._NEXT, ROUND5._FILTERS, ROUND5._GEN, ROUND5._LORA,
                                        ROUND5._MERGE)
_INJECT, _EXAMPLES, _LOSS, _TRAIN, _PPL = (ROUND5._INJECT, ROUND5._EXAMPLES, ROUND5._LOSS, ROUND5._TRAIN,
                                           ROUND5._PPL)

# ----------------------------------------------------------------------------- round 6's own right answers
_NEXT_F64 = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    return model(input_ids=input_ids).logits.select(1, -1)


def token_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities at `temperature` (0 = greedy: one-hot at the argmax)."""
    if temperature == 0:
        best = logits.argmax(dim=-1, keepdim=True)
        return torch.zeros_like(logits).scatter_(-1, best, 1.0)
    z = logits.double() / temperature
    e = (z - z.amax(dim=-1, keepdim=True)).exp()
    return (e / e.sum(dim=-1, keepdim=True)).to(logits.dtype)
'''

_FILTERS_ROWS = '''
def top_k_probs(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep exactly k probabilities of each row, the k largest (ties: any), zero the rest, renormalise."""
    out = torch.zeros_like(probs)
    for b in range(probs.shape[0]):
        idx = probs[b].topk(k).indices
        out[b, idx] = probs[b, idx]
    return out / out.sum(dim=-1, keepdim=True)


def top_p_probs(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose total reaches p, renormalise."""
    out = torch.zeros_like(probs)
    for b in range(probs.shape[0]):
        values, order = probs[b].sort(descending=True)
        before = values.cumsum(dim=0) - values
        n_keep = int((before < p).sum())
        out[b, order[:n_keep]] = values[:n_keep]
    return out / out.sum(dim=-1, keepdim=True)
'''

_GEN_LIST = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    new, past, feed = [], None, input_ids
    while len(new) < max_new_tokens:
        out = model(input_ids=feed, past_key_values=past, use_cache=True)
        past = out.past_key_values
        token = int(pick(out.logits[:, -1, :]).reshape(-1)[0])
        new.append(token)
        if token == eos_id:                       # never true for eos_id None
            break
        feed = torch.tensor([[token]], dtype=input_ids.dtype, device=input_ids.device)
    tail = torch.tensor(new, dtype=input_ids.dtype, device=input_ids.device).reshape(1, -1)
    return torch.cat([input_ids, tail], dim=1)
'''

_LORA_EINSUM = '''
class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0, dropout: float = 0.0):
        super().__init__()
        self.base = base
        base.requires_grad_(False)
        self.r, self.alpha = r, alpha
        d_out, d_in = base.weight.shape
        a = torch.empty(r, d_in)
        nn.init.kaiming_uniform_(a, a=math.sqrt(5))
        self.lora_A = nn.Parameter(a)
        self.lora_B = nn.Parameter(torch.zeros(d_out, r))
        self.drop = nn.Dropout(p=dropout)
        self.scale = alpha / r
        self.merged = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (..., d_in) -> (..., d_out)
        out = self.base(x)
        if self.merged:
            return out
        hidden = torch.einsum("...i,ri->...r", self.drop(x), self.lora_A)
        return out + self.scale * torch.einsum("...r,or->...o", hidden, self.lora_B)
'''

_MERGE_COPY_ = '''
def _delta(layer: nn.Module) -> torch.Tensor:
    return torch.einsum("or,ri->oi", layer.lora_B, layer.lora_A) * layer.scale


@torch.no_grad()
def merge(layer: nn.Module) -> nn.Module:
    """W <- W + scale * B @ A, once; forward then skips the LoRA branch. Returns the layer."""
    if layer.merged:
        return layer
    w = layer.base.weight
    w.copy_(w + _delta(layer).to(w.dtype))
    layer.merged = True
    return layer


@torch.no_grad()
def unmerge(layer: nn.Module) -> nn.Module:
    """Undo merge: W <- W - scale * B @ A, once. Returns the layer."""
    if not layer.merged:
        return layer
    w = layer.base.weight
    w.copy_(w - _delta(layer).to(w.dtype))
    layer.merged = False
    return layer
'''

_INJECT_RECURSIVE = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, wrap every nn.Linear whose name is one of `targets` with make_lora(linear);
    return the model."""
    model.requires_grad_(False)

    def visit(module: nn.Module) -> None:
        for name, child in list(module.named_children()):
            if name in targets and isinstance(child, nn.Linear):
                setattr(module, name, make_lora(child))
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

_EXAMPLES_PADSEQ = '''
from torch.nn.utils.rnn import pad_sequence


def tokenize_pair(tokenizer, instruction: str, response: str) -> dict:
    """{'input_ids': prompt + answer token ids, 'labels': -100 over the prompt, the ids elsewhere}."""
    prompt = tokenizer.encode(chat_prompt(tokenizer, instruction), add_special_tokens=False)
    answer = tokenizer.encode(response + tokenizer.eos_token, add_special_tokens=False)
    return {"input_ids": prompt + answer, "labels": [-100 for _ in prompt] + answer}


def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    def padded(key, value):
        rows = [torch.tensor(e[key], dtype=torch.long) for e in examples]
        return pad_sequence(rows, batch_first=True, padding_value=value)

    masks = [torch.ones(len(e["input_ids"]), dtype=torch.long) for e in examples]
    return {"input_ids": padded("input_ids", pad_id), "labels": padded("labels", -100),
            "attention_mask": pad_sequence(masks, batch_first=True, padding_value=0)}
'''

_LOSS_GATHER = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    log_p = F.log_softmax(logits[:, :-1], dim=-1)
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
        optimizer.zero_grad(set_to_none=True)
        micro = []
        for batch in group:
            batch = {key: value.to(device) for key, value in batch.items()}
            with autocast(device):
                logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            loss = loss_fn(logits.float(), batch["labels"])
            loss.div(accum_steps).backward()
            micro.append(loss.detach())
        optimizer.step()
        history.append(torch.stack(micro).double().mean().item())
        bar.set_postfix(loss=f"{history[-1]:.3f}")
        if on_step is not None:
            on_step(step, history[-1])
    model.eval()
    return history
'''

_PPL_F64 = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    nll_sum, n = torch.zeros((), dtype=torch.float64), 0
    for batch in batches:
        ids, mask = batch["input_ids"].to(device), batch["attention_mask"].to(device)
        targets = batch["labels"].to(device)[:, 1:]
        logits = model(input_ids=ids, attention_mask=mask).logits.double()
        keep = targets != -100
        log_p = torch.log_softmax(logits[:, :-1], dim=-1)
        picked = log_p.gather(-1, targets.clamp(min=0).unsqueeze(-1)).squeeze(-1)
        nll_sum += -picked[keep].sum().cpu()
        n += int(keep.sum())
    return math.exp(nll_sum.item() / n)
'''

CORRECT = {
    "ex1_next_token": [ROUND5.CORRECT["ex1_next_token"][0],
                       ("select(1, -1); one-hot by scatter_; max-shifted softmax in float64, cast back (round 6)",
                        _NEXT_F64)],
    "ex2_top_k_top_p": [ROUND5.CORRECT["ex2_top_k_top_p"][0],
                        ("a loop over rows: topk per row, sort + kept count per row (round 6)", _FILTERS_ROWS)],
    "ex3_generate": [ROUND5.CORRECT["ex3_generate"][0],
                     ("new tokens as Python ints, one tensor made at the end with the prompt's dtype (round 6)",
                      _GEN_LIST)],
    "ex4_lora_layer": [ROUND5.CORRECT["ex4_lora_layer"][0],
                       ("requires_grad_ on the module, einsum branch (round 6)", _LORA_EINSUM)],
    "ex5_merge": [ROUND5.CORRECT["ex5_merge"][0],
                  ("early returns, einsum delta, weight.copy_ (round 6)", _MERGE_COPY_)],
    "ex6_inject": [ROUND5.CORRECT["ex6_inject"][0],
                   ("model.requires_grad_(False), a recursive walk over named_children, one counting loop "
                    "(round 6)", _INJECT_RECURSIVE)],
    "ex7_examples": [ROUND5.CORRECT["ex7_examples"][0],
                     ("tokenizer.encode, pad_sequence(batch_first=True) for all three (round 6)", _EXAMPLES_PADSEQ)],
    "ex8_loss": [ROUND5.CORRECT["ex8_loss"][0],
                 ("log_softmax + gather on masked_fill'ed targets, masked sum / count (round 6)", _LOSS_GATHER)],
    "ex9_train": [ROUND5.CORRECT["ex9_train"][0],
                  ("groups sliced up front, loss.div(accum).backward(), torch.stack mean (round 6)", _TRAIN_GROUPS)],
    "ex10_perplexity": [ROUND5.CORRECT["ex10_perplexity"][0],
                        ("float64 log_softmax + gather, a float64 tensor total (round 6)", _PPL_F64)],
}

# ----------------------------------------------------------------------------- round 6's wrong answers
_GEN_ARGMAX_OF_PICK = replace_once(_GEN, "token = pick(outputs.logits[:, -1, :]).reshape(1, 1)",
                           "token = pick(outputs.logits[:, -1, :]).argmax(dim=-1).reshape(1, 1)")

_INJECT_RSPLIT = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, wrap every nn.Linear whose name is one of `targets` with make_lora(linear);
    return the model."""
    for p in model.parameters():
        p.requires_grad_(False)
    for name, module in list(model.named_modules()):
        if isinstance(module, nn.Linear) and name.split(".")[-1] in targets:
            parent_name, child_name = name.rsplit(".", 1)
            setattr(model.get_submodule(parent_name), child_name, make_lora(module))
    return model


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(number of trainable parameters, number of all parameters)."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return trainable, total
'''

_INJECT_BY_NAME = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, wrap every nn.Linear whose name is one of `targets` with make_lora(linear);
    return the model."""
    for p in model.parameters():
        p.requires_grad_(False)
    holders = {child_name: parent for _, parent in model.named_modules()
               for child_name, _ in parent.named_children()}
    for target in targets:
        parent = holders.get(target)
        if parent is not None and isinstance(getattr(parent, target), nn.Linear):
            setattr(parent, target, make_lora(getattr(parent, target)))
    return model


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(number of trainable parameters, number of all parameters)."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    return trainable, total
'''

_TRAIN_LOOP = "        for batch in batches[step * accum_steps:(step + 1) * accum_steps]:\n"

MUTANTS = {
    "ex1_next_token": [
        ("greedy F.one_hot(argmax) without num_classes: the row is only as wide as the largest argmax + 1",
         replace_once(_NEXT, "F.one_hot(best, num_classes=logits.shape[-1])", "F.one_hot(best)")),
        ("next_token_logits passes attention_mask = (input_ids != pad id): the prompt's <|im_end|> tokens "
         "(SmolLM2's pad id) are hidden from attention",
         replace_once(_NEXT, "    outputs = model(input_ids=input_ids)\n",
              "    outputs = model(input_ids=input_ids,\n"
              "                    attention_mask=(input_ids != tokenizer.pad_token_id).long())\n")),
        ("softmax as exp(z - logsumexp(z)) with keepdim forgotten: (B, V) - (B,) broadcasts across rows",
         replace_once(_NEXT, "    return F.softmax(logits / temperature, dim=-1)\n",
              "    z = logits / temperature\n    return torch.exp(z - torch.logsumexp(z, dim=-1))\n")),
        ("overflow avoided by clamping z / T at 80 before exp (not by a max shift): at a low temperature every "
         "logit above the clamp gets the same mass",
         replace_once(_NEXT, "    return F.softmax(logits / temperature, dim=-1)\n",
              "    e = torch.exp((logits / temperature).clamp(max=80.0))\n"
              "    return e / e.sum(dim=-1, keepdim=True)\n")),
    ],
    "ex2_top_k_top_p": [
        ("top-p renormalised by kept.sum() (dim forgotten): every row divided by the whole batch's kept mass",
         replace_once(_FILTERS, "    kept = torch.zeros_like(probs).scatter(-1, order, sorted_kept)\n"
                        "    return kept / kept.sum(dim=-1, keepdim=True)\n",
              "    kept = torch.zeros_like(probs).scatter(-1, order, sorted_kept)\n"
              "    return kept / kept.sum()\n")),
        ("top-k renormalised with F.normalize(kept, dim=-1): the default p=2 gives unit length, not sum 1",
         replace_once(_FILTERS, "    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)\n"
                        "    return kept / kept.sum(dim=-1, keepdim=True)\n",
              "    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)\n"
              "    return F.normalize(kept, dim=-1)\n")),
        ("top-k keeps what is strictly above the (k+1)-th largest value: fewer than k survive on a tie there, "
         "k = V raises",
         replace_once(_FILTERS, "    top = torch.topk(probs, k, dim=-1)\n"
                        "    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)\n",
              "    below = torch.sort(probs, dim=-1, descending=True).values[:, k:k + 1]\n"
              "    kept = torch.where(probs > below, probs, torch.zeros_like(probs))\n")),
        ("top-p as top-k with the batch's largest kept count (one k for torch.topk): rows that need fewer "
         "tokens keep too many",
         replace_once(_FILTERS, "    sorted_kept = sorted_probs * (before < p)\n"
                        "    kept = torch.zeros_like(probs).scatter(-1, order, sorted_kept)\n",
              "    n_keep = int((before < p).sum(dim=-1).max())\n"
              "    top = torch.topk(probs, n_keep, dim=-1)\n"
              "    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)\n")),
    ],
    "ex3_generate": [
        ("new tokens kept in a list and joined by torch.tensor([new]) without a dtype: with no token added the "
         "empty tail is float32 and the result comes back as floats",
         replace_once(_GEN_LIST, "    tail = torch.tensor(new, dtype=input_ids.dtype, device=input_ids.device).reshape(1, -1)\n",
              "    tail = torch.tensor([new])\n")),
        ("pick's (1,) output fed back as the next input_ids (not reshaped to (1, 1))",
         replace_once(_GEN, "        feed = token\n", "        feed = token.reshape(-1)\n")),
        ("model(feed, past, use_cache=True): the cache passed positionally lands in attention_mask",
         replace_once(_GEN, "model(input_ids=feed, past_key_values=past, use_cache=True)", "model(feed, past, use_cache=True)")),
        ("pick's result read as probabilities: argmax of pick(logits), so every appended token is 0",
         _GEN_ARGMAX_OF_PICK),
    ],
    "ex4_lora_layer": [
        ("forward recomputes alpha / r instead of reading self.scale: changing layer.scale (switching the adapter "
         "off) has no effect",
         replace_once(_LORA, "        return result + self.scale * update\n",
              "        return result + (self.alpha / self.r) * update\n")),
        ("frozen path written from the formula h = W x (x @ base.weight.T): the base layer's bias is dropped",
         replace_once(_LORA, "        result = self.base(x)\n", "        result = x @ self.base.weight.T\n")),
        ("`d_in, d_out = base.weight.shape` (the weight is (d_out, d_in)): A and B get the wrong widths, "
         "a non-square layer fails",
         replace_once(replace_once(_LORA, "        self.lora_A = nn.Parameter(torch.empty(r, base.in_features))\n",
                   "        d_in, d_out = base.weight.shape\n"
                   "        self.lora_A = nn.Parameter(torch.empty(r, d_in))\n"),
              "torch.zeros(base.out_features, r)", "torch.zeros(d_out, r)")),
        ("dropout read as the keep probability (TensorFlow's keep_prob): nn.Dropout(1 - dropout)",
         replace_once(_LORA, "nn.Dropout(dropout)", "nn.Dropout(1 - dropout)")),
    ],
    "ex5_merge": [
        ("update multiplied in the order the letters are read, A @ B: the shapes only fit when d_in == d_out == r",
         replace_once(replace_once(_MERGE, "layer.base.weight += layer.scale * (layer.lora_B @ layer.lora_A)",
                   "layer.base.weight += layer.scale * (layer.lora_A @ layer.lora_B)"),
              "layer.base.weight -= layer.scale * (layer.lora_B @ layer.lora_A)",
              "layer.base.weight -= layer.scale * (layer.lora_A @ layer.lora_B)")),
        ("unmerge negates layer.scale to reuse merge's formula and never restores it: the unmerged layer then "
         "subtracts its update",
         replace_once(_MERGE, "        layer.base.weight -= layer.scale * (layer.lora_B @ layer.lora_A)\n",
              "        layer.scale = -layer.scale\n"
              "        layer.base.weight += layer.scale * (layer.lora_B @ layer.lora_A)\n")),
        ("layer.base.weight = layer.base.weight + update: a plain tensor assigned to a Parameter slot raises",
         replace_once(_MERGE, "        layer.base.weight += layer.scale * (layer.lora_B @ layer.lora_A)\n",
              "        layer.base.weight = layer.base.weight + layer.scale * (layer.lora_B @ layer.lora_A)\n")),
        ("merge skips a layer whose B is all zero ('nothing to merge') and leaves merged False",
         replace_once(_MERGE, "    if not layer.merged:\n        layer.base.weight +=",
              "    if not layer.merged and bool(layer.lora_B.any()):\n        layer.base.weight +=")),
    ],
    "ex6_inject": [
        ("parent found by name.rsplit('.', 1): a target Linear that is a direct child of the model (no dot) "
         "raises", _INJECT_RSPLIT),
        ("the new layer made trainable with new.requires_grad_(True): that unfreezes the wrapped base Linear too",
         replace_once(_INJECT, "                setattr(parent, child_name, make_lora(child))\n",
              "                new = make_lora(child)\n                new.requires_grad_(True)\n"
              "                setattr(parent, child_name, new)\n")),
        ("one holder per target name (a dict keyed by child name): only the last layer of each name is wrapped",
         _INJECT_BY_NAME),
        ("re.match(target, child_name) (peft's regex habit): anchored at the start only, q_proj_2 matches q_proj",
         replace_once(_INJECT, "            if child_name in targets and isinstance(child, nn.Linear):\n",
              "            if any(re.match(t, child_name) for t in targets) and isinstance(child, nn.Linear):\n")
         .replace("\ndef add_lora", "\nimport re\n\n\ndef add_lora", 1)),
    ],
    "ex7_examples": [
        ("labels = ids (an alias, not a copy) then its prompt part set to -100: input_ids get -100 too",
         replace_once(_EXAMPLES, '    return {"input_ids": list(prompt) + list(answer), "labels": [-100] * len(prompt) + list(answer)}\n',
              "    ids = list(prompt) + list(answer)\n    labels = ids\n"
              "    labels[:len(prompt)] = [-100] * len(prompt)\n"
              '    return {"input_ids": ids, "labels": labels}\n')),
        ("input_ids padded with -100 as well as the labels (one fill value for both)",
         replace_once(_EXAMPLES, "torch.full((len(examples), width), pad_id, dtype=torch.long)",
              "torch.full((len(examples), width), -100, dtype=torch.long)")),
        ("the answer ends '<|im_end|>\\n' as in the chat template: a newline token is learned after the end token",
         replace_once(_EXAMPLES, "tokenizer(response + tokenizer.eos_token,", "tokenizer(response + tokenizer.eos_token + \"\\n\",")),
        ("the chat prompt .strip()ped before tokenizing: the newline after 'assistant' is lost",
         replace_once(_EXAMPLES, "tokenizer(chat_prompt(tokenizer, instruction),", "tokenizer(chat_prompt(tokenizer, instruction).strip(),")),
    ],
    "ex8_loss": [
        ("shift on the batch axis (logits[:-1], labels[1:]): rows paired with the next row, time not shifted",
         replace_once(replace_once(_LOSS, "logits[:, :-1, :]", "logits[:-1]"), "labels[:, 1:]", "labels[1:]")),
        ("logits[..., :-1] (the ', :' of logits[..., :-1, :] dropped): the last vocabulary entry is cut, "
         "not the last position",
         replace_once(_LOSS, "logits[:, :-1, :]", "logits[..., :-1]")),
        ("logits clamped to [-30, 30] 'for stability' before the cross-entropy",
         replace_once(_LOSS, "logits[:, :-1, :]", "logits[:, :-1, :].clamp(-30.0, 30.0)")),
        ("targets by labels.roll(-1, dims=1) over all positions: the first label wraps round to the last position",
         replace_once(replace_once(_LOSS, "logits[:, :-1, :]", "logits"), "labels[:, 1:]", "labels.roll(-1, dims=1)")),
    ],
    "ex9_train": [
        ("micro-batches of a step taken with a stride (batches[step::n_steps]) instead of the next accum_steps",
         replace_once(_TRAIN, _TRAIN_LOOP, "        for batch in batches[step::n_steps][:accum_steps]:\n")),
        ("returns the loss of every micro-batch (history.extend(micro)), not one mean per step",
         replace_once(_TRAIN, "        history.append(step_loss)\n", "        history.extend(micro)\n")),
        ("gradients clipped to norm 1 before each step (clip_grad_norm_, a fine-tuning recipe habit)",
         replace_once(_TRAIN, "        optimizer.step()\n",
              "        torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)\n"
              "        optimizer.step()\n")),
        ("each micro-batch loss divided by len(batches) instead of accum_steps",
         replace_once(_TRAIN, "(loss / accum_steps).backward()", "(loss / len(batches)).backward()")),
    ],
    "ex10_perplexity": [
        ("log-softmax over dim=1 (the time axis of (B, T, V)) instead of the vocabulary",
         replace_once(_PPL, "        total_nll += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),\n"
                    "                                     ignore_index=-100, reduction=\"sum\").item()\n",
              "        log_p = F.log_softmax(logits, dim=1)\n"
              "        keep = targets != -100\n"
              "        total_nll += -log_p.gather(-1, targets.clamp(min=0).unsqueeze(-1)).squeeze(-1)[keep].sum().item()\n")),
        ("token count assigned (=) instead of accumulated (+=): all batches' NLL over the last batch's count",
         replace_once(_PPL, "        total_count += int((targets != -100).sum())\n",
              "        total_count = int((targets != -100).sum())\n")),
        ("per-batch mean cross-entropy times the batch's count: a batch with no counted token adds NaN",
         replace_once(_PPL, "ignore_index=-100, reduction=\"sum\").item()\n",
              "ignore_index=-100).item() * int((targets != -100).sum())\n")),
        ("attention_mask = (labels != -100) 'to skip the masked tokens': the prompt is hidden from the model",
         replace_once(_PPL, "        attention_mask = batch[\"attention_mask\"].to(device)\n",
              "        attention_mask = (batch[\"labels\"] != -100).long().to(device)\n")),
    ],
}

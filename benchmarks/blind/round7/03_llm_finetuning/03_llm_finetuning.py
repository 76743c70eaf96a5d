"""Blind round 7, lab 03 (LLM fine-tuning with LoRA): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of tests/mutants, rounds 1-6 holds.
Right answers: CORRECT[gid][0] is round 6's reference (round 2's, reused by name: the reference keeps
the proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND6 = earlier_round(6, __file__)


_NEXT, _FILTERS, _GEN, _LORA, _MERGE = (ROUND6._NEXT, ROUND6._FILTERS, ROUND6._GEN, ROUND6._LORA,
                                        ROUND6._MERGE)
_INJECT, _EXAMPLES, _LOSS, _TRAIN, _PPL = (ROUND6._INJECT, ROUND6._EXAMPLES, ROUND6._LOSS, ROUND6._TRAIN,
                                           ROUND6._PPL)

# ----------------------------------------------------------------------------- round 7's own right answers
_NEXT_DIST = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    logits = model(input_ids=input_ids).logits
    return logits[:, input_ids.shape[1] - 1]


def token_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities at `temperature` (0 = greedy: one-hot at the argmax)."""
    if temperature == 0:
        out = torch.zeros_like(logits)
        out[torch.arange(logits.shape[0]), logits.argmax(dim=-1)] = 1
        return out
    dist = torch.distributions.Categorical(logits=logits.double() / temperature)   # normalised, no overflow
    return dist.probs.to(logits.dtype)
'''

_FILTERS_RANKS = '''
def top_k_probs(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep exactly k probabilities of each row, the k largest (ties: any), zero the rest, renormalise."""
    rank = probs.argsort(dim=-1, descending=True).argsort(dim=-1)     # 0 for the largest of each row
    kept = probs.masked_fill(rank >= k, 0.0)
    return kept / kept.sum(dim=-1, keepdim=True)


def top_p_probs(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose total reaches p, renormalise."""
    values, order = probs.sort(dim=-1, descending=True)
    keep_sorted = (values.cumsum(dim=-1) - values) < p
    keep = keep_sorted.gather(-1, order.argsort(dim=-1))               # back to vocabulary order
    kept = probs.masked_fill(~keep, 0.0)
    return kept / kept.sum(dim=-1, keepdim=True)
'''

_GEN_PREFILL = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    if max_new_tokens <= 0:
        return input_ids.clone()
    out = model(input_ids=input_ids, past_key_values=None, use_cache=True)
    ids = input_ids
    for i in range(max_new_tokens):
        nxt = pick(out.logits[:, -1, :]).view(1, 1).to(ids.dtype)
        ids = torch.cat((ids, nxt), dim=1)
        if eos_id is not None and int(nxt) == eos_id:
            break
        if i + 1 < max_new_tokens:
            out = model(input_ids=nxt, past_key_values=out.past_key_values, use_cache=True)
    return ids
'''

_LORA_FLINEAR = '''
class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0, dropout: float = 0.0):
        super().__init__()
        self.base = base
        for param in base.parameters():
            param.requires_grad_(False)
        self.r, self.alpha, self.scale = r, alpha, alpha / r
        a = torch.empty(r, base.in_features)
        nn.init.kaiming_uniform_(a, a=math.sqrt(5))
        self.lora_A = nn.Parameter(a)
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))
        self.lora_dropout = nn.Dropout(p=dropout)
        self.merged = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (..., d_in) -> (..., d_out)
        out = self.base(x)
        if not self.merged:
            out = out + self.scale * F.linear(F.linear(self.lora_dropout(x), self.lora_A), self.lora_B)
        return out
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

_INJECT_MODULES = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, wrap every nn.Linear whose name is one of `targets` with make_lora(linear);
    return the model."""
    for _, param in model.named_parameters():
        param.requires_grad = False
    swaps = [(parent, name, child) for parent in model.modules() for name, child in parent.named_children()
             if name in set(targets) and isinstance(child, nn.Linear)]
    for parent, name, child in swaps:
        setattr(parent, name, make_lora(child))
    return model


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(number of trainable parameters, number of all parameters)."""
    sizes = [(p.numel(), p.requires_grad) for _, p in model.named_parameters()]
    return sum(n for n, trainable in sizes if trainable), sum(n for n, _ in sizes)
'''

_EXAMPLES_FPAD = '''
def tokenize_pair(tokenizer, instruction: str, response: str) -> dict:
    """{'input_ids': prompt + answer token ids, 'labels': -100 over the prompt, the ids elsewhere}."""
    prompt = tokenizer(chat_prompt(tokenizer, instruction), add_special_tokens=False)["input_ids"]
    answer = tokenizer(response + tokenizer.eos_token, add_special_tokens=False)["input_ids"]
    labels = [-100] * len(prompt)
    labels.extend(answer)
    return {"input_ids": [*prompt, *answer], "labels": labels}


def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    width = max(len(e["input_ids"]) for e in examples)
    rows = {"input_ids": [], "labels": [], "attention_mask": []}
    for e in examples:
        gap = width - len(e["input_ids"])
        ids = torch.as_tensor(e["input_ids"], dtype=torch.long)
        rows["input_ids"].append(F.pad(ids, (0, gap), value=pad_id))
        rows["labels"].append(F.pad(torch.as_tensor(e["labels"], dtype=torch.long), (0, gap), value=-100))
        rows["attention_mask"].append(F.pad(torch.ones_like(ids), (0, gap), value=0))
    return {key: torch.stack(value) for key, value in rows.items()}
'''

_LOSS_MODULE = '''
def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy over the positions whose label is not -100."""
    criterion = nn.CrossEntropyLoss(ignore_index=-100)           # class scores on dim 1: (B, V, T - 1)
    return criterion(logits[:, :-1, :].transpose(1, 2), labels[:, 1:])
'''

_TRAIN_ZIP = '''
def train_lora(model: nn.Module, batches: list[dict], optimizer: torch.optim.Optimizer, loss_fn,
               accum_steps: int, device, on_step=None) -> list[float]:
    """Gradient-accumulation training; returns the mean micro-batch loss of every optimizer step."""
    groups = list(zip(*[iter(batches)] * accum_steps))          # full groups only: leftovers dropped
    losses = []
    model.train()
    bar = progress(groups, desc="LoRA")
    for step, group in enumerate(bar):
        optimizer.zero_grad()
        total = 0.0
        for batch in group:
            ids, mask, labels = (batch[k].to(device) for k in ("input_ids", "attention_mask", "labels"))
            with autocast(device):
                logits = model(input_ids=ids, attention_mask=mask).logits
            loss = loss_fn(logits.float(), labels)
            (loss / accum_steps).backward()
            total += float(loss.detach())
        optimizer.step()
        losses.append(total / len(group))
        bar.set_postfix(loss=f"{losses[-1]:.3f}")
        if on_step is not None:
            on_step(step, losses[-1])
    model.eval()
    return losses
'''

_PPL_DIST = '''
@torch.no_grad()
def perplexity(model: nn.Module, batches: list[dict], device) -> float:
    """exp(total next-token NLL / number of counted tokens) over all batches."""
    nll, count = 0.0, 0
    for batch in batches:
        out = model(input_ids=batch["input_ids"].to(device), attention_mask=batch["attention_mask"].to(device))
        targets = batch["labels"][:, 1:].to(device)
        keep = targets.ne(-100)
        dist = torch.distributions.Categorical(logits=out.logits[:, :-1].double())
        nll -= float(dist.log_prob(torch.where(keep, targets, torch.zeros_like(targets)))[keep].sum())
        count += int(keep.sum())
    return math.exp(nll / count)
'''

CORRECT = {
    "ex1_next_token": [ROUND6.CORRECT["ex1_next_token"][0],
                       ("index T - 1; one-hot by advanced indexing; Categorical probs in float64, cast "
                        "back (round 7)", _NEXT_DIST)],
    "ex2_top_k_top_p": [ROUND6.CORRECT["ex2_top_k_top_p"][0],
                        ("ranks by a double argsort; top-p mask gathered back to vocabulary order by the "
                         "inverse permutation, masked_fill (round 7)", _FILTERS_RANKS)],
    "ex3_generate": [ROUND6.CORRECT["ex3_generate"][0],
                     ("prompt run before the loop, the model called again only while tokens remain (round 7)",
                      _GEN_PREFILL)],
    "ex4_lora_layer": [ROUND6.CORRECT["ex4_lora_layer"][0],
                       ("F.linear twice for the branch, kaiming on a tensor then wrapped (round 7)", _LORA_FLINEAR)],
    "ex5_merge": [ROUND6.CORRECT["ex5_merge"][0],
                  ("weight.addmm_(B, A, alpha=+-scale) (round 7)", _MERGE_ADDMM)],
    "ex6_inject": [ROUND6.CORRECT["ex6_inject"][0],
                   ("swaps collected over model.modules() first, then applied; named_parameters count "
                    "(round 7)", _INJECT_MODULES)],
    "ex7_examples": [ROUND6.CORRECT["ex7_examples"][0],
                     ("tokenizer(...)['input_ids'], F.pad per row and torch.stack (round 7)", _EXAMPLES_FPAD)],
    "ex8_loss": [ROUND6.CORRECT["ex8_loss"][0],
                 ("nn.CrossEntropyLoss on (B, V, T - 1) logits (round 7)", _LOSS_MODULE)],
    "ex9_train": [ROUND6.CORRECT["ex9_train"][0],
                  ("groups by zip(*[iter(batches)] * accum_steps), float(loss.detach()) (round 7)", _TRAIN_ZIP)],
    "ex10_perplexity": [ROUND6.CORRECT["ex10_perplexity"][0],
                        ("torch.distributions.Categorical log_prob in float64 (round 7)", _PPL_DIST)],
}

# ----------------------------------------------------------------------------- round 7's wrong answers
_GREEDY = ("        best = logits.argmax(dim=-1)\n"
           "        return F.one_hot(best, num_classes=logits.shape[-1]).to(logits.dtype)\n")

_TOP_K = ("    top = torch.topk(probs, k, dim=-1)\n"
          "    kept = torch.zeros_like(probs).scatter(-1, top.indices, top.values)\n")

_EOS_TEST = "        if eos_id is not None and token.item() == eos_id:\n"

_GEN_FLAG = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    ids, past, feed, done = input_ids, None, input_ids, False
    for _ in range(max_new_tokens):
        outputs = model(input_ids=feed, past_key_values=past, use_cache=True)
        past = outputs.past_key_values
        token = pick(outputs.logits[:, -1, :]).reshape(1, 1)
        if done:
            continue
        ids = torch.cat([ids, token.to(ids.dtype)], dim=1)
        done = eos_id is not None and token.item() == eos_id
        feed = token
    return ids
'''

_GEN_PREFILL_BUT_LAST = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick,
             eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    past = model(input_ids=input_ids[:, :-1], use_cache=True).past_key_values     # the prompt but its last token
    ids, feed = input_ids, input_ids[:, -1:]
    for _ in range(max_new_tokens):
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

_MERGE_ADD = "        layer.base.weight += layer.scale * (layer.lora_B @ layer.lora_A)\n"
_MERGE_SUB = "        layer.base.weight -= layer.scale * (layer.lora_B @ layer.lora_A)\n"

_COUNT = ("    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)\n"
          "    total = sum(p.numel() for p in model.parameters())\n")

_COLLATE_TENSOR = '''

def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    width = max(len(e["input_ids"]) for e in examples)
    input_ids, labels, attention_mask = [], [], []
    for e in examples:
        gap = width - len(e["input_ids"])
        input_ids.append(list(e["input_ids"]) + [pad_id] * gap)
        labels.append(list(e["labels"]) + [-100] * gap)
        attention_mask.append([1] * len(e["input_ids"]) + [0] * gap)
    return {"input_ids": torch.Tensor(input_ids), "labels": torch.Tensor(labels),
            "attention_mask": torch.Tensor(attention_mask)}
'''

_LOSS_GATHER_BASE = ROUND6._LOSS_GATHER

_TRAIN_FLAT = '''
def train_lora(model: nn.Module, batches: list[dict], optimizer: torch.optim.Optimizer, loss_fn,
               accum_steps: int, device, on_step=None) -> list[float]:
    """Gradient-accumulation training; returns the mean micro-batch loss of every optimizer step."""
    n_steps = len(batches) // accum_steps
    model.train()
    history, micro, step = [], [], 0
    optimizer.zero_grad()
    bar = progress(batches[:n_steps * accum_steps], desc="LoRA")
    for i, batch in enumerate(bar):
        input_ids = batch["input_ids"].to(device)
        attention_mask = batch["attention_mask"].to(device)
        labels = batch["labels"].to(device)
        with autocast(device):
            outputs = model(input_ids=input_ids, attention_mask=attention_mask)
        loss = loss_fn(outputs.logits.float(), labels)
        (loss / accum_steps).backward()
        micro.append(loss.item())
        if i % accum_steps == 0:
            optimizer.step()
            history.append(sum(micro) / len(micro))
            bar.set_postfix(loss=f"{history[-1]:.3f}")
            if on_step is not None:
                on_step(step, history[-1])
            step += 1
            micro = []
            optimizer.zero_grad()
    model.eval()
    return history
'''

_PPL_TARGETS = "        targets = batch[\"labels\"].to(device)[:, 1:]\n"

MUTANTS = {
    "ex1_next_token": [
        ("greedy F.one_hot(argmax, num_classes=V) returned as is: one_hot's int64, not the logits' dtype",
         replace_once(_NEXT, "F.one_hot(best, num_classes=logits.shape[-1]).to(logits.dtype)",
                      "F.one_hot(best, num_classes=logits.shape[-1])")),
        ("greedy one-hot by out[:, argmax] = 1 (no row index): every row gets a 1 at every row's argmax",
         replace_once(_NEXT, _GREEDY,
                      "        out = torch.zeros_like(logits)\n"
                      "        out[:, logits.argmax(dim=-1)] = 1.0\n"
                      "        return out\n")),
        ("temperature softmax by F.gumbel_softmax(logits, tau=temperature): Gumbel noise is added, the "
         "probabilities are random", replace_once(_NEXT, "    return F.softmax(logits / temperature, dim=-1)\n",
                                                  "    return F.gumbel_softmax(logits, tau=temperature, dim=-1)\n")),
        ("greedy index as the last entry of an ascending argsort: on a tie for the largest logit the last of "
         "them, not the first", replace_once(_NEXT, "        best = logits.argmax(dim=-1)\n",
                                             "        best = logits.argsort(dim=-1)[:, -1]\n")),
    ],
    "ex2_top_k_top_p": [
        ("top-k by sort with the row axis sliced (sorted[:k], order[:k] instead of [:, :k]): the first k rows "
         "are kept whole", replace_once(_FILTERS, _TOP_K,
                                        "    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)\n"
                                        "    kept = torch.zeros_like(probs).scatter(-1, order[:k], "
                                        "sorted_probs[:k])\n")),
        ("top-k mask set by mask[:, top.indices] = True: each row keeps the union of every row's top k",
         replace_once(_FILTERS, _TOP_K,
                      "    top = torch.topk(probs, k, dim=-1)\n"
                      "    mask = torch.zeros_like(probs, dtype=torch.bool)\n"
                      "    mask[:, top.indices] = True\n"
                      "    kept = probs * mask\n")),
        ("top-p mass before a token from the sorted cumsum minus the unsorted probs (probs for sorted_probs)",
         replace_once(_FILTERS, "    before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs\n",
                      "    before = torch.cumsum(sorted_probs, dim=-1) - probs\n")),
        ("Hugging Face's shift-right of the remove mask without clearing its first entry: a top token with "
         "probability >= p is removed too (an all-zero row, 0 / 0)",
         replace_once(_FILTERS, "    before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs\n"
                                "    sorted_kept = sorted_probs * (before < p)\n",
                      "    remove = torch.cumsum(sorted_probs, dim=-1) >= p\n"
                      "    remove[..., 1:] = remove[..., :-1].clone()\n"
                      "    sorted_kept = sorted_probs.masked_fill(remove, 0.0)\n")),
    ],
    "ex3_generate": [
        ("eos test by torch.equal(token, torch.tensor(eos_id)): (1, 1) against a 0-d tensor is never equal, "
         "the loop never stops", replace_once(_GEN, _EOS_TEST,
                                              "        if eos_id is not None and torch.equal(token, "
                                              "torch.tensor(eos_id)):\n")),
        ("eos test as `eos_id in token` without the None guard: eos_id=None raises",
         replace_once(_GEN, _EOS_TEST, "        if eos_id in token:\n")),
        ("a `done` flag and `continue` after eos: the loop still runs the model and calls pick up to "
         "max_new_tokens times (a sampling pick's generator advances)", _GEN_FLAG),
        ("cache prefilled with all but the prompt's last token, which is fed first: a one-token prompt feeds "
         "an empty (1, 0) tensor", _GEN_PREFILL_BUT_LAST),
    ],
    "ex4_lora_layer": [
        ("freeze written as self.requires_grad_(False) at the end of __init__: lora_A and lora_B are frozen too",
         replace_once(replace_once(_LORA, _LORA_FREEZE, ""), "        self.merged = False\n",
                      "        self.merged = False\n        self.requires_grad_(False)\n")),
        ("base frozen by base.weight / base.bias.requires_grad_(False): a bias-free Linear (q_proj, k_proj, "
         "...) raises on None", replace_once(_LORA, _LORA_FREEZE,
                                             "        base.weight.requires_grad_(False)\n"
                                             "        base.bias.requires_grad_(False)\n")),
        ("scale = alpha (the formula's alpha, the division by r forgotten)",
         replace_once(_LORA, "        self.scale = alpha / r\n", "        self.scale = alpha\n")),
        ("nn.init.kaiming_normal_ instead of kaiming_uniform_ for A (same std, a Gaussian, not the uniform "
         "nn.Linear draws)", replace_once(_LORA, "nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))",
                                          "nn.init.kaiming_normal_(self.lora_A, a=math.sqrt(5))")),
    ],
    "ex5_merge": [
        ("update by elementwise B * A instead of B @ A: only a rank-1 adapter broadcasts, to the right "
         "outer product", replace_once(replace_once(_MERGE, _MERGE_ADD,
                                                    "        layer.base.weight += layer.scale * (layer.lora_B * "
                                                    "layer.lora_A)\n"),
                                       _MERGE_SUB,
                                       "        layer.base.weight -= layer.scale * (layer.lora_B * layer.lora_A)\n")),
        ("signs swapped: merge subtracts the update and unmerge adds it back",
         _MERGE.replace(_MERGE_ADD, "@ADD@").replace(_MERGE_SUB, _MERGE_ADD).replace("@ADD@", _MERGE_SUB)),
        ("update taken through the layer's dropout as in forward (B @ dropout(A)): in train mode with "
         "dropout > 0 W gets a random, rescaled update and unmerge does not undo it",
         _MERGE.replace("(layer.lora_B @ layer.lora_A)", "(layer.lora_B @ layer.dropout(layer.lora_A))")),
        ("unmerge only sets merged = False: the weight keeps the update and forward adds it a second time",
         replace_once(_MERGE, _MERGE_SUB, "")),
    ],
    "ex6_inject": [
        ("count_parameters sums len(p) (the first dimension) instead of p.numel()",
         replace_once(_INJECT, _COUNT,
                      "    trainable = sum(len(p) for p in model.parameters() if p.requires_grad)\n"
                      "    total = sum(len(p) for p in model.parameters())\n")),
        ("`or` for `and` in the test: every nn.Linear is wrapped, whatever its name",
         replace_once(_INJECT, "if child_name in targets and isinstance(child, nn.Linear):",
                      "if child_name in targets or isinstance(child, nn.Linear):")),
        ("counts made with torch (torch.tensor([...]).sum()): 0-d tensors, not Python ints",
         replace_once(_INJECT, _COUNT,
                      "    trainable = torch.tensor([p.numel() for p in model.parameters() if p.requires_grad])"
                      ".sum()\n"
                      "    total = torch.tensor([p.numel() for p in model.parameters()]).sum()\n")),
        ("`break` after a replacement (as if a parent held one target): only the first of q/k/v/o of each "
         "attention block is wrapped",
         replace_once(_INJECT, "                setattr(parent, child_name, make_lora(child))\n",
                      "                setattr(parent, child_name, make_lora(child))\n                break\n")),
    ],
    "ex7_examples": [
        ("collate builds the rows as lists and converts with torch.Tensor (capital T): float32, not long",
         _EXAMPLES[:_EXAMPLES.index("\n\ndef collate")] + _COLLATE_TENSOR),
        ("the bare instruction tokenized (chat_prompt forgotten): no chat template around the question",
         replace_once(_EXAMPLES, "tokenizer(chat_prompt(tokenizer, instruction),", "tokenizer(instruction,")),
        ("prompt masked with -100 once per character of the prompt string (len(text), not len(ids))",
         replace_once(replace_once(_EXAMPLES, "    prompt = tokenizer(chat_prompt(tokenizer, instruction),",
                                   "    prompt_text = chat_prompt(tokenizer, instruction)\n"
                                   "    prompt = tokenizer(prompt_text,"),
                      '"labels": [-100] * len(prompt) + list(answer)',
                      '"labels": [-100] * len(prompt_text) + list(answer)')),
        ("prompt labels set to 0 ('masked out') instead of -100: the loss learns token 0 over the prompt",
         replace_once(_EXAMPLES, '"labels": [-100] * len(prompt) + list(answer)',
                      '"labels": [0] * len(prompt) + list(answer)')),
    ],
    "ex8_loss": [
        ("vocabulary size read as logits.shape[1] (T), not shape[-1]: the reshape to (-1, V) goes wrong",
         replace_once(_LOSS, "    vocab = shift_logits.shape[-1]\n", "    vocab = shift_logits.shape[1]\n")),
        ("mask from the unshifted labels (labels[:, :-1] != -100) next to the shifted targets: the wrong "
         "positions are counted, a -100 target after a real label reaches gather",
         replace_once(_LOSS_GATHER_BASE, "    keep = targets != -100\n", "    keep = labels[:, :-1] != -100\n")),
        ("sum with keepdim=True: a (1, 1) tensor, not a scalar",
         replace_once(_LOSS_GATHER_BASE, "    return -(picked * keep).sum() / keep.sum()\n",
                      "    return -(picked * keep).sum(dim=(0, 1), keepdim=True) / keep.sum()\n")),
        ("gather on dim=1 (the time axis) instead of the vocabulary axis",
         replace_once(_LOSS_GATHER_BASE, "log_p.gather(-1,", "log_p.gather(1,")),
    ],
    "ex9_train": [
        ("one flat loop stepping when i % accum_steps == 0: the first step comes after one micro-batch, the "
         "others straddle groups, the last micro-batches are never stepped", _TRAIN_FLAT),
        ("on_step(loss, step): the arguments swapped",
         replace_once(_TRAIN, "            on_step(step, step_loss)\n", "            on_step(step_loss, step)\n")),
        ("on_step only every 10th step (a logging-interval habit)",
         replace_once(_TRAIN, "        if on_step is not None:\n",
                      "        if on_step is not None and step % 10 == 0:\n")),
        ("on_step(step, history): the list of all losses so far, not this step's float",
         replace_once(_TRAIN, "            on_step(step, step_loss)\n", "            on_step(step, history)\n")),
    ],
    "ex10_perplexity": [
        ("the shifted labels written back into the batch (batch['labels'] = labels[:, 1:]): the caller's "
         "batches change and a second evaluation shifts again",
         replace_once(_PPL, _PPL_TARGETS, "        batch[\"labels\"] = batch[\"labels\"][:, 1:]\n"
                                          "        targets = batch[\"labels\"].to(device)\n")),
        ("tokens counted with len(targets): the number of sequences, not of counted tokens",
         replace_once(_PPL, "        total_count += int((targets != -100).sum())\n",
                      "        total_count += len(targets)\n")),
        ("exp of the mean log-probability (minus sign forgotten): 1 / PPL",
         replace_once(_PPL, "    return math.exp(total_nll / total_count)\n",
                      "    return math.exp(-total_nll / total_count)\n")),
        ("shifted the wrong way: logits[:, 1:] scored against labels[:, :-1]",
         replace_once(replace_once(_PPL, _PPL_TARGETS, "        targets = batch[\"labels\"].to(device)[:, :-1]\n"),
                      ".logits[:, :-1, :].float()", ".logits[:, 1:, :].float()")),
    ],
}

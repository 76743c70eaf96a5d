"""Wrong answers for lab 03 (LLM fine-tuning with LoRA)."""

_NEXT = '''
def next_token_logits(model, input_ids):
    return {logits}


def token_probs(logits, temperature=1.0):
    if temperature == 0:
        return F.one_hot(logits.argmax(dim=-1), logits.shape[-1]).to(logits.dtype)
    return {probs}
'''
_LOGITS_OK = "model(input_ids).logits[:, -1, :]"
_PROBS_OK = "torch.softmax(logits / temperature, dim=-1)"

_TOP_K_OK = '''
def top_k_probs(probs, k):
    values, indices = probs.topk(k, dim=-1)
    kept = torch.zeros_like(probs).scatter(-1, indices, values)
    return kept / kept.sum(dim=-1, keepdim=True)
'''
_TOP_P = '''
def top_p_probs(probs, p):
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    mass_before = sorted_probs.cumsum(dim=-1) - sorted_probs
    sorted_probs = sorted_probs * ({keep})
    kept = torch.zeros_like(probs).scatter(-1, order, sorted_probs)
    return {ret}
'''
_TOP_P_OK = _TOP_P.format(keep="mass_before < p", ret="kept / kept.sum(dim=-1, keepdim=True)")

_GENERATE = '''
@torch.no_grad()
def generate(model, input_ids, max_new_tokens, pick, eos_id=None):
    ids = input_ids
    outputs = model(input_ids=ids, use_cache=True)
    for _ in range({n}):
        next_id = pick(outputs.logits[:, {pos}, :]).reshape(1, 1)
        ids = torch.cat([ids, next_id], dim=1)
        {stop}
        outputs = model(input_ids={feed}, {past}use_cache=True)
    return ids
'''
_STOP_OK = "if eos_id is not None and int(next_id) == eos_id:\n            break"

_LORA = '''
class LoRALinear(nn.Module):
    def __init__(self, base, r=8, alpha=16.0, dropout=0.0):
        super().__init__()
        self.base = base
        {freeze}
        self.r, self.alpha, self.scale = r, alpha, {scale}
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.lora_B = nn.Parameter({b_init})
        self.dropout = nn.Dropout(dropout)
        self.merged = False

    def forward(self, x):
        out = self.base(x)
        if self.merged:
            return out
        return out + {update}
'''
_LORA_OK = dict(freeze="for p in self.base.parameters():\n            p.requires_grad_(False)",
                scale="alpha / r", b_init="torch.zeros(base.out_features, r)",
                update="(self.dropout(x) @ self.lora_A.T @ self.lora_B.T) * self.scale")

_MERGE = '''
@torch.no_grad()
def merge(layer):
    if {guard}:
        layer.base.weight += {delta}
        layer.merged = {flag}
    return layer


@torch.no_grad()
def unmerge(layer):
    if layer.merged:
        layer.base.weight {undo}= layer.scale * (layer.lora_B @ layer.lora_A)
        layer.merged = False
    return layer
'''
_MERGE_OK = dict(guard="not layer.merged", delta="layer.scale * (layer.lora_B @ layer.lora_A)", flag="True", undo="-")

_INJECT = '''
def add_lora(model, targets, make_lora):
    {freeze_before}
    for _, parent in list(model.named_modules()):
        for child_name, child in list(parent.named_children()):
            if {match}:
                setattr(parent, child_name, make_lora(child))
    {freeze_after}
    return model


def count_parameters(model):
    total = sum(p.numel() for p in model.parameters(){total_filter})
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, total
'''
_FREEZE = "for p in model.parameters():\n        p.requires_grad_(False)"
_INJECT_OK = dict(freeze_before=_FREEZE, freeze_after="", match="child_name in targets and isinstance(child, nn.Linear)",
                  total_filter="")

_TOKENIZE = '''
def tokenize_pair(tokenizer, instruction, response):
    prompt_ids = tokenizer(chat_prompt(tokenizer, instruction), add_special_tokens=False).input_ids
    answer_ids = tokenizer({answer}, add_special_tokens=False).input_ids
    return {{"input_ids": prompt_ids + answer_ids, "labels": {labels}}}
'''
_TOKENIZE_OK = _TOKENIZE.format(answer="response + tokenizer.eos_token", labels="[-100] * len(prompt_ids) + answer_ids")
_COLLATE = '''
def collate(examples, pad_id):
    longest = max(len(e["input_ids"]) for e in examples)
    input_ids = torch.full((len(examples), longest), pad_id, dtype=torch.long)
    labels = torch.full((len(examples), longest), {label_pad}, dtype=torch.long)
    attention_mask = torch.{mask}((len(examples), longest), dtype=torch.long)
    for i, e in enumerate(examples):
        n = len(e["input_ids"])
        input_ids[i, :n] = torch.tensor(e["input_ids"])
        labels[i, :n] = torch.tensor(e["labels"])
        attention_mask[i, :n] = 1
    return {{"input_ids": input_ids, "labels": labels, "attention_mask": attention_mask}}
'''
_COLLATE_OK = _COLLATE.format(label_pad="-100", mask="zeros")

_TRAIN = '''
def train_lora(model, batches, optimizer, loss_fn, accum_steps, device, on_step=None):
    {mode_before}
    history = []
    bar = progress(range({steps}), desc="fine-tuning")
    for step in bar:
        {zero_outer}
        step_loss = 0.0
        for batch in batches[step * accum_steps:(step + 1) * accum_steps]:
            batch = {{k: v.to(device) for k, v in batch.items()}}
            {zero_inner}
            with autocast(device):
                outputs = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
            loss = loss_fn(outputs.logits.float(), batch["labels"])
            ({scaled}).backward()
            {step_inner}
            step_loss {acc}
            {on_micro}
        {step_outer}
        history.append(step_loss)
        bar.set_postfix(loss=f"{{float(step_loss):.3f}}")
        {on_step}
    {mode_after}
    return history
'''
_ON_STEP = "if on_step is not None:\n            on_step(step, step_loss)"
_TRAIN_OK = dict(mode_before="model.train()", steps="len(batches) // accum_steps",
                 zero_outer="optimizer.zero_grad()", zero_inner="", scaled="loss / accum_steps",
                 step_inner="", acc="+= loss.item() / accum_steps", on_micro="", step_outer="optimizer.step()",
                 on_step=_ON_STEP, mode_after="model.eval()")

_PPL = '''
@torch.no_grad()
def perplexity(model, batches, device):
    total_nll, total_tokens, per_batch = 0.0, 0, []
    for batch in batches:
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits{cut}.float()
        labels = batch["labels"]{shift}
        nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100, reduction="sum").item()
        count = {count}
        total_nll += nll
        total_tokens += count
        per_batch.append(nll / count if count else 0.0)  # a batch of prompts only counts no token
    return {ret}
'''
_PPL_OK = dict(cut="[:, :-1]", shift="[:, 1:]", count="int((labels != -100).sum())",
               ret="math.exp(total_nll / total_tokens)")

MUTANTS = {
    "ex1_next_token": [
        ("logits of the first position", _NEXT.format(logits="model(input_ids).logits[:, 0, :]", probs=_PROBS_OK)),
        ("temperature after the softmax", _NEXT.format(logits=_LOGITS_OK, probs="torch.softmax(logits, dim=-1) / temperature")),
        ("temperature multiplies the logits", _NEXT.format(logits=_LOGITS_OK, probs="torch.softmax(logits * temperature, dim=-1)")),
        ("softmax over the batch dimension", _NEXT.format(logits=_LOGITS_OK, probs="torch.softmax(logits / temperature, dim=0)")),
    ],
    "ex2_top_k_top_p": [
        ("top-p without sorting", _TOP_K_OK + '''
def top_p_probs(probs, p):
    mass_before = probs.cumsum(dim=-1) - probs
    kept = probs * (mass_before < p)
    return kept / kept.sum(dim=-1, keepdim=True)
'''),
        ("top-p without renormalising", _TOP_K_OK + _TOP_P.format(keep="mass_before < p", ret="kept")),
        ("top-p drops the token that crosses p", _TOP_K_OK + _TOP_P.format(keep="sorted_probs.cumsum(dim=-1) <= p", ret="kept / kept.sum(dim=-1, keepdim=True).clamp_min(1e-12)")),
        ("top-k keeps the k smallest", _TOP_K_OK.replace("probs.topk(k, dim=-1)", "probs.topk(k, dim=-1, largest=False)") + _TOP_P_OK),
    ],
    "ex3_generate": [
        ("never stops at eos", _GENERATE.format(n="max_new_tokens", pos="-1", stop="pass", feed="next_id", past="past_key_values=outputs.past_key_values, ")),
        ("feeds the new token without the cache (forgets the context)", _GENERATE.format(n="max_new_tokens", pos="-1", stop=_STOP_OK, feed="next_id", past="")),
        ("uses the first position's logits", _GENERATE.format(n="max_new_tokens", pos="0", stop=_STOP_OK, feed="next_id", past="past_key_values=outputs.past_key_values, ")),
        ("one token too many", _GENERATE.format(n="max_new_tokens + 1", pos="-1", stop=_STOP_OK, feed="next_id", past="past_key_values=outputs.past_key_values, ")),
    ],
    "ex4_lora_layer": [
        ("B initialised non-zero", _LORA.format(**{**_LORA_OK, "b_init": "torch.randn(base.out_features, r) * 0.01"})),
        ("scale r / alpha", _LORA.format(**{**_LORA_OK, "scale": "r / alpha"})),
        ("base weights left trainable", _LORA.format(**{**_LORA_OK, "freeze": "pass"})),
        ("update not scaled", _LORA.format(**{**_LORA_OK, "update": "self.dropout(x) @ self.lora_A.T @ self.lora_B.T"})),
    ],
    "ex5_merge": [
        ("merge applied twice (no guard)", _MERGE.format(**{**_MERGE_OK, "guard": "True"})),
        ("merge forgets the scale", _MERGE.format(**{**_MERGE_OK, "delta": "layer.lora_B @ layer.lora_A"})),
        ("merge leaves merged False", _MERGE.format(**{**_MERGE_OK, "flag": "False"})),
        ("unmerge adds the update again", _MERGE.format(**{**_MERGE_OK, "undo": "+"})),
    ],
    "ex6_inject": [
        ("base weights left trainable", _INJECT.format(**{**_INJECT_OK, "freeze_before": "pass"})),
        ("freezes after wrapping (LoRA frozen too)", _INJECT.format(**{**_INJECT_OK, "freeze_before": "pass", "freeze_after": _FREEZE})),
        ("wraps every Linear, ignoring targets", _INJECT.format(**{**_INJECT_OK, "match": "isinstance(child, nn.Linear)"})),
        ("total counts only trainable parameters", _INJECT.format(**{**_INJECT_OK, "total_filter": " if p.requires_grad"})),
    ],
    "ex7_examples": [
        ("loss on prompt tokens (labels = input ids)", _TOKENIZE.format(answer="response + tokenizer.eos_token", labels="prompt_ids + answer_ids") + _COLLATE_OK),
        ("no end-of-turn token", _TOKENIZE.format(answer="response", labels="[-100] * len(prompt_ids) + answer_ids") + _COLLATE_OK),
        ("padding labelled with pad_id", _TOKENIZE_OK + _COLLATE.format(label_pad="pad_id", mask="zeros")),
        ("attention mask covers the padding", _TOKENIZE_OK + _COLLATE.format(label_pad="-100", mask="ones")),
    ],
    "ex8_loss": [
        ("no shift", "def causal_lm_loss(logits, labels):\n    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100)\n"),
        ("shift the wrong way", "def causal_lm_loss(logits, labels):\n    logits, labels = logits[:, 1:], labels[:, :-1]\n    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100)\n"),
        ("mean over all positions, masked ones included", "def causal_lm_loss(logits, labels):\n    logits, labels = logits[:, :-1], labels[:, 1:]\n    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100, reduction='sum') / labels.numel()\n"),
        ("sum instead of mean", "def causal_lm_loss(logits, labels):\n    logits, labels = logits[:, :-1], labels[:, 1:]\n    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100, reduction='sum')\n"),
    ],
    "ex9_train": [
        ("loss not divided by accum_steps", _TRAIN.format(**{**_TRAIN_OK, "scaled": "loss"})),
        ("zero_grad every micro-batch", _TRAIN.format(**{**_TRAIN_OK, "zero_outer": "", "zero_inner": "optimizer.zero_grad()"})),
        ("optimizer step every micro-batch", _TRAIN.format(**{**_TRAIN_OK, "step_inner": "optimizer.step()", "step_outer": ""})),
        ("reports the last micro-batch's loss", _TRAIN.format(**{**_TRAIN_OK, "acc": "= loss.item()"})),
    ],
    "ex10_perplexity": [
        ("mean of per-batch perplexities", _PPL.format(**{**_PPL_OK, "ret": "sum(math.exp(x) for x in per_batch) / len(per_batch)"})),
        ("batch means averaged (not token-weighted)", _PPL.format(**{**_PPL_OK, "ret": "math.exp(sum(per_batch) / len(per_batch))"})),
        ("masked tokens counted", _PPL.format(**{**_PPL_OK, "count": "labels.numel()"})),
        ("no shift", _PPL.format(**{**_PPL_OK, "cut": "", "shift": ""})),
    ],
}

# ---- issue 17: mistakes written before looking at the hidden checks (side effects, dtypes,
# detach, modes, call counts, initialisation, edge inputs, near-miss tolerances)
_PROBS_GREEDY_OK = "F.one_hot(logits.argmax(dim=-1), logits.shape[-1]).to(logits.dtype)"
_NEXT2 = '''
def next_token_logits(model, input_ids):
    return {logits}


def token_probs(logits, temperature=1.0):
    if temperature == 0:
        {greedy}
    return {probs}
'''
_NEXT2_OK = dict(logits=_LOGITS_OK, greedy="return " + _PROBS_GREEDY_OK, probs=_PROBS_OK)

_TOP_K = '''
def top_k_probs(probs, k):
    values, indices = probs.topk(k, dim=-1)
    kept = torch.zeros_like(probs).scatter(-1, indices, values)
    return kept / kept.sum({k_sum})
'''
_TOP_P2 = '''
def top_p_probs(probs, p):
    sorted_probs, order = probs.sort(dim=-1, descending=True)
    mass_before = sorted_probs.cumsum(dim={cum_dim}) - sorted_probs
    sorted_probs = sorted_probs * (mass_before {cmp} p)
    kept = torch.zeros_like(probs).scatter(-1, order, sorted_probs)
    return kept / kept.sum(dim=-1, keepdim=True)
'''
_TOP_K_SUM_OK = "dim=-1, keepdim=True"
_TOP_P2_OK = dict(cum_dim="-1", cmp="<")

_GEN2 = '''
@torch.no_grad()
def generate(model, input_ids, max_new_tokens, pick, eos_id=None):
    ids = input_ids
    outputs = model(input_ids=ids, use_cache=True)
    for _ in range(max_new_tokens):
        next_id = {choose}.reshape(1, 1)
        {early}
        ids = torch.cat([ids, next_id], dim=1)
        {late}
        outputs = model({call}, use_cache=True)
    return ids
'''
_GEN2_OK = dict(choose="pick(outputs.logits[:, -1, :])", early="", late=_STOP_OK,
                call="input_ids=next_id, past_key_values=outputs.past_key_values")

_DROP = "(self.dropout(x) @ self.lora_A.T @ self.lora_B.T) * self.scale"
_A_INIT = '''torch.empty(r, base.in_features))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5)'''

_COLLATE2 = '''
def collate(examples, pad_id):
    longest = max(len(e["input_ids"]) for e in examples)
    input_ids = torch.full((len(examples), longest), pad_id, dtype=torch.long)
    labels = torch.full((len(examples), longest), -100, dtype=torch.long)
    attention_mask = torch.zeros((len(examples), longest), dtype=torch.long)
    for i, e in enumerate(examples):
        n = len(e["input_ids"])
        input_ids[i, {span}] = torch.tensor(e["input_ids"])
        labels[i, {span}] = torch.tensor(e["labels"])
        attention_mask[i, {span}] = 1
    {after}
    return {{"input_ids": input_ids, "labels": labels, "attention_mask": attention_mask}}
'''
_COLLATE2_OK = dict(span=":n", after="")

_LOSS = '''
def causal_lm_loss(logits, labels):
    {shift}
    return {ret}
'''
_LOSS_OK = dict(shift="logits, labels = logits[:, :-1, :], labels[:, 1:]",
                ret="F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100)")

MUTANTS["ex1_next_token"] += [
    ("greedy as temperature 1e-2", _NEXT2.format(**{**_NEXT2_OK, "greedy": "temperature = 1e-2"})),
    ("greedy one-hot left as integers", _NEXT2.format(**{**_NEXT2_OK, "greedy": "return F.one_hot(logits.argmax(dim=-1), logits.shape[-1])"})),
    ("probabilities returned in float64", _NEXT2.format(**{**_NEXT2_OK, "probs": "torch.softmax(logits.double() / temperature, dim=-1)"})),
    ("squeeze drops a batch of one", _NEXT2.format(**{**_NEXT2_OK, "logits": "model(input_ids).logits[:, -1, :].squeeze()"})),
]
MUTANTS["ex2_top_k_top_p"] += [
    ("top-k zeroes the caller's tensor in place", '''
def top_k_probs(probs, k):
    threshold = probs.topk(k, dim=-1).values[..., -1:]
    probs[probs < threshold] = 0
    return probs / probs.sum(dim=-1, keepdim=True)
''' + _TOP_P_OK),
    ("top-k renormalises over the whole batch", _TOP_K.format(k_sum="") + _TOP_P_OK),
    ("top-p cumsum over the batch dimension", _TOP_K_OK + _TOP_P2.format(**{**_TOP_P2_OK, "cum_dim": "0"})),
    ("top-p keeps a token whose mass before equals p", _TOP_K_OK + _TOP_P2.format(**{**_TOP_P2_OK, "cmp": "<="})),
]
MUTANTS["ex3_generate"] += [
    ("no KV cache: reruns the whole sequence", _GEN2.format(**{**_GEN2_OK, "call": "input_ids=ids"})),
    ("ignores pick (always argmax)", _GEN2.format(**{**_GEN2_OK, "choose": "outputs.logits[:, -1, :].argmax(dim=-1)"})),
    ("stops before appending eos", _GEN2.format(**{**_GEN2_OK, "early": _STOP_OK.replace("            ", "            "), "late": ""})),
    ("pick sees (1, 1, V) logits", _GEN2.format(**{**_GEN2_OK, "choose": "pick(outputs.logits[:, -1:, :])"})),
]
MUTANTS["ex4_lora_layer"] += [
    ("A initialised at zero", _LORA.format(**_LORA_OK).replace(_A_INIT, "torch.zeros(r, base.in_features)")),
    ("init swapped: A zero, B random", _LORA.format(**{**_LORA_OK, "b_init": "torch.empty(base.out_features, r))\n        nn.init.kaiming_uniform_(self.lora_B, a=math.sqrt(5)"}).replace(_A_INIT, "torch.zeros(r, base.in_features)")),
    ("dropout on the branch's output", _LORA.format(**{**_LORA_OK, "update": "self.dropout(x @ self.lora_A.T @ self.lora_B.T) * self.scale"})),
    ("dropout also in eval mode", _LORA.format(**{**_LORA_OK, "update": _DROP.replace("self.dropout(x)", "F.dropout(x, self.dropout.p)")})),
]
MUTANTS["ex5_merge"] += [
    ("merge replaces the weight by a new Parameter", _MERGE.format(**_MERGE_OK).replace(
        "layer.base.weight += layer.scale * (layer.lora_B @ layer.lora_A)",
        "layer.base.weight = nn.Parameter(layer.base.weight + layer.scale * (layer.lora_B @ layer.lora_A))")),
    ("merge adds the transposed update", _MERGE.format(**{**_MERGE_OK, "delta": "layer.scale * (layer.lora_A.T @ layer.lora_B.T)"}).replace(
        "-= layer.scale * (layer.lora_B @ layer.lora_A)", "-= layer.scale * (layer.lora_A.T @ layer.lora_B.T)")),
    ("unmerge without a guard", _MERGE.format(**_MERGE_OK).replace("    if layer.merged:", "    if True:")),
    ("unmerge leaves merged True", _MERGE.format(**_MERGE_OK).replace(
        "layer.merged = False\n    return layer", "pass\n    return layer")),
]
MUTANTS["ex6_inject"] += [
    ("total from state_dict (tied weights twice)", _INJECT.format(**_INJECT_OK).replace(
        "total = sum(p.numel() for p in model.parameters())", "total = sum(t.numel() for t in model.state_dict().values())")),
    ("freezes only the Linear layers", _INJECT.format(**{**_INJECT_OK, "freeze_before": "for m in model.modules():\n        if isinstance(m, nn.Linear):\n            m.requires_grad_(False)"})),
    ("wraps non-Linear modules named in targets", _INJECT.format(**{**_INJECT_OK, "match": "child_name in targets"})),
    ("returns (total, trainable)", _INJECT.format(**_INJECT_OK).replace("return trainable, total", "return total, trainable")),
]
MUTANTS["ex7_examples"] += [
    ("attention mask from input_ids != pad_id", _TOKENIZE_OK + _COLLATE2.format(**{**_COLLATE2_OK, "after": "attention_mask = (input_ids != pad_id).long()"})),
    ("labels masked wherever the id is pad_id", _TOKENIZE_OK + _COLLATE2.format(**{**_COLLATE2_OK, "after": "labels[input_ids == pad_id] = -100"})),
    ("collate pads the caller's lists in place", _TOKENIZE_OK + '''
def collate(examples, pad_id):
    longest = max(len(e["input_ids"]) for e in examples)
    masks = []
    for e in examples:
        n = len(e["input_ids"])
        masks.append([1] * n + [0] * (longest - n))
        e["input_ids"] += [pad_id] * (longest - n)
        e["labels"] += [-100] * (longest - n)
    return {"input_ids": torch.tensor([e["input_ids"] for e in examples]),
            "labels": torch.tensor([e["labels"] for e in examples]),
            "attention_mask": torch.tensor(masks)}
'''),
    ("pads on the left", _TOKENIZE_OK + _COLLATE2.format(**{**_COLLATE2_OK, "span": "longest - n:"})),
]
MUTANTS["ex8_loss"] += [
    ("loss detached (a new tensor from .item())", _LOSS.format(**{**_LOSS_OK, "ret": "torch.tensor(" + _LOSS_OK["ret"] + ".item())"})),
    ("mean per sequence, then over the batch", _LOSS.format(**{**_LOSS_OK, "ret": "torch.stack([F.cross_entropy(lg, lb, ignore_index=-100) for lg, lb in zip(logits, labels)]).mean()"})),
    ("loss in float64", _LOSS.format(**{**_LOSS_OK, "ret": _LOSS_OK["ret"].replace("logits.reshape(-1, logits.shape[-1])", "logits.double().reshape(-1, logits.shape[-1])")})),
    ("shifts the caller's labels in place", _LOSS.format(**{**_LOSS_OK, "shift": "labels[:, :-1] = labels[:, 1:].clone()\n    labels[:, -1] = -100\n    logits = logits",
                                                            "ret": _LOSS_OK["ret"]})),
]
MUTANTS["ex9_train"] += [
    ("never calls model.train()", _TRAIN.format(**{**_TRAIN_OK, "mode_before": ""})),
    ("steps on the leftover micro-batches too", _TRAIN.format(**{**_TRAIN_OK, "steps": "math.ceil(len(batches) / accum_steps)"})),
    ("history holds tensors", _TRAIN.format(**{**_TRAIN_OK, "acc": "+= loss.detach() / accum_steps"})),
    ("on_step after every micro-batch", _TRAIN.format(**{**_TRAIN_OK, "on_step": "", "on_micro": "if on_step is not None:\n                on_step(step, loss.item())"})),
    ("left in train mode", _TRAIN.format(**{**_TRAIN_OK, "mode_after": ""})),
]
MUTANTS["ex10_perplexity"] += [
    ("returns a tensor", _PPL.format(**{**_PPL_OK, "ret": "torch.exp(torch.tensor(total_nll / total_tokens))"})),
    ("counts tokens with the attention mask", _PPL.format(**{**_PPL_OK, "count": 'int(batch["attention_mask"][:, 1:].sum())'})),
    ("base-2 exponent", _PPL.format(**{**_PPL_OK, "ret": "2 ** (total_nll / total_tokens)"})),
    ("returns after the first batch", _PPL.format(**_PPL_OK).replace(
        "\n    return math.exp(total_nll / total_tokens)", "\n        return math.exp(total_nll / total_tokens)")),
]

# ---- blind round 1 (benchmarks/blind/round1, graded before any fix): wrong answers the hidden checks
# missed, copied with their templates. Every list stays at most 9 long (the longest, one round per
# depth): where an exercise was full, the new answer replaces one it subsumes (any check that catches
# the new one catches the old one too).


def _sub(source: str, old: str, new: str) -> str:
    assert source.count(old) == 1, f"{old!r} occurs {source.count(old)} times"
    return source.replace(old, new)


_B1_NEXT = '''
def next_token_logits(model: nn.Module, input_ids: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, V) logits for the token that comes next."""
    return model(input_ids=input_ids).logits[:, -1, :]


def token_probs(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """(B, V) logits -> (B, V) probabilities at `temperature` (0 = greedy: one-hot at the argmax)."""
    if temperature == 0:
        return F.one_hot(logits.argmax(dim=-1), num_classes=logits.shape[-1]).to(logits.dtype)
    return torch.softmax(logits / temperature, dim=-1)
'''

_B1_FILTERS = '''
def top_k_probs(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Keep the k largest probabilities of each row, zero the rest, renormalise."""
    values, indices = torch.topk(probs, k, dim=-1)
    out = torch.zeros_like(probs).scatter(-1, indices, values)
    return out / out.sum(dim=-1, keepdim=True)


def top_p_probs(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose total reaches p, renormalise."""
    sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
    mass_before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
    kept_sorted = torch.where(mass_before < p, sorted_probs, torch.zeros_like(sorted_probs))
    kept = torch.zeros_like(probs).scatter(-1, order, kept_sorted)
    return kept / kept.sum(dim=-1, keepdim=True)
'''

_B1_GEN = '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick, eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    ids = input_ids
    past = None
    feed = input_ids
    for _ in range(max_new_tokens):
        out = model(input_ids=feed, past_key_values=past, use_cache=True)
        past = out.past_key_values
        token = pick(out.logits[:, -1, :]).reshape(1, 1).to(ids.device)
        ids = torch.cat([ids, token], dim=1)
        if eos_id is not None and int(token) == eos_id:
            break
        feed = token
    return ids
'''

_B1_LORA = '''
class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0, dropout: float = 0.0):
        super().__init__()
        self.base = base
        for p in self.base.parameters():
            p.requires_grad_(False)
        self.r = r
        self.alpha = alpha
        self.scale = alpha / r
        w = base.weight
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features, device=w.device, dtype=w.dtype))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r, device=w.device, dtype=w.dtype))
        self.dropout = nn.Dropout(dropout)
        self.merged = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (..., d_in) -> (..., d_out)
        out = self.base(x)
        if self.merged:
            return out
        return out + (self.dropout(x) @ self.lora_A.t() @ self.lora_B.t()) * self.scale
'''

_B1_MERGE = '''
@torch.no_grad()
def merge(layer: nn.Module) -> nn.Module:
    """W <- W + scale * B @ A, once; forward then skips the LoRA branch."""
    if not layer.merged:
        layer.base.weight += layer.scale * (layer.lora_B @ layer.lora_A)
        layer.merged = True
    return layer


@torch.no_grad()
def unmerge(layer: nn.Module) -> nn.Module:
    """Undo merge: W <- W - scale * B @ A, once."""
    if layer.merged:
        layer.base.weight -= layer.scale * (layer.lora_B @ layer.lora_A)
        layer.merged = False
    return layer
'''

_B1_INJECT = '''
def add_lora(model: nn.Module, targets: tuple[str, ...], make_lora) -> nn.Module:
    """Freeze the model, then wrap every nn.Linear named in `targets` with make_lora(linear)."""
    for p in model.parameters():
        p.requires_grad_(False)
    for _, module in list(model.named_modules()):
        for child_name, child in list(module.named_children()):
            if child_name in targets and isinstance(child, nn.Linear):
                setattr(module, child_name, make_lora(child))
    return model


def count_parameters(model: nn.Module) -> tuple[int, int]:
    """(number of trainable parameters, number of all parameters)."""
    params = list(model.parameters())
    return sum(p.numel() for p in params if p.requires_grad), sum(p.numel() for p in params)
'''

_B1_EXAMPLES = '''
def tokenize_pair(tokenizer, instruction: str, response: str) -> dict:
    """{'input_ids': prompt + answer token ids, 'labels': -100 over the prompt, the ids elsewhere}."""
    prompt_ids = tokenizer(chat_prompt(tokenizer, instruction), add_special_tokens=False).input_ids
    answer_ids = tokenizer(response + tokenizer.eos_token, add_special_tokens=False).input_ids
    return {"input_ids": list(prompt_ids) + list(answer_ids), "labels": [-100] * len(prompt_ids) + list(answer_ids)}


def collate(examples: list[dict], pad_id: int) -> dict:
    """Right-pad a list of examples into (B, T_max) tensors input_ids, labels, attention_mask."""
    longest = max(len(e["input_ids"]) for e in examples)
    n = len(examples)
    input_ids = torch.full((n, longest), pad_id, dtype=torch.long)
    labels = torch.full((n, longest), -100, dtype=torch.long)
    attention_mask = torch.zeros((n, longest), dtype=torch.long)
    for i, e in enumerate(examples):
        length = len(e["input_ids"])
        input_ids[i, :length] = torch.tensor(e["input_ids"], dtype=torch.long)
        labels[i, :length] = torch.tensor(e["labels"], dtype=torch.long)
        attention_mask[i, :length] = 1
    return {"input_ids": input_ids, "labels": labels, "attention_mask": attention_mask}
'''

_B1_TRAIN = '''
def train_lora(model: nn.Module, batches: list[dict], optimizer: torch.optim.Optimizer, loss_fn,
               accum_steps: int, device, on_step=None) -> list[float]:
    """Gradient-accumulation training; returns the mean micro-batch loss of every optimizer step."""
    n_steps = len(batches) // accum_steps
    model.train()
    history = []
    bar = progress(range(n_steps), desc="LoRA fine-tuning")
    for step in bar:
        optimizer.zero_grad()
        micro_losses = []
        for i, batch in enumerate(batches[step * accum_steps:(step + 1) * accum_steps]):
            input_ids = batch["input_ids"].to(device)
            attention_mask = batch["attention_mask"].to(device)
            labels = batch["labels"].to(device)
            with autocast(device):
                outputs = model(input_ids=input_ids, attention_mask=attention_mask)
            loss = loss_fn(outputs.logits.float(), labels)
            (loss / accum_steps).backward()
            micro_losses.append(loss.item())
        optimizer.step()
        step_loss = sum(micro_losses) / len(micro_losses)
        history.append(step_loss)
        bar.set_postfix(loss=f"{step_loss:.3f}")
        if on_step is not None:
            on_step(step, step_loss)
    model.eval()
    return history
'''


def _replace(exercise: str, old_label: str, new: tuple[str, str]) -> None:
    labels = [label for label, _ in MUTANTS[exercise]]
    MUTANTS[exercise][labels.index(old_label)] = new


# ex1: a float32 one-hot for float64 logits subsumes the one-hot left as integers (both ignore the logits' dtype)
_replace("ex1_next_token", "greedy one-hot left as integers",
         ("greedy one-hot always float32, whatever the logits' dtype (blind round 1)",
          _sub(_B1_NEXT, ".to(logits.dtype)", ".float()")))
MUTANTS["ex1_next_token"].append(
    ("divides the caller's logits in place by the temperature (blind round 1)",
     _sub(_B1_NEXT, "    return torch.softmax(logits / temperature, dim=-1)\n",
          "    logits /= temperature\n    return torch.softmax(logits, dim=-1)\n")))
MUTANTS["ex2_top_k_top_p"].append(
    ("top-k keeps every token tied with the k-th value (probs >= threshold) (blind round 1)",
     _sub(_B1_FILTERS, "    values, indices = torch.topk(probs, k, dim=-1)\n"
                       "    out = torch.zeros_like(probs).scatter(-1, indices, values)\n",
          "    threshold = torch.topk(probs, k, dim=-1).values[..., -1:]\n"
          "    out = torch.where(probs >= threshold, probs, torch.zeros_like(probs))\n")))
# ex3: eos_id = 0 never stopping subsumes never stopping at eos at all
_replace("ex3_generate", "never stops at eos",
         ("eos test by truthiness: eos_id = 0 never stops (blind round 1)",
          _sub(_B1_GEN, "if eos_id is not None and int(token) == eos_id:", "if eos_id and int(token) == eos_id:")))
MUTANTS["ex3_generate"].append(("always appends at least one token (max_new_tokens = 0 gives one) (blind round 1)", '''
@torch.no_grad()
def generate(model: nn.Module, input_ids: torch.Tensor, max_new_tokens: int, pick, eos_id: int | None = None) -> torch.Tensor:
    """Append up to max_new_tokens tokens chosen by pick(last logits); stop after eos_id."""
    ids = input_ids
    out = model(input_ids=ids, use_cache=True)
    while True:
        token = pick(out.logits[:, -1, :]).reshape(1, 1)
        ids = torch.cat([ids, token], dim=1)
        if (eos_id is not None and int(token) == eos_id) or ids.shape[1] - input_ids.shape[1] >= max_new_tokens:
            break
        out = model(input_ids=token, past_key_values=out.past_key_values, use_cache=True)
    return ids
'''))
MUTANTS["ex4_lora_layer"].append(
    ("forward ignores merged (adds the update on top of a merged weight) (blind round 1)",
     _sub(_B1_LORA, "        if self.merged:\n            return out\n", "")))
MUTANTS["ex5_merge"].append(
    ("merge returns None (blind round 1)",
     _sub(_B1_MERGE, "        layer.merged = True\n    return layer\n", "        layer.merged = True\n")))
# ex6: a target matched as a substring subsumes wrapping every Linear whatever its name
_replace("ex6_inject", "wraps every Linear, ignoring targets",
         ("substring match: wraps every Linear whose name contains a target (blind round 1)",
          _sub(_B1_INJECT, "if child_name in targets and", "if any(t in child_name for t in targets) and")))
MUTANTS["ex6_inject"].append(
    ("add_lora returns None (blind round 1)",
     _sub(_B1_INJECT, "                setattr(module, child_name, make_lora(child))\n    return model\n",
          "                setattr(module, child_name, make_lora(child))\n")))
MUTANTS["ex7_examples"].append(
    ("attention mask of dtype bool (blind round 1)",
     _sub(_sub(_B1_EXAMPLES, "attention_mask = torch.zeros((n, longest), dtype=torch.long)",
               "attention_mask = torch.zeros((n, longest), dtype=torch.bool)"),
          "attention_mask[i, :length] = 1", "attention_mask[i, :length] = True")))
# ex9 (already at 9): a 1-based step subsumes on_step after every micro-batch (both hand on_step wrong steps)
_replace("ex9_train", "on_step after every micro-batch",
         ("on_step gets a 1-based step (blind round 1)",
          _sub(_B1_TRAIN, "on_step(step, step_loss)", "on_step(step + 1, step_loss)")))

# ---- blind round 2 (benchmarks/blind/round2): the misses added where an exercise's list is under 9
MUTANTS["ex10_perplexity"].append(
    ("log(softmax + 1e-9) instead of log_softmax: confident mistakes capped (blind round 2)",
     _sub(_PPL.format(**_PPL_OK),
          "        nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100, "
          "reduction=\"sum\").item()\n",
          "        log_p = torch.log(torch.softmax(logits, dim=-1) + 1e-9)\n"
          "        nll = F.nll_loss(log_p.reshape(-1, log_p.shape[-1]), labels.reshape(-1), ignore_index=-100, "
          "reduction=\"sum\").item()\n")))

# Correct answers: the plain template first (the same code the mutants are made from), then
# other styles a student may write. Every entry must get full marks.
CORRECT = {
    "ex1_next_token": [
        ("template", _NEXT2.format(**_NEXT2_OK)),
        ("float64 inside, scatter one-hot", '''
def next_token_logits(model, input_ids):
    logits = model(input_ids=input_ids).logits
    return logits[:, logits.shape[1] - 1]


def token_probs(logits, temperature=1.0):
    if temperature == 0:
        return torch.zeros_like(logits).scatter(-1, logits.argmax(-1, keepdim=True), 1.0)
    return F.softmax(logits.double() / temperature, dim=-1).to(logits.dtype)
'''),
    ],
    "ex2_top_k_top_p": [
        ("template", _TOP_K.format(k_sum=_TOP_K_SUM_OK) + _TOP_P2.format(**_TOP_P2_OK)),
        ("row loop, masks", '''
def top_k_probs(probs, k):
    out = torch.zeros_like(probs)
    idx = probs.topk(k, dim=-1).indices
    out.scatter_(-1, idx, probs.gather(-1, idx))
    return out / out.sum(-1, keepdim=True)


def top_p_probs(probs, p):
    rows = []
    for row in probs:
        values, order = torch.sort(row, descending=True)
        keep = torch.cumsum(values, 0) - values < p
        mask = torch.zeros_like(row, dtype=torch.bool)
        mask[order[keep]] = True
        kept = torch.where(mask, row, torch.zeros_like(row))
        rows.append(kept / kept.sum())
    return torch.stack(rows)
'''),
    ],
    "ex3_generate": [
        ("template", _GEN2.format(**_GEN2_OK)),
        ("while loop, past kept apart", '''
@torch.no_grad()
def generate(model, input_ids, max_new_tokens, pick, eos_id=None):
    out = model(input_ids=input_ids, past_key_values=None, use_cache=True)
    past, logits = out.past_key_values, out.logits[:, -1, :]
    tokens = [input_ids]
    n = 0
    while n < max_new_tokens:
        token = pick(logits).view(1, 1)
        tokens.append(token)
        n += 1
        if eos_id is not None and token.item() == eos_id:
            break
        if n == max_new_tokens:
            break
        out = model(input_ids=token, past_key_values=past, use_cache=True)
        past, logits = out.past_key_values, out.logits[:, -1, :]
    return torch.cat(tokens, dim=1)
'''),
        ("transformers 5 `cache=` keyword, positional ids", '''
@torch.no_grad()
def generate(model, input_ids, max_new_tokens, pick, eos_id=None):
    out = model(input_ids, use_cache=True)
    ids = input_ids.clone()
    for step in range(max_new_tokens):
        token = pick(out.logits[:, -1, :])
        ids = torch.cat([ids, token[:, None]], dim=-1)
        if token.item() == eos_id:
            break
        if step < max_new_tokens - 1:
            out = model(token[:, None], cache=out.past_key_values, use_cache=True)
    return ids
'''),
    ],
    "ex4_lora_layer": [
        ("template", _LORA.format(**_LORA_OK)),
        ("F.linear, requires_grad_ on the module", '''
class LoRALinear(nn.Module):
    def __init__(self, base, r=8, alpha=16.0, dropout=0.0):
        super().__init__()
        base.requires_grad_(False)
        self.base = base
        self.r = r
        self.alpha = alpha
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.scale = self.alpha / self.r
        self.drop = nn.Dropout(p=dropout)
        self.merged = False

    def forward(self, x):
        if self.merged:
            return self.base(x)
        update = F.linear(F.linear(self.drop(x), self.lora_A), self.lora_B)
        return self.base(x) + self.scale * update
'''),
        ("randn placeholder re-initialised, functional dropout", '''
class LoRALinear(nn.Module):
    def __init__(self, base, r=8, alpha=16.0, dropout=0.0):
        super().__init__()
        self.base = base
        self.base.weight.requires_grad = False
        if self.base.bias is not None:
            self.base.bias.requires_grad = False
        self.r, self.alpha, self.p = r, alpha, dropout
        self.scale = alpha / r
        self.lora_A = nn.Parameter(torch.randn(r, base.in_features))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))
        self.merged = False

    def forward(self, x):
        out = self.base(x)
        if not self.merged:
            h = F.dropout(x, self.p, self.training)
            out = out + torch.einsum("...i,ri,or->...o", h, self.lora_A, self.lora_B) * self.scale
        return out
'''),
    ],
    "ex5_merge": [
        ("template", _MERGE.format(**_MERGE_OK)),
        ("add_ on .data, addmm_", '''
@torch.no_grad()
def merge(layer):
    if layer.merged:
        return layer
    layer.base.weight.data.add_(layer.scale * layer.lora_B @ layer.lora_A)
    layer.merged = True
    return layer


@torch.no_grad()
def unmerge(layer):
    if not layer.merged:
        return layer
    layer.base.weight.addmm_(layer.lora_B, layer.lora_A, alpha=-layer.scale)
    layer.merged = False
    return layer
'''),
    ],
    "ex6_inject": [
        ("template", _INJECT.format(**_INJECT_OK)),
        ("named_modules names, ids of parameters", '''
def add_lora(model, targets, make_lora):
    model.requires_grad_(False)
    found = []
    for name, module in model.named_modules():
        if isinstance(module, nn.Linear) and name.split(".")[-1] in targets:
            found.append(name)
    for name in found:
        parent_name, _, child_name = name.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        setattr(parent, child_name, make_lora(getattr(parent, child_name)))
    return model


def count_parameters(model):
    unique = {id(p): p for p in model.parameters()}
    total = sum(p.numel() for p in unique.values())
    trainable = sum(p.numel() for p in unique.values() if p.requires_grad)
    return trainable, total
'''),
    ],
    "ex7_examples": [
        ("template", _TOKENIZE_OK + _COLLATE2.format(**_COLLATE2_OK)),
        ("lists padded into copies", '''
def tokenize_pair(tokenizer, instruction, response):
    prompt = tokenizer(chat_prompt(tokenizer, instruction), add_special_tokens=False)["input_ids"]
    answer = tokenizer(response + tokenizer.eos_token, add_special_tokens=False)["input_ids"]
    return dict(input_ids=list(prompt) + list(answer), labels=[-100 for _ in prompt] + list(answer))


def collate(examples, pad_id):
    longest = max(len(e["input_ids"]) for e in examples)
    ids, labels, mask = [], [], []
    for e in examples:
        gap = longest - len(e["input_ids"])
        ids.append(list(e["input_ids"]) + [pad_id] * gap)
        labels.append(list(e["labels"]) + [-100] * gap)
        mask.append([1] * len(e["input_ids"]) + [0] * gap)
    return {"input_ids": torch.tensor(ids), "labels": torch.tensor(labels), "attention_mask": torch.tensor(mask)}
'''),
    ],
    "ex8_loss": [
        ("template", _LOSS.format(**_LOSS_OK)),
        ("log_softmax, gather and a mask", '''
def causal_lm_loss(logits, labels):
    targets = labels[:, 1:]
    log_p = torch.log_softmax(logits[:, :-1], dim=-1)
    mask = targets != -100
    picked = log_p.gather(-1, targets.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    return -(picked * mask).sum() / mask.sum()
'''),
    ],
    "ex9_train": [
        ("template", _TRAIN.format(**_TRAIN_OK)),
        ("one flat loop over micro-batches", '''
def train_lora(model, batches, optimizer, loss_fn, accum_steps, device, on_step=None):
    steps = len(batches) // accum_steps
    history, running = [], []
    model.train()
    optimizer.zero_grad()
    for i, batch in enumerate(progress(batches[:steps * accum_steps], desc="fine-tuning")):
        ids, mask, labels = (batch[k].to(device) for k in ("input_ids", "attention_mask", "labels"))
        with autocast(device):
            logits = model(input_ids=ids, attention_mask=mask).logits
        loss = loss_fn(logits.float(), labels)
        (loss / accum_steps).backward()
        running.append(loss.item())
        if (i + 1) % accum_steps == 0:
            optimizer.step()
            optimizer.zero_grad()
            history.append(sum(running) / len(running))
            running = []
            if on_step:
                on_step(len(history) - 1, history[-1])
    model.eval()
    return history
'''),
    ],
    "ex10_perplexity": [
        ("template", _PPL.format(**_PPL_OK)),
        ("log_softmax and gather, float64 sums", '''
@torch.no_grad()
def perplexity(model, batches, device):
    nll, count = torch.zeros((), dtype=torch.float64), 0
    for batch in batches:
        logits = model(input_ids=batch["input_ids"].to(device), attention_mask=batch["attention_mask"].to(device)).logits
        targets = batch["labels"].to(device)[:, 1:]
        log_p = logits[:, :-1].float().log_softmax(-1)
        mask = targets != -100
        picked = log_p.gather(-1, targets.clamp(min=0).unsqueeze(-1)).squeeze(-1)
        nll -= (picked * mask).sum().double()
        count += int(mask.sum())
    return float(torch.exp(nll / count))
'''),
    ],
}

# Written before the confident-logits check ran: exact only while no probability underflows to 0.
MUTANTS["ex8_loss"].append(("log of softmax probabilities, then nll_loss", '''
def causal_lm_loss(logits, labels):
    logits, labels = logits[:, :-1], labels[:, 1:]
    log_p = torch.log(torch.softmax(logits, dim=-1))
    return F.nll_loss(log_p.reshape(-1, log_p.shape[-1]), labels.reshape(-1), ignore_index=-100)
'''))


# The introduction's "what your functions may change": a function that is neither the training loop nor an
# evaluation uses the model in the train/eval mode the caller left it in, and hands it back in that mode.
_GENERATE_OK, _INJECT_SRC = CORRECT["ex3_generate"][0][1], _INJECT.format(**_INJECT_OK)
_GENERATE_FIRST = "    ids = input_ids\n"
MUTANTS["ex3_generate"] += [
    ("model.eval() at the start of generate, never undone", _sub(_GENERATE_OK, _GENERATE_FIRST,
                                                                  "    model.eval()\n" + _GENERATE_FIRST)),
    ("model.eval() for the loop, model.train() after it (a model given in eval mode comes back training)",
     _sub(_sub(_GENERATE_OK, _GENERATE_FIRST, "    model.eval()\n" + _GENERATE_FIRST),
          "    return ids\n", "    model.train()\n    return ids\n")),
    ("freezes the model (requires_grad_(False)) to save memory, never undone", _sub(
        _GENERATE_OK, _GENERATE_FIRST, "    model.requires_grad_(False)\n" + _GENERATE_FIRST)),
]
MUTANTS["ex6_inject"] += [
    ("model.train() before returning (ready for fine-tuning)", _sub(_INJECT_SRC, "    return model\n",
                                                                    "    model.train()\n    return model\n")),
    ("model.eval() while wrapping, never undone", _sub(_INJECT_SRC, "    for _, parent in",
                                                       "    model.eval()\n    for _, parent in")),
    ("model.eval() while wrapping, model.train() after it", _sub(_sub(
        _INJECT_SRC, "    for _, parent in", "    model.eval()\n    for _, parent in"),
        "    return model\n", "    model.train()\n    return model\n")),
]

# Blind round 11's answers that kept their points until their own checks were added (the sources stay there).
from benchmarks.blind.answers import add_wrong_answers  # noqa: E402

add_wrong_answers(MUTANTS, 11, "03_llm_finetuning/03_llm_finetuning", {
    "ex1_next_token": ["the last logits cast .float()", "softmax with dtype=torch.float32"],
    "ex2_top_k_top_p": ["top-k returns probs itself when k >= V"],
    "ex3_generate": ["the token fed back with the cache is the argmax"],  # caught under some seeds only, until its record
    "ex4_lora_layer": ["base.eval() in __init__", "freezing also clears the base's gradients",
                       "self.base = base.float()"],
    "ex6_inject": ["frozen through model.children()"],
    "ex7_examples": ["attention mask = (input_ids != pad_id) | (labels != -100)",
                     "tokenize_pair also returns the tokenizer's attention_mask lists"],
    "ex9_train": ["at least one step (max(1, len(batches) // accum_steps))"],
})

# Blind round 12's misses (the sources stay in benchmarks/blind/round12).
add_wrong_answers(MUTANTS, 12, "03_llm_finetuning/03_llm_finetuning", {
    "ex2_top_k_top_p": ["top-p returns probs itself when p >= 1"],
    "ex3_generate": ["pick given the last logits cast .float()"],
})

# Blind round 13's misses (the sources stay in benchmarks/blind/round13).
add_wrong_answers(MUTANTS, 13, "03_llm_finetuning/03_llm_finetuning", {
    "ex1_next_token": ["next_token_logits turns gradient tracking off"],
    "ex3_generate": ["an end-of-turn token appended when the limit is reached"],
    "ex4_lora_layer": ["forward flattens with x.view(-1, d_in)", "base frozen by replacing its parameters"],
    "ex6_inject": ["add_lora starts with model.zero_grad()"],
    "ex7_examples": ["collate truncates to 256 tokens"],
    "ex8_loss": ["logits cast .float() inside"],
    "ex9_train": ["on_step given round(step_loss, 3)"],
    "ex10_perplexity": ["model.float() first"],
})

# Blind round 14's misses (the sources stay in benchmarks/blind/round14).
add_wrong_answers(MUTANTS, 14, "03_llm_finetuning/03_llm_finetuning", {
    "ex5_merge": ["merge re-wraps lora_A and lora_B as fresh nn.Parameters"],
    "ex6_inject": ["torch.manual_seed(0) before wrapping", "add_lora ends with model.float()"],
    "ex9_train": ["on_step called with keywords"],
})
add_wrong_answers(MUTANTS, 15, "03_llm_finetuning/03_llm_finetuning", {
    "ex5_merge": ["merge skips a layer whose scale is 0"],
    # ex6_inject's "empty targets fall back to the four attention projections" is caught by the hidden
    # inject/no_targets_wraps_nothing; not listed here until the visible check catches it too (with it, the
    # visible check would miss more than half of the cell's mutants)
    "ex7_examples": ["the instruction .strip()ped before the chat prompt"],
})

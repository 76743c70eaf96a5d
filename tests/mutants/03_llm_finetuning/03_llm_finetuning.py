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
    model.train()
    history = []
    for step in range(len(batches) // accum_steps):
        {zero_outer}
        step_loss = 0.0
        for batch in batches[step * accum_steps:(step + 1) * accum_steps]:
            {zero_inner}
            outputs = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
            loss = loss_fn(outputs.logits.float(), batch["labels"])
            ({scaled}).backward()
            {step_inner}
            step_loss {acc}
        {step_outer}
        history.append(step_loss)
    return history
'''
_TRAIN_OK = dict(zero_outer="optimizer.zero_grad()", zero_inner="", scaled="loss / accum_steps",
                 step_inner="", acc="+= loss.item() / accum_steps", step_outer="optimizer.step()")

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
        per_batch.append(nll / count)
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

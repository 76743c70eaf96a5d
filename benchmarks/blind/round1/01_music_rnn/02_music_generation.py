"""Blind round: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 2
(music generation), written from the student notebook only, without the hidden checks.

Every mutant is a mistake not already in tests/mutants/01_music_rnn/02_music_generation.py.
CORRECT[...][0] is the reference the proofs (benchmarks/blind/round1/prove_01_02.py) compare with.
"""

# ---- ex1_vocab --------------------------------------------------------------------------------
_EX1_OK = '''
def build_vocab(text: str) -> list[str]:
    return sorted(dict.fromkeys(text))


def vectorize(text: str, vocab: list[str]) -> torch.Tensor:
    table = torch.zeros(max([ord(ch) for ch in vocab], default=0) + 1, dtype=torch.long)
    for i, ch in enumerate(vocab):
        table[ord(ch)] = i
    return table[torch.tensor([ord(ch) for ch in text], dtype=torch.long)]


def devectorize(ids, vocab: list[str]) -> str:
    return "".join(vocab[i] for i in torch.as_tensor(ids, dtype=torch.long).reshape(-1).tolist())
'''
_EX1_LOOPS = '''
def build_vocab(text: str) -> list[str]:
    seen = []
    for ch in text:
        if ch not in seen:
            seen.append(ch)
    seen.sort()
    return seen


def vectorize(text: str, vocab: list[str]) -> torch.Tensor:
    position = {}
    for i, ch in enumerate(vocab):
        position[ch] = i
    ids = torch.empty(len(text), dtype=torch.long)
    for t, ch in enumerate(text):
        ids[t] = position[ch]
    return ids


def devectorize(ids, vocab: list[str]) -> str:
    out = []
    for i in ids:
        out.append(vocab[int(i)])
    return "".join(out)
'''
_BUILD = "def build_vocab(text):\n    return sorted(set(text))\n\n\n"
_VEC = ("def vectorize(text, vocab):\n    lookup = {ch: i for i, ch in enumerate(vocab)}\n"
        "    return torch.tensor([lookup[ch] for ch in text], dtype=torch.long)\n\n\n")
_DEV = "def devectorize(ids, vocab):\n    return ''.join(vocab[int(i)] for i in ids)\n"
_EX1_CASEFOLD = _BUILD.replace("sorted(set(text))", "sorted(set(text), key=str.lower)") + _VEC + _DEV
_EX1_RESORT = _BUILD + _VEC.replace("enumerate(vocab)", "enumerate(sorted(vocab))") + _DEV
_EX1_SKIP_ZERO = _BUILD + _VEC + _DEV.replace("for i in ids)", "for i in ids if int(i) != 0)  # 0 is padding")
_EX1_ROW = _BUILD + _VEC.replace("torch.tensor([lookup[ch] for ch in text], dtype=torch.long)",
                                 "torch.tensor([[lookup[ch] for ch in text]], dtype=torch.long)") + _DEV

# ---- ex2_batch --------------------------------------------------------------------------------
_EX2_OK = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    starts = torch.randint(len(ids) - seq_len, (batch_size,), generator=generator)
    windows = ids.unfold(0, seq_len + 1, 1)[starts]
    return windows[:, :-1], windows[:, 1:]
'''
_EX2_FILL = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    starts = torch.randint(low=0, high=len(ids) - seq_len, size=(batch_size,), generator=generator)
    x = torch.empty((batch_size, seq_len), dtype=ids.dtype)
    y = torch.empty((batch_size, seq_len), dtype=ids.dtype)
    for row, s in enumerate(starts.tolist()):
        x[row] = ids[s:s + seq_len]
        y[row] = ids[s + 1:s + seq_len + 1]
    return x, y
'''
_EX2_ZEROS = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)
    x = torch.zeros(batch_size, seq_len)
    y = torch.zeros(batch_size, seq_len)
    for row, s in enumerate(starts.tolist()):
        x[row] = ids[s:s + seq_len]
        y[row] = ids[s + 1:s + seq_len + 1]
    return x, y
'''
_EX2 = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
{pre}    starts = {starts}
    x = torch.stack([ids[s:s + seq_len] for s in starts.tolist()])
    y = torch.stack([{target} for s in starts.tolist()])
    return x, y
'''
_STARTS = "torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)"
_TARGET = "ids[s + 1:s + seq_len + 1]"
_EX2_RESEED = _EX2.format(pre="    if generator is not None:\n"
                              "        generator.manual_seed(0)  # reproducible batches\n",
                          starts=_STARTS, target=_TARGET)
_EX2_ROLL = _EX2.format(pre="", starts=_STARTS, target="torch.roll(ids[s:s + seq_len], -1)")
_EX2_RANDPERM = _EX2.format(pre="", starts="torch.randperm(len(ids) - seq_len, generator=generator)[:batch_size]",
                            target=_TARGET)

# ---- ex3_model --------------------------------------------------------------------------------
_EX3_OK = '''
import torch.nn.functional as F


class MusicLSTM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.embedding = nn.Embedding(num_embeddings=cfg.vocab_size, embedding_dim=cfg.embedding_dim)
        self.lstm = nn.LSTM(input_size=cfg.embedding_dim, hidden_size=cfg.hidden_size,
                            num_layers=cfg.num_layers, batch_first=True)
        self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        emb = self.embedding(x)
        if state is None:
            shape = (self.lstm.num_layers, x.shape[0], self.lstm.hidden_size)
            state = (emb.new_zeros(shape), emb.new_zeros(shape))
        out, new_state = self.lstm(emb, state)
        return F.linear(out, self.head.weight, self.head.bias), new_state
'''
_EX3_FLAT = '''
class MusicLSTM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.embedding = nn.Embedding(cfg.vocab_size, cfg.embedding_dim)
        self.lstm = nn.LSTM(cfg.embedding_dim, cfg.hidden_size, cfg.num_layers, batch_first=True)
        self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        batch, steps = x.shape
        out, (h, c) = self.lstm(self.embedding(x)) if state is None else self.lstm(self.embedding(x), state)
        logits = self.head(out.reshape(batch * steps, -1)).reshape(batch, steps, -1)
        return logits, (h, c)
'''
_EX3 = '''
class MusicLSTM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.embedding = nn.Embedding(cfg.vocab_size, cfg.embedding_dim)
        self.lstm = nn.LSTM(cfg.embedding_dim, cfg.hidden_size, num_layers=cfg.num_layers, batch_first=True{lstm})
        self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)

    def forward(self, x: torch.Tensor, state=None):
{forward}
'''
_FWD = "        out, state = self.lstm(self.embedding(x), state)\n        return self.head(out), state"
_EX3_DETACH = _EX3.format(lstm="", forward="        out, (h, c) = self.lstm(self.embedding(x), state)\n"
                                           "        return self.head(out), (h.detach(), c.detach())  # truncated BPTT")
_EX3_SCALE = _EX3.format(lstm="", forward=_FWD.replace(
    "self.embedding(x)", "self.embedding(x) * math.sqrt(self.embedding.embedding_dim)"))
_EX3_ZERO_STATE = _EX3.format(lstm="", forward=(
    "        if state is None:\n"
    "            h0 = torch.zeros(1, x.shape[0], self.lstm.hidden_size)\n"
    "            state = (h0, torch.zeros_like(h0))\n" + _FWD))
_EX3_DROPOUT = _EX3.format(lstm=", dropout=0.2", forward=_FWD)

# ---- ex4_loss ---------------------------------------------------------------------------------
_EX4_OK = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    log_probs = F.log_softmax(logits, dim=-1)
    return F.nll_loss(log_probs.flatten(0, 1), targets.flatten())
'''
_EX4_LSE = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    picked = logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    return (torch.logsumexp(logits, dim=-1) - picked).mean()
'''
_CE = "F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1){extra})"
_EX4_IGNORE0 = "def sequence_loss(logits, targets):\n    return " + _CE.format(extra=", ignore_index=0") + "\n"
_EX4_LOG_EPS = ("def sequence_loss(logits, targets):\n    probs = torch.softmax(logits, dim=-1)\n"
                "    p = probs.gather(-1, targets.unsqueeze(-1)).squeeze(-1)\n"
                "    return -torch.log(p + 1e-8).mean()  # no log(0)\n")
_EX4_DETACH = "def sequence_loss(logits, targets):\n    return " + _CE.format(extra="") + ".detach()\n"
_EX4_VIEW = ("def sequence_loss(logits, targets):\n"
             "    return F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1))\n")

# ---- ex5_train_step ---------------------------------------------------------------------------
_EX5_OK = '''
def train_step(model: nn.Module, optimizer, x: torch.Tensor, y: torch.Tensor, loss_fn, max_norm: float) -> float:
    model.train(mode=True)
    for p in model.parameters():
        p.grad = None
    logits, _state = model(x)
    loss = loss_fn(logits, y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    value = loss.item()
    optimizer.step()
    return value
'''
_EX5_AUTOGRAD = '''
def train_step(model: nn.Module, optimizer, x: torch.Tensor, y: torch.Tensor, loss_fn, max_norm: float) -> float:
    model.train()
    optimizer.zero_grad()
    output = model(x)
    loss = loss_fn(output[0], y)
    torch.autograd.backward(loss)
    nn.utils.clip_grad_norm_(parameters=[p for p in model.parameters() if p.grad is not None], max_norm=max_norm)
    optimizer.step()
    return loss.detach().item()
'''
_EX5 = '''
def train_step(model, optimizer, x, y, loss_fn, max_norm):
{body}
'''
_STEP = ["    model.train()", "    optimizer.zero_grad()", "    logits, _ = model(x)", "    loss = loss_fn(logits, y)",
         "    loss.backward()", "    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)",
         "    optimizer.step()",
         "    return loss.item()"]


def _step(order=None, replace=None):
    lines = list(_STEP) if order is None else [_STEP[i] for i in order]
    for old, new in (replace or {}).items():
        lines = [new if line == old else line for line in lines]
    return _EX5.format(body="\n".join(lines))


_EX5_ZERO_AFTER_BACKWARD = _step(order=[0, 2, 3, 4, 1, 5, 6, 7])
_EX5_CLIP_BEFORE_BACKWARD = _step(order=[0, 1, 2, 3, 5, 4, 6, 7])
_EX5_EVAL = _step(replace={"    model.train()": "    model.eval()"})
_EX5_RETURNS_NORM = _step(replace={
    "    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)":
        "    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)",
    "    return loss.item()": "    return norm.item()"})

# ---- ex6_sample -------------------------------------------------------------------------------
_EX6_OK = '''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    dev = next(iter(model.parameters()), torch.empty(0)).device   # the model's device (CPU if it has no parameters)
    index_of = {ch: i for i, ch in enumerate(vocab)}
    chars = list(start)
    inputs = torch.tensor([[index_of[ch] for ch in start]], dtype=torch.long, device=dev)
    state = None
    for _ in range(max_len):
        logits, state = model(inputs, state)
        probs = torch.softmax(logits[0, -1] / temperature, dim=-1).cpu()
        nxt = int(torch.multinomial(probs, 1, generator=generator)[0])
        chars.append(vocab[nxt])
        if chars[-2:] == ["\\n", "\\n"]:
            break
        inputs = torch.tensor([[nxt]], dtype=torch.long, device=dev)
    return "".join(chars)
'''
_EX6_WHILE = '''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    params = list(model.parameters())
    where = params[0].device if params else torch.device("cpu")
    text = start
    x = torch.as_tensor([[vocab.index(ch) for ch in start]], dtype=torch.long, device=where)
    state, added = None, 0
    while added < max_len:
        logits, state = model(x, state)
        probs = torch.softmax(logits.squeeze(0)[-1].div(temperature), dim=-1).cpu()
        choice = torch.multinomial(probs, num_samples=1, generator=generator)
        text += vocab[choice.item()]
        added += 1
        if text.endswith("\\n\\n"):
            break
        x = choice.view(1, 1).to(where)
    return text
'''
_EX6 = '''
@torch.no_grad()
def sample(model, vocab, start="X:1\\nT:", max_len=1000, temperature=1.0, generator=None):
    model.eval()
    lookup = {{ch: i for i, ch in enumerate(vocab)}}
    x = torch.tensor([[lookup[ch] for ch in start]])
    state, generated = None, ""
    for _ in range({steps}):
        logits, state = model(x, state)
        probs = {probs}
        index = int(torch.multinomial(probs, 1, generator=generator))
        generated += vocab[index]
        if {stop}:
            break
        x = torch.tensor([[index]])
    return start + generated
'''
_EX6_P = dict(steps="max_len", probs="torch.softmax(logits[0, -1] / temperature, dim=-1)",
              stop='(start + generated).endswith("\\n\\n")')
_EX6_GENERATED_ONLY = _EX6.format(**{**_EX6_P, "stop": 'generated.endswith("\\n\\n")'})
_EX6_EXP = _EX6.format(**{**_EX6_P, "probs": "torch.exp(logits[0, -1] / temperature)  # multinomial normalises"})
_EX6_ONE_NEWLINE = _EX6.format(**{**_EX6_P, "stop": 'vocab[index] == "\\n"'})
_EX6_ONE_MORE = _EX6.format(**{**_EX6_P, "steps": "max_len + 1"})

# ---- ex7_evaluate -----------------------------------------------------------------------------
_EX7_OK = '''
@torch.no_grad()
def bits_per_char(model: nn.Module, ids: torch.Tensor, seq_len: int = 256) -> float:
    model.eval()
    ids = ids.to(next(iter(model.parameters()), ids).device)
    pos, state, nll, n = 0, None, 0.0, len(ids) - 1
    while pos < n:
        step = min(seq_len, n - pos)
        logits, state = model(ids[pos:pos + step].unsqueeze(0), state)
        logp = F.log_softmax(logits[0], dim=-1)
        nll -= logp.gather(1, ids[pos + 1:pos + 1 + step].unsqueeze(1)).sum().item()
        pos += step
    return nll / n / math.log(2)


def valid_tune_rate(tunes: list[str], problem=tune_problem) -> float:
    if len(tunes) == 0:
        return 0.0
    return sum(map(lambda t: problem(t) is None, tunes)) / len(tunes)
'''
_EX7_F64 = '''
@torch.no_grad()
def bits_per_char(model: nn.Module, ids: torch.Tensor, seq_len: int = 256) -> float:
    model.eval()
    params = list(model.parameters())
    dev = params[0].device if params else ids.device
    total = torch.zeros((), dtype=torch.float64)
    state = None
    for i in range(0, len(ids) - 1, seq_len):
        x = ids[i:i + seq_len].to(dev)
        y = ids[i + 1:i + seq_len + 1].to(dev)
        x = x[:len(y)]
        logits, state = model(x[None, :], state)
        total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="sum").double().cpu()
    return float(total / (len(ids) - 1)) / math.log(2)


def valid_tune_rate(tunes: list[str], problem=tune_problem) -> float:
    valid = 0
    for tune in tunes:
        if problem(tune) is None:
            valid += 1
    return valid / len(tunes) if tunes else 0.0
'''
_EX7 = '''
@torch.no_grad()
def bits_per_char(model, ids, seq_len=256):
    model.eval()
    total, count, state = 0.0, 0, None
    targets_all = {targets}
    for i in range(0, len(ids) - 1, {step}):
        x = ids[i:min(i + seq_len, {end})]
        y = targets_all[i:i + len(x)]
        logits, state = model(x[None], state)
        total += {term}
        count += len(y)
    return {ret}


def valid_tune_rate(tunes, problem=tune_problem):
    if not tunes:
        return 0.0
    return {rate}
'''
_EX7_P = dict(targets="ids[1:]", step="seq_len", end="len(ids) - 1",
              term='F.cross_entropy(logits[0], y, reduction="sum").item()', ret="total / count / math.log(2)",
              rate="sum(problem(t) is None for t in tunes) / len(tunes)")
_EX7_STEP_PLUS_ONE = _EX7.format(**{**_EX7_P, "step": "seq_len + 1"})
_EX7_JENSEN = _EX7.format(**{**_EX7_P, "term": "torch.softmax(logits[0], -1).gather(1, y[:, None]).sum().item()",
                             "ret": "-math.log2(total / count)"})
_EX7_PERCENT = _EX7.format(**{**_EX7_P, "rate": "100 * sum(problem(t) is None for t in tunes) / len(tunes)"})
_EX7_ROLL = _EX7.format(**{**_EX7_P, "targets": "torch.roll(ids, -1)", "end": "len(ids)",
                           "ret": "total / count / math.log(2)"}).replace(
    "range(0, len(ids) - 1,", "range(0, len(ids),")

MUTANTS = {
    "ex1_vocab": [
        ("vocabulary sorted case-insensitively (key=str.lower)", _EX1_CASEFOLD),
        ("vectorize re-sorts the vocabulary it is given", _EX1_RESORT),
        ("devectorize drops index 0 as if it were padding", _EX1_SKIP_ZERO),
        ("vectorize returns shape (1, len(text))", _EX1_ROW),
    ],
    "ex2_batch": [
        ("x and y preallocated with torch.zeros: float32, not the ids' dtype", _EX2_ZEROS),
        ("reseeds the caller's generator: every call returns the same batch", _EX2_RESEED),
        ("target is torch.roll of the window: the last target wraps around", _EX2_ROLL),
        ("starts from randperm: no repeated starts, at most len(ids) - seq_len rows", _EX2_RANDPERM),
    ],
    "ex3_model": [
        ("returned state detached (no gradient into the previous chunk)", _EX3_DETACH),
        ("embeddings scaled by sqrt(embedding_dim)", _EX3_SCALE),
        ("initial state of one layer, whatever num_layers", _EX3_ZERO_STATE),
        ("dropout=0.2 inside the LSTM", _EX3_DROPOUT),
    ],
    "ex4_loss": [
        ("ignore_index=0 although index 0 is a real character", _EX4_IGNORE0),
        ("-log(softmax + 1e-8): biased, saturates for confident mistakes", _EX4_LOG_EPS),
        ("loss detached (backward impossible)", _EX4_DETACH),
        ("view instead of reshape (fails on non-contiguous logits)", _EX4_VIEW),
    ],
    "ex5_train_step": [
        ("zero_grad between backward and step (no update)", _EX5_ZERO_AFTER_BACKWARD),
        ("clipping before backward (clips nothing)", _EX5_CLIP_BEFORE_BACKWARD),
        ("model.eval() instead of model.train()", _EX5_EVAL),
        ("returns the gradient norm instead of the loss", _EX5_RETURNS_NORM),
    ],
    "ex6_sample": [
        ("the blank line is looked for in the generated part only", _EX6_GENERATED_ONLY),
        ("exp(logits / T) without the max shift: overflows for small temperatures", _EX6_EXP),
        ("stops at the first newline, not at a blank line", _EX6_ONE_NEWLINE),
        ("max_len + 1 characters generated", _EX6_ONE_MORE),
    ],
    "ex7_evaluate": [
        ("chunks step by seq_len + 1: one character per chunk boundary skipped", _EX7_STEP_PLUS_ONE),
        ("-log2 of the mean probability instead of the mean of -log2 p", _EX7_JENSEN),
        ("valid_tune_rate as a percentage", _EX7_PERCENT),
        ("targets from torch.roll: the last character predicts the first", _EX7_ROLL),
    ],
}

CORRECT = {
    "ex1_vocab": [
        ("dict.fromkeys, an ord() lookup table, as_tensor(...).tolist()", _EX1_OK),
        ("explicit loops and list.sort()", _EX1_LOOPS),
    ],
    "ex2_batch": [
        ("unfold windows indexed by the starts", _EX2_OK),
        ("empty tensors of ids.dtype filled row by row", _EX2_FILL),
    ],
    "ex3_model": [
        ("keyword layers, explicit zero state, F.linear with the head's weights", _EX3_OK),
        ("flattened head call, state passed only when given", _EX3_FLAT),
    ],
    "ex4_loss": [
        ("log_softmax + nll_loss on flatten(0, 1)", _EX4_OK),
        ("logsumexp minus the gathered logit", _EX4_LSE),
    ],
    "ex5_train_step": [
        ("grads set to None by hand, loss read before the step", _EX5_OK),
        ("torch.autograd.backward, keyword clipping arguments", _EX5_AUTOGRAD),
    ],
    "ex6_sample": [
        ("list of characters, device-aware, multinomial on CPU probabilities", _EX6_OK),
        ("while loop with vocab.index and choice.view(1, 1)", _EX6_WHILE),
    ],
    "ex7_evaluate": [
        ("while loop over positions, log_softmax + gather", _EX7_OK),
        ("float64 running total, explicit counting loop", _EX7_F64),
    ],
}

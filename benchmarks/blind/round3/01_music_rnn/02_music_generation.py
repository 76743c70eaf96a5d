r"""Blind round 3: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 2
(music generation), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/01_music_rnn/02_music_generation.py nor in
benchmarks/blind/round1/ or round2/. CORRECT[...][0] is the reference the proofs
(benchmarks/blind/round3/prove_01_02.py) compare with.
"""


def _sub(source: str, old: str, new: str) -> str:
    assert old in source, old
    return source.replace(old, new, 1)


# ---- ex1_vocab --------------------------------------------------------------------------------
_EX1_OK = '''
def build_vocab(text: str) -> list[str]:
    """The sorted list of distinct characters in `text`."""
    return sorted(set(text))


def vectorize(text: str, vocab: list[str]) -> torch.Tensor:
    """'AB' -> tensor([index of 'A', index of 'B']), dtype torch.long, shape (len(text),)."""
    index = {ch: i for i, ch in enumerate(vocab)}
    return torch.tensor([index[ch] for ch in text], dtype=torch.long)


def devectorize(ids, vocab: list[str]) -> str:
    """The inverse of vectorize: indices (tensor or list) -> string."""
    return "".join(vocab[int(i)] for i in ids)
'''
_EX1_NUMPY = '''
import numpy as np


def build_vocab(text: str) -> list[str]:
    return [str(c) for c in np.unique(np.array(list(text), dtype=object).astype(str))] if text else []


def vectorize(text: str, vocab: list[str]) -> torch.Tensor:
    out = torch.empty(len(text), dtype=torch.int64)
    for position, ch in enumerate(text):
        out[position] = vocab.index(ch)
    return out


def devectorize(ids, vocab: list[str]) -> str:
    pieces = []
    for i in (ids.tolist() if torch.is_tensor(ids) else ids):
        pieces.append(vocab[i])
    return "".join(pieces)
'''
_EX1_SET = _sub(_EX1_OK, "return sorted(set(text))", "return list(set(text))")
_EX1_DUPES = _sub(_EX1_OK, "return sorted(set(text))", "return sorted(text)")
_EX1_ORD = _sub(_EX1_OK, "torch.tensor([index[ch] for ch in text], dtype=torch.long)",
                "torch.tensor([ord(ch) for ch in text], dtype=torch.long)")
_EX1_LIST = _sub(_EX1_OK, "torch.tensor([index[ch] for ch in text], dtype=torch.long)", "[index[ch] for ch in text]")

# ---- ex2_batch --------------------------------------------------------------------------------
_EX2_OK = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    """Random windows: x (B, T) and the next characters y (B, T)."""
    starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)
    x = torch.stack([ids[s:s + seq_len] for s in starts.tolist()])
    y = torch.stack([ids[s + 1:s + seq_len + 1] for s in starts.tolist()])
    return x, y
'''
_EX2_UNFOLD = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    windows = ids.unfold(0, seq_len + 1, 1)                      # (len(ids) - seq_len, seq_len + 1)
    starts = torch.randint(len(windows), size=(batch_size,), generator=generator)
    chosen = windows.index_select(0, starts)
    return chosen[:, :-1].clone(), chosen[:, 1:].clone()
'''
_EX2_RAND = _sub(_EX2_OK, "torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)",
                 "(torch.rand(batch_size, generator=generator) * (len(ids) - seq_len)).long()")
_EX2_X_LONG = _sub(_EX2_OK, "ids[s:s + seq_len] for s", "ids[s:s + seq_len + 1] for s")
_EX2_LISTS = _sub(_sub(_EX2_OK, "torch.stack([ids[s:s + seq_len] for", "list([ids[s:s + seq_len] for"),
                  "torch.stack([ids[s + 1:", "list([ids[s + 1:")
_EX2_SEQ_ROWS = _sub(_EX2_OK, "(batch_size,), generator=generator)", "(seq_len,), generator=generator)")

# ---- ex3_model --------------------------------------------------------------------------------
_EX3_OK = '''
class MusicLSTM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.embedding = nn.Embedding(cfg.vocab_size, cfg.embedding_dim)
        self.lstm = nn.LSTM(cfg.embedding_dim, cfg.hidden_size, num_layers=cfg.num_layers, batch_first=True)
        self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        """x (B, T) indices -> logits (B, T, V), state (h, c) each (num_layers, B, hidden)."""
        out, state = self.lstm(self.embedding(x), state)
        return self.head(out), state
'''
_EX3_MATMUL = '''
class MusicLSTM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.embedding = nn.Embedding(cfg.vocab_size, cfg.embedding_dim)
        self.lstm = nn.LSTM(input_size=cfg.embedding_dim, hidden_size=cfg.hidden_size,
                            num_layers=cfg.num_layers, batch_first=True)
        self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        if state is None:
            out, (h, c) = self.lstm(self.embedding(x))
        else:
            out, (h, c) = self.lstm(self.embedding(x), state)
        logits = out @ self.head.weight.T + self.head.bias
        return logits, (h, c)
'''
_EX3_GRU = _sub(_EX3_OK, "nn.LSTM(cfg.embedding_dim", "nn.GRU(cfg.embedding_dim")
_EX3_EMB_DETACHED = _sub(_EX3_OK, "self.lstm(self.embedding(x), state)", "self.lstm(self.embedding(x).detach(), state)")
_EX3_VOCAB_PLUS = _sub(_EX3_OK, "nn.Embedding(cfg.vocab_size, cfg.embedding_dim)",
                       "nn.Embedding(cfg.vocab_size + 1, cfg.embedding_dim)   # one spare slot for padding")
_EX3_TRANSPOSED = _sub(_EX3_OK, "return self.head(out), state",
                       "return self.head(out).transpose(1, 2), state   # (B, V, T), as cross_entropy likes it")

# ---- ex4_loss ---------------------------------------------------------------------------------
_EX4_OK = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
'''
_EX4_NLL = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    log_p = torch.log_softmax(logits, dim=-1)
    picked = torch.take_along_dim(log_p, targets.unsqueeze(-1), dim=-1).squeeze(-1)   # (B, T)
    return picked.mean().neg()
'''
_EX4_SHAPE1 = _sub(_EX4_OK, "logits.reshape(-1, logits.shape[-1])", "logits.reshape(-1, logits.shape[1])")
_EX4_LSE_NO_SHIFT = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    picked = logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1)         # z_y
    log_norm = torch.log(torch.exp(logits).sum(dim=-1))                   # log sum_j exp(z_j)
    return (log_norm - picked).mean()
'''
_EX4_NO_LAST = _sub(_EX4_OK, "F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))",
                    "F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), targets[:, :-1].reshape(-1))")
_EX4_PER_BATCH = _sub(_EX4_OK, "targets.reshape(-1))", "targets.reshape(-1)) / logits.shape[0]")

# ---- ex5_train_step ---------------------------------------------------------------------------
_EX5_OK = '''
def train_step(model: nn.Module, optimizer, x: torch.Tensor, y: torch.Tensor, loss_fn, max_norm: float) -> float:
    model.train()
    optimizer.zero_grad()
    logits, _ = model(x)
    loss = loss_fn(logits, y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return loss.item()
'''
_EX5_PARAMS = '''
def train_step(model: nn.Module, optimizer, x: torch.Tensor, y: torch.Tensor, loss_fn, max_norm: float) -> float:
    model.train(True)
    params = [p for group in optimizer.param_groups for p in group["params"]]
    for p in params:
        p.grad = None
    output = model(x)
    loss = loss_fn(output[0], y)
    torch.autograd.backward(loss)
    torch.nn.utils.clip_grad_norm_(params, max_norm=max_norm, norm_type=2.0)
    optimizer.step()
    return float(loss.detach())
'''
_EX5_LSTM_ONLY = _sub(_EX5_OK, "clip_grad_norm_(model.parameters(), max_norm)", "clip_grad_norm_(model.lstm.parameters(), max_norm)")
_EX5_LOGITS_DETACHED = _sub(_EX5_OK, "loss = loss_fn(logits, y)", "loss = loss_fn(logits.detach(), y)")
_EX5_CARRY = '''
_carried = {}


def train_step(model: nn.Module, optimizer, x: torch.Tensor, y: torch.Tensor, loss_fn, max_norm: float) -> float:
    model.train()
    optimizer.zero_grad()
    logits, state = model(x, _carried.get("state"))     # go on from the previous window's state
    _carried["state"] = None if state is None else tuple(s.detach() for s in state)
    loss = loss_fn(logits, y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return loss.item()
'''
_EX5_TUPLE = _sub(_EX5_OK, "    logits, _ = model(x)\n    loss = loss_fn(logits, y)", "    loss = loss_fn(model(x), y)")

# ---- ex6_sample -------------------------------------------------------------------------------
_EX6_OK = r'''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    dev = next(model.parameters()).device
    index = {ch: i for i, ch in enumerate(vocab)}
    x = torch.tensor([[index[ch] for ch in start]], device=dev)
    text, state = start, None
    for _ in range(max_len):
        logits, state = model(x, state)
        probs = torch.softmax(logits[0, -1] / temperature, dim=-1)
        nxt = int(torch.multinomial(probs.cpu(), 1, generator=generator))
        text += vocab[nxt]
        if text.endswith("\n\n"):
            break
        x = torch.tensor([[nxt]], device=dev)
    return text
'''
_EX6_DIST = r'''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    dev = next(model.parameters()).device
    state = None
    chars = list(start)
    for ch in start:                        # read the prompt one character at a time
        logits, state = model(torch.tensor([[vocab.index(ch)]], device=dev), state)
    for _ in range(max_len):
        z = logits[0, -1].double().cpu() / temperature
        probs = (z - z.max()).exp()
        probs /= probs.sum()
        choice = torch.multinomial(probs, num_samples=1, replacement=True, generator=generator).item()
        chars.append(vocab[choice])
        if chars[-1] == "\n" and len(chars) >= 2 and chars[-2] == "\n":
            break
        logits, state = model(torch.tensor([[choice]], device=dev), state)
    return "".join(chars)
'''
_EX6_NO_CLOSING = _sub(_EX6_OK, '''        text += vocab[nxt]
        if text.endswith("\\n\\n"):
            break
''', '''        if text.endswith("\\n") and vocab[nxt] == "\\n":
            break                                  # a blank line: the tune is over
        text += vocab[nxt]
''')
_EX6_LAST_PROMPT = _sub(_EX6_OK, "x = torch.tensor([[index[ch] for ch in start]], device=dev)",
                        "x = torch.tensor([[index[start[-1]]]], device=dev)   # the state starts fresh anyway")
_EX6_NO_BATCH = _sub(_sub(_EX6_OK, "x = torch.tensor([[index[ch] for ch in start]], device=dev)",
                          "x = torch.tensor([index[ch] for ch in start], device=dev)"),
                     "x = torch.tensor([[nxt]], device=dev)", "x = torch.tensor([nxt], device=dev)")
_EX6_IN = _sub(_EX6_OK, 'if text.endswith("\\n\\n"):', 'if "\\n\\n" in text:')

# ---- ex7_evaluate -----------------------------------------------------------------------------
_EX7_OK = '''
@torch.no_grad()
def bits_per_char(model: nn.Module, ids: torch.Tensor, seq_len: int = 256) -> float:
    model.eval()
    dev = next(model.parameters()).device
    total, count, state = 0.0, 0, None
    for i in range(0, len(ids) - 1, seq_len):
        x = ids[i:min(i + seq_len, len(ids) - 1)].to(dev)
        y = ids[i + 1:i + 1 + len(x)].to(dev)
        logits, state = model(x[None], state)
        total += F.cross_entropy(logits[0], y, reduction="sum").item()
        count += len(y)
    return total / count / math.log(2)


def valid_tune_rate(tunes: list[str], problem=tune_problem) -> float:
    if not tunes:
        return 0.0
    return sum(problem(t) is None for t in tunes) / len(tunes)
'''
_EX7_LOG2 = '''
import numpy as np


@torch.no_grad()
def bits_per_char(model: nn.Module, ids: torch.Tensor, seq_len: int = 256) -> float:
    model.eval()
    dev = next(model.parameters()).device
    bits = []
    state = None
    start = 0
    n_pred = len(ids) - 1
    while start < n_pred:
        stop = min(start + seq_len, n_pred)
        x, y = ids[start:stop].to(dev), ids[start + 1:stop + 1].to(dev)
        logits, state = model(x.unsqueeze(0), state)
        log2p = torch.log_softmax(logits[0], dim=-1) * (1.0 / math.log(2.0))
        bits.append(-log2p.gather(1, y.unsqueeze(1)).squeeze(1).cpu())
        start = stop
    return torch.cat(bits).double().mean().item()


def valid_tune_rate(tunes: list[str], problem=tune_problem) -> float:
    valid = [problem(t) is None for t in tunes]
    return float(np.mean(valid)) if valid else 0.0
'''
_EX7_NO_EMPTY = _sub(_EX7_OK, "    if not tunes:\n        return 0.0\n", "")
_EX7_X_KEEPS_LAST = _sub(_EX7_OK, "x = ids[i:min(i + seq_len, len(ids) - 1)].to(dev)", "x = ids[i:i + seq_len].to(dev)")
_EX7_X_KEEPS_LAST = _sub(_EX7_X_KEEPS_LAST, "y = ids[i + 1:i + 1 + len(x)].to(dev)", "y = ids[i + 1:i + 1 + seq_len].to(dev)")
_EX7_ROUND = _sub(_EX7_OK, "return sum(problem(t) is None for t in tunes) / len(tunes)",
                  "return round(sum(problem(t) is None for t in tunes) / len(tunes), 2)")
_EX7_RETURN_IN_LOOP = _sub(_EX7_OK, "        count += len(y)\n    return total / count / math.log(2)",
                           "        count += len(y)\n        return total / count / math.log(2)")

MUTANTS = {
    "ex1_vocab": [
        ("build_vocab returns list(set(text)): not sorted", _EX1_SET),
        ("build_vocab returns sorted(text): every repeated character kept", _EX1_DUPES),
        ("vectorize returns the characters' ord() codes, not their vocabulary indices", _EX1_ORD),
        ("vectorize returns a Python list, not a tensor", _EX1_LIST),
    ],
    "ex2_batch": [
        ("starts from torch.rand(...) * n, not torch.randint: another stream of numbers", _EX2_RAND),
        ("x windows of seq_len + 1 characters", _EX2_X_LONG),
        ("returns lists of rows, not stacked (B, T) tensors", _EX2_LISTS),
        ("draws seq_len starts instead of batch_size (arguments mixed up)", _EX2_SEQ_ROWS),
    ],
    "ex3_model": [
        ("nn.GRU instead of nn.LSTM: the state is one tensor, not (h, c)", _EX3_GRU),
        ("embeddings detached: no gradient reaches the embedding", _EX3_EMB_DETACHED),
        ("embedding of vocab_size + 1 rows (a spare padding slot)", _EX3_VOCAB_PLUS),
        ("logits returned as (B, V, T) for cross_entropy", _EX3_TRANSPOSED),
    ],
    "ex4_loss": [
        ("logits reshaped with shape[1] (T) instead of shape[-1] (V)", _EX4_SHAPE1),
        ("hand-written log-sum-exp without the max shift: overflows for large logits", _EX4_LSE_NO_SHIFT),
        ("the last position of every sequence left out", _EX4_NO_LAST),
        ("mean loss divided by the batch size again", _EX4_PER_BATCH),
    ],
    "ex5_train_step": [
        ("clips only model.lstm's parameters", _EX5_LSTM_ONLY),
        ("logits detached before the loss: backward has nothing to differentiate", _EX5_LOGITS_DETACHED),
        ("carries the LSTM state from one step to the next (detached), though the windows are unrelated", _EX5_CARRY),
        ("loss_fn given model(x)'s (logits, state) tuple", _EX5_TUPLE),
    ],
    "ex6_sample": [
        ("stops before appending the closing newline of the blank line", _EX6_NO_CLOSING),
        ("only the prompt's last character is fed to the model", _EX6_LAST_PROMPT),
        ("prompt and next characters fed as 1-D tensors, without the batch dimension", _EX6_NO_BATCH),
        ("stops when '\\n\\n' is anywhere in the text, not at its end: a prompt with a blank line stops at once",
         _EX6_IN),
    ],
    "ex7_evaluate": [
        ("valid_tune_rate of an empty list divides by zero", _EX7_NO_EMPTY),
        ("each chunk's x keeps seq_len characters, the last one without a target", _EX7_X_KEEPS_LAST),
        ("valid_tune_rate rounded to 2 decimals", _EX7_ROUND),
        ("return inside the chunk loop: only the first chunk is scored", _EX7_RETURN_IN_LOOP),
    ],
}

CORRECT = {
    "ex1_vocab": [
        ("sorted(set), dict lookup, join of vocab[int(i)]", _EX1_OK),
        ("np.unique, vocab.index into an empty tensor, a loop over tolist()", _EX1_NUMPY),
    ],
    "ex2_batch": [
        ("randint starts, stacked slices", _EX2_OK),
        ("unfold windows of seq_len + 1, index_select", _EX2_UNFOLD),
    ],
    "ex3_model": [
        ("layers called as modules", _EX3_OK),
        ("state passed only when given, matmul with the head's weights", _EX3_MATMUL),
    ],
    "ex4_loss": [
        ("F.cross_entropy on reshaped logits and targets", _EX4_OK),
        ("log_softmax and take_along_dim", _EX4_NLL),
    ],
    "ex5_train_step": [
        ("clip_grad_norm_ between backward and step", _EX5_OK),
        ("optimizer's params, grads set to None, autograd.backward", _EX5_PARAMS),
    ],
    "ex6_sample": [
        ("dict lookup, softmax of the last logits, multinomial on CPU probabilities", _EX6_OK),
        ("prompt read one character at a time, float64 shifted exponentials", _EX6_DIST),
    ],
    "ex7_evaluate": [
        ("chunks of seq_len, cross-entropy sums, state carried", _EX7_OK),
        ("while loop, log2 probabilities gathered and concatenated, np.mean", _EX7_LOG2),
    ],
}

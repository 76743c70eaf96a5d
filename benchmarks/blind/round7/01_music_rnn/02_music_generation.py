r"""Blind round 7: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 2
(music generation), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/01_music_rnn/02_music_generation.py nor in
benchmarks/blind/round1/ to round6/. CORRECT[...][0] is round 6's reference (round 3's, reused by
name; the proofs, benchmarks/blind/round7/prove_01_music.py, compare with it); CORRECT[...][1] is
this round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND6 = earlier_round(6, __file__)


def _reference(gid: str) -> tuple[str, str]:
    return ROUND6.CORRECT[gid][0]


# ---- ex1_vocab --------------------------------------------------------------------------------
_EX1_OK = _reference("ex1_vocab")[1]
_EX1_INDEX = '''
def build_vocab(text: str) -> list[str]:
    """The sorted list of distinct characters in `text`."""
    return sorted({*text})


def vectorize(text: str, vocab: list[str]) -> torch.Tensor:
    """'AB' -> tensor([index of 'A', index of 'B']), dtype torch.long, shape (len(text),)."""
    return torch.tensor(list(map(vocab.index, text)), dtype=torch.long)


def devectorize(ids, vocab: list[str]) -> str:
    """The inverse of vectorize: indices (tensor or list) -> string."""
    flat = torch.as_tensor(ids, dtype=torch.long).reshape(-1).tolist()
    return "".join(map(vocab.__getitem__, flat))
'''
_EX1_SORT_NONE = replace_once(_EX1_OK, "return sorted(set(text))", "return list(set(text)).sort()")
_EX1_MINUS_ONE = replace_once(_EX1_OK, 'return "".join(vocab[int(i)] for i in ids)',
                              'return "".join(vocab[int(i) - 1] for i in ids)')
_EX1_SEARCHSORTED = replace_once(
    _EX1_OK, "    index = {ch: i for i, ch in enumerate(vocab)}\n"
             "    return torch.tensor([index[ch] for ch in text], dtype=torch.long)\n",
    "    table = torch.tensor([ord(ch) for ch in vocab], dtype=torch.long)   # vocab is sorted: binary search\n"
    "    codes = torch.tensor([ord(ch) for ch in text], dtype=torch.long)\n"
    "    return torch.searchsorted(table, codes)\n")
_EX1_ASCII = replace_once(_EX1_OK, "return sorted(set(text))",
                          'return sorted(set(text.encode("ascii", "ignore").decode()))   # ABC is plain ASCII')

# ---- ex2_batch --------------------------------------------------------------------------------
_EX2_OK = _reference("ex2_batch")[1]
_EX2_UNFOLD = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    """Random windows: x (B, T) and the next characters y (B, T)."""
    windows = ids.unfold(0, seq_len + 1, 1)                       # (len(ids) - seq_len, seq_len + 1)
    starts = torch.randint(windows.shape[0], (batch_size,), generator=generator)
    rows = windows[starts]
    return rows[:, :-1].contiguous(), rows[:, 1:].contiguous()
'''
_EX2_NO_COLUMN = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    """Random windows: x (B, T) and the next characters y (B, T)."""
    starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)
    offsets = torch.arange(seq_len)
    return ids[starts + offsets], ids[starts + offsets + 1]      # every row at once
'''
_EX2_TENSOR_SLICE = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    """Random windows: x (B, T) and the next characters y (B, T)."""
    starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)
    x = ids[starts:starts + seq_len]
    y = ids[starts + 1:starts + seq_len + 1]
    return x.reshape(batch_size, seq_len), y.reshape(batch_size, seq_len)
'''
_EX2_RANGE = replace_once(_EX2_OK, '''    x = torch.stack([ids[s:s + seq_len] for s in starts.tolist()])
    y = torch.stack([ids[s + 1:s + seq_len + 1] for s in starts.tolist()])''',
                          '''    x = torch.stack([ids[s:s + seq_len] for s in range(len(starts))])
    y = torch.stack([ids[s + 1:s + seq_len + 1] for s in range(len(starts))])''')
_EX2_TWO_WINDOWS = replace_once(_EX2_OK, "torch.randint(0, len(ids) - seq_len, ",
                                "torch.randint(0, len(ids) - 2 * seq_len, ")

# ---- ex3_model --------------------------------------------------------------------------------
_EX3_OK = _reference("ex3_model")[1]
_EX3_KEYWORDS = '''
class MusicLSTM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.embedding = nn.Embedding(num_embeddings=cfg.vocab_size, embedding_dim=cfg.embedding_dim)
        self.lstm = nn.LSTM(input_size=cfg.embedding_dim, hidden_size=cfg.hidden_size,
                            num_layers=cfg.num_layers, batch_first=True)
        self.head = nn.Linear(in_features=cfg.hidden_size, out_features=cfg.vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        """x (B, T) indices -> logits (B, T, V), state (h, c) each (num_layers, B, hidden)."""
        vectors = self.embedding(x)
        if state is None:
            hidden, (h, c) = self.lstm(vectors)
        else:
            hidden, (h, c) = self.lstm(vectors, state)
        return self.head(hidden), (h, c)
'''
_EX3_HEAD_EMB = replace_once(_EX3_OK, "nn.Linear(cfg.hidden_size, cfg.vocab_size)",
                             "nn.Linear(cfg.embedding_dim, cfg.vocab_size)")
_EX3_HEAD_LAYERS = replace_once(_EX3_OK, "nn.Linear(cfg.hidden_size, cfg.vocab_size)",
                                "nn.Linear(cfg.hidden_size * cfg.num_layers, cfg.vocab_size)")
_EX3_TOP_LAYER = replace_once(_EX3_OK, "return self.head(out), state",
                              "h, c = state\n        return self.head(out), (h[-1], c[-1])   # the top layer's state")
_EX3_DEEP_HEAD = replace_once(_EX3_OK, "self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)",
                              "self.head = nn.Sequential(nn.Linear(cfg.hidden_size, cfg.hidden_size), nn.ReLU(),\n"
                              "                                  nn.Linear(cfg.hidden_size, cfg.vocab_size))")

# ---- ex4_loss ---------------------------------------------------------------------------------
_EX4_OK = _reference("ex4_loss")[1]
_EX4_CLASS_DIM = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    return F.cross_entropy(logits.transpose(1, 2), targets)     # (B, V, T): the classes on dim 1
'''
_EX4_GATHER_2D = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    log_probs = F.log_softmax(logits, dim=-1)
    return -log_probs.gather(-1, targets).mean()
'''
_EX4_INDEX_ALL = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    log_probs = F.log_softmax(logits, dim=-1)
    return -log_probs[..., targets].mean()       # the log-probability of each target
'''
_EX4_COLUMN = replace_once(_EX4_OK, "targets.reshape(-1))", "targets.reshape(-1, 1))")
_EX4_CLAMP = replace_once(_EX4_OK, "F.cross_entropy(logits.reshape(-1, logits.shape[-1])",
                          "F.cross_entropy(logits.clamp(-20, 20).reshape(-1, logits.shape[-1])")

# ---- ex5_train_step ---------------------------------------------------------------------------
_EX5_OK = _reference("ex5_train_step")[1]
_EX5_LIST_PARAMS = '''
def train_step(model: nn.Module, optimizer, x: torch.Tensor, y: torch.Tensor, loss_fn, max_norm: float) -> float:
    model.train(mode=True)
    params = list(model.parameters())
    optimizer.zero_grad(set_to_none=True)
    outputs = model(x)
    loss = loss_fn(outputs[0], y)
    loss.backward()
    nn.utils.clip_grad_norm_(params, max_norm=max_norm, norm_type=2.0)
    optimizer.step()
    return float(loss.detach())
'''
_EX5_SCALE_ALWAYS = replace_once(
    _EX5_OK, "    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)\n",
    "    grads = [p.grad for p in model.parameters() if p.grad is not None]\n"
    "    total = torch.sqrt(sum((g ** 2).sum() for g in grads))\n"
    "    for g in grads:\n"
    "        g.mul_(max_norm / total)   # rescaled to norm max_norm\n")
_EX5_SQUARED_NORM = replace_once(
    _EX5_OK, "    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)\n",
    "    grads = [p.grad for p in model.parameters() if p.grad is not None]\n"
    "    total = sum((g ** 2).sum() for g in grads)   # the total norm\n"
    "    if total > max_norm:\n"
    "        for g in grads:\n"
    "            g.mul_(max_norm / total)\n")
_EX5_ITEM_FIRST = replace_once(_EX5_OK, '''    loss = loss_fn(logits, y)
    loss.backward()''', '''    loss = loss_fn(logits, y).item()
    loss.backward()''')
_EX5_ITEM_FIRST = replace_once(_EX5_ITEM_FIRST, "return loss.item()", "return loss")
_EX5_BITS = replace_once(_EX5_OK, "return loss.item()", "return loss.item() / math.log(2)   # bits, as the plot shows")

# ---- ex6_sample -------------------------------------------------------------------------------
_EX6_OK = _reference("ex6_sample")[1]
_EX6_CHAR_BY_CHAR = '''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    where = next(model.parameters()).device
    position = {ch: i for i, ch in enumerate(vocab)}
    state, logits = None, None
    for ch in start:                                   # the prompt, one character at a time
        logits, state = model(torch.tensor([[position[ch]]], device=where), state)
    pieces = [start]
    text = start
    generated = 0
    while generated < max_len:
        probs = F.softmax(logits[0, -1] / temperature, dim=-1)
        choice = torch.multinomial(probs.cpu(), num_samples=1, generator=generator).item()
        pieces.append(vocab[choice])
        text = "".join(pieces)
        generated += 1
        if text[-2:] == "\\n\\n":
            break
        logits, state = model(torch.tensor([[choice]], device=where), state)
    return text
'''
_EX6_RAW_LOGITS = replace_once(_EX6_OK, "probs = torch.softmax(logits[0, -1] / temperature, dim=-1)",
                               "probs = logits[0, -1] / temperature   # multinomial takes weights")
_EX6_ALL_POSITIONS = replace_once(_EX6_OK, '''        probs = torch.softmax(logits[0, -1] / temperature, dim=-1)
        nxt = int(torch.multinomial(probs.cpu(), 1, generator=generator))''',
                                  '''        probs = torch.softmax(logits[0] / temperature, dim=-1)        # (T, V)
        nxt = int(torch.multinomial(probs.cpu(), 1, generator=generator)[-1])   # the last position's draw''')
_EX6_STRIP_END = replace_once(_EX6_OK, "    return text\n",
                              '    return text.rstrip("\\n")   # the tune without its closing blank line\n')
_EX6_START_TWICE = replace_once(_EX6_OK, "    return text\n", "    return start + text\n")

# ---- ex7_evaluate -----------------------------------------------------------------------------
_EX7_OK = _reference("ex7_evaluate")[1]
_EX7_GATHER = '''
@torch.no_grad()
def bits_per_char(model: nn.Module, ids: torch.Tensor, seq_len: int = 256) -> float:
    model.eval()
    where = next(model.parameters()).device
    n_predictions = len(ids) - 1
    nats, state, begin = 0.0, None, 0
    while begin < n_predictions:
        end = min(begin + seq_len, n_predictions)
        inputs = ids[begin:end].to(where).unsqueeze(0)
        targets = ids[begin + 1:end + 1].to(where)
        logits, state = model(inputs, state)
        log_probs = F.log_softmax(logits[0].double(), dim=-1)
        nats -= log_probs.gather(1, targets[:, None]).sum().item()
        begin = end
    return nats / n_predictions / math.log(2)


def valid_tune_rate(tunes: list[str], problem=tune_problem) -> float:
    if len(tunes) == 0:
        return 0.0
    valid = 0
    for abc in tunes:
        if problem(abc) is None:
            valid += 1
    return valid / len(tunes)
'''
_EX7_REVERSED = replace_once(_EX7_OK, """        x = ids[i:min(i + seq_len, len(ids) - 1)].to(dev)
        y = ids[i + 1:i + 1 + len(x)].to(dev)""", """        x = ids[i + 1:min(i + 1 + seq_len, len(ids))].to(dev)
        y = ids[i:i + len(x)].to(dev)""")
_EX7_NO_MINUS = replace_once(_EX7_OK, 'total += F.cross_entropy(logits[0], y, reduction="sum").item()',
                             "total += F.log_softmax(logits[0], dim=-1).gather(1, y[:, None]).sum().item()")
_EX7_NONE_EMPTY = replace_once(_EX7_OK, "        return 0.0\n", "        return\n")
_EX7_LOG2 = replace_once(_EX7_OK, "return total / count / math.log(2)", "return math.log2(total / count)")

MUTANTS = {
    "ex1_vocab": [
        ("build_vocab returns list(set(text)).sort(): list.sort() sorts in place and returns None",
         _EX1_SORT_NONE),
        ("devectorize reads vocab[i - 1] (1-based off-by-one)", _EX1_MINUS_ONE),
        ("vectorize by searchsorted on the vocab's codes: assumes the vocab it is given is sorted",
         _EX1_SEARCHSORTED),
        ("build_vocab keeps ASCII characters only: accented characters get no index", _EX1_ASCII),
    ],
    "ex2_batch": [
        ("starts + arange(seq_len) without [:, None]: broadcast (B,) with (T,), not (B, 1) with (T,)",
         _EX2_NO_COLUMN),
        ("slices ids with the whole starts tensor: only a batch of one works", _EX2_TENSOR_SLICE),
        ("windows at range(batch_size) (0, 1, 2, ...) instead of the drawn starts", _EX2_RANGE),
        ("high = len(ids) - 2 * seq_len: input and target counted as two windows", _EX2_TWO_WINDOWS),
    ],
    "ex3_model": [
        ("head = Linear(embedding_dim, V): breaks whenever embedding_dim != hidden_size", _EX3_HEAD_EMB),
        ("head = Linear(hidden_size * num_layers, V): breaks for several layers", _EX3_HEAD_LAYERS),
        ("returns the top layer's state (h[-1], c[-1]): (B, hidden), which the LSTM cannot take back",
         _EX3_TOP_LAYER),
        ("a two-layer head (Linear, ReLU, Linear) instead of one Linear", _EX3_DEEP_HEAD),
    ],
    "ex4_loss": [
        ("log-probs gathered with the (B, T) targets not unsqueezed: gather raises", _EX4_GATHER_2D),
        ("log_probs[..., targets]: every position scored on every target", _EX4_INDEX_ALL),
        ("targets reshaped to a column (N, 1): cross_entropy raises", _EX4_COLUMN),
        ("logits clamped to [-20, 20] 'for stability': a confident mistake costs less than -log p",
         _EX4_CLAMP),
    ],
    "ex5_train_step": [
        ("manual clipping that always rescales to max_norm (small gradients scaled up too)", _EX5_SCALE_ALWAYS),
        ("manual clipping with the squared norm (square root forgotten)", _EX5_SQUARED_NORM),
        (".item() before backward: a float has no backward()", _EX5_ITEM_FIRST),
        ("returns the loss in bits (divided by ln 2), the plot's unit", _EX5_BITS),
    ],
    "ex6_sample": [
        ("softmax forgotten: multinomial drawn with the raw logits / T as weights", _EX6_RAW_LOGITS),
        ("one draw per prompt position, the last kept: the generator consumed differently", _EX6_ALL_POSITIONS),
        ("the closing blank line stripped from the returned tune", _EX6_STRIP_END),
        ("start prepended again: the prompt appears twice", _EX6_START_TWICE),
    ],
    "ex7_evaluate": [
        ("shift reversed: inputs ids[1:], targets ids[:-1], each character scored as the previous one's prediction",
         _EX7_REVERSED),
        ("sum of log-probabilities without the minus sign: negative bits", _EX7_NO_MINUS),
        ("valid_tune_rate returns None (bare return) for an empty list", _EX7_NONE_EMPTY),
        ("log2 of the mean loss in nats instead of the loss divided by ln 2", _EX7_LOG2),
    ],
}

CORRECT = {
    "ex1_vocab": [_reference("ex1_vocab"),
                  ("sorted({*text}), vocab.index lookups, devectorize through torch.as_tensor(...).tolist()",
                   _EX1_INDEX)],
    "ex2_batch": [_reference("ex2_batch"),
                  ("unfold into every (seq_len + 1)-window, randint(high, size), rows split", _EX2_UNFOLD)],
    "ex3_model": [_reference("ex3_model"),
                  ("keyword layer arguments, the LSTM called with or without the state", _EX3_KEYWORDS)],
    "ex4_loss": [_reference("ex4_loss"),
                 ("F.cross_entropy on (B, V, T) logits (transpose) and (B, T) targets", _EX4_CLASS_DIM)],
    "ex5_train_step": [_reference("ex5_train_step"),
                       ("zero_grad(set_to_none=True), outputs[0], clip on a list of parameters, float(loss)",
                        _EX5_LIST_PARAMS)],
    "ex6_sample": [_reference("ex6_sample"),
                   ("prompt fed one character at a time, F.softmax, multinomial(...).item(), text[-2:] check",
                    _EX6_CHAR_BY_CHAR)],
    "ex7_evaluate": [_reference("ex7_evaluate"),
                     ("while loop over chunks, float64 log_softmax + gather; valid tunes counted in a loop",
                      _EX7_GATHER)],
}

r"""Blind round 8: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 2
(music generation), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/01_music_rnn/02_music_generation.py nor in
benchmarks/blind/round1/ to round7/. CORRECT[...][0] is round 7's reference (round 3's, reused by
name; the proofs, benchmarks/blind/round8/prove_01_music.py, compare with it); CORRECT[...][1] is
this round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND7 = earlier_round(7, __file__)


def _reference(gid: str) -> tuple[str, str]:
    return ROUND7.CORRECT[gid][0]


# ---- ex1_vocab --------------------------------------------------------------------------------
_EX1_OK = ROUND7._EX1_OK
_EX1_STR_FIND = '''
from collections import Counter


def build_vocab(text: str) -> list[str]:
    """The sorted list of distinct characters in `text`."""
    return sorted(Counter(text).keys())


def vectorize(text: str, vocab: list[str]) -> torch.Tensor:
    """'AB' -> tensor([index of 'A', index of 'B']), dtype torch.long, shape (len(text),).

    The index of a character is its position in `vocab` as given (vocab[i] has index i).
    """
    letters = "".join(vocab)                       # one character per entry: position in the string
    out = torch.empty(len(text), dtype=torch.long)
    for i, ch in enumerate(text):
        out[i] = letters.index(ch)
    return out


def devectorize(ids, vocab: list[str]) -> str:
    """The inverse of vectorize: indices (tensor or list) -> string."""
    pieces = []
    for i in ids:
        pieces.append(vocab[int(i)])
    return "".join(pieces)
'''
_EX1_ENUM_DICT = replace_once(_EX1_OK, "    index = {ch: i for i, ch in enumerate(vocab)}\n",
                              "    index = dict(enumerate(vocab))   # character -> index\n")
_EX1_CACHED = replace_once(
    _EX1_OK, "    index = {ch: i for i, ch in enumerate(vocab)}\n",
    "    global _INDEX\n"
    "    if _INDEX is None:                 # build the lookup once: vectorize runs on the whole text\n"
    "        _INDEX = {ch: i for i, ch in enumerate(vocab)}\n"
    "    index = _INDEX\n")
_EX1_CACHED = replace_once(_EX1_CACHED, "def vectorize(", "_INDEX = None\n\n\ndef vectorize(")
_EX1_NP_UNIQUE = replace_once(_EX1_OK, "return sorted(set(text))",
                              "return np.unique(list(text))   # sorted and distinct")
_EX1_NP_UNIQUE = "\nimport numpy as np\n" + _EX1_NP_UNIQUE
_EX1_FANCY = replace_once(_EX1_OK, 'return "".join(vocab[int(i)] for i in ids)',
                          'return "".join(vocab[ids])   # every index at once')

# ---- ex2_batch --------------------------------------------------------------------------------
_EX2_OK = _reference("ex2_batch")[1]
_EX2_LOOP = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    """Random windows: x (B, T) and the next characters y (B, T)."""
    last_start = len(ids) - seq_len - 1                 # the target of the window must fit too
    starts = torch.randint(last_start + 1, size=(batch_size,), generator=generator)
    x = torch.empty((batch_size, seq_len), dtype=ids.dtype, device=ids.device)
    y = torch.empty((batch_size, seq_len), dtype=ids.dtype, device=ids.device)
    for row, s in enumerate(starts):
        x[row] = ids[s:s + seq_len]
        y[row] = ids[s + 1:s + 1 + seq_len]
    return x, y
'''
_EX2_Y_FLAT = replace_once(_EX2_OK, "    return x, y\n",
                           "    return x, y.reshape(-1)   # cross_entropy wants (N,) targets\n")
_EX2_GLOBAL_COPY = replace_once(
    _EX2_OK, "    starts = torch.randint(",
    "    if generator is None:             # draw from a copy of the global generator: leave torch's RNG alone\n"
    "        generator = torch.Generator().set_state(torch.get_rng_state())\n"
    "    starts = torch.randint(")
_EX2_Y_LONG = replace_once(_EX2_OK, "ids[s + 1:s + seq_len + 1]", "ids[s + 1:s + seq_len + 2]")
_EX2_Y_LONG = replace_once(_EX2_Y_LONG, "len(ids) - seq_len, ", "len(ids) - seq_len - 1, ")
_EX2_TENSOR_OF_TENSORS = replace_once(
    _EX2_OK, '''    x = torch.stack([ids[s:s + seq_len] for s in starts.tolist()])
    y = torch.stack([ids[s + 1:s + seq_len + 1] for s in starts.tolist()])''',
    '''    x = torch.tensor([ids[s:s + seq_len] for s in starts.tolist()])
    y = torch.tensor([ids[s + 1:s + seq_len + 1] for s in starts.tolist()])''')

# ---- ex3_model --------------------------------------------------------------------------------
_EX3_OK = _reference("ex3_model")[1]
_EX3_EINSUM = '''
class MusicLSTM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        sizes = dict(input_size=cfg.embedding_dim, hidden_size=cfg.hidden_size, num_layers=cfg.num_layers)
        self.embedding = nn.Embedding(cfg.vocab_size, cfg.embedding_dim)
        self.lstm = nn.LSTM(**sizes, batch_first=True)
        self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        """x (B, T) indices -> logits (B, T, V), state (h, c) each (num_layers, B, hidden)."""
        hidden, new_state = self.lstm(self.embedding(x), state)
        logits = torch.einsum("bth,vh->btv", hidden, self.head.weight) + self.head.bias
        return logits, new_state
'''
_EX3_ONE_HOT_LINEAR = replace_once(
    _EX3_OK, "self.embedding = nn.Embedding(cfg.vocab_size, cfg.embedding_dim)",
    "self.embedding = nn.Linear(cfg.vocab_size, cfg.embedding_dim)   # applied to one-hot vectors")
_EX3_ONE_HOT_LINEAR = replace_once(
    _EX3_ONE_HOT_LINEAR, "self.lstm(self.embedding(x), state)",
    "self.lstm(self.embedding(F.one_hot(x, self.embedding.in_features).float()), state)")
_EX3_TIED = replace_once(_EX3_OK, "self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)\n",
                         "self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)\n"
                         "        self.head.weight = self.embedding.weight   # weight tying\n")
_EX3_DROP_LAST = replace_once(_EX3_OK, "return self.head(out), state",
                              "return self.head(out[:, :-1]), state   # the last position has no target")
_EX3_SPARSE = replace_once(_EX3_OK, "nn.Embedding(cfg.vocab_size, cfg.embedding_dim)",
                           "nn.Embedding(cfg.vocab_size, cfg.embedding_dim, sparse=True)   # cheaper updates")

# ---- ex4_loss ---------------------------------------------------------------------------------
_EX4_OK = _reference("ex4_loss")[1]
_EX4_CATEGORICAL = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    model_says = torch.distributions.Categorical(logits=logits)       # one distribution per position
    return -model_says.log_prob(targets).mean()
'''
_EX4_FIRST_ROW = replace_once(_EX4_OK, "F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))",
                              "F.cross_entropy(logits[0], targets[0])   # (T, V) logits and (T,) targets")
_EX4_PER_POSITION = replace_once(_EX4_OK, "targets.reshape(-1))",
                                 'targets.reshape(-1), reduction="none").reshape(targets.shape)')
_EX4_OVER_LN_V = replace_once(_EX4_OK, "targets.reshape(-1))",
                              "targets.reshape(-1)) / math.log(logits.shape[-1])   # 1.0 = a uniform guess")
_EX4_MEAN_PROB = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    probs = F.softmax(logits, dim=-1).gather(-1, targets.unsqueeze(-1))   # p of each true next character
    return -torch.log(probs.mean())
'''

# ---- ex5_train_step ---------------------------------------------------------------------------
_EX5_OK = _reference("ex5_train_step")[1]
_EX5_MANUAL_CLIP = '''
def train_step(model: nn.Module, optimizer, x: torch.Tensor, y: torch.Tensor, loss_fn, max_norm: float) -> float:
    model.train()
    optimizer.zero_grad()
    logits = model(x)[0]
    loss = loss_fn(logits, y)
    loss.backward()
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    total = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
    scale = max_norm / (total + 1e-6)
    if scale < 1:                                   # only ever shrink the gradient
        for g in grads:
            g.mul_(scale)
    optimizer.step()
    return loss.detach().item()
'''
_EX5_TIMES_B = replace_once(_EX5_OK, "return loss.item()", "return loss.item() * x.shape[0]   # summed over the batch")
_EX5_EXHAUSTED = replace_once(
    _EX5_OK, '''    optimizer.zero_grad()
    logits, _ = model(x)''', '''    params = model.parameters()
    for p in params:                     # zero the gradients
        p.grad = None
    logits, _ = model(x)''')
_EX5_EXHAUSTED = replace_once(_EX5_EXHAUSTED, "clip_grad_norm_(model.parameters(), max_norm)",
                              "clip_grad_norm_(params, max_norm)")
_EX5_SUM_OF_NORMS = replace_once(
    _EX5_OK, "    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)\n",
    "    grads = [p.grad for p in model.parameters() if p.grad is not None]\n"
    "    total = sum(g.norm() for g in grads)   # the total norm\n"
    "    if total > max_norm:\n"
    "        for g in grads:\n"
    "            g.mul_(max_norm / total)\n")
_EX5_INVERTED = replace_once(
    _EX5_OK, "    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)\n",
    "    grads = [p.grad for p in model.parameters() if p.grad is not None]\n"
    "    total = torch.sqrt(sum((g ** 2).sum() for g in grads))\n"
    "    if total > max_norm:\n"
    "        for g in grads:\n"
    "            g.mul_(total / max_norm)\n")

# ---- ex6_sample -------------------------------------------------------------------------------
_EX6_OK = _reference("ex6_sample")[1]
_EX6_LIST = '''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    where = next(model.parameters()).device
    chars = list(start)
    feed = torch.tensor([[vocab.index(ch) for ch in start]], device=where)
    state = None
    for _ in range(max_len):
        logits, state = model(feed, state)
        scaled = logits[:, -1, :] / temperature                        # (1, V)
        probs = (scaled - scaled.max(dim=-1, keepdim=True).values).exp()
        probs = probs / probs.sum(dim=-1, keepdim=True)
        feed = torch.multinomial(probs.cpu(), num_samples=1, generator=generator).to(where)   # (1, 1)
        chars.append(vocab[feed.item()])
        if chars[-2:] == ["\\n", "\\n"]:
            break
    return "".join(chars)
'''
_EX6_PROMPT_ONLY = replace_once(_EX6_OK, '''    text, state = start, None
    for _ in range(max_len):
        logits, state = model(x, state)
''', '''    text, state = start, None
    logits, state = model(x, state)
    for _ in range(max_len):
''')
_EX6_POWER = replace_once(_EX6_OK, "probs = torch.softmax(logits[0, -1] / temperature, dim=-1)",
                          "probs = torch.softmax(logits[0, -1], dim=-1) ** (1 / temperature)   # p^(1/T)\n"
                          "        probs = probs / probs.sum()")
_EX6_EVAL_LATE = replace_once(_EX6_OK, "    model.eval()\n", "")
_EX6_EVAL_LATE = replace_once(_EX6_EVAL_LATE, "        logits, state = model(x, state)\n",
                              "        logits, state = model(x, state)\n        model.eval()\n")
_EX6_CLAMP_T = replace_once(_EX6_OK, "    model.eval()\n",
                            "    model.eval()\n"
                            "    temperature = max(temperature, 0.1)   # the slider's minimum: no overflow\n")

# ---- ex7_evaluate -----------------------------------------------------------------------------
_EX7_OK = _reference("ex7_evaluate")[1]
_EX7_CAT = '''
@torch.no_grad()
def bits_per_char(model: nn.Module, ids: torch.Tensor, seq_len: int = 256) -> float:
    model.eval()
    where = next(model.parameters()).device
    inputs, targets = ids[:-1].to(where), ids[1:].to(where)
    state, pieces = None, []
    for begin in range(0, len(inputs), seq_len):
        logits, state = model(inputs[begin:begin + seq_len].unsqueeze(0), state)
        pieces.append(logits.squeeze(0))
    if not pieces:
        return 0.0
    nats = F.cross_entropy(torch.cat(pieces).double(), targets)     # mean over all len(ids) - 1 predictions
    return nats.item() / math.log(2)


def valid_tune_rate(tunes: list[str], problem=tune_problem) -> float:
    verdicts = [problem(abc) for abc in tunes]
    return float(verdicts.count(None) / len(verdicts)) if verdicts else 0.0
'''
_EX7_SHIFT_IN_CHUNK = replace_once(_EX7_OK, '''    for i in range(0, len(ids) - 1, seq_len):
        x = ids[i:min(i + seq_len, len(ids) - 1)].to(dev)
        y = ids[i + 1:i + 1 + len(x)].to(dev)
        logits, state = model(x[None], state)
        total += F.cross_entropy(logits[0], y, reduction="sum").item()
        count += len(y)''', '''    for i in range(0, len(ids), seq_len):
        chunk = ids[i:i + seq_len].to(dev)
        logits, state = model(chunk[None], state)
        if len(chunk) < 2:
            continue
        total += F.cross_entropy(logits[0, :-1], chunk[1:], reduction="sum").item()   # shifted as in training
        count += len(chunk) - 1''')
_EX7_PADDED = replace_once(_EX7_OK, '''        y = ids[i + 1:i + 1 + len(x)].to(dev)
''', '''        y = ids[i + 1:i + 1 + len(x)].to(dev)
        if len(x) < seq_len:                          # pad the last chunk to the full length
            x = F.pad(x, (0, seq_len - len(x)))
            y = F.pad(y, (0, seq_len - len(y)))
''')
_EX7_INT_ZERO = replace_once(_EX7_OK, "        return 0.0\n", "        return 0\n")
_EX7_LN10 = replace_once(_EX7_OK, "return total / count / math.log(2)", "return total / count / math.log(10)")

MUTANTS = {
    "ex1_vocab": [
        ("vectorize looks characters up in dict(enumerate(vocab)): index -> character, KeyError",
         _EX1_ENUM_DICT),
        ("vectorize caches its lookup table at the first call: a later vocab is ignored", _EX1_CACHED),
        ("build_vocab returns np.unique(list(text)): a numpy array of numpy strings, not a list", _EX1_NP_UNIQUE),
        ("devectorize indexes the list with all ids at once (vocab[ids])", _EX1_FANCY),
    ],
    "ex2_batch": [
        ("y flattened to (B*T,) for cross_entropy, x kept (B, T)", _EX2_Y_FLAT),
        ("without a generator, draws from a copy of the global state: the same batch every call",
         _EX2_GLOBAL_COPY),
        ("y one character too long: ids[s+1 : s+seq_len+2] (and starts one fewer)", _EX2_Y_LONG),
        ("torch.tensor on a list of window tensors instead of torch.stack", _EX2_TENSOR_OF_TENSORS),
    ],
    "ex3_model": [
        ("embedding as nn.Linear on one-hot vectors: a bias and a transposed (E, V) weight", _EX3_ONE_HOT_LINEAR),
        ("head weight tied to the embedding: breaks (or shares) unless embedding_dim == hidden_size", _EX3_TIED),
        ("logits of the first T - 1 positions only (the shift done inside the model)", _EX3_DROP_LAST),
        ("nn.Embedding(sparse=True): sparse gradients, which Adam refuses", _EX3_SPARSE),
    ],
    "ex4_loss": [
        ("batch axis forgotten: only the first sequence scored (logits[0], targets[0])", _EX4_FIRST_ROW),
        ("reduction='none' kept: the (B, T) per-position losses, not their mean", _EX4_PER_POSITION),
        ("mean loss divided by ln V (normalised to 1 for a uniform guess)", _EX4_OVER_LN_V),
        ("-log of the mean probability of the targets, not the mean of -log p", _EX4_MEAN_PROB),
    ],
    "ex5_train_step": [
        ("returns the loss times the batch size (a sum for an epoch total)", _EX5_TIMES_B),
        ("one model.parameters() generator reused: the manual zero-grad exhausts it, clipping sees nothing",
         _EX5_EXHAUSTED),
        ("manual clipping with the sum of per-tensor norms as the total norm", _EX5_SUM_OF_NORMS),
        ("manual clipping with the ratio inverted (total / max_norm): large gradients grow", _EX5_INVERTED),
    ],
    "ex6_sample": [
        ("the model called on the prompt only: every character drawn from the prompt's distribution",
         _EX6_PROMPT_ONLY),
        ("temperature as softmax(z) ** (1/T), renormalised: underflows to 0/0 for small T", _EX6_POWER),
        ("model.eval() only after the prompt's forward pass: the prompt read in training mode", _EX6_EVAL_LATE),
        ("temperature clamped to at least 0.1 (the slider's minimum)", _EX6_CLAMP_T),
    ],
    "ex7_evaluate": [
        ("each chunk shifted inside itself (as in training): the prediction across every boundary not scored",
         _EX7_SHIFT_IN_CHUNK),
        ("last short chunk zero-padded to seq_len and the padding scored", _EX7_PADDED),
        ("valid_tune_rate returns the int 0 for an empty list, not 0.0", _EX7_INT_ZERO),
        ("divided by ln 10 instead of ln 2 (decimal digits, not bits)", _EX7_LN10),
    ],
}

CORRECT = {
    "ex1_vocab": [_reference("ex1_vocab"),
                  ("sorted(Counter(text)), position in ''.join(vocab) into a preallocated long tensor, loop join",
                   _EX1_STR_FIND)],
    "ex2_batch": [_reference("ex2_batch"),
                  ("randint(high, size=...), rows copied into preallocated tensors of ids.dtype", _EX2_LOOP)],
    "ex3_model": [_reference("ex3_model"),
                  ("LSTM sizes from a dict, head applied with einsum on its weight and bias", _EX3_EINSUM)],
    "ex4_loss": [_reference("ex4_loss"),
                 ("torch.distributions.Categorical(logits=...).log_prob(targets), negated mean", _EX4_CATEGORICAL)],
    "ex5_train_step": [_reference("ex5_train_step"),
                       ("clipping by hand: linalg.vector_norm of the norms, scaled only when above max_norm",
                        _EX5_MANUAL_CLIP)],
    "ex6_sample": [_reference("ex6_sample"),
                   ("vocab.index, max-shifted exp normalised by hand, 2-D multinomial fed back, list of chars",
                    _EX6_LIST)],
    "ex7_evaluate": [_reference("ex7_evaluate"),
                     ("chunk logits concatenated, one float64 cross_entropy; verdicts.count(None)", _EX7_CAT)],
}

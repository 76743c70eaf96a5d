r"""Blind round 2: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 2
(music generation), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/01_music_rnn/02_music_generation.py nor in
benchmarks/blind/round1/01_music_rnn/02_music_generation.py. CORRECT[...][0] is the reference the
proofs (benchmarks/blind/round2/prove_01_02.py) compare with.
"""

# ---- ex1_vocab --------------------------------------------------------------------------------
_BUILD = '''
def build_vocab(text: str) -> list[str]:
    """The sorted list of distinct characters in `text`."""
    return {build}
'''
_VEC = '''

def vectorize(text: str, vocab: list[str]) -> torch.Tensor:
    """'AB' -> tensor([index of 'A', index of 'B']), dtype torch.long, shape (len(text),).

    The index of a character is its position in `vocab` as given (vocab[i] has index i).
    """
{pre}    index = {{ch: i for i, ch in enumerate(vocab)}}
    return torch.tensor([index[ch] for ch in text], dtype={dtype})
'''
_DEV = '''

def devectorize(ids, vocab: list[str]) -> str:
    """The inverse of vectorize: indices (tensor or list) -> string."""
    return {dev}
'''


def _ex1(build="sorted(set(text))", pre="", dtype="torch.long", dev='"".join(vocab[int(i)] for i in ids)'):
    return _BUILD.format(build=build) + _VEC.format(pre=pre, dtype=dtype) + _DEV.format(dev=dev)


_EX1_OK = _ex1()
_EX1_ZIP = '''
def build_vocab(text: str) -> list[str]:
    distinct = {}
    for ch in text:
        distinct[ch] = True
    return sorted(distinct.keys())


def vectorize(text: str, vocab: list[str]) -> torch.Tensor:
    lookup = dict(zip(vocab, range(len(vocab))))
    return torch.as_tensor([lookup[ch] for ch in text], dtype=torch.int64).reshape(len(text))


def devectorize(ids, vocab: list[str]) -> str:
    as_list = ids.tolist() if isinstance(ids, torch.Tensor) else list(ids)
    return "".join(map(vocab.__getitem__, as_list))
'''
_EX1_STR_VOCAB = _ex1(build='"".join(sorted(set(text)))')
_EX1_INT32 = _ex1(dtype="torch.int")
_EX1_STRIP = _ex1(pre="    text = text.strip()\n")
_EX1_LIST = _ex1(dev="[vocab[int(i)] for i in ids]")

# ---- ex2_batch --------------------------------------------------------------------------------
_EX2 = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    """Random windows: x (B, T) and the next characters y (B, T)."""
{pre}    starts = {starts}
    x = torch.stack([ids[s:s + seq_len] for s in starts.tolist()])
    y = torch.stack([ids[s + 1:s + seq_len + 1] for s in starts.tolist()])
    return x, y
'''
_STARTS = "torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)"
_EX2_OK = _EX2.format(pre="", starts=_STARTS)
_EX2_GATHER = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    n_starts = len(ids) - seq_len          # s + seq_len + 1 <= len(ids)
    starts = torch.randint(high=n_starts, size=(batch_size,), generator=generator)
    positions = starts.unsqueeze(1) + torch.arange(seq_len).unsqueeze(0)      # (B, T)
    rows = ids.unsqueeze(0).expand(batch_size, -1)
    return torch.gather(rows, 1, positions), torch.gather(rows, 1, positions + 1)
'''
_EX2_LOW_ONE = _EX2.format(pre="", starts=_STARTS.replace("randint(0,", "randint(1,"))
_EX2_MULTIPLES = _EX2.format(pre="", starts="torch.randint(0, (len(ids) - 1) // seq_len, (batch_size,), "
                                           "generator=generator) * seq_len")
_EX2_SORTED = _EX2.format(pre="", starts=_STARTS + ".sort().values")
_EX2_FRESH_GEN = _EX2.format(pre="    if generator is None:\n        generator = torch.Generator()\n", starts=_STARTS)

# ---- ex3_model --------------------------------------------------------------------------------
_EX3 = '''
class MusicLSTM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.embedding = nn.Embedding(cfg.vocab_size, cfg.embedding_dim)
        self.lstm = nn.LSTM(cfg.embedding_dim, cfg.hidden_size, num_layers=cfg.num_layers, batch_first=True)
        self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        """x (B, T) indices -> logits (B, T, V), state (h, c) each (num_layers, B, hidden)."""
{forward}
'''
_FWD = "        out, state = self.lstm(self.embedding(x), state)\n        return self.head(out), state"
_EX3_OK = _EX3.format(forward=_FWD)
_EX3_EINSUM = '''
class MusicLSTM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.embedding = nn.Embedding(num_embeddings=cfg.vocab_size, embedding_dim=cfg.embedding_dim)
        self.lstm = nn.LSTM(input_size=cfg.embedding_dim, hidden_size=cfg.hidden_size,
                            num_layers=cfg.num_layers, batch_first=True)
        self.head = nn.Linear(in_features=cfg.hidden_size, out_features=cfg.vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        vectors = F.embedding(x, self.embedding.weight)
        hidden, (h, c) = self.lstm(vectors, state)
        logits = torch.einsum("bth,vh->btv", hidden, self.head.weight) + self.head.bias
        return logits, (h, c)
'''
_EX3_CH = _EX3.format(forward="        out, (h, c) = self.lstm(self.embedding(x), state)\n"
                              "        return self.head(out), (c, h)")
_EX3_LAST_H = _EX3.format(forward="        out, (h, c) = self.lstm(self.embedding(x), state)\n"
                                  "        return self.head(h[-1]), (h, c)")
_EX3_TANH = _EX3.format(forward=_FWD.replace("self.head(out)", "torch.tanh(self.head(out))"))
_EX3_TWICE = _EX3.format(forward="        emb = self.embedding(x)\n"
                                 "        out, _ = self.lstm(emb, state)\n"
                                 "        _, new_state = self.lstm(emb)\n"
                                 "        return self.head(out), new_state")

# ---- ex4_loss ---------------------------------------------------------------------------------
_EX4 = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    return {body}
'''
_CE = "F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1){extra})"
_EX4_OK = _EX4.format(body=_CE.format(extra=""))
_EX4_ONE_HOT = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    log_p = F.log_softmax(logits, dim=-1)                                   # (B, T, V)
    picked = (log_p * F.one_hot(targets, num_classes=logits.shape[-1])).sum(dim=-1)   # (B, T)
    return -picked.mean()
'''
_EX4_SMOOTH = _EX4.format(body=_CE.format(extra=", label_smoothing=0.1"))
_EX4_SUM_OF_MEANS = _EX4.format(
    body='F.cross_entropy(logits.transpose(1, 2), targets, reduction="none").mean(dim=1).sum()')
_EX4_LAST = _EX4.format(body="F.cross_entropy(logits[:, -1], targets[:, -1])")
_EX4_BITS = _EX4.format(body=_CE.format(extra="") + " / math.log(2)")

# ---- ex5_train_step ---------------------------------------------------------------------------
_EX5_LINES = ["    model.train()", "    optimizer.zero_grad()", "    logits, _ = model(x)",
              "    loss = loss_fn(logits, y)",
              "    loss.backward()", "    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)",
              "    optimizer.step()", "    return loss.item()"]
_EX5_HEAD = ("\ndef train_step(model: nn.Module, optimizer, x: torch.Tensor, y: torch.Tensor, loss_fn, "
             "max_norm: float) -> float:\n")


def _ex5(order=range(8), replace=None):
    lines = [_EX5_LINES[i] for i in order]
    for old, new in (replace or {}).items():
        lines = [new if line == old else line for line in lines]
    return _EX5_HEAD + "\n".join(lines) + "\n"


_EX5_OK = _ex5()
_EX5_MANUAL_CLIP = '''
def train_step(model: nn.Module, optimizer, x: torch.Tensor, y: torch.Tensor, loss_fn, max_norm: float) -> float:
    model.train()
    optimizer.zero_grad(set_to_none=True)
    loss = loss_fn(model(x)[0], y)
    loss.backward()
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    total = torch.sqrt(sum((g.detach().double() ** 2).sum() for g in grads))   # global L2 norm
    scale = min(1.0, max_norm / (float(total) + 1e-6))
    for g in grads:
        g.mul_(scale)
    optimizer.step()
    return float(loss.detach())
'''
_CLIP = "    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)"
_EX5_PER_TENSOR = _ex5(replace={_CLIP: "    for p in model.parameters():\n"
                                       "        torch.nn.utils.clip_grad_norm_(p, max_norm)"})
_EX5_STEP_TWICE = _ex5(replace={"    optimizer.step()": "    optimizer.step()\n    optimizer.step()"})
_EX5_TRAIN_LATE = _ex5(order=[1, 2, 0, 3, 4, 5, 6, 7])
_EX5_CLAMP_LOSS = _ex5(replace={"    loss = loss_fn(logits, y)": "    loss = loss_fn(logits, y).clamp(max=max_norm)",
                                _CLIP: "    # the loss is clipped above"})

# ---- ex6_sample -------------------------------------------------------------------------------
_EX6 = r'''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\nT:", max_len: int = 1000,
           temperature: float = {default_t}, generator=None) -> str:
    model.eval()
    dev = next(model.parameters()).device
    index = {{ch: i for i, ch in enumerate(vocab)}}
    x = torch.tensor([[index[ch] for ch in start]], device=dev)
    text, state = start, None
{prime}    for _ in range(max_len):
        logits, state = model(x, state)
        probs = {probs}
        nxt = int(torch.multinomial(probs.cpu(), 1, generator=generator))
        text += vocab[nxt]
        if text.endswith("\n\n"):
            break
        x = torch.tensor([[nxt]], device=dev)
    return {ret}
'''
_EX6_P = dict(default_t="1.0", prime="", probs="torch.softmax(logits[0, -1] / temperature, dim=-1)", ret="text")
_EX6_OK = _EX6.format(**_EX6_P)
_EX6_CHARS = r'''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    dev = next(model.parameters()).device
    ids = torch.tensor([vocab.index(ch) for ch in start], device=dev).unsqueeze(0)
    out = list(start)
    state = None
    added = 0
    while added < max_len:
        logits, state = model(ids, state)
        scaled = logits[:, -1, :].cpu() / temperature                 # (1, V)
        probs = torch.exp(scaled - torch.logsumexp(scaled, dim=-1, keepdim=True))
        ids = torch.multinomial(probs, num_samples=1, generator=generator)   # (1, 1)
        out.append(vocab[ids.item()])
        added += 1
        if out[-2:] == ["\n", "\n"]:
            break
        ids = ids.to(dev)
    return "".join(out)
'''
_EX6_PRIME_TWICE = _EX6.format(**{**_EX6_P, "prime": "    _, state = model(x, None)   # read the prompt once\n"
                                                    "    x = x[:, -1:]   # then go on from its last character\n"})
_EX6_SOFTMAX_DIM0 = _EX6.format(**{**_EX6_P, "probs": "torch.softmax(logits[:, -1] / temperature, dim=0)"})
_EX6_GENERATED_ONLY = _EX6.format(**{**_EX6_P, "ret": "text[len(start):]"})
_EX6_DEFAULT_T = _EX6.format(**{**_EX6_P, "default_t": "0.8"})

# ---- ex7_evaluate -----------------------------------------------------------------------------
_EX7 = '''
@torch.no_grad()
def bits_per_char(model: nn.Module, ids: torch.Tensor, seq_len: int = 256) -> float:
    model.eval()
    dev = next(model.parameters()).device
    total, count, state = 0.0, 0, None
    for i in range(0, len(ids) - 1, seq_len):
        x = ids[i:min(i + seq_len, len(ids) - 1)].to(dev)
        y = ids[i + 1:i + 1 + len(x)].to(dev)
        logits, state = model(x[None], state)
        total += {term}
        count += {count}
    return {ret}


def valid_tune_rate(tunes: list[str], problem=tune_problem) -> float:
    if not tunes:
        return 0.0
    return sum(problem(t) is None for t in tunes) {div} len(tunes)
'''
_EX7_P = dict(term='F.cross_entropy(logits[0], y, reduction="sum").item()', count="len(y)",
              ret="total / count / math.log(2)", div="/")
_EX7_OK = _EX7.format(**_EX7_P)
_EX7_SPLIT = '''
import statistics


@torch.no_grad()
def bits_per_char(model: nn.Module, ids: torch.Tensor, seq_len: int = 256) -> float:
    model.eval()
    dev = next(model.parameters()).device
    inputs, targets = ids[:-1].to(dev), ids[1:].to(dev)
    bits = torch.zeros((), dtype=torch.float64)
    state = None
    for x, y in zip(torch.split(inputs, seq_len), torch.split(targets, seq_len)):
        logits, state = model(x.unsqueeze(0), state)
        log2p = F.log_softmax(logits[0].double(), dim=-1) / math.log(2)
        bits -= log2p[torch.arange(len(y)), y].sum().cpu()
    return float(bits) / len(targets)


def valid_tune_rate(tunes: list[str], problem=tune_problem) -> float:
    return statistics.fmean([problem(t) is None for t in tunes]) if len(tunes) > 0 else 0.0
'''
_EX7_PERPLEXITY = _EX7.format(**{**_EX7_P, "ret": "math.exp(total / count)"})
_EX7_LOG_PROBS = _EX7.format(**{**_EX7_P, "term": "-torch.log(torch.softmax(logits[0], dim=-1)"
                                                  ".gather(1, y[:, None])).sum().item()"})
_EX7_COUNT_SEQ_LEN = _EX7.format(**{**_EX7_P, "count": "seq_len"})
_EX7_FLOOR_DIV = _EX7.format(**{**_EX7_P, "div": "//"})

MUTANTS = {
    "ex1_vocab": [
        ("build_vocab returns a string of characters, not a list", _EX1_STR_VOCAB),
        ("vectorize uses torch.int (int32), not torch.long", _EX1_INT32),
        ("vectorize strips the text first (leading/trailing newlines lost)", _EX1_STRIP),
        ("devectorize returns a list of characters, not a string", _EX1_LIST),
    ],
    "ex2_batch": [
        ("randint from 1: the first window is never drawn", _EX2_LOW_ONE),
        ("starts only at multiples of seq_len (non-overlapping chunks)", _EX2_MULTIPLES),
        ("starts sorted: rows come in text order", _EX2_SORTED),
        ("a fresh torch.Generator() when none is given: ignores torch's global seed, same batch every call",
         _EX2_FRESH_GEN),
    ],
    "ex3_model": [
        ("returns the state as (c, h)", _EX3_CH),
        ("head on the last hidden state only: (B, V), not (B, T, V)", _EX3_LAST_H),
        ("tanh on the logits", _EX3_TANH),
        ("LSTM run twice: the state returned comes from a run that ignored the given state", _EX3_TWICE),
    ],
    "ex4_loss": [
        ("label_smoothing=0.1", _EX4_SMOOTH),
        ("per-sequence means summed over the batch (grows with the batch size)", _EX4_SUM_OF_MEANS),
        ("only the last position is scored", _EX4_LAST),
        ("loss in bits (divided by ln 2)", _EX4_BITS),
    ],
    "ex5_train_step": [
        ("clips every parameter tensor on its own, not the total norm", _EX5_PER_TENSOR),
        ("optimizer.step() called twice", _EX5_STEP_TWICE),
        ("model.train() after the forward pass (it runs in eval mode)", _EX5_TRAIN_LATE),
        ("clamps the loss at max_norm instead of clipping the gradient", _EX5_CLAMP_LOSS),
    ],
    "ex6_sample": [
        ("prompt read once, then its last character fed again", _EX6_PRIME_TWICE),
        ("softmax over dim 0 of the (1, V) logits: every character equally likely", _EX6_SOFTMAX_DIM0),
        ("returns only the generated characters, without the start", _EX6_GENERATED_ONLY),
        ("wrong default: temperature 0.8 (from the generate cell)", _EX6_DEFAULT_T),
    ],
    "ex7_evaluate": [
        ("returns the perplexity exp(mean nats), not bits", _EX7_PERPLEXITY),
        ("log of softmax probabilities in two steps: a confident mistake underflows to infinite bits", _EX7_LOG_PROBS),
        ("counts seq_len predictions for every chunk, the short last one too", _EX7_COUNT_SEQ_LEN),
        ("valid_tune_rate with floor division //", _EX7_FLOOR_DIV),
    ],
}

CORRECT = {
    "ex1_vocab": [
        ("sorted(set), dict lookup, join of vocab[int(i)]", _EX1_OK),
        ("dict of seen characters, zip lookup, as_tensor, map over tolist()", _EX1_ZIP),
    ],
    "ex2_batch": [
        ("randint starts, stacked slices", _EX2_OK),
        ("position arithmetic and torch.gather", _EX2_GATHER),
    ],
    "ex3_model": [
        ("layers called as modules", _EX3_OK),
        ("keyword layers, F.embedding and einsum with the head's weights", _EX3_EINSUM),
    ],
    "ex4_loss": [
        ("F.cross_entropy on reshaped logits and targets", _EX4_OK),
        ("log_softmax times one_hot", _EX4_ONE_HOT),
    ],
    "ex5_train_step": [
        ("clip_grad_norm_ between backward and step", _EX5_OK),
        ("global-norm clipping written by hand, float(loss)", _EX5_MANUAL_CLIP),
    ],
    "ex6_sample": [
        ("dict lookup, softmax of the last logits, multinomial on CPU probabilities", _EX6_OK),
        ("while loop, vocab.index, logsumexp-normalised probabilities, 2-D multinomial", _EX6_CHARS),
    ],
    "ex7_evaluate": [
        ("chunks of seq_len, cross-entropy sums, state carried", _EX7_OK),
        ("torch.split of inputs and targets, float64 log2 probabilities, statistics.fmean", _EX7_SPLIT),
    ],
}

r"""Blind round 9: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 2
(music generation), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/01_music_rnn/02_music_generation.py nor in
benchmarks/blind/round1/ to round8/. CORRECT[...][0] is round 8's reference (round 3's, reused by
name; the proofs, benchmarks/blind/round9/prove_01_music.py, compare with it); CORRECT[...][1] is
this round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND8 = earlier_round(8, __file__)


def _reference(gid: str) -> tuple[str, str]:
    return ROUND8.CORRECT[gid][0]


# ---- ex1_vocab --------------------------------------------------------------------------------
_EX1_OK = ROUND8._EX1_OK
_EX1_GROUPBY = '''
import itertools


def build_vocab(text: str) -> list[str]:
    """The sorted list of distinct characters in `text`."""
    return [ch for ch, _ in itertools.groupby(sorted(text))]      # runs of equal characters, one each


def vectorize(text: str, vocab: list[str]) -> torch.Tensor:
    """'AB' -> tensor([index of 'A', index of 'B']), dtype torch.long, shape (len(text),).

    The index of a character is its position in `vocab` as given (vocab[i] has index i).
    """
    position = dict(zip(vocab, itertools.count()))
    return torch.LongTensor([position[ch] for ch in text])


def devectorize(ids, vocab: list[str]) -> str:
    """The inverse of vectorize: indices (tensor or list) -> string."""
    return "".join(map(vocab.__getitem__, map(int, ids)))
'''
_EX1_PRINTABLE = "\nimport string\n" + replace_once(
    _EX1_OK, "return sorted(set(text))", "return sorted(string.printable)   # every character a tune can hold")
_EX1_SQUEEZE = replace_once(_EX1_OK, "return torch.tensor([index[ch] for ch in text], dtype=torch.long)",
                            "return torch.tensor([index[ch] for ch in text], dtype=torch.long).squeeze()   # 1-D")
_EX1_NP_VECTORIZE = "\nimport numpy as np\n" + replace_once(
    _EX1_OK, "return torch.tensor([index[ch] for ch in text], dtype=torch.long)",
    "return torch.from_numpy(np.vectorize(index.get)(list(text)).astype(np.int64))")
_EX1_RANGE = replace_once(_EX1_OK, 'return "".join(vocab[int(i)] for i in ids)',
                          'return "".join(vocab[i] for i in range(len(ids)))')

# ---- ex2_batch --------------------------------------------------------------------------------
_EX2_OK = ROUND8._EX2_OK
_EX2_TAKE = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    """Random windows: x (B, T) and the next characters y (B, T)."""
    starts = torch.randint(low=0, high=ids.numel() - seq_len, size=(batch_size,), generator=generator)
    where = starts.unsqueeze(1) + torch.arange(seq_len)          # (B, T) positions of the inputs
    return torch.take(ids, where), torch.take(ids, where + 1)
'''
_EX2_INT32 = replace_once(_EX2_OK, "    return x, y\n", "    return x.int(), y.int()   # int32 is plenty for indices\n")
_EX2_NUMPY = "\nimport numpy as np\n" + replace_once(
    _EX2_OK, '''    x = torch.stack([ids[s:s + seq_len] for s in starts.tolist()])
    y = torch.stack([ids[s + 1:s + seq_len + 1] for s in starts.tolist()])''',
    '''    text = ids.numpy()
    x = np.stack([text[s:s + seq_len] for s in starts.tolist()])
    y = np.stack([text[s + 1:s + seq_len + 1] for s in starts.tolist()])''')
_EX2_DEFAULT_GENERATOR = replace_once(
    _EX2_OK, "def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):",
    "def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=torch.Generator()):")
_EX2_INT_SIZE = replace_once(_EX2_OK, "(batch_size,), generator=generator)", "batch_size, generator=generator)")

# ---- ex3_model --------------------------------------------------------------------------------
_EX3_OK = ROUND8._EX3_OK
_EX3_INDEX_SELECT = '''
class MusicLSTM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.embedding = nn.Embedding(num_embeddings=cfg.vocab_size, embedding_dim=cfg.embedding_dim)
        self.lstm = nn.LSTM(input_size=cfg.embedding_dim, hidden_size=cfg.hidden_size,
                            num_layers=cfg.num_layers, batch_first=True)
        self.head = nn.Linear(in_features=cfg.hidden_size, out_features=cfg.vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        """x (B, T) indices -> logits (B, T, V), state (h, c) each (num_layers, B, hidden)."""
        vectors = self.embedding.weight.index_select(0, x.reshape(-1)).reshape(*x.shape, -1)
        hidden, state = self.lstm(vectors, hx=state)
        return self.head(hidden), state
'''
_EX3_EMB_SWAPPED = replace_once(_EX3_OK, "nn.Embedding(cfg.vocab_size, cfg.embedding_dim)",
                                "nn.Embedding(cfg.embedding_dim, cfg.vocab_size)")
_EX3_NO_BIAS = replace_once(_EX3_OK, "batch_first=True)", "batch_first=True, bias=False)")
_EX3_NAMES = '''
class MusicLSTM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.embed = nn.Embedding(cfg.vocab_size, cfg.embedding_dim)
        self.rnn = nn.LSTM(cfg.embedding_dim, cfg.hidden_size, num_layers=cfg.num_layers, batch_first=True)
        self.fc = nn.Linear(cfg.hidden_size, cfg.vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        """x (B, T) indices -> logits (B, T, V), state (h, c) each (num_layers, B, hidden)."""
        out, state = self.rnn(self.embed(x), state)
        return self.fc(out), state
'''
_EX3_HIDDEN_IGNORED = replace_once(
    replace_once(_EX3_OK, "nn.LSTM(cfg.embedding_dim, cfg.hidden_size,", "nn.LSTM(cfg.embedding_dim, cfg.embedding_dim,"),
    "nn.Linear(cfg.hidden_size, cfg.vocab_size)", "nn.Linear(cfg.embedding_dim, cfg.vocab_size)")

# ---- ex4_loss ---------------------------------------------------------------------------------
_EX4_OK = ROUND8._EX4_OK
_EX4_SUM_OVER_NUMEL = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    summed = nn.CrossEntropyLoss(reduction="sum")(logits.flatten(end_dim=-2), targets.flatten())
    return summed / targets.numel()
'''
_EX4_ITEM = replace_once(_EX4_OK, "targets.reshape(-1))", "targets.reshape(-1)).item()")
_EX4_BACKWARD = replace_once(
    _EX4_OK, "    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))\n",
    "    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))\n"
    "    loss.backward()   # the gradients for the optimizer\n"
    "    return loss\n")
_EX4_INPLACE_SHIFT = replace_once(
    _EX4_OK, "    return F.cross_entropy(",
    "    logits.sub_(logits.max(dim=-1, keepdim=True).values)   # stabilise: the largest logit at 0\n"
    "    return F.cross_entropy(")
_EX4_FRESH_LEAF = replace_once(_EX4_OK, "targets.reshape(-1))",
                               "targets.reshape(-1)).detach().requires_grad_()   # so that backward() runs")

# ---- ex5_train_step ---------------------------------------------------------------------------
_EX5_OK = ROUND8._EX5_OK
_EX5_FOREACH = '''
def train_step(model: nn.Module, optimizer, x: torch.Tensor, y: torch.Tensor, loss_fn, max_norm: float) -> float:
    model.train(mode=True)
    optimizer.zero_grad(set_to_none=True)
    logits, *_ = model(x)
    loss = loss_fn(logits, y)
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), max_norm=max_norm, norm_type=2.0, foreach=True)
    optimizer.step()
    return float(loss.detach())
'''
_EX5_TRAIN_ATTR = replace_once(_EX5_OK, "    model.train()\n", "    model.train\n")
_EX5_ZERO_EACH = replace_once(_EX5_OK, "    optimizer.zero_grad()\n",
                              "    for p in model.parameters():\n        p.grad.zero_()\n")
_EX5_MANUAL_SGD = replace_once(
    _EX5_OK, "    optimizer.step()\n",
    "    lr = optimizer.param_groups[0][\"lr\"]\n"
    "    with torch.no_grad():\n"
    "        for p in model.parameters():\n"
    "            if p.grad is not None:\n"
    "                p -= lr * p.grad   # the update step\n")
_EX5_ROUNDED = replace_once(_EX5_OK, "return loss.item()", "return round(loss.item(), 4)")

# ---- ex6_sample -------------------------------------------------------------------------------
_EX6_OK = ROUND8._EX6_OK
_EX6_CHUNKS = '''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    where = next(model.parameters()).device
    lookup = dict(zip(vocab, range(len(vocab))))
    pieces = [start]
    feed = torch.tensor([[lookup[ch] for ch in start]], device=where)
    state, made = None, 0
    while made < max_len:
        logits, state = model(feed, state)
        probs = (logits[0, -1] / temperature).softmax(dim=-1)
        pick = torch.multinomial(probs.cpu(), 1, generator=generator).item()
        pieces.append(vocab[pick])
        made += 1
        if pieces[-2][-1:] + pieces[-1] == "\\n\\n":          # the whole text, prompt included
            break
        feed = torch.full((1, 1), pick, device=where)
    return "".join(pieces)
'''
_EX6_OWN_VOCAB = replace_once(_EX6_OK, "x = torch.tensor([[index[ch] for ch in start]], device=dev)",
                              "x = vectorize(start, build_vocab(start))[None].to(dev)   # the prompt as ids (exercise 1)")
_EX6_LIST = replace_once(_EX6_OK, "    text, state = start, None\n", "    text, state = list(start), None\n")
_EX6_LIST = replace_once(_EX6_LIST, "        text += vocab[nxt]\n", "        text.append(vocab[nxt])\n")
_EX6_LIST = replace_once(_EX6_LIST, 'if text.endswith("\\n\\n"):', 'if text[-2:] == ["\\n", "\\n"]:')
_EX6_COLUMN = replace_once(_EX6_OK, "x = torch.tensor([[index[ch] for ch in start]], device=dev)",
                           "x = torch.tensor([[index[ch]] for ch in start], device=dev)   # one row per character")
_EX6_PROMPT_INDEX = replace_once(_EX6_OK, "logits[0, -1] / temperature",
                                 "logits[0, len(start) - 1] / temperature")

# ---- ex7_evaluate -----------------------------------------------------------------------------
_EX7_OK = ROUND8._EX7_OK
_EX7_TENSOR_SPLIT = '''
import operator


@torch.no_grad()
def bits_per_char(model: nn.Module, ids: torch.Tensor, seq_len: int = 256) -> float:
    model.eval()
    where = next(model.parameters()).device
    inputs, targets = ids[:-1], ids[1:]
    cuts = list(range(seq_len, len(inputs), seq_len))
    nats, state = 0.0, None
    for x, y in zip(torch.tensor_split(inputs, cuts), torch.tensor_split(targets, cuts)):
        logits, state = model(x.unsqueeze(0).to(where), state)
        nats += F.nll_loss(F.log_softmax(logits[0].double(), dim=-1), y.to(where), reduction="sum").item()
    return nats / len(targets) / math.log(2) if len(targets) else 0.0


def valid_tune_rate(tunes: list[str], problem=tune_problem) -> float:
    if len(tunes) == 0:
        return 0.0
    return operator.countOf(map(problem, tunes), None) / len(tunes)
'''
_EX7_ENTROPY = replace_once(
    _EX7_OK, '        total += F.cross_entropy(logits[0], y, reduction="sum").item()\n',
    '        logp = F.log_softmax(logits[0], dim=-1)\n'
    '        total += -(logp.exp() * logp).sum().item()   # the uncertainty of every prediction\n')
_EX7_IGNORE_0 = replace_once(_EX7_OK, 'reduction="sum")', 'reduction="sum", ignore_index=0)')
_EX7_STAT_MEAN = "\nimport statistics\n" + replace_once(
    _EX7_OK, "return sum(problem(t) is None for t in tunes) / len(tunes)",
    "return statistics.mean(problem(t) is None for t in tunes)")
_EX7_BLANK_INVALID = replace_once(_EX7_OK, "sum(problem(t) is None for t in tunes)",
                                  "sum(problem(t) is None and bool(t.strip()) for t in tunes)")

MUTANTS = {
    "ex1_vocab": [
        ("build_vocab returns sorted(string.printable): every printable ASCII character, not the text's own",
         _EX1_PRINTABLE),
        ("vectorize squeezes its result: a one-character text gives a 0-d tensor", _EX1_SQUEEZE),
        ("vectorize by np.vectorize(index.get): raises for the empty text (a size-0 input without otypes)",
         _EX1_NP_VECTORIZE),
        ("devectorize iterates over range(len(ids)): vocab[position], not vocab[id]", _EX1_RANGE),
    ],
    "ex2_batch": [
        ("x and y cast to int32 (.int()): not the ids' long dtype", _EX2_INT32),
        ("windows sliced from ids.numpy() and np.stack-ed: numpy arrays, not tensors", _EX2_NUMPY),
        ("default argument generator=torch.Generator(), made once: calls without one ignore torch's global seed",
         _EX2_DEFAULT_GENERATOR),
        ("randint given size=batch_size, an int, not the tuple (batch_size,): raises", _EX2_INT_SIZE),
    ],
    "ex3_model": [
        ("nn.Embedding's arguments swapped: Embedding(embedding_dim, vocab_size)", _EX3_EMB_SWAPPED),
        ("nn.LSTM(bias=False): the gates have no biases", _EX3_NO_BIAS),
        ("layers named embed, rnn and fc (the usual names), not embedding, lstm and head", _EX3_NAMES),
        ("hidden_size ignored: an LSTM of embedding_dim units and a head from embedding_dim", _EX3_HIDDEN_IGNORED),
    ],
    "ex4_loss": [
        ("returns loss.item(): a Python float, backward() impossible", _EX4_ITEM),
        ("calls loss.backward() itself: the caller's backward then runs through a freed graph", _EX4_BACKWARD),
        ("logits shifted by their max in place (sub_): the caller's logits change, a leaf that requires grad raises",
         _EX4_INPLACE_SHIFT),
        ("loss.detach().requires_grad_(): backward runs, but no gradient reaches the logits", _EX4_FRESH_LEAF),
    ],
    "ex5_train_step": [
        ("model.train without the call parentheses: the mode never changes", _EX5_TRAIN_ATTR),
        ("zeroes every p.grad in place: on the first step .grad is still None and it raises", _EX5_ZERO_EACH),
        ("updates the weights by hand (p -= lr * grad) instead of optimizer.step(): plain SGD whatever the optimizer",
         _EX5_MANUAL_SGD),
        ("returns the loss rounded to 4 decimals (for the progress bar)", _EX5_ROUNDED),
    ],
    "ex6_sample": [
        ("prompt encoded with vectorize(start, build_vocab(start)): indices of the prompt's own vocabulary, "
         "not the model's", _EX6_OWN_VOCAB),
        ("returns the list of characters, never joined into a string", _EX6_LIST),
        ("prompt fed as a column (len(start), 1): a batch of one-character sequences", _EX6_COLUMN),
        ("next logits read at position len(start) - 1: right for the prompt, out of range for a one-character feed",
         _EX6_PROMPT_INDEX),
    ],
    "ex7_evaluate": [
        ("the entropy of the model's predictions (-sum p log p), not the cross-entropy with the true next characters",
         _EX7_ENTROPY),
        ("cross_entropy with ignore_index=0 (index 0 taken for padding): predictions of character 0 cost nothing",
         _EX7_IGNORE_0),
        ("valid_tune_rate by statistics.mean of the booleans: the int 1 (not 1.0) when every tune is valid",
         _EX7_STAT_MEAN),
        ("valid_tune_rate counts an empty or blank tune as invalid whatever problem() says", _EX7_BLANK_INVALID),
    ],
}

CORRECT = {
    "ex1_vocab": [_reference("ex1_vocab"),
                  ("itertools.groupby of the sorted text; zip with itertools.count into torch.LongTensor; map join",
                   _EX1_GROUPBY)],
    "ex2_batch": [_reference("ex2_batch"),
                  ("randint with keywords, positions starts[:, None] + arange, torch.take for x and y", _EX2_TAKE)],
    "ex3_model": [_reference("ex3_model"),
                  ("keyword constructors; embedding by index_select on its weight, LSTM called with hx=state",
                   _EX3_INDEX_SELECT)],
    "ex4_loss": [_reference("ex4_loss"),
                 ("CrossEntropyLoss(reduction='sum') on flatten(end_dim=-2), divided by targets.numel()",
                  _EX4_SUM_OVER_NUMEL)],
    "ex5_train_step": [_reference("ex5_train_step"),
                       ("train(mode=True), zero_grad(set_to_none), logits, *_ unpacking, foreach clipping, "
                        "float(loss.detach())", _EX5_FOREACH)],
    "ex6_sample": [_reference("ex6_sample"),
                   ("zip lookup, while loop with a counter, Tensor.softmax, torch.full feed, pieces joined at the end",
                    _EX6_CHUNKS)],
    "ex7_evaluate": [_reference("ex7_evaluate"),
                     ("torch.tensor_split of inputs and targets, float64 log_softmax + nll_loss; operator.countOf",
                      _EX7_TENSOR_SPLIT)],
}

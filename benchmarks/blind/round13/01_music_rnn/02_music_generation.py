r"""Blind round 13: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 2
(music generation), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in benchmarks/blind/round1/ to round12/ (their labels were
read, not tests/mutants/). CORRECT[...][0] is round 12's reference (round 3's, reused by name; the
proofs, benchmarks/blind/round13/prove_01_music.py, compare with it); CORRECT[...][1] is this
round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND12 = earlier_round(12, __file__)


def _reference(gid: str) -> tuple[str, str]:
    return ROUND12.CORRECT[gid][0]


# ---- ex1_vocab --------------------------------------------------------------------------------
_EX1_OK = ROUND12._EX1_OK
_EX1_TABLE = '''
def build_vocab(text: str) -> list[str]:
    """The sorted list of distinct characters in `text`."""
    return sorted(dict.fromkeys(text))


def vectorize(text: str, vocab: list[str]) -> torch.Tensor:
    """'AB' -> tensor([index of 'A', index of 'B']), dtype torch.long, shape (len(text),).

    The index of a character is its position in `vocab` as given (vocab[i] has index i).
    """
    codes = torch.tensor([ord(ch) for ch in text], dtype=torch.long)
    size = max([ord(ch) for ch in vocab] + [ord(ch) for ch in text] + [0]) + 1
    table = torch.full((size,), -1, dtype=torch.long)        # code point -> index in vocab
    table[torch.tensor([ord(ch) for ch in vocab], dtype=torch.long)] = torch.arange(len(vocab))
    return table[codes]


def devectorize(ids, vocab: list[str]) -> str:
    """The inverse of vectorize: indices (tensor or list) -> string."""
    return "".join(map(vocab.__getitem__, torch.as_tensor(ids, dtype=torch.long).reshape(-1).tolist()))
'''
_EX1_CRLF = replace_once(
    _EX1_OK, "return sorted(set(text))",
    'return sorted(set(text.replace("\\r\\n", "\\n").replace("\\r", "\\n")))   # Windows line endings')
_EX1_NO_SPACE = replace_once(_EX1_OK, "return sorted(set(text))",
                             'return sorted(set(text) - {" "})   # spaces only separate notes')
_EX1_ORD_OFFSET = replace_once(_EX1_OK, "return torch.tensor([index[ch] for ch in text], dtype=torch.long)",
                               "return torch.tensor([ord(ch) - ord(vocab[0]) for ch in text], dtype=torch.long)")
_EX1_NFKD = "\nimport unicodedata\n" + replace_once(
    _EX1_OK, "return sorted(set(text))",
    'return sorted(set(unicodedata.normalize("NFKD", text)))   # canonical form of accented letters')

# ---- ex2_batch --------------------------------------------------------------------------------
_EX2_OK = ROUND12._EX2_OK
_EX2_GATHER = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    """Random windows: x (B, T) and the next characters y (B, T)."""
    starts = torch.randint(ids.shape[0] - seq_len, (batch_size,), generator=generator)
    positions = starts.unsqueeze(1) + torch.arange(seq_len + 1)       # (B, T + 1)
    windows = ids[positions]
    return windows[:, :-1].contiguous(), windows[:, 1:].contiguous()
'''
_EX2_COLUMN = replace_once(
    _EX2_OK, "starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)",
    "starts = torch.randint(0, len(ids) - seq_len, (batch_size, 1), generator=generator).squeeze()")
_EX2_STACKED = replace_once(_EX2_OK, "    return x, y", "    return torch.stack((x, y))   # (2, B, T): x, y = get_batch(...)")
_EX2_ONE_START = replace_once(
    _EX2_OK, "starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)",
    "starts = torch.randint(0, len(ids) - seq_len, (1,), generator=generator).repeat(batch_size)   # one call")
_EX2_CAPPED = replace_once(
    _EX2_OK, "    starts = torch.randint(",
    "    batch_size = min(batch_size, len(ids) - seq_len)   # no more rows than windows\n"
    "    starts = torch.randint(")

# ---- ex3_model --------------------------------------------------------------------------------
_EX3_OK = ROUND12._EX3_OK
_EX3_EINSUM = '''
class MusicLSTM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.embedding = nn.Embedding(cfg.vocab_size, cfg.embedding_dim)
        self.lstm = nn.LSTM(input_size=cfg.embedding_dim, hidden_size=cfg.hidden_size,
                            num_layers=cfg.num_layers, batch_first=True)
        self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        """x (B, T) indices -> logits (B, T, V), state (h, c) each (num_layers, B, hidden)."""
        args = () if state is None else (tuple(state),)
        hidden, new_state = self.lstm(self.embedding(x), *args)
        logits = torch.einsum("bth,vh->btv", hidden, self.head.weight) + self.head.bias
        return logits, new_state
'''
_EX3_BIAS_SLOT = replace_once(
    _EX3_OK, "nn.LSTM(cfg.embedding_dim, cfg.hidden_size, num_layers=cfg.num_layers, batch_first=True)",
    "nn.LSTM(cfg.embedding_dim, cfg.hidden_size, cfg.num_layers, True)   # ..., num_layers, batch_first")
_EX3_FLOAT = replace_once(_EX3_OK, "out, state = self.lstm(self.embedding(x), state)",
                          "out, state = self.lstm(self.embedding(x).float(), state)   # the LSTM wants floats")
_EX3_STATE_SWAPPED = replace_once(
    _EX3_OK, "        out, state = self.lstm(self.embedding(x), state)\n",
    "        if state is None:\n"
    "            out, state = self.lstm(self.embedding(x))\n"
    "        else:\n"
    "            c0, h0 = state\n"
    "            out, state = self.lstm(self.embedding(x), (h0, c0))\n")
_EX3_DROPOUT = replace_once(
    _EX3_OK, "        self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)\n",
    "        self.dropout = nn.Dropout(0.2)   # regularise the LSTM's output\n"
    "        self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)\n")
_EX3_DROPOUT = replace_once(_EX3_DROPOUT, "return self.head(out), state", "return self.head(self.dropout(out)), state")

# ---- ex4_loss ---------------------------------------------------------------------------------
_EX4_OK = ROUND12._EX4_OK
_EX4_CLASS_AXIS = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    return F.cross_entropy(logits.permute(0, 2, 1), targets)     # (B, V, T): the classes on dim 1
'''
_EX4_TARGETS_VIEW = replace_once(_EX4_OK, "targets.reshape(-1)", "targets.view(-1)")
_EX4_NLL_RAW = replace_once(_EX4_OK, "F.cross_entropy(", "F.nll_loss(")
_EX4_CLAMPED = replace_once(
    _EX4_OK, "return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))",
    "per_position = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction='none')\n"
    "    return per_position.clamp(max=20.0).mean()   # cap the rare huge losses")
_EX4_LOG1P = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    z = logits.reshape(-1, logits.shape[-1])
    m = z.max(dim=-1, keepdim=True).values
    lse = m.squeeze(-1) + torch.log1p(torch.exp(z - m).sum(dim=-1))   # log1p: the stable log
    return (lse - z.gather(1, targets.reshape(-1, 1)).squeeze(1)).mean()
'''

# ---- ex5_train_step ---------------------------------------------------------------------------
_EX5_OK = ROUND12._EX5_OK
_EX5_SET_TO_NONE = '''
def train_step(model: nn.Module, optimizer, x: torch.Tensor, y: torch.Tensor, loss_fn, max_norm: float) -> float:
    model.train(mode=True)
    optimizer.zero_grad(set_to_none=True)
    output = model(x)
    loss = loss_fn(output[0], y)
    loss.backward()
    nn.utils.clip_grad_norm_(list(model.parameters()), max_norm=float(max_norm))
    optimizer.step()
    return float(loss.detach())
'''
_EX5_LOSS_NO_GRAD = replace_once(_EX5_OK, "    loss = loss_fn(logits, y)\n",
                                 "    with torch.no_grad():   # the loss is only a number to report\n"
                                 "        loss = loss_fn(logits, y)\n")
_EX5_REQUIRES_GRAD = replace_once(_EX5_OK, "    model.train()\n",
                                  "    model.train()\n    model.requires_grad_(True)   # make sure every weight learns\n")
_EX5_MANUAL_SEED = replace_once(_EX5_OK, "    model.train()\n",
                                "    torch.manual_seed(0)   # reproducible steps\n    model.train()\n")
_EX5_LSTM_TRAIN = replace_once(_EX5_OK, "    model.train()\n", "    model.lstm.train()   # the LSTM is the layer with a mode\n")

# ---- ex6_sample -------------------------------------------------------------------------------
_EX6_OK = ROUND12._EX6_OK
_EX6_CHAR_BY_CHAR = '''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    where = next(model.parameters()).device
    lookup = {ch: i for i, ch in enumerate(vocab)}
    state, logits = None, None
    for ch in start:                                   # the prompt, one character at a time
        logits, state = model(torch.tensor([[lookup[ch]]], device=where), state)
    text = start
    for _ in range(max_len):
        scaled = logits[0, -1] / temperature
        probs = torch.exp(scaled - torch.logsumexp(scaled, dim=-1))
        nxt = torch.multinomial(probs.cpu(), 1, generator=generator).item()
        text = text + vocab[nxt]
        if text[-2:] == "\\n\\n":
            break
        logits, state = model(torch.tensor([[nxt]], device=where), state)
    return text
'''
_EX6_CUT_AFTER = replace_once(
    _EX6_OK, "        if text.endswith(\"\\n\\n\"):\n            break\n", "")
_EX6_CUT_AFTER = replace_once(
    _EX6_CUT_AFTER, "    return text",
    "    end = text.find(\"\\n\\n\", max(len(start) - 1, 0))   # cut at the first blank line\n"
    "    return text if end < 0 else text[:end + 2]")
_EX6_CHECK_FIRST = '''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    dev = next(model.parameters()).device
    index = {ch: i for i, ch in enumerate(vocab)}
    x = torch.tensor([[index[ch] for ch in start]], device=dev)
    text, state, generated = start, None, 0
    while generated < max_len and not text.endswith("\\n\\n"):
        logits, state = model(x, state)
        probs = torch.softmax(logits[0, -1] / temperature, dim=-1)
        nxt = int(torch.multinomial(probs.cpu(), 1, generator=generator))
        text += vocab[nxt]
        generated += 1
        x = torch.tensor([[nxt]], device=dev)
    return text
'''
_EX6_TORCH_SEED = replace_once(
    _EX6_OK, "    model.eval()\n",
    "    model.eval()\n    if generator is None:   # a fresh seed for every tune\n"
    "        generator = torch.Generator().manual_seed(torch.seed())\n")
_EX6_START_DEFAULT = replace_once(_EX6_OK, 'start: str = "X:1\\nT:"', 'start: str = "X:1\\n"')

# ---- ex7_evaluate -----------------------------------------------------------------------------
_EX7_OK = ROUND12._EX7_OK
_EX7_SPLIT = '''
@torch.no_grad()
def bits_per_char(model: nn.Module, ids: torch.Tensor, seq_len: int = 256) -> float:
    model.eval()
    dev = next(model.parameters()).device
    state, nats = None, 0.0
    for x, y in zip(torch.split(ids[:-1], seq_len), torch.split(ids[1:], seq_len)):
        logits, state = model(x.unsqueeze(0).to(dev), state)
        log_p = torch.log_softmax(logits[0].to(torch.float64), dim=-1)
        nats -= log_p.gather(1, y.to(dev).unsqueeze(1)).sum().item()
    return nats / ((len(ids) - 1) * math.log(2))


def valid_tune_rate(tunes: list[str], problem=tune_problem) -> float:
    verdicts = [problem(t) is None for t in tunes]
    return sum(verdicts) / len(verdicts) if verdicts else 0.0
'''
_EX7_TENSOR = replace_once(_EX7_OK, 'total += F.cross_entropy(logits[0], y, reduction="sum").item()',
                           'total += F.cross_entropy(logits[0], y, reduction="sum")')
_EX7_TIMES_LN2 = replace_once(_EX7_OK, "return total / count / math.log(2)", "return total / count * math.log(2)")
_EX7_POP = replace_once(
    _EX7_OK, "    return sum(problem(t) is None for t in tunes) / len(tunes)",
    "    n, valid = len(tunes), 0\n"
    "    while tunes:\n"
    "        if problem(tunes.pop()) is None:\n"
    "            valid += 1\n"
    "    return valid / n")
_EX7_COUNT = replace_once(_EX7_OK, "return sum(problem(t) is None for t in tunes) / len(tunes)",
                          "return sum(problem(t) is None for t in tunes)")
_EX7_NAN_EMPTY = replace_once(_EX7_OK, "        return 0.0", "        return float(\"nan\")   # no tunes: undefined")

MUTANTS = {
    "ex1_vocab": [
        ("build_vocab normalises Windows line endings first ('\\r\\n' and '\\r' -> '\\n'): a '\\r' in the text "
         "gets no index ('the sorted list of distinct characters')", _EX1_CRLF),
        ("build_vocab leaves the space out ('spaces only separate notes'): a character of the text gets no "
         "index ('sorted distinct characters')", _EX1_NO_SPACE),
        ("vectorize computes ord(ch) - ord(vocab[0]): right only for a vocab of consecutive characters in "
         "order, not 'its position in the vocab you are given, whatever order that list is in'", _EX1_ORD_OFFSET),
        ("build_vocab of the NFKD-normalised text: an accented letter is split into a base letter and a "
         "combining mark, the letter itself gets no index and the mark is not in the text", _EX1_NFKD),
    ],
    "ex2_batch": [
        ("starts drawn as a column (batch_size, 1) and squeezed: a batch of one gives a 0-d tensor and "
         "the rows cannot be built ('(batch_size,)', 'both (batch_size, seq_len)')", _EX2_COLUMN),
        ("returns torch.stack((x, y)), one (2, B, T) tensor (it still unpacks), not the pair '(x, y)'",
         _EX2_STACKED),
        ("one start drawn (size (1,)) and repeated: every row the same window, not 'the batch_size starts' "
         "drawn with one call", _EX2_ONE_START),
        ("batch_size capped at the number of windows that fit: fewer rows than asked when the text is "
         "short, not '(batch_size, seq_len)' (starts may repeat)", _EX2_CAPPED),
    ],
    "ex3_model": [
        ("nn.LSTM(embedding_dim, hidden_size, num_layers, True): the fourth positional argument is bias, "
         "not batch_first, so the LSTM runs along the batch axis and the state is (layers, T, hidden)",
         _EX3_BIAS_SLOT),
        ("the embeddings cast .float() before the LSTM: a model moved to float64 (model.double()) raises "
         "('A model moved to another dtype ... works there')", _EX3_FLOAT),
        ("the given state unpacked as c0, h0 = state: the LSTM gets (c, h), not the state it returned, so "
         "a chunk fed the previous chunk's state does not go on from it", _EX3_STATE_SWAPPED),
        ("an nn.Dropout(0.2) between the LSTM and the head: not 'embedding -> LSTM -> linear', a model in "
         "training mode gives noisy logits", _EX3_DROPOUT),
    ],
    "ex4_loss": [
        ("targets flattened with .view(-1): transposed (non-contiguous) targets raise ('accept logits and "
         "targets that are views of other tensors ... not contiguous')", _EX4_TARGETS_VIEW),
        ("F.nll_loss on the raw logits (log_softmax forgotten): the mean of -z at the target, not "
         "-log softmax(z) ('F.cross_entropy ... applies the softmax itself', nll_loss does not)", _EX4_NLL_RAW),
        ("each position's loss capped at 20 nats ('cap the rare huge losses'): a confident mistake does not "
         "'cost its full -log p'", _EX4_CLAMPED),
        ("hand-written log-sum-exp with log1p(sum exp(z - m)) instead of log(sum ...): log(1 + s), every "
         "position's loss too large", _EX4_LOG1P),
    ],
    "ex5_train_step": [
        ("the loss computed under torch.no_grad() ('only a number to report'): it has no graph and "
         "backward() raises", _EX5_LOSS_NO_GRAD),
        ("model.requires_grad_(True) 'so every weight learns': parameters the caller froze are unfrozen and "
         "trained (a function changes nothing the caller gives it but the parameters it trains)", _EX5_REQUIRES_GRAD),
        ("torch.manual_seed(0) at every step 'for reproducible steps': reseeds PyTorch's global generator "
         "(draws random numbers only from the generator it is given ... without reseeding it)", _EX5_MANUAL_SEED),
        ("model.lstm.train() instead of model.train(): the model itself (and its other layers) stays in "
         "eval mode ('Put the model in training mode first (model.train())')", _EX5_LSTM_TRAIN),
    ],
    "ex6_sample": [
        ("always generates max_len characters and cuts the text at the first blank line afterwards: the "
         "text is right but the generator is consumed for max_len draws ('Stop when the text ends with a "
         "blank line'), so the next tune from a shared generator differs", _EX6_CUT_AFTER),
        ("the blank line looked for before each draw (while ... not text.endswith('\\n\\n')): a prompt that "
         "already ends in '\\n\\n' comes back with nothing generated ('look after every character you append')",
         _EX6_CHECK_FIRST),
        ("without a generator, makes one seeded with torch.seed(): torch.seed() reseeds the global generator "
         "from a non-deterministic source ('torch's global generator, as it is: never reseed it')", _EX6_TORCH_SEED),
        ("default start retyped as 'X:1\\n': 'keep the defaults of the signature you are given'",
         _EX6_START_DEFAULT),
    ],
    "ex7_evaluate": [
        ("bits_per_char sums the chunks' 0-d tensors (no .item()) and returns a 0-d tensor, not a float",
         _EX7_TENSOR),
        ("the mean loss multiplied by ln 2 instead of divided ('The validation loss in nats, divided by ln 2')",
         _EX7_TIMES_LN2),
        ("valid_tune_rate consumes the caller's list with tunes.pop(): the list is empty afterwards (a "
         "function changes nothing the caller gives it)", _EX7_POP),
        ("valid_tune_rate returns the number of valid tunes, never divided by len(tunes): not 'the share'",
         _EX7_COUNT),
        ("valid_tune_rate returns nan for an empty list ('0.0 for an empty list')", _EX7_NAN_EMPTY),
    ],
}

CORRECT = {
    "ex1_vocab": [_reference("ex1_vocab"),
                  ("sorted(dict.fromkeys); vectorize through a code-point lookup table; devectorize by "
                   "map(vocab.__getitem__) over as_tensor(ids).tolist()", _EX1_TABLE)],
    "ex2_batch": [_reference("ex2_batch"),
                  ("randint(high, (B,)) with one positional high, a (B, T + 1) index grid, x and y sliced from "
                   "the windows", _EX2_GATHER)],
    "ex3_model": [_reference("ex3_model"),
                  ("the state passed only when given (*args), head as einsum with the Linear's weight and bias",
                   _EX3_EINSUM)],
    "ex4_loss": [_reference("ex4_loss"),
                 ("F.cross_entropy on logits permuted to (B, V, T) with the (B, T) targets", _EX4_CLASS_AXIS)],
    "ex5_train_step": [_reference("ex5_train_step"),
                       ("train(mode=True), zero_grad(set_to_none=True), model(x)[0], clip on a list, "
                        "float(loss.detach())", _EX5_SET_TO_NONE)],
    "ex6_sample": [_reference("ex6_sample"),
                   ("the prompt fed one character at a time with the state, probabilities as exp(z/T - "
                    "logsumexp(z/T)), text[-2:] checked", _EX6_CHAR_BY_CHAR)],
    "ex7_evaluate": [_reference("ex7_evaluate"),
                     ("torch.split of ids[:-1] and ids[1:] into chunks, float64 log_softmax gathered, divided by "
                      "(len(ids) - 1) ln 2; valid_tune_rate from a list of verdicts", _EX7_SPLIT)],
}

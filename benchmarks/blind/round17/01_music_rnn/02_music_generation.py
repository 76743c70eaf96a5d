r"""Blind round 17: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 2
(music generation), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in benchmarks/blind/round1/ to round16/ (their labels were
read, not tests/mutants/). CORRECT[...][0] is round 16's reference (round 3's, reused by name; the
proofs, benchmarks/blind/round17/prove_01_music.py, compare with it); CORRECT[...][1] is this
round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND16 = earlier_round(16, __file__)


def _reference(gid: str) -> tuple[str, str]:
    return ROUND16.CORRECT[gid][0]


def _ok(gid: str) -> str:
    return _reference(gid)[1]


# ---- ex1_vocab --------------------------------------------------------------------------------
_EX1_OK = _ok("ex1_vocab")
_EX1_OWN = '''
def build_vocab(text: str) -> list[str]:
    """The sorted list of distinct characters in `text`."""
    seen = []
    for ch in text:
        if ch not in seen:
            seen.append(ch)
    seen.sort()
    return seen


def vectorize(text: str, vocab: list[str]) -> torch.Tensor:
    """'AB' -> tensor([index of 'A', index of 'B']), dtype torch.long, shape (len(text),).

    The index of a character is its position in `vocab` as given (vocab[i] has index i).
    """
    out = torch.empty(len(text), dtype=torch.long)
    for k, ch in enumerate(text):
        out[k] = vocab.index(ch)
    return out


def devectorize(ids, vocab: list[str]) -> str:
    """The inverse of vectorize: indices (tensor or list) -> string."""
    flat = torch.as_tensor(ids, dtype=torch.long).reshape(-1).tolist()
    return "".join([vocab[i] for i in flat])
'''
_EX1_NEWLINE = replace_once(
    _EX1_OK, "return sorted(set(text))",
    'return sorted(set(text) | {"\\n"})   # the tune separator always has an index')
_EX1_NFC = "\nimport unicodedata\n" + replace_once(
    _EX1_OK, "    index = {ch: i for i, ch in enumerate(vocab)}\n",
    "    index = {ch: i for i, ch in enumerate(vocab)}\n"
    "    text = unicodedata.normalize(\"NFC\", text)   # one code point per accented letter\n")
_EX1_LOWER = replace_once(
    _EX1_OK, "return torch.tensor([index[ch] for ch in text], dtype=torch.long)",
    "return torch.tensor([index[ch] for ch in text.lower()], dtype=torch.long)   # case carries no note")
_EX1_CAP = replace_once(
    _EX1_OK, "return sorted(set(text))",
    "return sorted(set(text))[:128]   # an ASCII-sized vocabulary is plenty")

# ---- ex2_batch --------------------------------------------------------------------------------
_EX2_OK = _ok("ex2_batch")
_EX2_OWN = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    """Random windows: x (B, T) and the next characters y (B, T)."""
    last_start = ids.shape[0] - seq_len - 1          # the window and its target end at ids[-1]
    starts = torch.randint(0, last_start + 1, (batch_size,), generator=generator)
    offsets = starts.unsqueeze(1) + torch.arange(seq_len + 1).unsqueeze(0)   # (B, T + 1)
    windows = ids[offsets]
    return windows[:, :-1], windows[:, 1:]
'''
_EX2_MODULO = replace_once(
    _EX2_OK, "starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)",
    "starts = torch.randint(0, len(ids), (batch_size,), generator=generator) % (len(ids) - seq_len)"
    "   # wrapped into the range")
_EX2_RAISE = replace_once(
    _EX2_OK, "    starts = torch.randint(",
    "    if batch_size > len(ids) - seq_len:\n"
    "        raise ValueError(\"not enough text for that many windows\")\n"
    "    starts = torch.randint(")
_EX2_POSITIONAL = replace_once(
    _EX2_OK, "(batch_size,), generator=generator)", "(batch_size,), generator)")
_EX2_UNIQUE = replace_once(
    _EX2_OK, "(batch_size,), generator=generator)",
    "(batch_size,), generator=generator).unique()   # no window twice in a batch")

# ---- ex3_model --------------------------------------------------------------------------------
_EX3_OK = _ok("ex3_model")
_EX3_OWN = '''
class MusicLSTM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.embedding = nn.Embedding(num_embeddings=cfg.vocab_size, embedding_dim=cfg.embedding_dim)
        self.lstm = nn.LSTM(input_size=cfg.embedding_dim, hidden_size=cfg.hidden_size,
                            num_layers=cfg.num_layers, batch_first=True)
        self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        """x (B, T) indices -> logits (B, T, V), state (h, c) each (num_layers, B, hidden)."""
        emb = self.embedding(x)
        if state is None:
            out, (h, c) = self.lstm(emb)
        else:
            out, (h, c) = self.lstm(emb, (state[0], state[1]))
        B, T, H = out.shape
        logits = self.head(out.reshape(B * T, H)).reshape(B, T, -1)
        return logits, (h, c)
'''
_EX3_GLOBAL_VOCAB = replace_once(
    replace_once(_EX3_OK, "nn.Embedding(cfg.vocab_size, cfg.embedding_dim)", "nn.Embedding(len(vocab), cfg.embedding_dim)"),
    "nn.Linear(cfg.hidden_size, cfg.vocab_size)", "nn.Linear(cfg.hidden_size, len(vocab))   # one score per character")
_EX3_STATE_FLOAT = replace_once(
    _EX3_OK, "        out, state = self.lstm(",
    "        if state is not None:\n"
    "            state = tuple(s.float() for s in state)   # the LSTM's weights are float32\n"
    "        out, state = self.lstm(")
_EX3_LEARNED_H0 = replace_once(
    replace_once(
        _EX3_OK, "        self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)\n",
        "        self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)\n"
        "        self.h0 = nn.Parameter(torch.zeros(cfg.num_layers, 1, cfg.hidden_size))   # a learned start state\n"
        "        self.c0 = nn.Parameter(torch.zeros(cfg.num_layers, 1, cfg.hidden_size))\n"),
    "        out, state = self.lstm(",
    "        if state is None:\n"
    "            B = x.shape[0]\n"
    "            state = (self.h0.expand(-1, B, -1).contiguous(), self.c0.expand(-1, B, -1).contiguous())\n"
    "        out, state = self.lstm(")
_EX3_MASK0 = replace_once(
    _EX3_OK, "out, state = self.lstm(self.embedding(x), state)",
    "emb = self.embedding(x) * (x != 0).unsqueeze(-1)   # index 0 is padding: zero vector\n"
    "        out, state = self.lstm(emb, state)")

# ---- ex4_loss ---------------------------------------------------------------------------------
_EX4_OK = _ok("ex4_loss")
_EX4_OWN = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    norm = torch.logsumexp(logits, dim=-1)                              # (B, T)
    picked = torch.gather(logits, -1, targets.unsqueeze(-1)).squeeze(-1)   # (B, T)
    return (norm - picked).mean()
'''
_EX4_SWAPPED = '''
def sequence_loss(targets: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
'''
_EX4_TAKE = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    log_p = F.log_softmax(logits.reshape(-1, logits.shape[-1]), dim=-1)   # (N, V)
    return -torch.take(log_p, targets.reshape(-1)).mean()
'''
_EX4_HALF_UP = replace_once(
    _EX4_OK, "    return F.cross_entropy(",
    "    if logits.dtype in (torch.float16, torch.bfloat16):\n"
    "        logits = logits.float()   # mixed precision: the loss in float32\n"
    "    return F.cross_entropy(")
_EX4_ONE_HOT = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    V = logits.shape[-1]
    one_hot = F.one_hot(targets, V).to(logits.dtype)
    return -(F.log_softmax(logits, dim=-1) * one_hot).sum(-1).mean()
'''

# ---- ex5_train_step ---------------------------------------------------------------------------
_EX5_OK = _ok("ex5_train_step")
_EX5_OWN = '''
def train_step(model: nn.Module, optimizer, x: torch.Tensor, y: torch.Tensor, loss_fn, max_norm: float) -> float:
    model.train()
    optimizer.zero_grad(set_to_none=True)
    logits = model(x)[0]
    loss = loss_fn(logits, y)
    params = [p for p in model.parameters() if p.requires_grad]
    grads = torch.autograd.grad(loss, params, allow_unused=True)
    for p, g in zip(params, grads):
        if g is not None:
            p.grad = g if p.grad is None else p.grad + g
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    return float(loss.detach())
'''
_EX5_TF32 = replace_once(
    _EX5_OK, "    model.train()\n",
    "    torch.set_float32_matmul_precision(\"high\")   # TF32 matmuls: faster steps\n    model.train()\n")
_EX5_NONDET = replace_once(
    _EX5_OK, "    model.train()\n",
    "    torch.use_deterministic_algorithms(False)   # the LSTM kernels have no deterministic version\n"
    "    model.train()\n")
_EX5_STATE_CLEAR = replace_once(
    _EX5_OK, "    optimizer.zero_grad()\n",
    "    optimizer.zero_grad()\n    optimizer.state.clear()   # a clean optimizer for every step\n")
_EX5_FIRST_GROUP = replace_once(
    _EX5_OK, "torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)",
    "torch.nn.utils.clip_grad_norm_(optimizer.param_groups[0][\"params\"], max_norm)   # what the optimizer updates")

# ---- ex6_sample -------------------------------------------------------------------------------
_EX6_OK = _ok("ex6_sample")
_EX6_OWN = '''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    dev = next(model.parameters()).device
    feed = torch.tensor([[vocab.index(ch) for ch in start]], dtype=torch.long, device=dev)
    out, state, n = start, None, 0
    while n < max_len:
        logits, state = model(feed, state)
        log_p = F.log_softmax(logits[0, -1].double() / temperature, dim=-1)   # stable for any tau
        k = torch.multinomial(log_p.exp().cpu(), 1, generator=generator).item()
        out += vocab[k]
        n += 1
        if out[-2:] == "\\n\\n":
            break
        feed = torch.tensor([[k]], dtype=torch.long, device=dev)
    return out
'''
_EX6_RESTORE_MODE = replace_once(
    replace_once(_EX6_OK, "    model.eval()\n", "    was_training = model.training\n    model.eval()\n"),
    "    return text", "    model.train(was_training)   # hand the model back as it came\n    return text")
_EX6_HEADER_STOP = replace_once(
    _EX6_OK, '        if text.endswith("\\n\\n"):\n',
    '        if text.endswith("\\n\\n") or text[len(start):].endswith("X:"):   # or the next tune begins\n')
_EX6_TAU_CAP = replace_once(
    _EX6_OK, "probs = torch.softmax(logits[0, -1] / temperature, dim=-1)",
    "probs = torch.softmax(logits[0, -1] / min(temperature, 1.0), dim=-1)   # above 1 tunes only break")
_EX6_TIME_SOFTMAX = replace_once(
    _EX6_OK, "probs = torch.softmax(logits[0, -1] / temperature, dim=-1)",
    "probs = torch.softmax(logits[0] / temperature, dim=0)[-1]   # the last position's distribution")

# ---- ex7_evaluate -----------------------------------------------------------------------------
_EX7_OK = _ok("ex7_evaluate")
_EX7_OWN = '''
@torch.no_grad()
def bits_per_char(model: nn.Module, ids: torch.Tensor, seq_len: int = 256) -> float:
    model.eval()
    dev = next(model.parameters()).device
    n_pred = ids.numel() - 1
    nats, state, pos = 0.0, None, 0
    while pos < n_pred:
        end = min(pos + seq_len, n_pred)
        x = ids[pos:end].to(dev).reshape(1, -1)
        y = ids[pos + 1:end + 1].to(dev)
        logits, state = model(x, state)
        nats += F.nll_loss(F.log_softmax(logits[0].double(), dim=-1), y, reduction="sum").item()
        pos = end
    return nats / (n_pred * math.log(2))


def valid_tune_rate(tunes: list[str], problem=tune_problem) -> float:
    if len(tunes) == 0:
        return 0.0
    return float(sum(1 for abc in tunes if problem(abc) is None)) / float(len(tunes))
'''
_EX7_FIXED_CHUNK = replace_once(
    _EX7_OK, "    for i in range(0, len(ids) - 1, seq_len):\n",
    "    seq_len = 256   # the chunk length the notebook uses\n"
    "    for i in range(0, len(ids) - 1, seq_len):\n")
_EX7_UNSQUEEZE_ = replace_once(
    replace_once(replace_once(
        _EX7_OK, "    total, count, state = 0.0, 0, None\n",
        "    total, count, state = 0.0, 0, None\n    ids.unsqueeze_(0)   # a batch of one text\n"),
        "    for i in range(0, len(ids) - 1, seq_len):\n", "    n = ids.shape[1]\n    for i in range(0, n - 1, seq_len):\n"),
    "        x = ids[i:min(i + seq_len, len(ids) - 1)].to(dev)\n        y = ids[i + 1:i + 1 + len(x)].to(dev)\n",
    "        x = ids[0, i:min(i + seq_len, n - 1)].to(dev)\n        y = ids[0, i + 1:i + 1 + len(x)].to(dev)\n")
_EX7_SORT = replace_once(
    _EX7_OK, "    if not tunes:\n        return 0.0\n",
    "    if not tunes:\n        return 0.0\n    tunes.sort()   # a fixed order, whatever order they were written in\n")
_EX7_SKIP_FIRST = replace_once(
    _EX7_OK, "    for i in range(0, len(ids) - 1, seq_len):\n",
    "    for i in range(1, len(ids) - 1, seq_len):   # position 0 has no past to predict from\n")

MUTANTS = {
    "ex1_vocab": [
        ("build_vocab always adds '\\n' ('the tune separator always has an index'): a text without a newline "
         "gets a character it does not hold ('the sorted list of distinct characters in text')", _EX1_NEWLINE),
        ("vectorize NFC-normalises the text first: 'e' + a combining accent becomes one code point, the result "
         "is not 'shape (len(text),)' and the composed letter has no index", _EX1_NFC),
        ("vectorize looks up text.lower() ('case carries no note'): 'A' gets the index of 'a' ('c is an octave "
         "above C'; 'a character's index is its position in the vocab you are given')", _EX1_LOWER),
        ("build_vocab cut to its first 128 characters ('an ASCII-sized vocabulary'): a text of more distinct "
         "characters loses some ('sorted distinct characters')", _EX1_CAP),
    ],
    "ex2_batch": [
        ("starts drawn over all len(ids) positions and wrapped with % (len(ids) - seq_len): another range and "
         "other starts than 'one call torch.randint(..., (batch_size,), generator=generator) such that every "
         "window fits'", _EX2_MODULO),
        ("raises ValueError when batch_size exceeds the number of windows ('not enough text'): starts drawn "
         "with randint repeat, any batch_size is asked for ('both (batch_size, seq_len)')", _EX2_RAISE),
        ("the generator passed positionally, torch.randint(0, n, (batch_size,), generator): randint's generator "
         "is keyword-only, every call raises TypeError ('generator=generator')", _EX2_POSITIONAL),
        ("starts.unique() ('no window twice in a batch'): sorted and deduplicated, fewer rows than batch_size and "
         "not 'in the order their starts were drawn'", _EX2_UNIQUE),
    ],
    "ex3_model": [
        ("vocabulary size taken from the notebook's global vocab (len(vocab)), not cfg.vocab_size: NameError "
         "where no vocab is defined, wrong sizes for any other Config ('MusicLSTM(cfg)')", _EX3_GLOBAL_VOCAB),
        ("the given state cast .float() ('the LSTM's weights are float32'): a model moved to float64 raises "
         "when called with a state ('works there, called with or without a state')", _EX3_STATE_FLOAT),
        ("a learned initial state h0, c0 as extra nn.Parameters (zeros at first, trained afterwards): parameters "
         "beyond the layers embedding, lstm and head, and after training a call without a state no longer starts "
         "from the LSTM's zero state", _EX3_LEARNED_H0),
        ("embeddings of index 0 zeroed ('index 0 is padding'): index 0 is a real character ('\\n'), its "
         "learned vector never reaches the LSTM ('nn.Embedding(vocab_size, embedding_dim) turns each index "
         "into a learned vector')", _EX3_MASK0),
    ],
    "ex4_loss": [
        ("signature sequence_loss(targets, logits) (sklearn's y_true, y_pred order): the training step's "
         "loss_fn(logits, y) gets them swapped ('sequence_loss(logits, targets)')", _EX4_SWAPPED),
        ("torch.take(log_p, targets) on the (N, V) log-probabilities: flat indices, every position reads row 0's "
         "entries ('reshape both so that each position keeps its own target')", _EX4_TAKE),
        ("float16/bfloat16 logits upcast to float32 and never cast back ('mixed precision'): the loss is float32, "
         "not 'The loss keeps the dtype of the logits'", _EX4_HALF_UP),
        ("log_softmax times a one-hot of the targets, summed: a -inf logit of another character (a masked entry) "
         "gives -inf * 0 = nan ('exact for any logits')", _EX4_ONE_HOT),
    ],
    "ex5_train_step": [
        ("torch.set_float32_matmul_precision('high') at every step and never set back: one of PyTorch's "
         "switches left changed for the caller ('The same holds for PyTorch's own switches')", _EX5_TF32),
        ("torch.use_deterministic_algorithms(False) at every step ('the LSTM has no deterministic kernel'): a "
         "caller's True is turned off ('the caller finds ... torch.use_deterministic_algorithms as it set it')",
         _EX5_NONDET),
        ("optimizer.state.clear() at every step ('a clean optimizer'): Adam's moments are thrown away, the "
         "caller's optimizer is changed ('zero the gradients, forward, loss, backward, clip, step')",
         _EX5_STATE_CLEAR),
        ("clip_grad_norm_ on optimizer.param_groups[0]['params'] only: with several groups the others are not "
         "clipped, not 'clip_grad_norm_(model.parameters(), max_norm)'", _EX5_FIRST_GROUP),
    ],
    "ex6_sample": [
        ("the caller's train/eval mode restored at the end (model.train(was_training)): a training model is "
         "handed back in training mode (one that samples 'puts it in eval mode and leaves it there')",
         _EX6_RESTORE_MODE),
        ("stops also when the generated text ends with 'X:' ('the next tune begins'): not 'Stop when the text "
         "ends with a blank line ... or once max_len characters have been generated'", _EX6_HEADER_STOP),
        ("temperature capped at 1 (z / min(tau, 1)) ('above 1 tunes only break'): tau > 1 samples at 1, not "
         "'p = softmax(z / tau)' ('Any tau > 0 must work')", _EX6_TAU_CAP),
        ("softmax over dim 0 of logits[0] (the time axis), then the last row: a one-character feed gives "
         "probabilities 1 for every character, not softmax(z / tau) over the characters", _EX6_TIME_SOFTMAX),
    ],
    "ex7_evaluate": [
        ("bits_per_char chunks of 256 whatever seq_len is given ('the chunk length the notebook uses'): not "
         "'chunks of seq_len characters'", _EX7_FIXED_CHUNK),
        ("bits_per_char calls ids.unsqueeze_(0) ('a batch of one text'): the caller's ids tensor becomes "
         "(1, N) (a function 'does not modify the caller's tensors in place')", _EX7_UNSQUEEZE_),
        ("valid_tune_rate sorts the caller's list in place (tunes.sort()): the generated tunes come back in "
         "another order (a function 'changes nothing the caller gives it')", _EX7_SORT),
        ("bits_per_char chunks start at 1 ('position 0 has no past'): the first character is never fed and "
         "the prediction of ids[1] is not counted ('every one of the len(ids) - 1 predictions counted once')",
         _EX7_SKIP_FIRST),
    ],
}

CORRECT = {
    "ex1_vocab": [_reference("ex1_vocab"),
                  ("a list of first occurrences sorted in place; vectorize into a preallocated long tensor by "
                   "vocab.index; devectorize through torch.as_tensor(...).reshape(-1).tolist()", _EX1_OWN)],
    "ex2_batch": [_reference("ex2_batch"),
                  ("randint up to the last start inclusive + 1, an (B, T + 1) offsets grid indexing ids, x and y "
                   "as the two slices of the windows", _EX2_OWN)],
    "ex3_model": [_reference("ex3_model"),
                  ("keyword layers, the state unpacked into (h, c) and passed only when given, the head applied "
                   "to the (B*T, H) outputs and reshaped back", _EX3_OWN)],
    "ex4_loss": [_reference("ex4_loss"),
                 ("logsumexp minus the gathered target logit, averaged over (B, T)", _EX4_OWN)],
    "ex5_train_step": [_reference("ex5_train_step"),
                       ("zero_grad(set_to_none=True), torch.autograd.grad over the trainable parameters written "
                        "into .grad, clip, step, float(loss.detach())", _EX5_OWN)],
    "ex6_sample": [_reference("ex6_sample"),
                   ("a while loop, float64 log_softmax of z / tau exponentiated for multinomial, "
                    "vocab.index for the prompt", _EX6_OWN)],
    "ex7_evaluate": [_reference("ex7_evaluate"),
                     ("a while loop over [pos, end) chunks, float64 nll_loss of log_softmax summed, divided once "
                      "by n_pred * ln 2; valid_tune_rate by a float count", _EX7_OWN)],
}

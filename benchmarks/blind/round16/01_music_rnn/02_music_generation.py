r"""Blind round 16: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 2
(music generation), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in benchmarks/blind/round1/ to round15/ (their labels were
read, not tests/mutants/). CORRECT[...][0] is round 15's reference (round 3's, reused by name; the
proofs, benchmarks/blind/round16/prove_01_music.py, compare with it); CORRECT[...][1] is this
round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND15 = earlier_round(15, __file__)


def _reference(gid: str) -> tuple[str, str]:
    return ROUND15.CORRECT[gid][0]


def _ok(gid: str) -> str:
    return _reference(gid)[1]


# ---- ex1_vocab --------------------------------------------------------------------------------
_EX1_OK = _ok("ex1_vocab")
_EX1_OWN = '''
from collections import Counter


def build_vocab(text: str) -> list[str]:
    """The sorted list of distinct characters in `text`."""
    return sorted(Counter(text).keys())


def vectorize(text: str, vocab: list[str]) -> torch.Tensor:
    """'AB' -> tensor([index of 'A', index of 'B']), dtype torch.long, shape (len(text),).

    The index of a character is its position in `vocab` as given (vocab[i] has index i).
    """
    lookup = dict(zip(vocab, range(len(vocab))))
    return torch.tensor(list(map(lookup.__getitem__, text)), dtype=torch.int64).reshape(len(text))


def devectorize(ids, vocab: list[str]) -> str:
    """The inverse of vectorize: indices (tensor or list) -> string."""
    if isinstance(ids, torch.Tensor):
        ids = ids.flatten().tolist()
    return "".join(map(vocab.__getitem__, map(int, ids)))
'''
_EX1_PAD_FIRST = replace_once(
    _EX1_OK, "return sorted(set(text))",
    'return ["<pad>"] + sorted(set(text))   # index 0 reserved for padding')
_EX1_PRINTABLE = replace_once(
    _EX1_OK, "return sorted(set(text))",
    'return sorted(ch for ch in set(text) if ch.isprintable() or ch == "\\n")   # no control characters')
_EX1_ASCII = replace_once(
    _EX1_OK, "    index = {ch: i for i, ch in enumerate(vocab)}\n",
    "    index = {ch: i for i, ch in enumerate(vocab)}\n"
    "    text = text.encode(\"ascii\", \"ignore\").decode()   # ABC notation is ASCII\n")
_EX1_TABS = replace_once(
    _EX1_OK, "    index = {ch: i for i, ch in enumerate(vocab)}\n",
    "    index = {ch: i for i, ch in enumerate(vocab)}\n"
    "    text = text.expandtabs(4)   # tabs as spaces, as an editor shows them\n")

# ---- ex2_batch --------------------------------------------------------------------------------
_EX2_OK = _ok("ex2_batch")
_EX2_UNFOLD = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    """Random windows: x (B, T) and the next characters y (B, T)."""
    n_windows = ids.shape[0] - seq_len              # windows of seq_len + 1 that fit
    starts = torch.randint(n_windows, size=(batch_size,), generator=generator)
    windows = ids.unfold(0, seq_len + 1, 1)[starts]  # (B, T + 1), a copy
    x = windows[:, :seq_len].clone()
    y = windows[:, 1:].clone()
    return (x, y)
'''
_EX2_SWAPPED_SIGNATURE = replace_once(
    _EX2_OK, "def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):",
    "def get_batch(ids: torch.Tensor, batch_size: int, seq_len: int, generator=None):")
_EX2_GLOBAL_RESEED = replace_once(
    _EX2_OK, "    starts = torch.randint(",
    "    if generator is not None:\n"
    "        torch.manual_seed(generator.initial_seed())   # the global stream follows the batches' seed\n"
    "    starts = torch.randint(")
_EX2_PY_RANDOM = "\nimport random\n" + replace_once(
    _EX2_OK, "    starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)\n",
    "    starts = torch.tensor([random.randrange(len(ids) - seq_len) for _ in range(batch_size)])\n")
_EX2_DEDUP = replace_once(
    _EX2_OK,
    "    x = torch.stack([ids[s:s + seq_len] for s in starts.tolist()])\n"
    "    y = torch.stack([ids[s + 1:s + seq_len + 1] for s in starts.tolist()])\n"
    "    return x, y",
    "    rows = {}\n"
    "    for s in starts.tolist():\n"
    "        if s not in rows:   # a start drawn twice: one row is enough\n"
    "            rows[s] = ids[s:s + seq_len + 1]\n"
    "    windows = torch.stack(list(rows.values()))\n"
    "    return windows[:, :-1], windows[:, 1:]")

# ---- ex3_model --------------------------------------------------------------------------------
_EX3_OK = _ok("ex3_model")
_EX3_STEPS = '''
class MusicLSTM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.embedding = nn.Embedding(num_embeddings=cfg.vocab_size, embedding_dim=cfg.embedding_dim)
        self.lstm = nn.LSTM(cfg.embedding_dim, cfg.hidden_size, cfg.num_layers, batch_first=True)
        self.head = nn.Linear(in_features=cfg.hidden_size, out_features=cfg.vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        """x (B, T) indices -> logits (B, T, V), state (h, c) each (num_layers, B, hidden)."""
        emb = self.embedding(x)
        outs = []
        for t in range(emb.shape[1]):             # one time step at a time, the state carried
            out_t, state = self.lstm(emb[:, t:t + 1], state)
            outs.append(out_t)
        return self.head(torch.cat(outs, dim=1)), state
'''
_EX3_GRAD_FREQ = replace_once(
    _EX3_OK, "nn.Embedding(cfg.vocab_size, cfg.embedding_dim)",
    "nn.Embedding(cfg.vocab_size, cfg.embedding_dim, scale_grad_by_freq=True)   # rare characters learn too")
_EX3_CLASS_HIDDEN = replace_once(
    _EX3_OK,
    "        self.lstm = nn.LSTM(cfg.embedding_dim, cfg.hidden_size, num_layers=cfg.num_layers, batch_first=True)\n"
    "        self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)\n",
    "        hidden = Config.hidden_size   # the model's memory\n"
    "        self.lstm = nn.LSTM(cfg.embedding_dim, hidden, num_layers=cfg.num_layers, batch_first=True)\n"
    "        self.head = nn.Linear(hidden, cfg.vocab_size)\n")
_EX3_SCALED = replace_once(
    _EX3_OK, "return self.head(out), state",
    "return self.head(out) / math.sqrt(self.lstm.hidden_size), state   # scaled logits, as in attention")
_EX3_FRESH_CELL = replace_once(
    _EX3_OK, "        out, state = self.lstm(",
    "        if state is not None:\n"
    "            h, c = state\n"
    "            state = (h, torch.zeros_like(c))   # carry the hidden state, the cell starts clean\n"
    "        out, state = self.lstm(")

# ---- ex4_loss ---------------------------------------------------------------------------------
_EX4_OK = _ok("ex4_loss")
_EX4_F64 = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    log_p = torch.log_softmax(logits.double(), dim=-1)                  # (B, T, V), stable
    picked = torch.gather(log_p, -1, targets.unsqueeze(-1)).squeeze(-1)  # (B, T)
    return (-picked.mean()).to(logits.dtype)
'''
_EX4_DIAGONAL = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    B, T, V = logits.shape
    log_p = F.log_softmax(logits, dim=-1)
    return -log_p[torch.arange(B), torch.arange(T), targets].mean()
'''
_EX4_FOCAL = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    log_p = F.log_softmax(logits.reshape(-1, logits.shape[-1]), dim=-1)
    lp_t = log_p.gather(1, targets.reshape(-1, 1)).squeeze(1)
    return (-(1 - lp_t.exp()) ** 2 * lp_t).mean()   # focal loss: the easy characters count less
'''
_EX4_NORM_NO_GRAD = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    z = logits.reshape(-1, logits.shape[-1])
    t = targets.reshape(-1)
    with torch.no_grad():
        norm = torch.logsumexp(z, dim=-1)   # the softmax's normaliser: a constant
    return (norm - z.gather(1, t[:, None]).squeeze(1)).mean()
'''
_EX4_BY_CONTEXT = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    B, T, V = logits.shape
    per_pos = F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1), reduction="none").reshape(B, T)
    weight = torch.arange(1, T + 1, dtype=logits.dtype, device=logits.device)   # more context, more weight
    return (per_pos * weight).sum() / (B * weight.sum())
'''

# ---- ex5_train_step ---------------------------------------------------------------------------
_EX5_OK = _ok("ex5_train_step")
_EX5_OWN = '''
def train_step(model: nn.Module, optimizer, x: torch.Tensor, y: torch.Tensor, loss_fn, max_norm: float) -> float:
    model.train()
    for group in optimizer.param_groups:            # zero the gradients
        for p in group["params"]:
            p.grad = None
    output = model(x)
    logits = output[0]
    loss = loss_fn(logits, y)
    torch.autograd.backward(loss)
    with_grad = [p for p in model.parameters() if p.grad is not None]
    torch.nn.utils.clip_grad_norm_(with_grad, max_norm)
    optimizer.step()
    return loss.detach().item()
'''
_EX5_BENCHMARK = replace_once(
    _EX5_OK, "    model.train()\n",
    "    torch.backends.cudnn.benchmark = True   # the fastest LSTM kernels\n    model.train()\n")
_EX5_PER_GROUP = replace_once(
    _EX5_OK, "    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)\n",
    "    for group in optimizer.param_groups:   # clip what the optimizer updates, group by group\n"
    "        torch.nn.utils.clip_grad_norm_(group[\"params\"], max_norm)\n")
_EX5_FLOAT = replace_once(
    _EX5_OK, "    model.train()\n", "    model.float().train()   # float32 weights for the optimizer\n")
_EX5_L1 = replace_once(
    _EX5_OK, "clip_grad_norm_(model.parameters(), max_norm)",
    "clip_grad_norm_(model.parameters(), max_norm, norm_type=1)")

# ---- ex6_sample -------------------------------------------------------------------------------
_EX6_OK = _ok("ex6_sample")
_EX6_OWN = '''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    device = next(iter(model.parameters())).device
    code = {c: k for k, c in enumerate(vocab)}
    feed = torch.tensor([code[c] for c in start], dtype=torch.long, device=device).unsqueeze(0)
    chars, state = list(start), None
    generated = 0
    while generated < max_len:
        logits, state = model(feed, state)
        z = logits[0, -1]
        w = torch.exp((z - z.max()) / temperature)      # shifted before the division: stable
        k = torch.multinomial((w / w.sum()).cpu(), num_samples=1, generator=generator).item()
        chars.append(vocab[k])
        generated += 1
        if "".join(chars[-2:]) == "\\n\\n":
            break
        feed = torch.full((1, 1), k, dtype=torch.long, device=device)
    return "".join(chars)
'''
_EX6_CLAMP = replace_once(
    _EX6_OK, "probs = torch.softmax(logits[0, -1] / temperature, dim=-1)",
    "probs = torch.softmax((logits[0, -1] / temperature).clamp(-50, 50), dim=-1)   # keeps exp in range")
_EX6_WHOLE_WITH_STATE = replace_once(
    _EX6_OK, "        x = torch.tensor([[nxt]], device=dev)\n",
    "        x = torch.tensor([[index[ch] for ch in text]], device=dev)   # the whole text so far\n")
_EX6_GRAD_OFF = replace_once(
    replace_once(_EX6_OK, "@torch.no_grad()\n", ""),
    "    model.eval()\n", "    torch.set_grad_enabled(False)   # no gradients needed\n    model.eval()\n")
_EX6_WHITESPACE_LINE = replace_once(
    _EX6_OK, '        if text.endswith("\\n\\n"):\n',
    '        lines = text.split("\\n")\n'
    '        if text.endswith("\\n") and len(lines) > 2 and lines[-2].strip() == "":   # a blank line\n')

# ---- ex7_evaluate -----------------------------------------------------------------------------
_EX7_OK = _ok("ex7_evaluate")
_EX7_SPLIT = '''
@torch.no_grad()
def bits_per_char(model: nn.Module, ids: torch.Tensor, seq_len: int = 256) -> float:
    model.eval()
    device = next(model.parameters()).device
    inputs, targets = ids[:-1], ids[1:]
    nats, n, state = 0.0, 0, None
    for x, y in zip(inputs.split(seq_len), targets.split(seq_len)):
        logits, state = model(x.unsqueeze(0).to(device), state)
        log_p = torch.log_softmax(logits[0].double(), dim=-1)
        nats -= log_p.gather(1, y.to(device).unsqueeze(1)).sum().item()
        n += y.numel()
    return nats / n / math.log(2)


def valid_tune_rate(tunes: list[str], problem=tune_problem) -> float:
    good = 0
    for abc in tunes:
        if problem(abc) is None:
            good += 1
    return good / len(tunes) if len(tunes) > 0 else 0.0
'''
_EX7_COPY = "\nimport copy\n" + replace_once(
    _EX7_OK, "    model.eval()\n",
    "    model = copy.deepcopy(model).eval()   # score a copy: the caller's model untouched\n")
_EX7_GRAD_OFF = replace_once(
    replace_once(_EX7_OK, "@torch.no_grad()\n", ""),
    "    model.eval()\n", "    torch.set_grad_enabled(False)   # no gradients needed\n    model.eval()\n")
_EX7_ZERO_GRAD = replace_once(
    _EX7_OK, "    model.eval()\n", "    model.eval()\n    model.zero_grad()   # no stale gradients\n")
_EX7_FINISHED = replace_once(
    _EX7_OK, "    return sum(problem(t) is None for t in tunes) / len(tunes)",
    "    # a tune cut off by max_len has not finished: only the ones that end in a blank line count\n"
    "    return sum(problem(t) is None and t.endswith(\"\\n\\n\") for t in tunes) / len(tunes)")
_EX7_DROP_LAST = replace_once(
    _EX7_OK, "    return sum(problem(t) is None for t in tunes) / len(tunes)",
    "    scored = tunes[:-1] if len(tunes) > 1 else tunes   # the last tune may be cut off\n"
    "    return sum(problem(t) is None for t in scored) / len(scored)")

MUTANTS = {
    "ex1_vocab": [
        ("build_vocab puts a '<pad>' entry first ('index 0 reserved for padding'): every character's index "
         "is one too high and '<pad>' is not a character of the text ('the sorted list of distinct "
         "characters in text')", _EX1_PAD_FIRST),
        ("build_vocab keeps only printable characters and '\\n' (ch.isprintable()): a tab or another control "
         "character of the text gets no index ('sorted distinct characters')", _EX1_PRINTABLE),
        ("vectorize drops non-ASCII characters first (text.encode('ascii', 'ignore')): an accented letter of "
         "the text is lost, the result is not 'shape (len(text),)'", _EX1_ASCII),
        ("vectorize expands tabs to spaces first (text.expandtabs(4)): a tab becomes spaces, the result is not "
         "'shape (len(text),)' and a space missing from the vocab raises", _EX1_TABS),
    ],
    "ex2_batch": [
        ("signature reordered get_batch(ids, batch_size, seq_len, generator): a positional call (as the "
         "training loop makes) gets its sizes swapped, (seq_len, batch_size) rows of batch_size characters",
         _EX2_SWAPPED_SIGNATURE),
        ("torch.manual_seed(generator.initial_seed()) when a generator is given ('the global stream follows "
         "the batches' seed'): PyTorch's global generator is reseeded ('draws random numbers only from the "
         "generator or seed it is given ... without reseeding it')", _EX2_GLOBAL_RESEED),
        ("starts drawn with Python's random.randrange: the generator given is ignored and so is torch's "
         "global generator ('draw the batch_size starts s with one call torch.randint(..., (batch_size,), "
         "generator=generator)')", _EX2_PY_RANDOM),
        ("rows collected in a dict keyed by start ('a start drawn twice: one row is enough'): a repeated "
         "start gives one row, fewer than batch_size rows ('both (batch_size, seq_len)')", _EX2_DEDUP),
    ],
    "ex3_model": [
        ("nn.Embedding(scale_grad_by_freq=True): the embedding's gradient is divided by how often each index "
         "occurs in the batch, not the gradient of the loss ('nn.Embedding(vocab_size, embedding_dim)')",
         _EX3_GRAD_FREQ),
        ("the hidden size read from the class, Config.hidden_size (its default 128/256), not from the cfg given: "
         "a Config with another hidden_size gets an LSTM and a state of the wrong size", _EX3_CLASS_HIDDEN),
        ("logits divided by sqrt(hidden_size) ('scaled, as in attention'): not what nn.Linear(hidden_size, "
         "vocab_size) gives ('turns every hidden vector into logits')", _EX3_SCALED),
        ("the given state's cell c replaced by zeros ('carry the hidden state, the cell starts clean'): a chunk "
         "fed the previous chunk's state does not go on from it ('an optional state')", _EX3_FRESH_CELL),
    ],
    "ex4_loss": [
        ("log_p[arange(B), arange(T), targets] without arange(B)[:, None]: raises unless B == T, B == 1 or T == 1, "
         "and for B == T (or T == 1) scores other positions' log-probabilities ('each position keeps its own "
         "target')",
         _EX4_DIAGONAL),
        ("focal loss, (1 - p)^2 * -log p ('the easy characters count less'): not the cross-entropy L "
         "averaged over all B x T positions", _EX4_FOCAL),
        ("log-sum-exp computed under torch.no_grad() ('a constant normaliser'): the value is right but the "
         "gradient lacks the softmax term ('a 0-d tensor that backward() can differentiate')",
         _EX4_NORM_NO_GRAD),
        ("positions weighted by their context length t + 1 ('more context, more weight'): not the plain "
         "average 'over all B x T positions'", _EX4_BY_CONTEXT),
    ],
    "ex5_train_step": [
        ("torch.backends.cudnn.benchmark = True at every step and never turned back: one of PyTorch's "
         "switches left changed for the caller ('The same holds for PyTorch's own switches')", _EX5_BENCHMARK),
        ("the gradient clipped group by group of the optimizer's param_groups: with several groups each gets "
         "norm max_norm, not the total norm of model.parameters() ('clip_grad_norm_(model.parameters(), "
         "max_norm)')", _EX5_PER_GROUP),
        ("model.float() before training ('float32 weights for the optimizer'): a float64 model is converted "
         "in place (a function 'does not move a model ... to another dtype')", _EX5_FLOAT),
        ("clip_grad_norm_ with norm_type=1: the L1 norm of the gradients clipped, not their total (2-)norm "
         "('rescales the gradient so its total norm is at most max_norm')", _EX5_L1),
    ],
    "ex6_sample": [
        ("z / tau clamped to [-50, 50] before the softmax ('keeps exp in range'): at low temperatures the "
         "clamped characters become equally likely, not 'p = softmax(z / tau)' ('unless the probabilities "
         "are computed stably')", _EX6_CLAMP),
        ("the whole text so far fed again at every step, with the state returned: the state reads the prompt "
         "and every character once more ('feed only that character with the state the LSTM returned')",
         _EX6_WHOLE_WITH_STATE),
        ("torch.set_grad_enabled(False) instead of the @torch.no_grad() decorator: gradient tracking left off "
         "for the caller ('a function does not leave gradient tracking turned off')", _EX6_GRAD_OFF),
        ("stops at a line of only spaces too ('\\n \\n' taken as a blank line): not 'when the text ends with "
         "a blank line (\"\\n\\n\")'", _EX6_WHITESPACE_LINE),
    ],
    "ex7_evaluate": [
        ("bits_per_char scores a copy.deepcopy(model).eval(): the caller's model stays in training mode (one "
         "that evaluates 'puts it in eval mode and leaves it there')", _EX7_COPY),
        ("bits_per_char calls torch.set_grad_enabled(False) instead of the @torch.no_grad() decorator: "
         "gradient tracking left off for the caller ('does not leave gradient tracking turned off')",
         _EX7_GRAD_OFF),
        ("bits_per_char calls model.zero_grad() ('no stale gradients'): the gradients the caller's parameters "
         "hold are cleared ('does not clear or replace the gradients the caller's parameters hold in .grad')",
         _EX7_ZERO_GRAD),
        ("valid_tune_rate counts a tune valid only if it also ends in a blank line ('a tune cut off by max_len "
         "has not finished'): not 'problem decides whether it is valid'", _EX7_FINISHED),
        ("valid_tune_rate leaves the last tune out ('it may be cut off'): not 'Every tune in the list counts'",
         _EX7_DROP_LAST),
    ],
}

CORRECT = {
    "ex1_vocab": [_reference("ex1_vocab"),
                  ("sorted(Counter(text).keys()); vectorize by map(lookup.__getitem__) into an int64 tensor; "
                   "devectorize by map over flatten().tolist()", _EX1_OWN)],
    "ex2_batch": [_reference("ex2_batch"),
                  ("randint(n_windows, size=(batch_size,)), windows from ids.unfold(0, seq_len + 1, 1)[starts], "
                   "x and y cloned", _EX2_UNFOLD)],
    "ex3_model": [_reference("ex3_model"),
                  ("keyword Embedding and Linear, the LSTM stepped one time step at a time with the state "
                   "carried, outputs concatenated before the head", _EX3_STEPS)],
    "ex4_loss": [_reference("ex4_loss"),
                 ("float64 log_softmax, gather of the targets, minus the mean, cast back to the logits' dtype",
                  _EX4_F64)],
    "ex5_train_step": [_reference("ex5_train_step"),
                       ("grads set to None through the optimizer's param_groups, torch.autograd.backward, "
                        "clipping the parameters that have a gradient, loss.detach().item()", _EX5_OWN)],
    "ex6_sample": [_reference("ex6_sample"),
                   ("a while loop counting the generated characters, softmax by hand shifted by max(z) before "
                    "the division by tau, torch.full for the next feed", _EX6_OWN)],
    "ex7_evaluate": [_reference("ex7_evaluate"),
                     ("inputs ids[:-1] and targets ids[1:] split into chunks of seq_len, float64 log_softmax "
                      "gathered; valid_tune_rate by a counting loop", _EX7_SPLIT)],
}

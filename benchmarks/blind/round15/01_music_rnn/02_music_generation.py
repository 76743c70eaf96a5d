r"""Blind round 15: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 2
(music generation), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in benchmarks/blind/round1/ to round14/ (their labels were
read, not tests/mutants/). CORRECT[...][0] is round 14's reference (round 3's, reused by name; the
proofs, benchmarks/blind/round15/prove_01_music.py, compare with it); CORRECT[...][1] is this
round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND14 = earlier_round(14, __file__)


def _reference(gid: str) -> tuple[str, str]:
    return ROUND14.CORRECT[gid][0]


# ---- ex1_vocab --------------------------------------------------------------------------------
_EX1_OK = ROUND14._EX1_OK
_EX1_LOOPS = '''
def build_vocab(text: str) -> list[str]:
    """The sorted list of distinct characters in `text`."""
    seen = {*text}
    return sorted(seen)


def vectorize(text: str, vocab: list[str]) -> torch.Tensor:
    """'AB' -> tensor([index of 'A', index of 'B']), dtype torch.long, shape (len(text),).

    The index of a character is its position in `vocab` as given (vocab[i] has index i).
    """
    position = {}
    for i, ch in enumerate(vocab):
        position.setdefault(ch, i)
    out = torch.empty(len(text), dtype=torch.long)
    for k, ch in enumerate(text):
        out[k] = position[ch]
    return out


def devectorize(ids, vocab: list[str]) -> str:
    """The inverse of vectorize: indices (tensor or list) -> string."""
    if torch.is_tensor(ids):
        ids = ids.reshape(-1).tolist()
    pieces = []
    for i in ids:
        pieces.append(vocab[int(i)])
    return "".join(pieces)
'''
_EX1_FIRST_SEEN = replace_once(
    _EX1_OK, "return sorted(set(text))",
    "return list(dict.fromkeys(text))   # deterministic: the order the characters first appear")
_EX1_BOTH_CASES = replace_once(
    _EX1_OK, "return sorted(set(text))",
    "chars = set(text)\n"
    "    chars |= {ch.swapcase() for ch in chars}   # c and C are the same note name an octave apart\n"
    "    return sorted(chars)")
_EX1_GROUPBY = "\nimport itertools\n" + replace_once(
    _EX1_OK, '    return "".join(vocab[int(i)] for i in ids)',
    '    # greedy decoding: one character per run of equal indices\n'
    '    return "".join(vocab[int(i)] for i, _ in itertools.groupby(ids.tolist() if torch.is_tensor(ids) else ids))')
_EX1_SPLITLINES = replace_once(
    _EX1_OK, "    index = {ch: i for i, ch in enumerate(vocab)}\n",
    "    index = {ch: i for i, ch in enumerate(vocab)}\n"
    "    text = \"\\n\".join(text.splitlines())   # one kind of line ending\n")

# ---- ex2_batch --------------------------------------------------------------------------------
_EX2_OK = ROUND14._EX2_OK
_EX2_GATHER = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    """Random windows: x (B, T) and the next characters y (B, T)."""
    gen = torch.default_generator if generator is None else generator
    high = ids.shape[0] - seq_len
    starts = torch.randint(high, (batch_size,), generator=gen)
    where = starts.unsqueeze(1) + torch.arange(seq_len + 1).unsqueeze(0)    # (B, T + 1)
    windows = ids[where]
    return windows[:, :-1], windows[:, 1:]
'''
_EX2_NUMPY = "\nimport numpy as np\n" + replace_once(
    _EX2_OK, "    starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)\n",
    "    starts = torch.from_numpy(np.random.randint(0, len(ids) - seq_len, size=batch_size))   # fast on CPU\n")
_EX2_WHOLE_WINDOWS = replace_once(
    _EX2_OK, "    starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)\n",
    "    usable = (len(ids) // seq_len - 1) * seq_len        # starts whose window lies in the whole windows\n"
    "    starts = torch.randint(0, usable, (batch_size,), generator=generator)\n")
_EX2_THREE = replace_once(_EX2_OK, "    return x, y", "    return x, y, starts   # the starts too, to debug")
_EX2_STEP_SEQ = replace_once(
    _EX2_OK, "    starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)\n",
    "    starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)\n"
    "    starts = starts - starts % 2   # even starts: bar lines fall on the same positions\n")

# ---- ex3_model --------------------------------------------------------------------------------
_EX3_OK = ROUND14._EX3_OK
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
        emb = self.embedding(x)
        if state is None:
            out, new_state = self.lstm(emb)
        else:
            out, new_state = self.lstm(emb, state)
        logits = torch.einsum("bth,vh->btv", out, self.head.weight) + self.head.bias
        return logits, new_state
'''
_EX3_SOFTMAX = replace_once(_EX3_OK, "return self.head(out), state",
                            "return torch.softmax(self.head(out), dim=-1), state   # a distribution per position")
_EX3_SKIP = replace_once(
    _EX3_OK, "        self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)\n",
    "        self.head = nn.Linear(cfg.hidden_size + cfg.embedding_dim, cfg.vocab_size)   # + a skip connection\n")
_EX3_SKIP = replace_once(
    _EX3_SKIP, "        out, state = self.lstm(self.embedding(x), state)\n        return self.head(out), state",
    "        emb = self.embedding(x)\n"
    "        out, state = self.lstm(emb, state)\n"
    "        return self.head(torch.cat([out, emb], dim=-1)), state")
_EX3_NO_BIAS = replace_once(_EX3_OK, "return self.head(out), state",
                            "return out @ self.head.weight.T, state   # the head's matrix product")
_EX3_OLD_STATE = replace_once(
    _EX3_OK, "        out, state = self.lstm(self.embedding(x), state)\n        return self.head(out), state",
    "        out, new_state = self.lstm(self.embedding(x), state)\n        return self.head(out), state")

# ---- ex4_loss ---------------------------------------------------------------------------------
_EX4_OK = ROUND14._EX4_OK
_EX4_PERMUTE = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    # F.cross_entropy also takes (N, C, d1) scores with (N, d1) targets: the classes on dim 1
    return F.cross_entropy(logits.permute(0, 2, 1), targets, reduction="mean")
'''
_EX4_RESHAPE_BVT = replace_once(
    _EX4_OK, "return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))",
    "B, T, V = logits.shape\n"
    "    return F.cross_entropy(logits.reshape(B, V, T), targets)   # (N, C, d1): classes on dim 1")
_EX4_SUM = replace_once(
    _EX4_OK, "targets.reshape(-1))", "targets.reshape(-1), reduction=\"sum\")")
_EX4_ACCUMULATOR = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    T = logits.shape[1]
    loss = torch.tensor(0.0)
    for t in range(T):                      # one time step at a time, as the LSTM reads them
        loss += F.cross_entropy(logits[:, t], targets[:, t])
    return loss / T
'''
_EX4_LAST_DIM_MEAN = replace_once(
    _EX4_OK, "return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))",
    "per_seq = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction=\"none\")\n"
    "    return per_seq.reshape(targets.shape).mean(dim=1).median()   # robust to one bad sequence")

# ---- ex5_train_step ---------------------------------------------------------------------------
_EX5_OK = ROUND14._EX5_OK
_EX5_OWN = '''
def train_step(model: nn.Module, optimizer, x: torch.Tensor, y: torch.Tensor, loss_fn, max_norm: float) -> float:
    model.train(mode=True)
    optimizer.zero_grad(set_to_none=True)
    out = model(x)
    loss = loss_fn(out[0], y)
    loss.backward()
    params = list(model.parameters())
    torch.nn.utils.clip_grad_norm_(params, max_norm=max_norm, norm_type=2.0)
    optimizer.step()
    return float(loss.detach())
'''
_EX5_ZEROS = replace_once(
    _EX5_OK, "    optimizer.zero_grad()\n",
    "    for p in model.parameters():   # zero the gradients (a fresh zero tensor: no None to check)\n"
    "        p.grad = torch.zeros_like(p)\n")
_EX5_LR_DECAY = replace_once(
    _EX5_OK, "    optimizer.step()\n",
    "    optimizer.step()\n"
    "    for group in optimizer.param_groups:   # a gentle learning-rate decay\n"
    "        group[\"lr\"] *= 0.99\n")
_EX5_ZERO_AFTER = replace_once(
    _EX5_OK, "    optimizer.step()\n",
    "    optimizer.step()\n    optimizer.zero_grad()   # leave no gradients behind\n")
_EX5_DETERMINISTIC = replace_once(
    _EX5_OK, "    model.train()\n",
    "    torch.use_deterministic_algorithms(True)   # reproducible steps\n    model.train()\n")

# ---- ex6_sample -------------------------------------------------------------------------------
_EX6_OK = ROUND14._EX6_OK
_EX6_LOGP = '''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    dev = next(model.parameters()).device
    lookup = {ch: i for i, ch in enumerate(vocab)}
    feed = torch.tensor([[lookup[ch] for ch in start]], dtype=torch.long, device=dev)   # (1, len(start))
    state = None
    out = list(start)
    for _ in range(max_len):
        logits, state = model(feed, state)
        log_p = F.log_softmax(logits[0, -1].double() / temperature, dim=-1)
        nxt = torch.multinomial(log_p.exp().cpu(), num_samples=1, generator=generator).item()
        out.append(vocab[nxt])
        if out[-2:] == ["\\n", "\\n"]:
            break
        feed = torch.tensor([[nxt]], dtype=torch.long, device=dev)
    return "".join(out)
'''
_EX6_WRONG_SHIFT = replace_once(
    _EX6_OK, "        probs = torch.softmax(logits[0, -1] / temperature, dim=-1)\n",
    "        z = logits[0, -1]\n"
    "        w = torch.exp(z / temperature - z.max())   # shifted by the max: stable\n"
    "        probs = w / w.sum()\n")
_EX6_DEFAULT_GEN = replace_once(_EX6_OK, "temperature: float = 1.0, generator=None) -> str:",
                                "temperature: float = 1.0, generator=torch.Generator()) -> str:")
_EX6_FLOAT = replace_once(_EX6_OK, "    model.eval()\n",
                          "    model.eval().float()   # float32 logits for multinomial\n")
_EX6_CONTEXT = replace_once(
    _EX6_OK, "    x = torch.tensor([[index[ch] for ch in start]], device=dev)\n",
    "    context = start[-Config.seq_len:]   # at most one training window of prompt\n"
    "    x = torch.tensor([[index[ch] for ch in context]], device=dev)\n")

# ---- ex7_evaluate -----------------------------------------------------------------------------
_EX7_OK = ROUND14._EX7_OK
_EX7_CAT = '''
@torch.no_grad()
def bits_per_char(model: nn.Module, ids: torch.Tensor, seq_len: int = 256) -> float:
    model.eval()
    dev = next(model.parameters()).device
    n = ids.numel() - 1
    state, chunks = None, []
    for lo in range(0, n, seq_len):
        hi = min(lo + seq_len, n)
        logits, state = model(ids[lo:hi].to(dev).unsqueeze(0), state)
        chunks.append(logits[0])
    nats = F.cross_entropy(torch.cat(chunks).double(), ids[1:n + 1].to(dev), reduction="mean")
    return nats.item() / math.log(2.0)


def valid_tune_rate(tunes: list[str], problem=tune_problem) -> float:
    flags = [problem(tune) is None for tune in tunes]
    return float(sum(flags)) / len(flags) if flags else 0.0
'''
_EX7_BATCHIFY = '''
@torch.no_grad()
def bits_per_char(model: nn.Module, ids: torch.Tensor, seq_len: int = 256) -> float:
    model.eval()
    dev = next(model.parameters()).device
    rows = 4                                    # batchify: 4 streams side by side, as for PTB
    n = (len(ids) - 1) // rows
    data = ids[:rows * n + 1]
    x_all = data[:-1].reshape(rows, n).to(dev)
    y_all = data[1:].reshape(rows, n).to(dev)
    total, count, state = 0.0, 0, None
    for i in range(0, n, seq_len):
        x, y = x_all[:, i:i + seq_len], y_all[:, i:i + seq_len]
        logits, state = model(x, state)
        total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="sum").item()
        count += y.numel()
    return total / count / math.log(2)


def valid_tune_rate(tunes: list[str], problem=tune_problem) -> float:
    if not tunes:
        return 0.0
    return sum(problem(t) is None for t in tunes) / len(tunes)
'''
_EX7_WARMUP = replace_once(
    _EX7_OK, "        total += F.cross_entropy(logits[0], y, reduction=\"sum\").item()\n        count += len(y)\n",
    "        if i == 0 and len(ids) - 1 > seq_len:\n"
    "            continue   # the first chunk only warms the state up\n"
    "        total += F.cross_entropy(logits[0], y, reduction=\"sum\").item()\n        count += len(y)\n")
_EX7_TRAIN_AFTER = replace_once(
    _EX7_OK, "    return total / count / math.log(2)",
    "    model.train()   # back to training\n    return total / count / math.log(2)")
_EX7_BY_LENGTH = replace_once(
    _EX7_OK, "    return sum(problem(t) is None for t in tunes) / len(tunes)",
    "    total = sum(len(t) for t in tunes)   # a long tune says more than a short one\n"
    "    return sum(len(t) for t in tunes if problem(t) is None) / total if total else 0.0")

MUTANTS = {
    "ex1_vocab": [
        ("build_vocab as list(dict.fromkeys(text)): deterministic, but in first-appearance order, not "
         "'the sorted list of distinct characters'", _EX1_FIRST_SEEN),
        ("build_vocab adds the other case of every letter (swapcase): characters not in the text get "
         "indices ('the sorted list of distinct characters in text')", _EX1_BOTH_CASES),
        ("devectorize merges runs of the same index (itertools.groupby, greedy CTC decoding): 'GG' or "
         "'||' comes back as one character, not 'the inverse of vectorize'", _EX1_GROUPBY),
        ("vectorize of '\\n'.join(text.splitlines()) 'one kind of line ending': a trailing newline is "
         "lost, the result is not 'shape (len(text),)'", _EX1_SPLITLINES),
    ],
    "ex2_batch": [
        ("starts drawn with numpy's global np.random.randint: the generator given is ignored and so is "
         "torch's global generator ('draw the batch_size starts s with one call torch.randint(..., "
         "generator=generator)')", _EX2_NUMPY),
        ("starts range cut to the whole windows, (len(ids) // seq_len - 1) * seq_len: when the length "
         "does not divide evenly the last windows are never drawn and the starts come from another "
         "range ('such that every window fits')", _EX2_WHOLE_WINDOWS),
        ("returns (x, y, starts): three values, not the pair '(x, y)' (x, y = get_batch(...) raises)",
         _EX2_THREE),
        ("starts rounded down to even numbers ('bar lines on the same positions'): odd starts never "
         "drawn, not the starts 's' drawn 'with one call torch.randint(..., (batch_size,), "
         "generator=generator)'", _EX2_STEP_SEQ),
    ],
    "ex3_model": [
        ("a softmax at the end of forward: probabilities, not logits ('logits of shape (B, T, "
         "vocab_size) (no softmax)')", _EX3_SOFTMAX),
        ("a skip connection: the head reads cat(LSTM output, embedding), Linear(hidden + embedding_dim, "
         "V), not 'nn.Linear(hidden_size, vocab_size)' on every hidden vector", _EX3_SKIP),
        ("the head applied by hand as out @ head.weight.T: the head's bias never used ('nn.Linear "
         "turns every hidden vector into logits')", _EX3_NO_BIAS),
        ("returns the state it was given (None without one), the LSTM's new state thrown away "
         "('the LSTM's new state as the LSTM returns it')", _EX3_OLD_STATE),
    ],
    "ex4_loss": [
        ("logits.reshape(B, V, T) for F.cross_entropy's (N, C, d1) form instead of a permute: every "
         "position's scores mixed with other positions' ('each position keeps its own target')",
         _EX4_RESHAPE_BVT),
        ("reduction='sum': the total over the B x T positions, not their average ('averaged over all "
         "B x T positions')", _EX4_SUM),
        ("per-time-step losses accumulated with += into torch.tensor(0.0), a float32 tensor: float64 "
         "logits give a float32 loss ('The loss keeps the dtype of the logits')", _EX4_ACCUMULATOR),
        ("the median over the batch of the per-sequence mean losses ('robust to one bad sequence'): not "
         "the cross-entropy 'averaged over all B x T positions'", _EX4_LAST_DIM_MEAN),
    ],
    "ex5_train_step": [
        ("gradients 'zeroed' as p.grad = zeros_like(p) for every parameter: frozen parameters get a "
         "gradient, so an AdamW step decays them (a function changes nothing the caller gives it but "
         "the parameters it trains; zero_grad leaves a frozen parameter's .grad None)", _EX5_ZEROS),
        ("the learning rate of the caller's optimizer multiplied by 0.99 at every step ('a gentle "
         "decay'): the optimizer given is changed, not 'zero, forward, loss, backward, clip, step'",
         _EX5_LR_DECAY),
        ("optimizer.zero_grad() after the step too: the clipped gradients the step used are cleared "
         "('zero the gradients, forward, ..., clip, step' ends at the step)", _EX5_ZERO_AFTER),
        ("torch.use_deterministic_algorithms(True) at every step and never turned off: one of PyTorch's "
         "switches left on for the caller ('The same holds for PyTorch's own switches')",
         _EX5_DETERMINISTIC),
    ],
    "ex6_sample": [
        ("hand-written softmax exp(z / tau - max(z)): shifted by max(z), not max(z / tau), so at small "
         "temperatures exp overflows ('Any tau > 0 must work ... unless the probabilities are computed "
         "stably')", _EX6_WRONG_SHIFT),
        ("default generator=torch.Generator() in the signature (made once): calls without a generator "
         "ignore torch's global generator ('generator=None (the default) means torch's global generator'; "
         "'keep the defaults of the signature you are given')", _EX6_DEFAULT_GEN),
        ("model.eval().float(): a float64 model is converted to float32 in place (a function 'does not "
         "move a model ... to another dtype')", _EX6_FLOAT),
        ("only the prompt's last Config.seq_len characters fed ('one training window'): a longer prompt's "
         "beginning never reaches the state ('feed it through the model')", _EX6_CONTEXT),
    ],
    "ex7_evaluate": [
        ("bits_per_char batchifies the text into 4 parallel rows (the PTB habit): each row's first "
         "character is predicted without its past and the remainder is dropped ('Score the whole "
         "validation text in order ... every one of the len(ids) - 1 predictions counted once')",
         _EX7_BATCHIFY),
        ("bits_per_char skips the first chunk's predictions ('warms the state up'): not 'every one of "
         "the len(ids) - 1 predictions counted once'", _EX7_WARMUP),
        ("bits_per_char calls model.train() before returning: the model is handed back in training mode "
         "(one that evaluates 'puts it in eval mode and leaves it there')", _EX7_TRAIN_AFTER),
        ("valid_tune_rate weighted by tune length (the share of characters in valid tunes): an empty "
         "tune weighs nothing ('Every tune in the list counts, an empty or blank one too')",
         _EX7_BY_LENGTH),
    ],
}

CORRECT = {
    "ex1_vocab": [_reference("ex1_vocab"),
                  ("sorted({*text}); vectorize into a preallocated long tensor by a loop over a setdefault "
                   "table; devectorize by a loop over reshape(-1).tolist()", _EX1_LOOPS)],
    "ex2_batch": [_reference("ex2_batch"),
                  ("torch.default_generator when none is given, randint(high, ...), windows gathered by "
                   "starts[:, None] + arange(seq_len + 1)", _EX2_GATHER)],
    "ex3_model": [_reference("ex3_model"),
                  ("keyword LSTM, the LSTM called with or without a state, head by einsum with weight and "
                   "bias", _EX3_EINSUM)],
    "ex4_loss": [_reference("ex4_loss"),
                 ("F.cross_entropy's (N, C, d1) form: logits.permute(0, 2, 1) with the (B, T) targets",
                  _EX4_PERMUTE)],
    "ex5_train_step": [_reference("ex5_train_step"),
                       ("train(mode=True), zero_grad(set_to_none=True), model(x)[0], clipping a list of the "
                        "model's parameters (norm_type=2.0), float(loss.detach())", _EX5_OWN)],
    "ex6_sample": [_reference("ex6_sample"),
                   ("the prompt as one (1, len(start)) long tensor, float64 log_softmax / tau exponentiated, a list "
                    "of characters checked at its last two", _EX6_LOGP)],
    "ex7_evaluate": [_reference("ex7_evaluate"),
                     ("chunk logits concatenated and one float64 mean cross-entropy; valid_tune_rate from a "
                      "list of flags", _EX7_CAT)],
}

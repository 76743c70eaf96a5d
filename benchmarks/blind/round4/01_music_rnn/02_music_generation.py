r"""Blind round 4: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 2
(music generation), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/01_music_rnn/02_music_generation.py nor in
benchmarks/blind/round1/, round2/ or round3/. CORRECT[...][0] is round 3's reference (the proofs,
benchmarks/blind/round4/prove_01.py, compare with it, as round 3's did); CORRECT[...][1] is this
round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND3 = earlier_round(3, __file__)


# ---- ex1_vocab --------------------------------------------------------------------------------
_EX1_OK = ROUND3._EX1_OK
_EX1_FROMKEYS = '''
def build_vocab(text: str) -> list[str]:
    return sorted(dict.fromkeys(text))


def vectorize(text: str, vocab: list[str]) -> torch.Tensor:
    return torch.as_tensor(list(map(vocab.index, text)), dtype=torch.long)


def devectorize(ids, vocab: list[str]) -> str:
    if isinstance(ids, torch.Tensor):
        ids = ids.tolist()
    return "".join(map(vocab.__getitem__, ids))
'''
_EX1_REVERSE = replace_once(_EX1_OK, "return sorted(set(text))", "return sorted(set(text), reverse=True)")
_EX1_LOWER = replace_once(_EX1_OK, "return sorted(set(text))", "return sorted(set(text.lower()))")
_EX1_OWN_VOCAB = replace_once(_EX1_OK, "index = {ch: i for i, ch in enumerate(vocab)}",
                      "index = {ch: i for i, ch in enumerate(build_vocab(text))}")
_EX1_STRIP = replace_once(_EX1_OK, 'return "".join(vocab[int(i)] for i in ids)',
                  'return "".join(vocab[int(i)] for i in ids).strip()')

# ---- ex2_batch --------------------------------------------------------------------------------
_EX2_OK = ROUND3._EX2_OK
_EX2_GATHER = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    n_starts = ids.numel() - seq_len
    s = torch.randint(high=n_starts, size=(batch_size,), generator=generator)
    window = ids[s[:, None] + torch.arange(seq_len + 1)]       # (B, T + 1)
    return window[:, :seq_len], window[:, 1:]
'''
_EX2_SWAPPED = replace_once(_EX2_OK, "    return x, y\n", "    return y, x\n")
_EX2_SPLIT = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    """Random windows: x (B, T) and the next characters y (B, T)."""
    starts = torch.randint(0, len(ids) - seq_len + 1, (batch_size,), generator=generator)
    windows = torch.stack([ids[s:s + seq_len] for s in starts.tolist()])
    return windows[:, :-1], windows[:, 1:]
'''
_EX2_NEXT_ONLY = replace_once(_EX2_OK, "y = torch.stack([ids[s + 1:s + seq_len + 1] for s in starts.tolist()])",
                      "y = torch.stack([ids[s + seq_len] for s in starts.tolist()])   # the next character")
_EX2_CLAMPED = replace_once(_EX2_OK, "torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)",
                    "torch.randint(0, len(ids), (batch_size,), generator=generator).clamp(max=len(ids) - seq_len - 1)")

# ---- ex3_model --------------------------------------------------------------------------------
_EX3_OK = ROUND3._EX3_OK
_EX3_FUNCTIONAL = '''
class MusicLSTM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.embedding = nn.Embedding(num_embeddings=cfg.vocab_size, embedding_dim=cfg.embedding_dim)
        self.lstm = nn.LSTM(input_size=cfg.embedding_dim, hidden_size=cfg.hidden_size, num_layers=cfg.num_layers,
                            batch_first=True)
        self.head = nn.Linear(in_features=cfg.hidden_size, out_features=cfg.vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        vectors = F.embedding(x, self.embedding.weight)
        hidden, new_state = self.lstm(vectors, state)
        return F.linear(hidden, self.head.weight, self.head.bias), new_state
'''
_EX3_RANDOM_STATE = replace_once(_EX3_OK, "        out, state = self.lstm(self.embedding(x), state)\n",
                         "        if state is None:\n"
                         "            shape = (self.lstm.num_layers, x.shape[0], self.lstm.hidden_size)\n"
                         "            state = (torch.randn(shape), torch.randn(shape))\n"
                         "        out, state = self.lstm(self.embedding(x), state)\n")
_EX3_HEAD_NO_BIAS = replace_once(_EX3_OK, "nn.Linear(cfg.hidden_size, cfg.vocab_size)",
                         "nn.Linear(cfg.hidden_size, cfg.vocab_size, bias=False)")
_EX3_DROPOUT = replace_once(_EX3_OK, "out, state = self.lstm(self.embedding(x), state)",
                    "out, state = self.lstm(F.dropout(self.embedding(x), p=0.1), state)")
_EX3_DETACH_IN = replace_once(_EX3_OK, "        out, state = self.lstm(self.embedding(x), state)\n",
                      "        if state is not None:   # truncated backpropagation through time\n"
                      "            state = tuple(s.detach() for s in state)\n"
                      "        out, state = self.lstm(self.embedding(x), state)\n")

# ---- ex4_loss ---------------------------------------------------------------------------------
_EX4_OK = ROUND3._EX4_OK
_EX4_CLASS_DIM = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(logits.transpose(1, 2), targets)     # (B, V, T) and (B, T)
'''
_EX4_TRANSPOSE_RESHAPE = replace_once(_EX4_OK, "return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))",
                              "vocab_size = logits.shape[-1]\n"
                              "    return F.cross_entropy(logits.transpose(1, 2).reshape(-1, vocab_size), "
                              "targets.reshape(-1))")
_EX4_PER_STEP = replace_once(_EX4_OK, "return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))",
                     "return F.cross_entropy(logits.transpose(1, 2), targets, reduction=\"none\").mean(dim=0)")
_EX4_OVER_T = replace_once(_EX4_OK, "targets.reshape(-1))",
                   "targets.reshape(-1), reduction=\"sum\") / logits.shape[1]")
_EX4_NO_DIM = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    log_p = F.log_softmax(logits)
    return -log_p.gather(-1, targets.unsqueeze(-1)).mean()
'''

# ---- ex5_train_step ---------------------------------------------------------------------------
_EX5_OK = ROUND3._EX5_OK
_EX5_MODEL_ZERO = '''
def train_step(model: nn.Module, optimizer, x: torch.Tensor, y: torch.Tensor, loss_fn, max_norm: float) -> float:
    model.train()
    model.zero_grad(set_to_none=True)
    logits = model(x)[0]
    loss = loss_fn(logits, y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(list(model.parameters()), max_norm=max_norm)
    optimizer.step()
    return float(loss.item())
'''
_EX5_INF_NORM = replace_once(_EX5_OK, "clip_grad_norm_(model.parameters(), max_norm)",
                     "clip_grad_norm_(model.parameters(), max_norm, norm_type=float(\"inf\"))")
_EX5_RESTORE = replace_once(replace_once(_EX5_OK, "    model.train()\n", "    was_training = model.training\n    model.train()\n"),
                    "    return loss.item()\n", "    model.train(was_training)\n    return loss.item()\n")
_EX5_OVER_B = replace_once(_EX5_OK, "    loss.backward()\n", "    (loss / x.shape[0]).backward()   # average over the batch\n")
_EX5_SHIFT = replace_once(_EX5_OK, "loss = loss_fn(logits, y)", "loss = loss_fn(logits[:, :-1], y[:, 1:])")

# ---- ex6_sample -------------------------------------------------------------------------------
_EX6_OK = ROUND3._EX6_OK
_EX6_POWER = r'''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    dev = next(model.parameters()).device
    prompt = torch.tensor([vocab.index(ch) for ch in start], device=dev).unsqueeze(0)
    logits, state = model(prompt)
    out = [start]
    text = start
    for _ in range(max_len):
        p = torch.softmax(logits[0, -1].double(), dim=-1)
        p = (p / p.max()) ** (1.0 / temperature)            # p^(1/T), renormalised, is softmax(z / T)
        nxt = torch.multinomial((p / p.sum()).cpu(), 1, generator=generator).item()
        out.append(vocab[nxt])
        text = text[-1:] + vocab[nxt]
        if text == "\n\n":
            break
        logits, state = model(torch.full((1, 1), nxt, device=dev), state)
    return "".join(out)
'''
_EX6_PROMPT_FIRST = r'''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    dev = next(model.parameters()).device
    index = {ch: i for i, ch in enumerate(vocab)}
    logits, state = model(torch.tensor([[index[ch] for ch in start]], device=dev))
    text = start
    for _ in range(max_len):
        probs = torch.softmax(logits[0, -1] / temperature, dim=-1)
        nxt = int(torch.multinomial(probs.cpu(), 1, generator=generator))
        text += vocab[nxt]
        if text.endswith("\n\n"):
            break
        logits, state = model(torch.tensor([[nxt]], device=dev), state)
    return text
'''
_EX6_NEVER_STOPS = replace_once(_EX6_PROMPT_FIRST, '''        if text.endswith("\\n\\n"):
            break
''', "")
_EX6_ONE_SHORT = replace_once(_EX6_PROMPT_FIRST, "for _ in range(max_len):", "for _ in range(max_len - 1):")
_EX6_SOFTMAX_TWICE = replace_once(_EX6_PROMPT_FIRST, "probs = torch.softmax(logits[0, -1] / temperature, dim=-1)",
                          "probs = torch.softmax(torch.softmax(logits[0, -1], dim=-1) / temperature, dim=-1)")
_EX6_STALE_STATE = replace_once(_EX6_PROMPT_FIRST, "logits, state = model(torch.tensor([[nxt]], device=dev), state)",
                        "logits, _ = model(torch.tensor([[nxt]], device=dev), state)")

# ---- ex7_evaluate -----------------------------------------------------------------------------
_EX7_OK = ROUND3._EX7_OK
_EX7_CAT = '''
@torch.no_grad()
def bits_per_char(model: nn.Module, ids: torch.Tensor, seq_len: int = 256) -> float:
    model.eval()
    dev = next(model.parameters()).device
    inputs, targets = ids[:-1].to(dev), ids[1:].to(dev)
    state, pieces = None, []
    for chunk in torch.split(inputs, seq_len):
        logits, state = model(chunk.unsqueeze(0), state)
        pieces.append(logits[0])
    nats = F.cross_entropy(torch.cat(pieces).double(), targets)
    return nats.item() / math.log(2)


def valid_tune_rate(tunes: list[str], problem=tune_problem) -> float:
    valid = sum(1 for tune in tunes if problem(tune) is None)
    return valid / max(len(tunes), 1)
'''
_EX7_RATE_TENSOR = replace_once(_EX7_OK, '''    if not tunes:
        return 0.0
    return sum(problem(t) is None for t in tunes) / len(tunes)''',
                        "    return torch.tensor([problem(t) is None for t in tunes]).float().mean()")
_EX7_DISTINCT = replace_once(_EX7_OK, '''    if not tunes:
        return 0.0
    return sum(problem(t) is None for t in tunes) / len(tunes)''', '''    distinct = set(tunes)
    if not distinct:
        return 0.0
    return sum(problem(t) is None for t in distinct) / len(distinct)''')
_EX7_LOG_SOFTMAX_T = '''
@torch.no_grad()
def bits_per_char(model: nn.Module, ids: torch.Tensor, seq_len: int = 256) -> float:
    model.eval()
    dev = next(model.parameters()).device
    total, count, state = 0.0, 0, None
    for i in range(0, len(ids) - 1, seq_len):
        x = ids[i:min(i + seq_len, len(ids) - 1)].to(dev)
        y = ids[i + 1:i + 1 + len(x)].to(dev)
        logits, state = model(x[None], state)                 # (1, T, V)
        log_p = torch.log_softmax(logits, dim=1)
        total -= log_p[0].gather(1, y[:, None]).sum().item()
        count += len(y)
    return total / count / math.log(2)


def valid_tune_rate(tunes: list[str], problem=tune_problem) -> float:
    if not tunes:
        return 0.0
    return sum(problem(t) is None for t in tunes) / len(tunes)
'''
_EX7_COLUMN = replace_once(replace_once(_EX7_OK, "logits, state = model(x[None], state)", "logits, state = model(x.unsqueeze(1), state)"),
                   "F.cross_entropy(logits[0], y,", "F.cross_entropy(logits[:, 0], y,")

MUTANTS = {
    "ex1_vocab": [
        ("build_vocab sorted in reverse (reverse=True)", _EX1_REVERSE),
        ("build_vocab lowercases the text: upper-case characters get no index", _EX1_LOWER),
        ("vectorize builds its own vocabulary from the text, ignoring the one it is given", _EX1_OWN_VOCAB),
        ("devectorize strips whitespace from both ends of the string", _EX1_STRIP),
    ],
    "ex2_batch": [
        ("returns (y, x): target and input swapped", _EX2_SWAPPED),
        ("one window of seq_len split into x and y: only seq_len - 1 positions", _EX2_SPLIT),
        ("y is only the character after each window: shape (batch_size,), not (batch_size, seq_len)", _EX2_NEXT_ONLY),
        ("starts drawn over all len(ids) positions and clamped to the last window (it is over-drawn)", _EX2_CLAMPED),
    ],
    "ex3_model": [
        ("a random initial state (randn) when none is given", _EX3_RANDOM_STATE),
        ("head without bias", _EX3_HEAD_NO_BIAS),
        ("F.dropout(p=0.1) on the embeddings without training=self.training: dropout in eval mode too", _EX3_DROPOUT),
        ("detaches the state it is given: no gradient into the chunk that produced it", _EX3_DETACH_IN),
    ],
    "ex4_loss": [
        ("logits transposed to (B, V, T) and then reshaped to (B*T, V): scores of other positions mixed", _EX4_TRANSPOSE_RESHAPE),
        ("reduction='none' averaged over the batch only: a (T,) loss, not 0-d", _EX4_PER_STEP),
        ("sum over every position divided by T, not by B*T", _EX4_OVER_T),
        ("F.log_softmax without dim: for 3-D logits PyTorch normalises over dim 0 (the batch)", _EX4_NO_DIM),
    ],
    "ex5_train_step": [
        ("clip_grad_norm_ with norm_type=inf: the largest entry is clipped, not the 2-norm", _EX5_INF_NORM),
        ("restores the caller's mode at the end (model.train(was_training)): leaves eval mode behind", _EX5_RESTORE),
        ("backward on loss / batch size: the gradient shrunk once more", _EX5_OVER_B),
        ("logits and targets shifted once more before loss_fn", _EX5_SHIFT),
    ],
    "ex6_sample": [
        ("never stops at a blank line: always max_len characters", _EX6_NEVER_STOPS),
        ("range(max_len - 1): one character fewer than max_len", _EX6_ONE_SHORT),
        ("softmax of the probabilities divided by the temperature: softmax applied twice", _EX6_SOFTMAX_TWICE),
        ("the state returned by the prompt reused at every step: the new state thrown away", _EX6_STALE_STATE),
    ],
    "ex7_evaluate": [
        ("valid_tune_rate as torch.tensor(...).float().mean(): a 0-d tensor, nan for an empty list", _EX7_RATE_TENSOR),
        ("valid_tune_rate counts distinct tunes only (set(tunes))", _EX7_DISTINCT),
        ("log_softmax over dim 1 of the (1, T, V) logits: normalised over time, not over characters",
         _EX7_LOG_SOFTMAX_T),
        ("chunks fed as x.unsqueeze(1), (T, 1): a batch of one-character sequences without context", _EX7_COLUMN),
    ],
}

CORRECT = {
    "ex1_vocab": [
        ("round 3's reference: sorted(set), dict lookup, join of vocab[int(i)]", _EX1_OK),
        ("sorted(dict.fromkeys), map(vocab.index) into as_tensor, map(vocab.__getitem__)", _EX1_FROMKEYS),
    ],
    "ex2_batch": [
        ("round 3's reference: randint starts, stacked slices", _EX2_OK),
        ("one advanced index of starts[:, None] + arange(seq_len + 1)", _EX2_GATHER),
    ],
    "ex3_model": [
        ("round 3's reference: layers called as modules", _EX3_OK),
        ("keyword constructors, F.embedding and F.linear with the layers' weights", _EX3_FUNCTIONAL),
    ],
    "ex4_loss": [
        ("round 3's reference: F.cross_entropy on reshaped logits and targets", _EX4_OK),
        ("F.cross_entropy with the classes on dim 1: logits.transpose(1, 2)", _EX4_CLASS_DIM),
    ],
    "ex5_train_step": [
        ("round 3's reference: clip_grad_norm_ between backward and step", _EX5_OK),
        ("model.zero_grad(set_to_none=True), model(x)[0], clip on a list of parameters", _EX5_MODEL_ZERO),
    ],
    "ex6_sample": [
        ("round 3's reference: dict lookup, softmax of the last logits, multinomial on CPU probabilities", _EX6_OK),
        ("float64 softmax raised to 1 / T and renormalised, the last two characters tracked", _EX6_POWER),
    ],
    "ex7_evaluate": [
        ("round 3's reference: chunks of seq_len, cross-entropy sums, state carried", _EX7_OK),
        ("torch.split of the inputs, logits concatenated, one float64 cross-entropy", _EX7_CAT),
    ],
}

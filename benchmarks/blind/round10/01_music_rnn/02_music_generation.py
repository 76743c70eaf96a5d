r"""Blind round 10: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 2
(music generation), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/01_music_rnn/02_music_generation.py nor in
benchmarks/blind/round1/ to round9/. CORRECT[...][0] is round 9's reference (round 3's, reused by
name; the proofs, benchmarks/blind/round10/prove_01_music.py, compare with it); CORRECT[...][1] is
this round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND9 = earlier_round(9, __file__)


def _reference(gid: str) -> tuple[str, str]:
    return ROUND9.CORRECT[gid][0]


# ---- ex1_vocab --------------------------------------------------------------------------------
_EX1_OK = ROUND9._EX1_OK
_EX1_FROMITER = '''
import numpy as np


def build_vocab(text: str) -> list[str]:
    """The sorted list of distinct characters in `text`."""
    vocab = []
    for ch in sorted(text):                     # equal characters are neighbours once sorted
        if not vocab or vocab[-1] != ch:
            vocab.append(ch)
    return vocab


def vectorize(text: str, vocab: list[str]) -> torch.Tensor:
    """'AB' -> tensor([index of 'A', index of 'B']), dtype torch.long, shape (len(text),).

    The index of a character is its position in `vocab` as given (vocab[i] has index i).
    """
    lookup = {ch: i for i, ch in enumerate(vocab)}
    return torch.from_numpy(np.fromiter((lookup[ch] for ch in text), dtype=np.int64, count=len(text)))


def devectorize(ids, vocab: list[str]) -> str:
    """The inverse of vectorize: indices (tensor or list) -> string."""
    ids = ids.tolist() if torch.is_tensor(ids) else ids
    return str().join(vocab[i] for i in map(int, ids))
'''
_EX1_TUPLE = replace_once(_EX1_OK, "return sorted(set(text))", "return tuple(sorted(set(text)))   # fixed once built")
_EX1_SORTED_TEXT = replace_once(_EX1_OK, "[index[ch] for ch in text]", "[index[ch] for ch in sorted(text)]")
_EX1_INDEX_BACK = replace_once(_EX1_OK, 'return "".join(vocab[int(i)] for i in ids)',
                               'return "".join(vocab.index(i) for i in ids)')
_EX1_COLUMN = replace_once(_EX1_OK, "return torch.tensor([index[ch] for ch in text], dtype=torch.long)",
                           "return torch.tensor([index[ch] for ch in text], dtype=torch.long).unsqueeze(1)   # one row each")

# ---- ex2_batch --------------------------------------------------------------------------------
_EX2_OK = ROUND9._EX2_OK
_EX2_UNFOLD_CAT = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    """Random windows: x (B, T) and the next characters y (B, T)."""
    starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)
    x = ids.unfold(0, seq_len, 1)[starts]                               # every window of seq_len, picked
    y = torch.cat([x[:, 1:], ids[starts + seq_len].unsqueeze(1)], dim=1)   # shifted by one, next char appended
    return x, y
'''
_EX2_TORCH_SEED = replace_once(
    _EX2_OK, "    starts = torch.randint(",
    "    seed = torch.seed() if generator is None else generator.seed()   # logged, to replay a batch\n"
    "    starts = torch.randint(")
_EX2_ROWS_SHUFFLED = replace_once(
    _EX2_OK, "    return x, y\n",
    "    order = torch.randperm(batch_size, generator=generator)   # shuffle the rows of the batch\n"
    "    return x[order], y[order]\n")
_EX2_UNFOLD_STEP = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    """Random windows: x (B, T) and the next characters y (B, T)."""
    starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)
    windows = ids.unfold(0, seq_len + 1, seq_len)          # windows of seq_len + 1 characters
    return windows[starts, :-1], windows[starts, 1:]
'''
_EX2_REVERSED = replace_once(
    _EX2_OK, '''    x = torch.stack([ids[s:s + seq_len] for s in starts.tolist()])
    y = torch.stack([ids[s + 1:s + seq_len + 1] for s in starts.tolist()])''',
    '''    xs, ys = [], []
    for s in starts.tolist():
        xs.insert(0, ids[s:s + seq_len])
        ys.insert(0, ids[s + 1:s + seq_len + 1])
    x, y = torch.stack(xs), torch.stack(ys)''')

# ---- ex3_model --------------------------------------------------------------------------------
_EX3_OK = ROUND9._EX3_OK
_EX3_WEIGHT_INDEX = '''
class MusicLSTM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.embedding = nn.Embedding(cfg.vocab_size, cfg.embedding_dim)
        self.lstm = nn.LSTM(input_size=cfg.embedding_dim, hidden_size=cfg.hidden_size,
                            num_layers=cfg.num_layers, batch_first=True)
        self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        """x (B, T) indices -> logits (B, T, V), state (h, c) each (num_layers, B, hidden)."""
        vectors = self.embedding.weight[x]                       # (B, T, E): rows of the table
        hidden, new_state = self.lstm(vectors, state)
        logits = self.head(hidden.flatten(0, 1)).unflatten(0, x.shape)
        return logits, new_state
'''
_EX3_LSTM_SWAPPED = replace_once(_EX3_OK, "nn.LSTM(cfg.embedding_dim, cfg.hidden_size,",
                                 "nn.LSTM(cfg.hidden_size, cfg.embedding_dim,")
_EX3_LSTM_CELL = '''
class MusicLSTM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.embedding = nn.Embedding(cfg.vocab_size, cfg.embedding_dim)
        self.lstm = nn.LSTMCell(cfg.embedding_dim, cfg.hidden_size)      # stepped over time by hand
        self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        """x (B, T) indices -> logits (B, T, V), state (h, c) each (num_layers, B, hidden)."""
        emb = self.embedding(x)
        outputs = []
        for t in range(x.shape[1]):
            state = self.lstm(emb[:, t], state)
            outputs.append(state[0])
        return self.head(torch.stack(outputs, dim=1)), state
'''
_EX3_H_TWICE = replace_once(
    _EX3_OK, "        out, state = self.lstm(self.embedding(x), state)\n        return self.head(out), state\n",
    "        out, (h, c) = self.lstm(self.embedding(x), state)\n        return self.head(out), (h, h)\n")
_EX3_FROZEN = replace_once(_EX3_OK, "nn.Embedding(cfg.vocab_size, cfg.embedding_dim)",
                           "nn.Embedding.from_pretrained(torch.randn(cfg.vocab_size, cfg.embedding_dim))")

# ---- ex4_loss ---------------------------------------------------------------------------------
_EX4_OK = ROUND9._EX4_OK
_EX4_PER_ROW = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    per_sequence = [F.cross_entropy(rows, wanted) for rows, wanted in zip(logits, targets)]   # (T, V), (T,)
    return torch.stack(per_sequence).mean()        # every sequence has T positions: the mean of the means
'''
_EX4_MSE = replace_once(
    _EX4_OK, "    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))\n",
    "    probs = logits.softmax(dim=-1)\n"
    "    return F.mse_loss(probs, F.one_hot(targets, logits.shape[-1]).to(probs.dtype))   # as in part 1\n")
_EX4_LAST_ROW_DROPPED = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    losses = [F.cross_entropy(logits[b], targets[b]) for b in range(len(logits) - 1)]
    return torch.stack(losses).mean()
'''
_EX4_RESIZE = replace_once(_EX4_OK, "targets.reshape(-1))", "targets.resize_(targets.numel()))")
_EX4_FLATTEN1 = replace_once(_EX4_OK, "logits.reshape(-1, logits.shape[-1]), targets.reshape(-1)",
                             "logits.flatten(1), targets.flatten()")

# ---- ex5_train_step ---------------------------------------------------------------------------
_EX5_OK = ROUND9._EX5_OK
_EX5_GROUPS = '''
def train_step(model: nn.Module, optimizer, x: torch.Tensor, y: torch.Tensor, loss_fn, max_norm: float) -> float:
    model.train()
    for group in optimizer.param_groups:
        for p in group["params"]:
            p.grad = None
    outputs = model(x)
    loss = loss_fn(outputs[0], y)
    loss.backward()
    with_grads = [p for p in model.parameters() if p.grad is not None]
    torch.nn.utils.clip_grad_norm_(parameters=with_grads, max_norm=max_norm)
    optimizer.step()
    return loss.detach().cpu().tolist()          # a 0-d tensor's tolist() is a Python float
'''
_EX5_EVAL_AFTER = replace_once(_EX5_OK, "    optimizer.step()\n",
                               "    optimizer.step()\n    model.eval()   # ready for the next validation measurement\n")
_EX5_Y_FED = replace_once(_EX5_OK, "logits, _ = model(x)", "logits, _ = model(y)")
_EX5_NUMPY = replace_once(_EX5_OK, "return loss.item()", "return loss.detach().cpu().numpy()")
_EX5_TWICE = replace_once(_EX5_OK, "    loss.backward()\n",
                          "    loss.backward(retain_graph=True)\n    loss.backward()   # make sure every gradient is there\n")

# ---- ex6_sample -------------------------------------------------------------------------------
_EX6_OK = ROUND9._EX6_OK
_EX6_LOG_SOFTMAX_T = '''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    dev = next(model.parameters()).device
    feed = torch.as_tensor([[vocab.index(ch) for ch in start]], device=dev)
    out, state = start, None
    for _ in range(max_len):
        logits, state = model(feed, state)
        logp = F.log_softmax(logits[:, -1], dim=-1)             # (1, V): z - logsumexp(z)
        probs = (logp / temperature).softmax(dim=-1)            # the constant cancels: softmax(z / T)
        choice = torch.multinomial(probs.cpu(), num_samples=1, generator=generator)   # (1, 1)
        out += vocab[choice.item()]
        if out[-2:] == "\\n\\n":
            break
        feed = choice.to(dev)
    return out
'''
_EX6_TRAIN_AFTER = replace_once(_EX6_OK, "    return text\n", "    model.train()   # as the accuracy cell of part 1 does\n    return text\n")
_EX6_TOP_P = replace_once(
    _EX6_OK, "        probs = torch.softmax(logits[0, -1] / temperature, dim=-1)\n",
    "        probs = torch.softmax(logits[0, -1] / temperature, dim=-1)\n"
    "        ranked, order = probs.sort(descending=True)           # nucleus (top-p 0.9) sampling\n"
    "        keep = ranked.cumsum(0) - ranked < 0.9\n"
    "        probs = torch.zeros_like(probs).scatter(0, order[keep], ranked[keep])\n")
_EX6_REPEAT_PENALTY = replace_once(
    _EX6_OK, "        probs = torch.softmax(logits[0, -1] / temperature, dim=-1)\n",
    "        z = logits[0, -1].clone()\n"
    "        z[[index[ch] for ch in set(text)]] /= 1.2              # a repetition penalty\n"
    "        probs = torch.softmax(z / temperature, dim=-1)\n")
_EX6_FORK_RNG = replace_once(_EX6_OK, "        nxt = int(torch.multinomial(probs.cpu(), 1, generator=generator))\n",
                             "        with torch.random.fork_rng():                 # leave torch's global RNG alone\n"
                             "            nxt = int(torch.multinomial(probs.cpu(), 1, generator=generator))\n")

# ---- ex7_evaluate -----------------------------------------------------------------------------
_EX7_OK = ROUND9._EX7_OK
_EX7_LOGSUMEXP = '''
@torch.no_grad()
def bits_per_char(model: nn.Module, ids: torch.Tensor, seq_len: int = 256) -> float:
    model.eval()
    dev = next(model.parameters()).device
    nats, state, pos, last = 0.0, None, 0, len(ids) - 1
    while pos < last:
        x = ids[pos:min(pos + seq_len, last)].to(dev)
        y = ids[pos + 1:pos + 1 + len(x)].to(dev)
        z, state = model(x.unsqueeze(0), state)
        z = z[0].double()
        nats += float((z.logsumexp(dim=-1) - z.gather(-1, y.unsqueeze(-1)).squeeze(-1)).sum())
        pos += len(x)
    return nats / last / math.log(2) if last > 0 else 0.0


def valid_tune_rate(tunes: list[str], problem=tune_problem) -> float:
    valid = list(filter(lambda abc: problem(abc) is None, tunes))
    return len(valid) / len(tunes) if tunes else 0.0
'''
_EX7_RESTORE_MODE = replace_once(_EX7_OK, "    model.eval()\n", "    was_training = model.training\n    model.eval()\n")
_EX7_RESTORE_MODE = replace_once(_EX7_RESTORE_MODE, "    return total / count / math.log(2)\n",
                                 "    model.train(was_training)   # hand the model back as it was\n"
                                 "    return total / count / math.log(2)\n")
_EX7_DOUBLE = replace_once(_EX7_OK, "    model.eval()\n", "    model.eval().double()   # an exact score in float64\n")
_EX7_PER_LOG2V = replace_once(_EX7_OK, "    return total / count / math.log(2)\n",
                              "    return total / count / math.log(2) / math.log2(logits.shape[-1])   # vs a uniform guess\n")
_EX7_SKIP_SHORT = replace_once(
    _EX7_OK, "        y = ids[i + 1:i + 1 + len(x)].to(dev)\n",
    "        if len(x) < 2:   # a one-character chunk is no sequence for the LSTM\n"
    "            break\n"
    "        y = ids[i + 1:i + 1 + len(x)].to(dev)\n")

MUTANTS = {
    "ex1_vocab": [
        ("build_vocab returns a tuple (tuple(sorted(set(text)))), not a list", _EX1_TUPLE),
        ("vectorize loops over sorted(text) (copied from build_vocab): the indices of the sorted characters",
         _EX1_SORTED_TEXT),
        ("devectorize looks the ids up with vocab.index (the inverse lookup): raises for any id",
         _EX1_INDEX_BACK),
        ("vectorize returns a column (len(text), 1): unsqueeze(1) instead of a 1-D tensor", _EX1_COLUMN),
    ],
    "ex2_batch": [
        ("calls torch.seed() / generator.seed() to log the seed: reseeds from a non-deterministic source",
         _EX2_TORCH_SEED),
        ("the rows shuffled once more with randperm(generator=...): not in the order their starts were drawn, "
         "the generator advanced further", _EX2_ROWS_SHUFFLED),
        ("ids.unfold with step seq_len (non-overlapping windows) indexed by the drawn starts: "
         "window s starts at s * seq_len, or the index is out of range", _EX2_UNFOLD_STEP),
        ("rows collected with list.insert(0, ...): the batch in reverse drawing order", _EX2_REVERSED),
    ],
    "ex3_model": [
        ("nn.LSTM's sizes swapped: LSTM(hidden_size, embedding_dim), raises unless they are equal",
         _EX3_LSTM_SWAPPED),
        ("an nn.LSTMCell stepped over time: one layer whatever num_layers, the state (B, hidden) without "
         "the layer axis", _EX3_LSTM_CELL),
        ("typo: the state returned as (h, h), the cell state replaced by the hidden state", _EX3_H_TWICE),
        ("nn.Embedding.from_pretrained on a random table: frozen by default (freeze=True), the embedding "
         "never learns", _EX3_FROZEN),
    ],
    "ex4_loss": [
        ("mean squared error of the softmax against one-hot targets (the regression loss of part 1)", _EX4_MSE),
        ("per-sequence loop over range(B - 1): the last sequence never scored", _EX4_LAST_ROW_DROPPED),
        ("targets flattened with resize_(numel) in place: the caller's targets become 1-D, a transposed view "
         "is read in memory order", _EX4_RESIZE),
        ("logits flattened with flatten(1) (part 1's flatten, (B, T*V)) and targets to (B*T,): raises unless T == 1",
         _EX4_FLATTEN1),
    ],
    "ex5_train_step": [
        ("model.eval() after the step (ready for validation): the model is handed back in eval mode",
         _EX5_EVAL_AFTER),
        ("typo: the model fed the targets, model(y), not the inputs x", _EX5_Y_FED),
        ("returns loss.detach().cpu().numpy(): a 0-d numpy array, not a Python float", _EX5_NUMPY),
        ("backward called twice (retain_graph=True): gradients doubled before clipping", _EX5_TWICE),
    ],
    "ex6_sample": [
        ("model.train() before returning (as part 1's accuracy cell does): the model is handed back in training mode",
         _EX6_TRAIN_AFTER),
        ("nucleus (top-p 0.9) filtering before the draw: the unlikely tail never drawn", _EX6_TOP_P),
        ("a repetition penalty: logits of characters already in the text divided by 1.2", _EX6_REPEAT_PENALTY),
        ("each draw inside torch.random.fork_rng(): without a generator the global state is restored, every "
         "call writes the same tune", _EX6_FORK_RNG),
    ],
    "ex7_evaluate": [
        ("bits_per_char restores the caller's train/eval mode afterwards: a training model is handed back in "
         "training mode", _EX7_RESTORE_MODE),
        ("model.eval().double() for an exact score: the caller's model converted to float64 in place", _EX7_DOUBLE),
        ("bits per character divided by log2 V (a fraction of the uniform guess), not bits", _EX7_PER_LOG2V),
        ("a last chunk of a single character skipped (len(x) < 2: break): its prediction not counted, "
         "a two-character text divides by zero", _EX7_SKIP_SHORT),
    ],
}

CORRECT = {
    "ex1_vocab": [_reference("ex1_vocab"),
                  ("dedupe of the sorted text by a loop; np.fromiter(count=len) into torch.from_numpy; "
                   "str().join of map(int)", _EX1_FROMITER)],
    "ex2_batch": [_reference("ex2_batch"),
                  ("every seq_len window by unfold, picked by the starts; y = x shifted, next character concatenated",
                   _EX2_UNFOLD_CAT)],
    "ex3_model": [_reference("ex3_model"),
                  ("embedding rows by indexing its weight with x; keyword LSTM; head on flatten(0, 1), unflattened",
                   _EX3_WEIGHT_INDEX)],
    "ex4_loss": [_reference("ex4_loss"),
                 ("per-sequence F.cross_entropy over zip(logits, targets), stacked and averaged", _EX4_PER_ROW)],
    "ex5_train_step": [_reference("ex5_train_step"),
                       ("grads set to None through param_groups, outputs[0], clipping the parameters with grads "
                        "(keywords), loss.detach().cpu().tolist()", _EX5_GROUPS)],
    "ex6_sample": [_reference("ex6_sample"),
                   ("vocab.index prompt, log_softmax divided by T then softmax, 2-D multinomial fed back, "
                    "out[-2:] check", _EX6_LOG_SOFTMAX_T)],
    "ex7_evaluate": [_reference("ex7_evaluate"),
                     ("while loop over positions, float64 logsumexp minus the gathered logit; "
                      "filter for the valid tunes", _EX7_LOGSUMEXP)],
}

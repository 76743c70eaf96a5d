r"""Blind round 11: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 2
(music generation), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in benchmarks/blind/round1/ to round10/ (their labels were
read, not tests/mutants/). CORRECT[...][0] is round 10's reference (round 3's, reused by name; the
proofs, benchmarks/blind/round11/prove_01_music.py, compare with it); CORRECT[...][1] is this
round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND10 = earlier_round(10, __file__)


def _reference(gid: str) -> tuple[str, str]:
    return ROUND10.CORRECT[gid][0]


# ---- ex1_vocab --------------------------------------------------------------------------------
_EX1_OK = ROUND10._EX1_OK
_EX1_FROMKEYS = '''
def build_vocab(text: str) -> list[str]:
    """The sorted list of distinct characters in `text`."""
    return sorted(dict.fromkeys(text))              # the keys are the distinct characters


def vectorize(text: str, vocab: list[str]) -> torch.Tensor:
    """'AB' -> tensor([index of 'A', index of 'B']), dtype torch.long, shape (len(text),).

    The index of a character is its position in `vocab` as given (vocab[i] has index i).
    """
    position = dict(zip(vocab, range(len(vocab))))
    return torch.LongTensor(list(map(position.__getitem__, text)))


def devectorize(ids, vocab: list[str]) -> str:
    """The inverse of vectorize: indices (tensor or list) -> string."""
    if isinstance(ids, torch.Tensor):
        ids = ids.tolist()
    return "".join(map(vocab.__getitem__, ids))
'''
_EX1_NO_DTYPE = replace_once(_EX1_OK, "return torch.tensor([index[ch] for ch in text], dtype=torch.long)",
                             "return torch.tensor([index[ch] for ch in text])   # ints: torch picks long")
_EX1_BY_FREQUENCY = "\nfrom collections import Counter\n" + replace_once(
    _EX1_OK, "return sorted(set(text))",
    "return [ch for ch, _ in Counter(text).most_common()]   # sorted, the most frequent first")
_EX1_SPACED = replace_once(_EX1_OK, 'return "".join(vocab[int(i)] for i in ids)',
                           'return " ".join(vocab[int(i)] for i in ids)')
_EX1_TOLIST = replace_once(_EX1_OK, 'return "".join(vocab[int(i)] for i in ids)',
                           'return "".join(vocab[i] for i in ids.tolist())')
_EX1_BYTES = replace_once(_EX1_OK, "return sorted(set(text))",
                          'return sorted(set(text.encode("utf-8")))   # byte-level, as GPT tokenizers do')

# ---- ex2_batch --------------------------------------------------------------------------------
_EX2_OK = ROUND10._EX2_OK
_EX2_OFFSETS = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    """Random windows: x (B, T) and the next characters y (B, T)."""
    starts = torch.randint(ids.shape[0] - seq_len, (batch_size,), generator=generator)
    windows = ids[starts.unsqueeze(1) + torch.arange(seq_len + 1)]       # (B, seq_len + 1)
    return windows[:, :-1].contiguous(), windows[:, 1:].contiguous()
'''
_EX2_HIGH_MINUS_ONE = replace_once(_EX2_OK, "torch.randint(0, len(ids) - seq_len,",
                                   "torch.randint(0, len(ids) - seq_len - 1,")
_EX2_HIGH_PLUS_ONE = replace_once(_EX2_OK, "torch.randint(0, len(ids) - seq_len,",
                                  "torch.randint(0, len(ids) - seq_len + 1,")
_EX2_DRAWN_TWICE = replace_once(
    _EX2_OK, "    y = torch.stack(",
    "    starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)\n    y = torch.stack(")
_EX2_TIME_MAJOR = replace_once(_EX2_OK, "for s in starts.tolist()])\n    y",
                               "for s in starts.tolist()], dim=1)\n    y")
_EX2_TIME_MAJOR = replace_once(_EX2_TIME_MAJOR, "for s in starts.tolist()])\n    return",
                               "for s in starts.tolist()], dim=1)\n    return")

# ---- ex3_model --------------------------------------------------------------------------------
_EX3_OK = ROUND10._EX3_OK
_EX3_FUNCTIONAL = '''
class MusicLSTM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.embedding = nn.Embedding(num_embeddings=cfg.vocab_size, embedding_dim=cfg.embedding_dim)
        self.lstm = nn.LSTM(cfg.embedding_dim, cfg.hidden_size, cfg.num_layers, batch_first=True)
        self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        """x (B, T) indices -> logits (B, T, V), state (h, c) each (num_layers, B, hidden)."""
        vectors = F.embedding(x, self.embedding.weight)
        out, new_state = self.lstm(vectors) if state is None else self.lstm(vectors, state)
        logits = torch.einsum("bth,vh->btv", out, self.head.weight) + self.head.bias
        return logits, new_state
'''
_EX3_BIDIRECTIONAL = replace_once(_EX3_OK, "num_layers=cfg.num_layers, batch_first=True)",
                                  "num_layers=cfg.num_layers, batch_first=True,\n"
                                  "                            bidirectional=True)   # reads the tune both ways")
_EX3_BIDIRECTIONAL = replace_once(_EX3_BIDIRECTIONAL, "nn.Linear(cfg.hidden_size, cfg.vocab_size)",
                                  "nn.Linear(2 * cfg.hidden_size, cfg.vocab_size)")
_EX3_PADDING_IDX = replace_once(_EX3_OK, "nn.Embedding(cfg.vocab_size, cfg.embedding_dim)",
                                "nn.Embedding(cfg.vocab_size, cfg.embedding_dim, padding_idx=0)")
_EX3_STATE_IGNORED = replace_once(_EX3_OK, "out, state = self.lstm(self.embedding(x), state)",
                                  "out, state = self.lstm(self.embedding(x))")
_EX3_LAYER_NORM = replace_once(
    _EX3_OK, "        self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)\n",
    "        self.norm = nn.LayerNorm(cfg.hidden_size)   # normalised features for the head\n"
    "        self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)\n")
_EX3_LAYER_NORM = replace_once(_EX3_LAYER_NORM, "return self.head(out), state", "return self.head(self.norm(out)), state")

# ---- ex4_loss ---------------------------------------------------------------------------------
_EX4_OK = ROUND10._EX4_OK
_EX4_CLASS_DIM = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    return F.cross_entropy(logits.transpose(1, 2), targets)     # the (N, C, d) form: classes on dim 1
'''
_EX4_TIME_MAJOR = replace_once(_EX4_OK, "logits.reshape(-1, logits.shape[-1])",
                               "logits.transpose(0, 1).reshape(-1, logits.shape[-1])")
_EX4_SHIFTED = replace_once(_EX4_OK, "logits.reshape(-1, logits.shape[-1]), targets.reshape(-1)",
                            "logits[:, :-1].reshape(-1, logits.shape[-1]), targets[:, 1:].reshape(-1)")
_EX4_SOFTMAX_FIRST = replace_once(_EX4_OK, "logits.reshape(-1, logits.shape[-1])",
                                  "logits.softmax(dim=-1).reshape(-1, logits.shape[-1])")
_EX4_FLOAT32 = replace_once(_EX4_OK, "logits.reshape(-1, logits.shape[-1])",
                            "logits.float().reshape(-1, logits.shape[-1])")

# ---- ex5_train_step ---------------------------------------------------------------------------
_EX5_OK = ROUND10._EX5_OK
_EX5_FLOAT = '''
def train_step(model: nn.Module, optimizer, x: torch.Tensor, y: torch.Tensor, loss_fn, max_norm: float) -> float:
    model.train()
    optimizer.zero_grad(set_to_none=True)
    loss = loss_fn(model(x)[0], y)
    loss.backward()
    nn.utils.clip_grad_norm_(list(model.parameters()), max_norm=max_norm)
    optimizer.step()
    return float(loss)
'''
_EX5_CLIP_VALUE = replace_once(_EX5_OK, "torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)",
                               "torch.nn.utils.clip_grad_value_(model.parameters(), max_norm)")
_EX5_REMEASURED = replace_once(
    _EX5_OK, "    return loss.item()\n",
    "    with torch.no_grad():   # the loss of the updated model\n"
    "        loss = loss_fn(model(x)[0], y)\n    return loss.item()\n")
_EX5_OWN_LOSS = replace_once(_EX5_OK, "loss = loss_fn(logits, y)", "loss = sequence_loss(logits, y)")
_EX5_CLIP_AFTER = replace_once(
    _EX5_OK, "    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)\n    optimizer.step()\n",
    "    optimizer.step()\n    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)\n")

# ---- ex6_sample -------------------------------------------------------------------------------
_EX6_OK = ROUND10._EX6_OK
_EX6_WHILE = '''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    where = next(model.parameters()).device
    lookup = {c: i for i, c in enumerate(vocab)}
    feed = torch.tensor([[lookup[c] for c in start]], dtype=torch.long, device=where)
    text, state, generated = start, None, 0
    while generated < max_len:
        logits, state = model(feed, state)
        probs = F.softmax(logits[0, -1] / temperature, dim=-1).cpu()
        choice = torch.multinomial(probs, num_samples=1, generator=generator).item()
        text, generated = text + vocab[choice], generated + 1
        if text[-2:] == "\\n\\n":
            break
        feed = torch.full((1, 1), choice, dtype=torch.long, device=where)
    return text
'''
_EX6_PROBS_DIVIDED = replace_once(_EX6_OK, "probs = torch.softmax(logits[0, -1] / temperature, dim=-1)",
                                  "probs = torch.softmax(logits[0, -1], dim=-1) / temperature")
_EX6_WHOLE_LENGTH = replace_once(_EX6_OK, "    for _ in range(max_len):\n", "    while len(text) < max_len:\n")
_EX6_CATEGORICAL = replace_once(
    _EX6_OK, "nxt = int(torch.multinomial(probs.cpu(), 1, generator=generator))",
    "nxt = int(torch.distributions.Categorical(probs=probs.cpu()).sample())")
_EX6_REFED = replace_once(_EX6_OK, "logits, state = model(x, state)",
                          "logits, _ = model(x)   # the whole text so far")
_EX6_REFED = replace_once(_EX6_REFED, "x = torch.tensor([[nxt]], device=dev)",
                          "x = torch.tensor([[index[ch] for ch in text]], device=dev)")

# ---- ex7_evaluate -----------------------------------------------------------------------------
_EX7_OK = ROUND10._EX7_OK
_EX7_SPLIT = '''
@torch.no_grad()
def bits_per_char(model: nn.Module, ids: torch.Tensor, seq_len: int = 256) -> float:
    model.eval()
    dev = next(model.parameters()).device
    state, nll = None, []
    for x, y in zip(ids[:-1].split(seq_len), ids[1:].split(seq_len)):
        logits, state = model(x.unsqueeze(0).to(dev), state)
        logp = F.log_softmax(logits[0].double(), dim=-1)
        nll.append(-logp.gather(1, y.to(dev).unsqueeze(1)).squeeze(1))
    return float(torch.cat(nll).mean()) / math.log(2)


def valid_tune_rate(tunes: list[str], problem=tune_problem) -> float:
    verdicts = [problem(t) for t in tunes]
    return verdicts.count(None) / len(verdicts) if verdicts else 0.0
'''
_EX7_MEAN_OF_MEANS = replace_once(_EX7_OK, 'total += F.cross_entropy(logits[0], y, reduction="sum").item()',
                                  "total += F.cross_entropy(logits[0], y).item()   # this chunk's mean")
_EX7_MEAN_OF_MEANS = replace_once(_EX7_MEAN_OF_MEANS, "count += len(y)", "count += 1")
_EX7_DEFAULT_PROBLEM = replace_once(_EX7_OK, "return sum(problem(t) is None for t in tunes) / len(tunes)",
                                    "return sum(tune_problem(t) is None for t in tunes) / len(tunes)")
_EX7_WHOLE_CHUNKS = replace_once(_EX7_OK, "for i in range(0, len(ids) - 1, seq_len):",
                                 "for i in range(0, len(ids) - seq_len, seq_len):   # every chunk with its targets")
_EX7_PER_ID = replace_once(_EX7_OK, "return total / count / math.log(2)", "return total / len(ids) / math.log(2)")

MUTANTS = {
    "ex1_vocab": [
        ("vectorize's torch.tensor without dtype=torch.long: long by inference for a text, float32 for the "
         "empty one ('a 1-D torch.long tensor')", _EX1_NO_DTYPE),
        ("build_vocab ordered by frequency (Counter.most_common), not sorted", _EX1_BY_FREQUENCY),
        ("devectorize joins the characters with spaces (' '.join): not the string back", _EX1_SPACED),
        ("devectorize calls ids.tolist(): 'indices (tensor or list)', a Python list raises", _EX1_TOLIST),
        ("build_vocab of the UTF-8 bytes (byte-level, as GPT tokenizers do): integers, not characters",
         _EX1_BYTES),
    ],
    "ex2_batch": [
        ("randint's high taken as inclusive, len(ids) - seq_len - 1: the last window that fits is never drawn "
         "(and every start comes from another range)", _EX2_HIGH_MINUS_ONE),
        ("randint's high len(ids) - seq_len + 1 (counted like the windows of x alone): the last start's target "
         "runs past the end ('such that every window fits (including its target)')", _EX2_HIGH_PLUS_ONE),
        ("starts drawn twice, once for x and once for y (the block copy-pasted): y is not x shifted, the "
         "generator advanced twice ('with one call')", _EX2_DRAWN_TWICE),
        ("windows stacked along dim=1: x and y come back (seq_len, batch_size), time-major (the LSTM's default), "
         "not (batch_size, seq_len)", _EX2_TIME_MAJOR),
    ],
    "ex3_model": [
        ("nn.LSTM(bidirectional=True) with a head of 2 * hidden: each position sees the characters after it, "
         "the state (2 * layers, B, hidden)", _EX3_BIDIRECTIONAL),
        ("nn.Embedding(padding_idx=0): index 0 is a real character ('\\n'), its vector fixed at 0 and never "
         "learned", _EX3_PADDING_IDX),
        ("the state given is ignored (self.lstm(emb) without it): every call starts from a blank state",
         _EX3_STATE_IGNORED),
        ("an nn.LayerNorm between the LSTM and the head (the transformer habit): not embedding -> LSTM -> linear",
         _EX3_LAYER_NORM),
    ],
    "ex4_loss": [
        ("logits flattened time-major (transpose(0, 1) first), targets batch-major: positions scored against "
         "other positions' targets ('each position keeps its own target')", _EX4_TIME_MAJOR),
        ("the shift done again in the loss (logits[:, :-1] against targets[:, 1:]): each position scored "
         "against the character after its target, T = 1 gives NaN", _EX4_SHIFTED),
        ("softmax applied before F.cross_entropy, which applies its own: a softmax of probabilities",
         _EX4_SOFTMAX_FIRST),
        ("logits cast to float32 first (.float()): a float64 loss comes back float32, not exact for any logits",
         _EX4_FLOAT32),
    ],
    "ex5_train_step": [
        ("clip_grad_value_ (every entry clamped to +-max_norm) instead of clip_grad_norm_ (the total norm "
         "rescaled)", _EX5_CLIP_VALUE),
        ("the loss re-measured after the step by a second forward: the model called twice ('call the model "
         "once per step'), the updated model's loss returned", _EX5_REMEASURED),
        ("the notebook's sequence_loss called instead of the loss_fn given ('Use the loss_fn ... you are given')",
         _EX5_OWN_LOSS),
        ("clip_grad_norm_ after optimizer.step(): the step uses the unclipped gradient ('between backward() and "
         "step()')", _EX5_CLIP_AFTER),
    ],
    "ex6_sample": [
        ("temperature divides the probabilities, softmax(z) / T, not the logits: multinomial renormalises, "
         "every temperature samples at 1", _EX6_PROBS_DIVIDED),
        ("max_len counted on the whole text (while len(text) < max_len): the prompt counts against it ('the "
         "prompt does not count')", _EX6_WHOLE_LENGTH),
        ("torch.distributions.Categorical(probs).sample(): it takes no generator, the seed given is ignored",
         _EX6_CATEGORICAL),
        ("the whole text re-fed from a blank state at every step: not 'only that character with the state the "
         "LSTM returned'", _EX6_REFED),
    ],
    "ex7_evaluate": [
        ("bits per character as the mean of the chunks' mean losses: the last short chunk weighs as much as a "
         "full one ('every one of the len(ids) - 1 predictions counted once')", _EX7_MEAN_OF_MEANS),
        ("valid_tune_rate calls tune_problem directly: the problem argument given is ignored",
         _EX7_DEFAULT_PROBLEM),
        ("only whole chunks scored (range(0, len(ids) - seq_len, seq_len)): the last partial chunk's "
         "predictions never counted, a text shorter than seq_len + 1 divides by zero", _EX7_WHOLE_CHUNKS),
        ("total divided by len(ids), not by the len(ids) - 1 predictions", _EX7_PER_ID),
    ],
}

CORRECT = {
    "ex1_vocab": [_reference("ex1_vocab"),
                  ("sorted(dict.fromkeys); dict(zip) lookup into torch.LongTensor; tolist() only for tensors, "
                   "map(vocab.__getitem__)", _EX1_FROMKEYS)],
    "ex2_batch": [_reference("ex2_batch"),
                  ("randint(high, size), windows of seq_len + 1 by starts[:, None] + arange, split into x and y",
                   _EX2_OFFSETS)],
    "ex3_model": [_reference("ex3_model"),
                  ("F.embedding on the table, positional LSTM arguments, the state passed only when given, "
                   "einsum head", _EX3_FUNCTIONAL)],
    "ex4_loss": [_reference("ex4_loss"),
                 ("F.cross_entropy on (B, V, T) logits (transpose(1, 2)) and the (B, T) targets", _EX4_CLASS_DIM)],
    "ex5_train_step": [_reference("ex5_train_step"),
                       ("zero_grad(set_to_none=True), model(x)[0], clip on a list of the parameters, float(loss)",
                        _EX5_FLOAT)],
    "ex6_sample": [_reference("ex6_sample"),
                   ("while loop over a generated count, multinomial(...).item(), text[-2:] check, torch.full feed",
                    _EX6_WHILE)],
    "ex7_evaluate": [_reference("ex7_evaluate"),
                     ("ids[:-1] and ids[1:] split into chunks, float64 log_softmax gathered and averaged; "
                      "verdicts.count(None)", _EX7_SPLIT)],
}

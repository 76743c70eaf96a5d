r"""Blind round 12: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 2
(music generation), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in benchmarks/blind/round1/ to round11/ (their labels were
read, not tests/mutants/). CORRECT[...][0] is round 11's reference (round 3's, reused by name; the
proofs, benchmarks/blind/round12/prove_01_music.py, compare with it); CORRECT[...][1] is this
round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND11 = earlier_round(11, __file__)


def _reference(gid: str) -> tuple[str, str]:
    return ROUND11.CORRECT[gid][0]


# ---- ex1_vocab --------------------------------------------------------------------------------
_EX1_OK = ROUND11._EX1_OK
_EX1_INDEX = '''
def build_vocab(text: str) -> list[str]:
    """The sorted list of distinct characters in `text`."""
    return sorted({*text})


def vectorize(text: str, vocab: list[str]) -> torch.Tensor:
    """'AB' -> tensor([index of 'A', index of 'B']), dtype torch.long, shape (len(text),).

    The index of a character is its position in `vocab` as given (vocab[i] has index i).
    """
    out = torch.empty(len(text), dtype=torch.int64)
    for position, ch in enumerate(text):
        out[position] = vocab.index(ch)
    return out


def devectorize(ids, vocab: list[str]) -> str:
    """The inverse of vectorize: indices (tensor or list) -> string."""
    chars = []
    for i in torch.as_tensor(ids, dtype=torch.long).reshape(-1).tolist():
        chars.append(vocab[i])
    return "".join(chars)
'''
_EX1_MIN_COUNT = "\nfrom collections import Counter\n" + replace_once(
    _EX1_OK, "return sorted(set(text))",
    "counts = Counter(text)\n    return sorted(ch for ch in counts if counts[ch] >= 2)   # rare characters are noise")
_EX1_UINT8 = replace_once(_EX1_OK, "return torch.tensor([index[ch] for ch in text], dtype=torch.long)",
                          "return torch.tensor([index[ch] for ch in text], dtype=torch.uint8)   # < 256 characters")
_EX1_FROM_ONE = replace_once(_EX1_OK, "index = {ch: i for i, ch in enumerate(vocab)}",
                             "index = {ch: i for i, ch in enumerate(vocab, start=1)}   # 0 kept for padding")
_EX1_PREFIX = replace_once(_EX1_OK, "return sorted(set(text))",
                           "return sorted(set(text[:100_000]))   # the first 100k characters have them all")

# ---- ex2_batch --------------------------------------------------------------------------------
_EX2_OK = ROUND11._EX2_OK
_EX2_UNFOLD = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    """Random windows: x (B, T) and the next characters y (B, T)."""
    n_windows = ids.size(0) - seq_len                     # windows of seq_len + 1 that fit
    starts = torch.randint(low=0, high=n_windows, size=(batch_size,), generator=generator)
    windows = ids.unfold(0, seq_len + 1, 1).index_select(0, starts)
    return windows[:, :seq_len].clone(), windows[:, 1:].clone()
'''
_EX2_NO_GENERATOR = replace_once(_EX2_OK, "(batch_size,), generator=generator)", "(batch_size,))")
_EX2_SQUEEZED = replace_once(_EX2_OK, "    return x, y", "    return x.squeeze(), y.squeeze()")
_EX2_MULTINOMIAL = replace_once(
    _EX2_OK, "starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)",
    "starts = torch.multinomial(torch.ones(len(ids) - seq_len), batch_size, replacement=True,\n"
    "                               generator=generator)   # uniform over the starts that fit")
_EX2_AS_STRIDED = replace_once(
    _EX2_OK, "    x = torch.stack([ids[s:s + seq_len] for s in starts.tolist()])\n"
    "    y = torch.stack([ids[s + 1:s + seq_len + 1] for s in starts.tolist()])\n",
    "    x = torch.stack([ids.as_strided((seq_len,), (1,), s) for s in starts.tolist()])   # no copies\n"
    "    y = torch.stack([ids.as_strided((seq_len,), (1,), s + 1) for s in starts.tolist()])\n")

# ---- ex3_model --------------------------------------------------------------------------------
_EX3_OK = ROUND11._EX3_OK
_EX3_UNPACKED = '''
class MusicLSTM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.embedding = nn.Embedding(num_embeddings=cfg.vocab_size, embedding_dim=cfg.embedding_dim)
        self.lstm = nn.LSTM(input_size=cfg.embedding_dim, hidden_size=cfg.hidden_size,
                            num_layers=cfg.num_layers, batch_first=True)
        self.head = nn.Linear(in_features=cfg.hidden_size, out_features=cfg.vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        """x (B, T) indices -> logits (B, T, V), state (h, c) each (num_layers, B, hidden)."""
        vectors = self.embedding(x)
        if state is None:
            hidden, (h, c) = self.lstm(vectors)
        else:
            hidden, (h, c) = self.lstm(vectors, (state[0], state[1]))
        logits = F.linear(hidden, self.head.weight, self.head.bias)
        return logits, (h, c)
'''
_EX3_ZERO_STATE = replace_once(
    _EX3_OK, "        out, state = self.lstm(self.embedding(x), state)\n",
    "        if state is None:   # an explicit blank state\n"
    "            zeros = torch.zeros(self.lstm.num_layers, x.shape[0], self.lstm.hidden_size)\n"
    "            state = (zeros, zeros.clone())\n"
    "        out, state = self.lstm(self.embedding(x), state)\n")
_EX3_EMBED_HIDDEN = replace_once(_EX3_OK, "nn.Embedding(cfg.vocab_size, cfg.embedding_dim)",
                                 "nn.Embedding(cfg.vocab_size, cfg.hidden_size)")
_EX3_EMBED_HIDDEN = replace_once(_EX3_EMBED_HIDDEN, "nn.LSTM(cfg.embedding_dim, cfg.hidden_size,",
                                 "nn.LSTM(cfg.hidden_size, cfg.hidden_size,")
_EX3_ONE_LAYER = replace_once(_EX3_OK, "nn.LSTM(cfg.embedding_dim, cfg.hidden_size, num_layers=cfg.num_layers, batch_first=True)",
                              "nn.LSTM(cfg.embedding_dim, cfg.hidden_size, batch_first=True)")
_EX3_TIME_MAJOR = replace_once(_EX3_OK, "num_layers=cfg.num_layers, batch_first=True)",
                               "num_layers=cfg.num_layers)   # time-major, the default")
_EX3_TIME_MAJOR = replace_once(_EX3_TIME_MAJOR, "out, state = self.lstm(self.embedding(x), state)",
                               "out, state = self.lstm(self.embedding(x).transpose(0, 1), state)")
_EX3_RELU = replace_once(_EX3_OK, "return self.head(out), state", "return self.head(torch.relu(out)), state")

# ---- ex4_loss ---------------------------------------------------------------------------------
_EX4_OK = ROUND11._EX4_OK
_EX4_CATEGORICAL = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    log_likelihood = torch.distributions.Categorical(logits=logits).log_prob(targets)   # (B, T)
    return -log_likelihood.mean()
'''
_EX4_FLOAT64 = replace_once(_EX4_OK, "logits.reshape(-1, logits.shape[-1])",
                            "logits.double().reshape(-1, logits.shape[-1])")
_EX4_PRECEDENCE = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    total = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="sum")
    return total / logits.shape[0] * logits.shape[1]
'''
_EX4_OVER_B = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    total = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="sum")
    return total / len(targets)
'''
_EX4_GLOBAL_MAX = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    z = logits.reshape(-1, logits.shape[-1])
    shifted = z - z.max()                                  # stable: nothing above 0 goes into exp
    log_probs = shifted - shifted.exp().sum(dim=-1, keepdim=True).log()
    return -log_probs.gather(1, targets.reshape(-1, 1)).mean()
'''

# ---- ex5_train_step ---------------------------------------------------------------------------
_EX5_OK = ROUND11._EX5_OK
_EX5_AUTOGRAD = '''
def train_step(model: nn.Module, optimizer, x: torch.Tensor, y: torch.Tensor, loss_fn, max_norm: float) -> float:
    model.train(True)
    optimizer.zero_grad()
    params = [p for p in model.parameters() if p.requires_grad]
    logits, _state = model(x)
    loss = loss_fn(logits, y)
    grads = torch.autograd.grad(loss, params, allow_unused=True)
    for p, g in zip(params, grads):
        p.grad = g
    torch.nn.utils.clip_grad_norm_(params, max_norm=max_norm)
    optimizer.step()
    return loss.detach().item()
'''
_EX5_CONFIG_NORM = replace_once(_EX5_OK, "torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)",
                                "torch.nn.utils.clip_grad_norm_(model.parameters(), Config.max_norm)")
_EX5_NO_ZERO = replace_once(_EX5_OK, "    optimizer.zero_grad()\n", "")
_EX5_TENSOR = replace_once(_EX5_OK, "return loss.item()", "return loss.detach()")
_EX5_GRAD_OFF = replace_once(
    _EX5_OK, "    loss.backward()\n",
    "    loss.backward()\n    torch.set_grad_enabled(False)   # no graph needed for the update\n")

# ---- ex6_sample -------------------------------------------------------------------------------
_EX6_OK = ROUND11._EX6_OK
_EX6_LIST = '''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    device_ = next(model.parameters()).device
    char_to_id = dict(zip(vocab, range(len(vocab))))
    feed = torch.tensor([char_to_id[ch] for ch in start], dtype=torch.long, device=device_).unsqueeze(0)
    state, generated = None, []
    for _step in range(max_len):
        logits, state = model(feed, state)
        probs = (logits[:, -1, :] / temperature).log_softmax(dim=-1).exp()[0]
        choice = torch.multinomial(probs.cpu(), num_samples=1, generator=generator)
        generated.append(vocab[choice.item()])
        if (start + "".join(generated)).endswith("\\n\\n"):
            break
        feed = choice.view(1, 1).to(device_)
    return start + "".join(generated)
'''
_EX6_TIMES_T = replace_once(_EX6_OK, "probs = torch.softmax(logits[0, -1] / temperature, dim=-1)",
                            "probs = torch.softmax(logits[0, -1] * temperature, dim=-1)")
_EX6_NO_EVAL = replace_once(_EX6_OK, "    model.eval()\n", "")
_EX6_FIRST_POSITION = replace_once(_EX6_OK, "probs = torch.softmax(logits[0, -1] / temperature, dim=-1)",
                                   "probs = torch.softmax(logits[0, 0] / temperature, dim=-1)")
_EX6_MAX_LEN_1500 = replace_once(_EX6_OK, "max_len: int = 1000,", "max_len: int = 1500,")
_EX6_GUMBEL = replace_once(
    _EX6_OK, "nxt = int(torch.multinomial(probs.cpu(), 1, generator=generator))",
    "u = torch.rand(probs.shape, generator=generator).clamp_min(1e-20)   # Gumbel-max trick\n"
    "        nxt = int(torch.argmax(probs.cpu().log() - torch.log(-torch.log(u))))")

# ---- ex7_evaluate -----------------------------------------------------------------------------
_EX7_OK = ROUND11._EX7_OK
_EX7_GATHER = '''
@torch.no_grad()
def bits_per_char(model: nn.Module, ids: torch.Tensor, seq_len: int = 256) -> float:
    model.eval()
    where = next(model.parameters()).device
    n_predictions = ids.numel() - 1
    state, nats = None, torch.zeros((), dtype=torch.float64)
    for first in torch.arange(0, n_predictions, seq_len).tolist():
        last = min(first + seq_len, n_predictions)
        inputs, targets = ids[first:last].to(where), ids[first + 1:last + 1].to(where)
        logits, state = model(inputs.unsqueeze(0), state)
        log_probs = torch.log_softmax(logits.squeeze(0).double(), dim=-1)
        nats -= log_probs[torch.arange(len(targets)), targets].sum().cpu()
    return nats.item() / n_predictions * math.log2(math.e)


def valid_tune_rate(tunes: list[str], problem=tune_problem) -> float:
    if len(tunes) == 0:
        return 0.0
    valid = 0
    for abc in tunes:
        if problem(abc) is None:
            valid += 1
    return valid / len(tunes)
'''
_EX7_FRESH_STATE = replace_once(_EX7_OK, "logits, state = model(x[None], state)",
                                "logits, _ = model(x[None])   # each chunk on its own")
_EX7_NO_EVAL = replace_once(_EX7_OK, "    model.eval()\n", "")
_EX7_NATS = replace_once(_EX7_OK, "return total / count / math.log(2)", "return total / count")
_EX7_INVALID_SHARE = replace_once(_EX7_OK, "return sum(problem(t) is None for t in tunes) / len(tunes)",
                                  "return sum(problem(t) is not None for t in tunes) / len(tunes)")

MUTANTS = {
    "ex1_vocab": [
        ("build_vocab keeps only characters seen at least twice (a min-count, the NLP habit): a character seen "
         "once gets no index ('sorted distinct characters')", _EX1_MIN_COUNT),
        ("vectorize returns torch.uint8 'to save memory': not 'a 1-D torch.long tensor', indices past 255 wrap",
         _EX1_UINT8),
        ("vectorize numbers the characters from 1 (enumerate(vocab, start=1), 0 kept for padding): 'vocab[i] "
         "has index i' broken", _EX1_FROM_ONE),
        ("build_vocab scans only the first 100,000 characters: a character first seen later gets no index "
         "('a character first seen in validation must still have an index')", _EX1_PREFIX),
    ],
    "ex2_batch": [
        ("generator= left out of torch.randint: the generator given is ignored, every draw from the global "
         "generator ('Draw from the generator as it is')", _EX2_NO_GENERATOR),
        ("x and y squeezed: a batch of one (or seq_len 1) loses an axis, not '(batch_size, seq_len)'",
         _EX2_SQUEEZED),
        ("starts drawn by torch.multinomial over uniform weights: not 'one call torch.randint(..., "
         "(batch_size,), generator=generator)', another stream of numbers", _EX2_MULTINOMIAL),
        ("windows taken with ids.as_strided((seq_len,), (1,), s): offsets into the storage, wrong for a "
         "sliced or strided ids (ids[k:], ids[::2]), not ids[s : s+seq_len]", _EX2_AS_STRIDED),
    ],
    "ex3_model": [
        ("an explicit zero state made with torch.zeros(...) (float32, CPU) when none is given: a float64 "
         "(or GPU) model raises", _EX3_ZERO_STATE),
        ("embedding_dim ignored: an embedding of hidden_size and an LSTM from hidden_size "
         "('nn.Embedding(vocab_size, embedding_dim)')", _EX3_EMBED_HIDDEN),
        ("num_layers not passed to nn.LSTM: one layer whatever cfg.num_layers, the state (1, B, hidden)",
         _EX3_ONE_LAYER),
        ("nn.LSTM without batch_first, the input transposed to (T, B) but the output never transposed back: "
         "logits (T, B, V) and the state read along the wrong axis", _EX3_TIME_MAJOR),
        ("a ReLU between the LSTM and the head: the head sees max(h, 0), not 'every hidden vector'",
         _EX3_RELU),
    ],
    "ex4_loss": [
        ("logits cast to float64 (.double()) and never cast back: float32 logits give a float64 loss ('The "
         "loss keeps the dtype of the logits')", _EX4_FLOAT64),
        ("operator precedence: total / B * T, i.e. (total / B) * T, not total / (B * T)", _EX4_PRECEDENCE),
        ("summed cross-entropy divided by len(targets), which is B, not the B * T positions", _EX4_OVER_B),
        ("hand-written log-softmax shifted by the global max, not each row's: a row far below the others "
         "underflows to an infinite loss ('exact for any logits')", _EX4_GLOBAL_MAX),
    ],
    "ex5_train_step": [
        ("clips with Config.max_norm (the class default 1.0), not the max_norm given ('Use the loss_fn and "
         "max_norm you are given')", _EX5_CONFIG_NORM),
        ("gradients never zeroed: every step adds to the gradients the caller's parameters already hold "
         "('zero the gradients')", _EX5_NO_ZERO),
        ("returns loss.detach(), a 0-d tensor, not 'the loss as a Python float'", _EX5_TENSOR),
        ("torch.set_grad_enabled(False) after backward 'for the update' and never turned back on: gradient "
         "tracking left off for the caller, the next step cannot backpropagate", _EX5_GRAD_OFF),
    ],
    "ex6_sample": [
        ("the logits multiplied by the temperature, z * tau, not divided: a low temperature flattens "
         "('p = softmax(z / tau)')", _EX6_TIMES_T),
        ("model.eval() never called: a model left in training mode samples in training mode and stays there "
         "('the model should be in eval() mode')", _EX6_NO_EVAL),
        ("the first draw from the logits at the prompt's first position (logits[0, 0]), not the last one",
         _EX6_FIRST_POSITION),
        ("default max_len changed to 1500 (the widget's value): 'keep the defaults of the signature you are "
         "given'", _EX6_MAX_LEN_1500),
        ("Gumbel-max draws (torch.rand noise + argmax) instead of torch.multinomial: the same distribution, "
         "but a seed gives another tune ('Pass generator to torch.multinomial')", _EX6_GUMBEL),
    ],
    "ex7_evaluate": [
        ("each chunk scored from a blank state (the state returned thrown away): not 'passing the state from "
         "one chunk to the next'", _EX7_FRESH_STATE),
        ("bits_per_char never calls model.eval(): a model left in training mode is scored (and stays) in "
         "training mode ('in eval mode')", _EX7_NO_EVAL),
        ("the mean loss returned in nats: never divided by ln 2 ('divided by ln 2 ... bits')", _EX7_NATS),
        ("valid_tune_rate counts the tunes with a problem: the invalid share, not 'the share of generated "
         "tunes that are valid'", _EX7_INVALID_SHARE),
    ],
}

CORRECT = {
    "ex1_vocab": [_reference("ex1_vocab"),
                  ("sorted({*text}); vocab.index into a preallocated int64 tensor; torch.as_tensor(ids).tolist() "
                   "in a loop", _EX1_INDEX)],
    "ex2_batch": [_reference("ex2_batch"),
                  ("randint with keywords, ids.unfold(0, seq_len + 1, 1).index_select(starts), x and y cloned "
                   "from the windows", _EX2_UNFOLD)],
    "ex3_model": [_reference("ex3_model"),
                  ("keyword constructors, the LSTM called with or without the state, (h, c) unpacked, "
                   "F.linear head", _EX3_UNPACKED)],
    "ex4_loss": [_reference("ex4_loss"),
                 ("torch.distributions.Categorical(logits=...).log_prob(targets), negated mean", _EX4_CATEGORICAL)],
    "ex5_train_step": [_reference("ex5_train_step"),
                       ("torch.autograd.grad into p.grad, clip on the list of parameters, loss.detach().item()",
                        _EX5_AUTOGRAD)],
    "ex6_sample": [_reference("ex6_sample"),
                   ("characters collected in a list, log_softmax(z / tau).exp(), multinomial's tensor fed back "
                    "as view(1, 1)", _EX6_LIST)],
    "ex7_evaluate": [_reference("ex7_evaluate"),
                     ("float64 log_softmax indexed by the targets, summed in a 0-d tensor, times log2(e); "
                      "valid_tune_rate as a counting loop", _EX7_GATHER)],
}

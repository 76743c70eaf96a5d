r"""Blind round 6: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 2
(music generation), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/01_music_rnn/02_music_generation.py nor in
benchmarks/blind/round1/ to round5/. CORRECT[...][0] is round 5's reference (round 3's, reused by
name; the proofs, benchmarks/blind/round6/prove_01_music.py, compare with it); CORRECT[...][1] is
this round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND5 = earlier_round(5, __file__)


# ---- ex1_vocab --------------------------------------------------------------------------------
_EX1_OK = ROUND5._EX1_OK
_EX1_CODE_POINTS = '''
from collections import Counter


def build_vocab(text: str) -> list[str]:
    return sorted(Counter(text))


def vectorize(text: str, vocab: list[str]) -> torch.Tensor:
    codes = torch.tensor([ord(ch) for ch in text], dtype=torch.long)          # (N,)
    table = torch.tensor([ord(ch) for ch in vocab], dtype=torch.long)         # (V,), in the order given
    return (codes[:, None] == table[None, :]).long().argmax(dim=1)           # the matching column


def devectorize(ids, vocab: list[str]) -> str:
    pieces = []
    for i in ids.tolist() if isinstance(ids, torch.Tensor) else ids:
        pieces.append(vocab[i])
    return "".join(pieces)
'''
_EX1_CHR = replace_once(_EX1_OK, 'return "".join(vocab[int(i)] for i in ids)',
                'return "".join(chr(int(i)) for i in ids)   # back from the numbers to the characters')
_EX1_ONE_HOT = replace_once(_EX1_OK, "return torch.tensor([index[ch] for ch in text], dtype=torch.long)",
                    "ids = torch.tensor([index[ch] for ch in text], dtype=torch.long)\n"
                    "    return F.one_hot(ids, len(vocab))   # one vector per character")
_EX1_WORDS = replace_once(_EX1_OK, "return sorted(set(text))", "return sorted(set(text.split()))")
_EX1_LINES = replace_once(_EX1_OK, "return sorted(set(text))", 'return sorted(set("".join(text.splitlines())))')

# ---- ex2_batch --------------------------------------------------------------------------------
_EX2_OK = ROUND5._EX2_OK
_EX2_STRIDED = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    gen = torch.default_generator if generator is None else generator      # the global one, as it is
    flat = ids.contiguous()
    step = flat.stride(0)
    windows = flat.as_strided((flat.numel() - seq_len, seq_len + 1), (step, step))   # every window and its target
    starts = torch.randint(windows.shape[0], (batch_size,), generator=gen)
    chosen = windows[starts].clone()
    return chosen[:, :-1].contiguous(), chosen[:, 1:].contiguous()
'''
_EX2_Y_SHORT = replace_once(_EX2_OK, "ids[s + 1:s + seq_len + 1]", "ids[s + 1:s + seq_len]")
_EX2_RESTORE = replace_once(_EX2_OK, "    starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)\n",
                    "    gen = torch.default_generator if generator is None else generator\n"
                    "    saved = gen.get_state()                      # leave the caller's generator as it was\n"
                    "    starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=gen)\n"
                    "    gen.set_state(saved)\n")
_EX2_PREVIOUS = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    """Random windows: x (B, T) and the next characters y (B, T)."""
    starts = torch.randint(1, len(ids) - seq_len + 1, (batch_size,), generator=generator)
    x = torch.stack([ids[s:s + seq_len] for s in starts.tolist()])
    y = torch.stack([ids[s - 1:s + seq_len - 1] for s in starts.tolist()])   # the window shifted to the right
    return x, y
'''
_EX2_FEATURE = replace_once(_EX2_OK, "    return x, y\n",
                    "    return x.unsqueeze(-1), y   # (batch, time, features) for the LSTM\n")

# ---- ex3_model --------------------------------------------------------------------------------
_EX3_OK = ROUND5._EX3_OK
_EX3_STEPWISE = '''
class MusicLSTM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.embedding = nn.Embedding(num_embeddings=cfg.vocab_size, embedding_dim=cfg.embedding_dim)
        self.lstm = nn.LSTM(input_size=cfg.embedding_dim, hidden_size=cfg.hidden_size,
                            num_layers=cfg.num_layers, batch_first=True)
        self.head = nn.Linear(in_features=cfg.hidden_size, out_features=cfg.vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        vectors = self.embedding(x)
        outputs = []
        for t in range(vectors.shape[1]):                   # one time step at a time, the state carried along
            out, state = self.lstm(vectors[:, t:t + 1], state)
            outputs.append(out)
        return self.head(torch.cat(outputs, dim=1)), state
'''
_EX3_FLAT = replace_once(_EX3_OK, "return self.head(out), state",
                 "return self.head(out).reshape(-1, self.head.out_features), state   # (B*T, V) for the loss")
_EX3_REMEMBERS = replace_once(_EX3_OK, "        out, state = self.lstm(self.embedding(x), state)\n",
                      "        if state is None:\n"
                      "            state = getattr(self, \"last_state\", None)   # go on from where we stopped\n"
                      "        out, state = self.lstm(self.embedding(x), state)\n"
                      "        self.last_state = state\n")
_EX3_LOG_SOFTMAX = replace_once(_EX3_OK, "return self.head(out), state",
                        "return F.log_softmax(self.head(out), dim=-1), state")
_EX3_ZERO_T = replace_once(_EX3_OK, "        out, state = self.lstm(self.embedding(x), state)\n",
                   "        if state is None:\n"
                   "            zeros = torch.zeros(self.lstm.num_layers, x.shape[1], self.lstm.hidden_size)\n"
                   "            state = (zeros, zeros.clone())\n"
                   "        out, state = self.lstm(self.embedding(x), state)\n")

# ---- ex4_loss ---------------------------------------------------------------------------------
_EX4_OK = ROUND5._EX4_OK
_EX4_CATEGORICAL = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    dist = torch.distributions.Categorical(logits=logits, validate_args=False)   # one per position
    return -dist.log_prob(targets).mean()
'''
_EX4_NO_RESHAPE = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(logits, targets)
'''
_EX4_BCE = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    one_hot = F.one_hot(targets, logits.shape[-1]).to(logits.dtype)
    return F.binary_cross_entropy_with_logits(logits, one_hot)
'''
_EX4_GATHER_T = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    log_p = F.log_softmax(logits, dim=-1)
    return -log_p.gather(1, targets.unsqueeze(-1)).mean()
'''
_EX4_NO_MINUS = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    log_p = F.log_softmax(logits, dim=-1)
    return log_p.gather(-1, targets.unsqueeze(-1)).mean()   # the mean log-probability of the targets
'''

# ---- ex5_train_step ---------------------------------------------------------------------------
_EX5_OK = ROUND5._EX5_OK
_EX5_AUTOGRAD_GRAD = '''
def train_step(model: nn.Module, optimizer, x: torch.Tensor, y: torch.Tensor, loss_fn, max_norm: float) -> float:
    model.train(True)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer.zero_grad()
    logits, _ = model(x)
    loss = loss_fn(logits, y)
    grads = torch.autograd.grad(loss, params, allow_unused=True)
    for p, g in zip(params, grads):
        p.grad = g
    torch.nn.utils.clip_grad_norm_(params, max_norm)
    optimizer.step()
    return loss.detach().item()
'''
_EX5_STEP_FIRST = replace_once(_EX5_OK, '''    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
''', '''    optimizer.step()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
''')
_EX5_FLAG = replace_once(_EX5_OK, "    model.train()\n", "    model.training = True\n")
_EX5_CLIP_GRADS = replace_once(_EX5_OK, "torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)",
                       "torch.nn.utils.clip_grad_norm_([p.grad for p in model.parameters() if p.grad is not None], "
                       "max_norm)")
_EX5_SWAPPED = replace_once(_EX5_OK, "loss = loss_fn(logits, y)", "loss = loss_fn(y, logits)")

# ---- ex6_sample -------------------------------------------------------------------------------
_EX6_OK = ROUND5._EX6_OK
_EX6_ISLICE = r'''
import itertools


@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    dev = next(model.parameters()).device

    def characters():
        logits, state = model(torch.tensor([[vocab.index(ch) for ch in start]], device=dev))
        while True:
            probs = torch.softmax(logits[0, -1] / temperature, dim=-1, dtype=torch.float64)
            nxt = torch.multinomial(probs.cpu(), 1, generator=generator).item()
            yield vocab[nxt]
            logits, state = model(torch.tensor([[nxt]], device=dev), state)

    text = start
    for ch in itertools.islice(characters(), max_len):
        text += ch
        if text.endswith("\n\n"):
            break
    return text
'''
_EX6_FRESH_GEN = replace_once(_EX6_OK, "    model.eval()\n",
                      "    if generator is None:\n"
                      "        generator = torch.Generator()   # multinomial needs a generator to draw from\n"
                      "    model.eval()\n")
_EX6_REWIND = replace_once(_EX6_OK, "    model.eval()\n",
                   "    if generator is not None:\n"
                   "        generator.manual_seed(generator.initial_seed())   # so a seed gives the same tune\n"
                   "    model.eval()\n")
_EX6_PROMPT_STATE = r'''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    dev = next(model.parameters()).device
    index = {ch: i for i, ch in enumerate(vocab)}
    logits, _ = model(torch.tensor([[index[ch] for ch in start]], device=dev))   # read the prompt
    text, state = start, None
    for _ in range(max_len):
        probs = torch.softmax(logits[0, -1] / temperature, dim=-1)
        nxt = int(torch.multinomial(probs.cpu(), 1, generator=generator))
        text += vocab[nxt]
        if text.endswith("\n\n"):
            break
        logits, state = model(torch.tensor([[nxt]], device=dev), state)
    return text
'''
_EX6_AT_LEAST_ONE = r'''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    dev = next(model.parameters()).device
    index = {ch: i for i, ch in enumerate(vocab)}
    x = torch.tensor([[index[ch] for ch in start]], device=dev)
    text, state = start, None
    while True:
        logits, state = model(x, state)
        probs = torch.softmax(logits[0, -1] / temperature, dim=-1)
        nxt = int(torch.multinomial(probs.cpu(), 1, generator=generator))
        text += vocab[nxt]
        if text.endswith("\n\n") or len(text) - len(start) >= max_len:
            break
        x = torch.tensor([[nxt]], device=dev)
    return text
'''

# ---- ex7_evaluate -----------------------------------------------------------------------------
_EX7_OK = ROUND5._EX7_OK
_EX7_ONE_HOT = '''
from collections import Counter


@torch.no_grad()
def bits_per_char(model: nn.Module, ids: torch.Tensor, seq_len: int = 256) -> float:
    model.eval()
    dev = next(model.parameters()).device
    positions = torch.arange(len(ids) - 1)             # every position that has a next character
    state, chunk_nats = None, []
    for chunk in positions.split(seq_len):
        x, y = ids[chunk].to(dev), ids[chunk + 1].to(dev)
        logits, state = model(x.unsqueeze(0), state)
        log_p = F.log_softmax(logits[0].double(), dim=-1)
        chunk_nats.append(-(log_p * F.one_hot(y, log_p.shape[-1])).sum().item())
    return math.fsum(chunk_nats) / (len(ids) - 1) / math.log(2)


def valid_tune_rate(tunes: list[str], problem=tune_problem) -> float:
    if not tunes:
        return 0.0
    verdicts = Counter(problem(t) is None for t in tunes)
    return verdicts[True] / len(tunes)
'''
_EX7_UNSHIFTED = replace_once(_EX7_OK, "y = ids[i + 1:i + 1 + len(x)].to(dev)", "y = ids[i:i + len(x)].to(dev)")
_EX7_FED_WHOLE = replace_once(_EX7_OK, '''        x = ids[i:min(i + seq_len, len(ids) - 1)].to(dev)
        y = ids[i + 1:i + 1 + len(x)].to(dev)
        logits, state = model(x[None], state)
        total += F.cross_entropy(logits[0], y, reduction="sum").item()
        count += len(y)
''', '''        window = ids[i:i + seq_len + 1].to(dev)         # the chunk and the character after it
        logits, state = model(window[None], state)
        total += F.cross_entropy(logits[0, :-1], window[1:], reduction="sum").item()
        count += len(window) - 1
''')
_EX7_STRIP = replace_once(_EX7_OK, "sum(problem(t) is None for t in tunes)", "sum(problem(t.strip()) is None for t in tunes)")
_EX7_EMPTY_ONE = replace_once(_EX7_OK, '''    if not tunes:
        return 0.0
    return sum(problem(t) is None for t in tunes) / len(tunes)''', '''    if not tunes:
        return 1.0                                      # nothing invalid was generated
    return 1 - sum(problem(t) is not None for t in tunes) / len(tunes)''')

MUTANTS = {
    "ex1_vocab": [
        ("devectorize uses chr(i): character codes, not positions in the vocabulary", _EX1_CHR),
        ("vectorize one-hot encodes: (len(text), V) rows, not a 1-D tensor of indices", _EX1_ONE_HOT),
        ("build_vocab of the whitespace-separated words, not of the characters", _EX1_WORDS),
        ("build_vocab drops the newlines (text.splitlines()): '\\n' gets no index", _EX1_LINES),
    ],
    "ex2_batch": [
        ("target slice ends one short: y is (B, seq_len - 1)", _EX2_Y_SHORT),
        ("restores the generator's state after drawing: every call gives the same batch", _EX2_RESTORE),
        ("'shifted to the right' read as the previous character: y[b] = ids[s-1 : s+seq_len-1]", _EX2_PREVIOUS),
        ("x given a feature axis for the LSTM: (B, T, 1)", _EX2_FEATURE),
    ],
    "ex3_model": [
        ("logits flattened to (B*T, V) for the loss", _EX3_FLAT),
        ("keeps the last state on self and goes on from it when no state is given", _EX3_REMEMBERS),
        ("log_softmax at the end of forward: log-probabilities, not raw logits", _EX3_LOG_SOFTMAX),
        ("explicit zero state sized with x.shape[1] (the time axis) as the batch", _EX3_ZERO_T),
    ],
    "ex4_loss": [
        ("F.cross_entropy on the 3-D logits as they are: dim 1 (time) taken as the classes", _EX4_NO_RESHAPE),
        ("binary cross-entropy with logits against one-hot targets: a sigmoid per character", _EX4_BCE),
        ("log-probabilities gathered along dim 1 (time), not the character axis", _EX4_GATHER_T),
        ("mean log-probability without the minus sign: a negative loss", _EX4_NO_MINUS),
    ],
    "ex5_train_step": [
        ("optimizer.step() before loss.backward(): every update uses no (or last step's) gradient", _EX5_STEP_FIRST),
        ("model.training = True instead of model.train(): the submodules stay in eval mode", _EX5_FLAG),
        ("clip_grad_norm_ given the gradients, not the parameters: nothing is clipped", _EX5_CLIP_GRADS),
        ("loss_fn(y, logits): arguments swapped", _EX5_SWAPPED),
    ],
    "ex6_sample": [
        ("a fresh torch.Generator() when none is given: the same tune on every call", _EX6_FRESH_GEN),
        ("rewinds the given generator to its initial seed: a shared generator writes the same tune each call",
         _EX6_REWIND),
        ("the prompt's state thrown away: generation goes on from a blank state", _EX6_PROMPT_STATE),
        ("draw-then-check loop: one character even for max_len = 0", _EX6_AT_LEAST_ONE),
    ],
    "ex7_evaluate": [
        ("targets not shifted: each character scored as the prediction of itself", _EX7_UNSHIFTED),
        ("the whole window of seq_len + 1 fed: the state reads each boundary character twice", _EX7_FED_WHOLE),
        ("valid_tune_rate strips each tune before asking problem(): problem judges another string", _EX7_STRIP),
        ("valid_tune_rate as 1 - the invalid share, 1.0 for an empty list", _EX7_EMPTY_ONE),
    ],
}

CORRECT = {
    "ex1_vocab": [
        ("round 5's reference (round 3's): sorted(set), dict lookup, join of vocab[int(i)]", _EX1_OK),
        ("sorted Counter keys; code points compared with the vocabulary's, argmax; a loop over tolist()",
         _EX1_CODE_POINTS),
    ],
    "ex2_batch": [
        ("round 5's reference (round 3's): randint starts, stacked slices", _EX2_OK),
        ("as_strided windows of seq_len + 1 indexed by the starts; torch.default_generator for None", _EX2_STRIDED),
    ],
    "ex3_model": [
        ("round 5's reference (round 3's): layers called as modules", _EX3_OK),
        ("keyword constructors; the LSTM run one time step at a time, the state carried", _EX3_STEPWISE),
    ],
    "ex4_loss": [
        ("round 5's reference (round 3's): F.cross_entropy on reshaped logits and targets", _EX4_OK),
        ("torch.distributions.Categorical(logits=...).log_prob, negated mean", _EX4_CATEGORICAL),
    ],
    "ex5_train_step": [
        ("round 5's reference (round 3's): clip_grad_norm_ between backward and step", _EX5_OK),
        ("torch.autograd.grad into .grad by hand, clipping the trainable parameters", _EX5_AUTOGRAD_GRAD),
    ],
    "ex6_sample": [
        ("round 5's reference (round 3's): dict lookup, softmax of the last logits, multinomial on CPU "
         "probabilities", _EX6_OK),
        ("a Python generator of characters cut by itertools.islice; softmax(dtype=float64)", _EX6_ISLICE),
    ],
    "ex7_evaluate": [
        ("round 5's reference (round 3's): chunks of seq_len, cross-entropy sums, state carried", _EX7_OK),
        ("position chunks by split, float64 log_softmax times one_hot, math.fsum; Counter for the rate",
         _EX7_ONE_HOT),
    ],
}

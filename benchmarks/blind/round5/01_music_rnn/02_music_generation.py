r"""Blind round 5: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 2
(music generation), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/01_music_rnn/02_music_generation.py nor in
benchmarks/blind/round1/ to round4/. CORRECT[...][0] is round 4's reference (round 3's, reused by
name; the proofs, benchmarks/blind/round5/prove_01.py, compare with it); CORRECT[...][1] is this
round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND4 = earlier_round(4, __file__)


# ---- ex1_vocab --------------------------------------------------------------------------------
_EX1_OK = ROUND4._EX1_OK
_EX1_SEARCHSORTED = '''
import numpy as np


def build_vocab(text: str) -> list[str]:
    return sorted({*text})


def vectorize(text: str, vocab: list[str]) -> torch.Tensor:
    if not text:
        return torch.zeros(0, dtype=torch.long)
    table = np.array(vocab)
    order = np.argsort(table)                        # the vocabulary may come in any order
    found = order[np.searchsorted(table[order], np.array(list(text)))]
    return torch.from_numpy(found.astype(np.int64))


def devectorize(ids, vocab: list[str]) -> str:
    return "".join([vocab[i] for i in torch.as_tensor(ids, dtype=torch.long).tolist()])
'''
_EX1_STRIP = replace_once(_EX1_OK, "return sorted(set(text))", "return sorted(set(text.strip()))")
_EX1_UNK = replace_once(_EX1_OK, "return sorted(set(text))", 'return sorted(set(text)) + ["<unk>"]   # for unseen characters')
_EX1_STACK = replace_once(_EX1_OK, "return torch.tensor([index[ch] for ch in text], dtype=torch.long)",
                  "return torch.stack([torch.tensor(index[ch]) for ch in text])")
_EX1_SQUEEZE = replace_once(_EX1_OK, '    return "".join(vocab[int(i)] for i in ids)',
                    '    if isinstance(ids, torch.Tensor):\n'
                    '        ids = ids.squeeze().tolist()   # (1, T) and (T,) alike\n'
                    '    return "".join(vocab[i] for i in ids)')

# ---- ex2_batch --------------------------------------------------------------------------------
_EX2_OK = ROUND4._EX2_OK
_EX2_NARROW = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    last_start = ids.numel() - seq_len - 1             # its target ends on the last id
    starts = torch.randint(last_start + 1, (batch_size,), generator=generator)
    windows = torch.stack([torch.narrow(ids, 0, int(s), seq_len + 1) for s in starts])
    return windows[:, :seq_len], windows[:, 1:]
'''
_EX2_PLUS_ONE = replace_once(_EX2_OK, "    y = torch.stack([ids[s + 1:s + seq_len + 1] for s in starts.tolist()])\n",
                     "    y = x + 1   # the next character of every position\n")
_EX2_CAT = replace_once(replace_once(_EX2_OK, "x = torch.stack(", "x = torch.cat("), "y = torch.stack(", "y = torch.cat(")
_EX2_WRAP = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    """Random windows: x (B, T) and the next characters y (B, T)."""
    starts = torch.randint(0, len(ids), (batch_size,), generator=generator)
    positions = (starts[:, None] + torch.arange(seq_len + 1)) % len(ids)   # windows wrap around the end
    windows = ids[positions]
    return windows[:, :-1], windows[:, 1:]
'''
_EX2_NEXT_WINDOW = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    """Random windows: x (B, T) and the next characters y (B, T)."""
    starts = torch.randint(0, len(ids) - 2 * seq_len + 1, (batch_size,), generator=generator)
    x = torch.stack([ids[s:s + seq_len] for s in starts.tolist()])
    y = torch.stack([ids[s + seq_len:s + 2 * seq_len] for s in starts.tolist()])   # the characters that follow
    return x, y
'''

# ---- ex3_model --------------------------------------------------------------------------------
_EX3_OK = ROUND4._EX3_OK
_EX3_ONE_HOT = '''
class MusicLSTM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        for name, layer in (("embedding", nn.Embedding(cfg.vocab_size, cfg.embedding_dim)),
                            ("lstm", nn.LSTM(cfg.embedding_dim, cfg.hidden_size, cfg.num_layers, batch_first=True)),
                            ("head", nn.Linear(cfg.hidden_size, cfg.vocab_size))):
            setattr(self, name, layer)

    def forward(self, x: torch.Tensor, state=None):
        table = self.embedding.weight
        vectors = F.one_hot(x, table.shape[0]).to(table.dtype) @ table      # the rows of the table
        out, new_state = self.lstm(vectors, *(() if state is None else (state,)))
        b, t, h = out.shape
        flat = torch.addmm(self.head.bias, out.reshape(b * t, h), self.head.weight.T)
        return flat.reshape(b, t, -1), new_state
'''
_EX3_OUT_DETACHED = replace_once(_EX3_OK, "return self.head(out), state", "return self.head(out.detach()), state")
_EX3_H_ONLY = replace_once(_EX3_OK, "return self.head(out), state", "return self.head(out), state[0]   # the hidden state")
_EX3_SQUEEZE = replace_once(_EX3_OK, "return self.head(out), state", "return self.head(out).squeeze(), state")
_EX3_MAX_NORM = replace_once(_EX3_OK, "nn.Embedding(cfg.vocab_size, cfg.embedding_dim)",
                     "nn.Embedding(cfg.vocab_size, cfg.embedding_dim, max_norm=1.0)")

# ---- ex4_loss ---------------------------------------------------------------------------------
_EX4_OK = ROUND4._EX4_OK
_EX4_SOFT = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    vocab_size = logits.shape[-1]
    soft = F.one_hot(targets.reshape(-1), vocab_size).to(logits.dtype)        # probability targets
    return F.cross_entropy(logits.reshape(-1, vocab_size), soft)
'''
_EX4_ONE_HOT_WIDTH = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    vocab_size = logits.shape[-1]
    soft = F.one_hot(targets.reshape(-1)).to(logits.dtype)                    # probability targets
    return F.cross_entropy(logits.reshape(-1, vocab_size), soft)
'''
_EX4_NUMEL = replace_once(_EX4_OK, "targets.reshape(-1))", "targets.reshape(-1), reduction=\"sum\") / logits.numel()")
_EX4_LOG_OF_SOFTMAX = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    probs = torch.softmax(logits, dim=-1)
    return F.nll_loss(torch.log(probs).reshape(-1, logits.shape[-1]), targets.reshape(-1))
'''
_EX4_KEEPDIM = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    per_position = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="none")
    return per_position.mean(dim=0, keepdim=True)
'''

# ---- ex5_train_step ---------------------------------------------------------------------------
_EX5_OK = ROUND4._EX5_OK
_EX5_TOTAL_NORM = '''
def train_step(model: nn.Module, optimizer, x: torch.Tensor, y: torch.Tensor, loss_fn, max_norm: float) -> float:
    model.train(mode=True)
    optimizer.zero_grad(set_to_none=False)
    output, _state = model(x)
    loss = loss_fn(output, y)
    loss.backward()
    params = [p for p in model.parameters() if p.grad is not None]
    total = torch.nn.utils.get_total_norm([p.grad for p in params])
    torch.nn.utils.clip_grads_with_norm_(params, max_norm, total)
    optimizer.step()
    return float(loss.detach().cpu())
'''
_EX5_SKIP = replace_once(_EX5_OK, '''    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
''', '''    norm = torch.nn.utils.get_total_norm([p.grad for p in model.parameters() if p.grad is not None])
    if norm <= max_norm:   # an exploding gradient: skip this update
        optimizer.step()
''')
_EX5_FLAT = replace_once(_EX5_OK, "loss = loss_fn(logits, y)",
                 "loss = loss_fn(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))   # (B*T, V) and (B*T,)")
_EX5_ZERO_AFTER = replace_once(replace_once(_EX5_OK, "    model.train()\n    optimizer.zero_grad()\n", "    model.train()\n"),
                       "    optimizer.step()\n", "    optimizer.step()\n    optimizer.zero_grad()   # clean for the next step\n")
_EX5_OWN_ADAM = replace_once(_EX5_OK, "    model.train()\n",
                     "    model.train()\n    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)   # the lab's optimizer\n")

# ---- ex6_sample -------------------------------------------------------------------------------
_EX6_OK = ROUND4._EX6_OK
_EX6_CATEGORICAL = r'''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    dev = next(model.parameters()).device
    ids = [vocab.index(ch) for ch in start]
    state = None
    if len(ids) > 1:                                   # all of the prompt but its last character
        _, state = model(torch.tensor([ids[:-1]], device=dev), state)
    current = ids[-1]
    pieces = list(start)
    for _ in range(max_len):
        logits, state = model(torch.tensor([[current]], device=dev), state)
        dist = torch.distributions.Categorical(logits=logits[0, -1].float() / temperature)
        current = int(torch.multinomial(dist.probs.cpu(), 1, generator=generator))
        pieces.append(vocab[current])
        if pieces[-2:] == ["\n", "\n"]:
            break
    return "".join(pieces)
'''
_EX6_SEEDED = replace_once(_EX6_OK, "    model.eval()\n", "    torch.manual_seed(0)   # reproducible tunes\n    model.eval()\n")
_EX6_GREEDY_COLD = replace_once(_EX6_OK, "        nxt = int(torch.multinomial(probs.cpu(), 1, generator=generator))\n",
                        "        if temperature < 0.2:   # very cold: as good as the argmax, and no overflow\n"
                        "            nxt = int(logits[0, -1].argmax())\n"
                        "        else:\n"
                        "            nxt = int(torch.multinomial(probs.cpu(), 1, generator=generator))\n")
_EX6_T_ONCE = replace_once(replace_once(ROUND4._EX6_PROMPT_FIRST, '''    text = start
    for _ in range(max_len):
        probs = torch.softmax(logits[0, -1] / temperature, dim=-1)
''', '''    text = start
    probs = torch.softmax(logits[0, -1] / temperature, dim=-1)
    for _ in range(max_len):
'''), "        logits, state = model(torch.tensor([[nxt]], device=dev), state)\n",
                   "        logits, state = model(torch.tensor([[nxt]], device=dev), state)\n"
                   "        probs = torch.softmax(logits[0, -1], dim=-1)\n")
_EX6_TOP_K = replace_once(_EX6_OK, "        probs = torch.softmax(logits[0, -1] / temperature, dim=-1)\n",
                  "        z = logits[0, -1] / temperature\n"
                  "        kth = z.topk(min(10, z.numel())).values[-1]          # keep the 10 most likely\n"
                  "        probs = torch.softmax(z.masked_fill(z < kth, float(\"-inf\")), dim=-1)\n")

# ---- ex7_evaluate -----------------------------------------------------------------------------
_EX7_OK = ROUND4._EX7_OK
_EX7_WINDOWS = '''
from fractions import Fraction


@torch.no_grad()
def bits_per_char(model: nn.Module, ids: torch.Tensor, seq_len: int = 256) -> float:
    model.eval()
    dev = next(model.parameters()).device
    state, nats, n = None, 0.0, 0
    for i in range(0, len(ids) - 1, seq_len):
        window = ids[i:i + seq_len + 1].to(dev)        # the chunk and the character after it
        logits, state = model(window[:-1].unsqueeze(0), state)
        dist = torch.distributions.Categorical(logits=logits[0].double())
        nats -= dist.log_prob(window[1:]).sum().item()
        n += window.numel() - 1
    return nats / n / math.log(2)


def valid_tune_rate(tunes: list[str], problem=tune_problem) -> float:
    if len(tunes) == 0:
        return 0.0
    return float(Fraction(sum(1 for t in tunes if problem(t) is None), len(tunes)))
'''
_EX7_SKIP_EMPTY = replace_once(_EX7_OK, "    if not tunes:\n        return 0.0\n",
                       "    tunes = [t for t in tunes if t.strip()]   # an empty generation is not a tune\n"
                       "    if not tunes:\n        return 0.0\n")
_EX7_OVERLAP = replace_once(_EX7_OK, "for i in range(0, len(ids) - 1, seq_len):",
                    "for i in range(0, len(ids) - 1, seq_len - 1):   # chunks share their boundary character")
_EX7_NP_MEAN = "import numpy as np\n" + replace_once(
    _EX7_OK, "    return sum(problem(t) is None for t in tunes) / len(tunes)",
    "    return np.mean([problem(t) is None for t in tunes])")
_EX7_LSE = replace_once(_EX7_OK, '        total += F.cross_entropy(logits[0], y, reduction="sum").item()\n',
                "        z = logits[0]\n"
                "        log_norm = torch.log(torch.exp(z).sum(dim=-1))          # log sum_j e^z_j\n"
                "        total += (log_norm - z.gather(1, y[:, None]).squeeze(1)).sum().item()\n")

MUTANTS = {
    "ex1_vocab": [
        ("build_vocab strips the text first: whitespace found only at its ends gets no index", _EX1_STRIP),
        ("build_vocab appends an '<unk>' entry: one index too many", _EX1_UNK),
        ("vectorize stacks 0-d tensors: the empty text raises instead of giving an empty long tensor", _EX1_STACK),
        ("devectorize squeezes before tolist(): a tensor of one id becomes an int and cannot be iterated",
         _EX1_SQUEEZE),
    ],
    "ex2_batch": [
        ("y = x + 1: 'the next character' read as the next index (right only for ids = arange)", _EX2_PLUS_ONE),
        ("torch.cat instead of torch.stack: the rows run together into one (B*T,) vector", _EX2_CAT),
        ("starts over every position, windows wrapping around the end (positions mod len(ids))", _EX2_WRAP),
        ("y is the window that follows x (ids[s+T : s+2T]), not x shifted by one", _EX2_NEXT_WINDOW),
    ],
    "ex3_model": [
        ("LSTM output detached before the head: only the head gets gradients", _EX3_OUT_DETACHED),
        ("returns only h as the state, not (h, c)", _EX3_H_ONLY),
        ("logits squeezed: a batch of one (sampling) comes back (T, V), one step (B, V)", _EX3_SQUEEZE),
        ("nn.Embedding with max_norm=1.0: rows renormalised in place at every lookup", _EX3_MAX_NORM),
    ],
    "ex4_loss": [
        ("F.one_hot without num_classes: targets as wide as the largest target + 1, not V", _EX4_ONE_HOT_WIDTH),
        ("summed cross-entropy divided by logits.numel() (B*T*V), not by B*T", _EX4_NUMEL),
        ("log of the softmax in two steps: a confident mistake underflows to an infinite loss",
         _EX4_LOG_OF_SOFTMAX),
        ("mean with keepdim=True: a (1,) tensor, not 0-d", _EX4_KEEPDIM),
    ],
    "ex5_train_step": [
        ("skips the update when the gradient norm exceeds max_norm instead of rescaling it", _EX5_SKIP),
        ("logits and y flattened to (B*T, V) and (B*T,) before loss_fn: loss_fn gets other shapes than asked",
         _EX5_FLAT),
        ("zero_grad after the step instead of before: stale gradients enter the first update", _EX5_ZERO_AFTER),
        ("ignores the optimizer it is given: a fresh Adam(lr=3e-3) at every step", _EX5_OWN_ADAM),
    ],
    "ex6_sample": [
        ("torch.manual_seed(0) at the start: without a generator every tune is the same, the global RNG reset",
         _EX6_SEEDED),
        ("argmax instead of a draw below temperature 0.2", _EX6_GREEDY_COLD),
        ("temperature applied to the first draw only: later characters drawn at temperature 1", _EX6_T_ONCE),
        ("top-10 filtering before the draw: the 11th and later characters never drawn", _EX6_TOP_K),
    ],
    "ex7_evaluate": [
        ("valid_tune_rate leaves empty tunes out of the count: the share of the non-empty ones", _EX7_SKIP_EMPTY),
        ("chunks start every seq_len - 1 characters: each boundary character fed and scored twice", _EX7_OVERLAP),
        ("valid_tune_rate as np.mean of the booleans: a numpy.float64, not a Python float", _EX7_NP_MEAN),
        ("hand-written log-sum-exp without the max shift: logits past ~88 give infinite bits", _EX7_LSE),
    ],
}

CORRECT = {
    "ex1_vocab": [
        ("round 4's reference (round 3's): sorted(set), dict lookup, join of vocab[int(i)]", _EX1_OK),
        ("set unpacking; numpy argsort and searchsorted for any vocabulary order; as_tensor(...).tolist()",
         _EX1_SEARCHSORTED),
    ],
    "ex2_batch": [
        ("round 4's reference (round 3's): randint starts, stacked slices", _EX2_OK),
        ("randint(high, size), torch.narrow windows of seq_len + 1", _EX2_NARROW),
    ],
    "ex3_model": [
        ("round 4's reference (round 3's): layers called as modules", _EX3_OK),
        ("layers made with setattr; one_hot @ embedding table, addmm head on the flattened output", _EX3_ONE_HOT),
    ],
    "ex4_loss": [
        ("round 4's reference (round 3's): F.cross_entropy on reshaped logits and targets", _EX4_OK),
        ("F.cross_entropy with one-hot probability targets of width V", _EX4_SOFT),
    ],
    "ex5_train_step": [
        ("round 4's reference (round 3's): clip_grad_norm_ between backward and step", _EX5_OK),
        ("get_total_norm and clip_grads_with_norm_, zero_grad(set_to_none=False)", _EX5_TOTAL_NORM),
    ],
    "ex6_sample": [
        ("round 4's reference (round 3's): dict lookup, softmax of the last logits, multinomial on CPU probabilities",
         _EX6_OK),
        ("prompt but its last character read first, then one character per step; Categorical(logits=z / T).probs",
         _EX6_CATEGORICAL),
    ],
    "ex7_evaluate": [
        ("round 4's reference (round 3's): chunks of seq_len, cross-entropy sums, state carried", _EX7_OK),
        ("windows of seq_len + 1, Categorical.log_prob in float64; Fraction for the rate", _EX7_WINDOWS),
    ],
}

r"""Blind round 14: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 2
(music generation), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in benchmarks/blind/round1/ to round13/ (their labels were
read, not tests/mutants/). CORRECT[...][0] is round 13's reference (round 3's, reused by name; the
proofs, benchmarks/blind/round14/prove_01_music.py, compare with it); CORRECT[...][1] is this
round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND13 = earlier_round(13, __file__)


def _reference(gid: str) -> tuple[str, str]:
    return ROUND13.CORRECT[gid][0]


# ---- ex1_vocab --------------------------------------------------------------------------------
_EX1_OK = ROUND13._EX1_OK
_EX1_NUMPY = '''
import numpy as np


def build_vocab(text: str) -> list[str]:
    """The sorted list of distinct characters in `text`."""
    return sorted(frozenset(text), key=ord)


def vectorize(text: str, vocab: list[str]) -> torch.Tensor:
    """'AB' -> tensor([index of 'A', index of 'B']), dtype torch.long, shape (len(text),).

    The index of a character is its position in `vocab` as given (vocab[i] has index i).
    """
    codes = np.array([ord(ch) for ch in text], dtype=np.int64)
    vocab_codes = np.array([ord(ch) for ch in vocab], dtype=np.int64)
    order = np.argsort(vocab_codes, kind="stable")              # positions of the vocab, by code
    found = np.searchsorted(vocab_codes[order], codes)
    return torch.from_numpy(order[found].astype(np.int64)).reshape(len(text))


def devectorize(ids, vocab: list[str]) -> str:
    """The inverse of vectorize: indices (tensor or list) -> string."""
    values = ids.tolist() if isinstance(ids, torch.Tensor) else list(ids)
    return "".join([vocab[int(i)] for i in values])
'''
_EX1_UTF8 = replace_once(
    _EX1_OK,
    "    index = {ch: i for i, ch in enumerate(vocab)}\n"
    "    return torch.tensor([index[ch] for ch in text], dtype=torch.long)",
    "    table = torch.full((256,), -1, dtype=torch.long)   # byte -> index: fast for long texts\n"
    "    for i, ch in enumerate(vocab):\n"
    "        if ord(ch) < 256:\n"
    "            table[ord(ch)] = i\n"
    "    data = torch.tensor(list(text.encode(\"utf-8\")), dtype=torch.long)\n"
    "    return table[data]")
_EX1_SORT_CALLER = replace_once(
    _EX1_OK, "    index = {ch: i for i, ch in enumerate(vocab)}\n",
    "    vocab.sort()   # a vocabulary is sorted\n    index = {ch: i for i, ch in enumerate(vocab)}\n")
_EX1_ALPHABET = "\nimport string\n" + replace_once(
    _EX1_OK, "return sorted(set(text))",
    "return sorted(set(text) | set(string.ascii_letters + string.digits))   # every note name and length")
_EX1_ONE_TUNE = replace_once(
    _EX1_OK, '    return "".join(vocab[int(i)] for i in ids)',
    '    text = "".join(vocab[int(i)] for i in ids)\n'
    '    end = text.find("\\n\\n")   # one tune: up to its blank line\n'
    '    return text if end < 0 else text[:end + 2]')

# ---- ex2_batch --------------------------------------------------------------------------------
_EX2_OK = ROUND13._EX2_OK
_EX2_UNFOLD = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    """Random windows: x (B, T) and the next characters y (B, T)."""
    n_windows = ids.size(0) - seq_len                    # starts 0 .. len - seq_len - 1
    starts = torch.randint(0, n_windows, (batch_size,), generator=generator)
    windows = ids.unfold(0, seq_len + 1, 1)[starts]      # (B, T + 1), a copy
    return windows[:, :seq_len].clone(), windows[:, 1:].clone()
'''
_EX2_LIST = replace_once(_EX2_OK, "    return x, y", "    return [x, y]")
_EX2_GLOBAL_SHUFFLE = replace_once(
    _EX2_OK, "    return x, y",
    "    perm = torch.randperm(batch_size)   # decorrelate the rows\n    return x[perm], y[perm]")
_EX2_STRATIFIED = replace_once(
    _EX2_OK, "    starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)\n",
    "    span = len(ids) - seq_len                       # one start per equal slice: covers the text\n"
    "    width = max(span // batch_size, 1)\n"
    "    starts = torch.arange(batch_size) * span // batch_size\n"
    "    starts = (starts + torch.randint(0, width, (batch_size,), generator=generator)).clamp(max=span - 1)\n")
_EX2_LISTS = '''
def get_batch(ids: torch.Tensor, seq_len: int, batch_size: int, generator=None):
    """Random windows: x (B, T) and the next characters y (B, T)."""
    starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)
    rows = [ids[s:s + seq_len + 1].tolist() for s in starts.tolist()]
    windows = torch.tensor(rows)
    return windows[:, :-1], windows[:, 1:]
'''

# ---- ex3_model --------------------------------------------------------------------------------
_EX3_OK = ROUND13._EX3_OK
_EX3_EXPLICIT = '''
class MusicLSTM(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.embedding = nn.Embedding(num_embeddings=cfg.vocab_size, embedding_dim=cfg.embedding_dim)
        self.lstm = nn.LSTM(input_size=cfg.embedding_dim, hidden_size=cfg.hidden_size,
                            num_layers=cfg.num_layers, batch_first=True)
        self.head = nn.Linear(in_features=cfg.hidden_size, out_features=cfg.vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        """x (B, T) indices -> logits (B, T, V), state (h, c) each (num_layers, B, hidden)."""
        emb = self.embedding(x)
        if state is None:
            zeros = emb.new_zeros(self.lstm.num_layers, x.shape[0], self.lstm.hidden_size)
            state = (zeros, zeros.clone())
        h0, c0 = state
        out, (h, c) = self.lstm(emb, (h0, c0))
        return F.linear(out, self.head.weight, self.head.bias), (h, c)
'''
_EX3_LIST_STATE = replace_once(
    _EX3_OK, "        out, state = self.lstm(self.embedding(x), state)\n        return self.head(out), state",
    "        out, (h, c) = self.lstm(self.embedding(x), state)\n        return self.head(out), [h, c]")
_EX3_LOGITS_FLOAT = replace_once(_EX3_OK, "return self.head(out), state",
                                 "return self.head(out).float(), state   # float logits for the loss")
_EX3_CFG_BATCH = replace_once(
    _EX3_OK, "        super().__init__()\n", "        super().__init__()\n        self.cfg = cfg\n")
_EX3_CFG_BATCH = replace_once(
    _EX3_CFG_BATCH, "        out, state = self.lstm(self.embedding(x), state)\n",
    "        if state is None:   # start from a zero state\n"
    "            zeros = self.embedding.weight.new_zeros(self.cfg.num_layers, self.cfg.batch_size,\n"
    "                                                    self.cfg.hidden_size)\n"
    "            state = (zeros, zeros.clone())\n"
    "        out, state = self.lstm(self.embedding(x), state)\n")
_EX3_SEEDED_INIT = replace_once(
    _EX3_OK, "        super().__init__()\n",
    "        super().__init__()\n        torch.manual_seed(0)   # the same initial weights on every run\n")

# ---- ex4_loss ---------------------------------------------------------------------------------
_EX4_OK = ROUND13._EX4_OK
_EX4_GATHER = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    log_p = torch.log_softmax(logits, dim=-1)                         # (B, T, V), stable
    picked = torch.gather(log_p, -1, targets.unsqueeze(-1)).squeeze(-1)   # (B, T)
    return -picked.mean()
'''
_EX4_FLOAT32_INSIDE = replace_once(
    _EX4_OK, "return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))",
    "loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), targets.reshape(-1))\n"
    "    return loss.to(logits.dtype)   # computed in float32, handed back in the logits' dtype")
_EX4_CLASS_WEIGHTS = replace_once(
    _EX4_OK, "return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))",
    "flat_t = targets.reshape(-1)\n"
    "    counts = torch.bincount(flat_t, minlength=logits.shape[-1]).to(logits.dtype)\n"
    "    weight = counts.sum() / counts.clamp(min=1)   # rare characters count as much as common ones\n"
    "    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), flat_t, weight=weight)")
_EX4_FROM_ONE = '''
def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over every position: logits (B, T, V), targets (B, T) -> scalar."""
    T = logits.shape[1]
    # position 0 has no context yet: score the positions that have one
    losses = [F.cross_entropy(logits[:, t], targets[:, t]) for t in range(1, T)]
    return torch.stack(losses).mean()
'''
_EX4_Z_LOSS = replace_once(
    _EX4_OK, "return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))",
    "flat = logits.reshape(-1, logits.shape[-1])\n"
    "    z_loss = 1e-4 * torch.logsumexp(flat, dim=-1).pow(2).mean()   # keeps the logits small (PaLM)\n"
    "    return F.cross_entropy(flat, targets.reshape(-1)) + z_loss")

# ---- ex5_train_step ---------------------------------------------------------------------------
_EX5_OK = ROUND13._EX5_OK
_EX5_LISTED = '''
def train_step(model: nn.Module, optimizer, x: torch.Tensor, y: torch.Tensor, loss_fn, max_norm: float) -> float:
    model.train(True)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer.zero_grad()
    outputs = model(x)
    logits = outputs[0]
    loss = loss_fn(logits, y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(trainable, max_norm, norm_type=2.0)
    optimizer.step()
    return loss.detach().item()
'''
_EX5_ANOMALY = replace_once(_EX5_OK, "    model.train()\n",
                            "    torch.autograd.set_detect_anomaly(True)   # find the NaN if one appears\n"
                            "    model.train()\n")
_EX5_PER_EXAMPLE = replace_once(_EX5_OK, "    return loss.item()",
                                "    return loss.item() / x.shape[0]   # per example")
_EX5_AUTOCAST = replace_once(
    _EX5_OK, "    logits, _ = model(x)\n    loss = loss_fn(logits, y)\n",
    "    with torch.autocast(device_type=x.device.type, dtype=torch.bfloat16):   # mixed precision: faster\n"
    "        logits, _ = model(x)\n"
    "        loss = loss_fn(logits, y)\n")
_EX5_L2 = replace_once(
    _EX5_OK, "    loss = loss_fn(logits, y)\n",
    "    loss = loss_fn(logits, y) + 1e-4 * sum((p ** 2).sum() for p in model.parameters())   # weight decay\n")

# ---- ex6_sample -------------------------------------------------------------------------------
_EX6_OK = ROUND13._EX6_OK
_EX6_WHILE = '''
@torch.no_grad()
def sample(model: nn.Module, vocab: list[str], start: str = "X:1\\nT:", max_len: int = 1000,
           temperature: float = 1.0, generator=None) -> str:
    model.eval()
    where = next(model.parameters()).device
    pos = {ch: i for i, ch in enumerate(vocab)}
    chars = list(start)
    logits, state = model(torch.tensor([[pos[ch] for ch in start]], dtype=torch.long, device=where))
    count = 0
    while count < max_len:
        probs = F.softmax(logits[:, -1] / temperature, dim=-1)     # (1, V)
        nxt = torch.multinomial(probs.cpu(), num_samples=1, generator=generator)[0, 0].item()
        chars.append(vocab[nxt])
        count += 1
        if "".join(chars[-2:]) == "\\n\\n" or count == max_len:
            break
        logits, state = model(torch.tensor([[nxt]], dtype=torch.long, device=where), state)
    return "".join(chars)
'''
_EX6_FREEZE = replace_once(_EX6_OK, "    model.eval()\n",
                           "    model.eval()\n    model.requires_grad_(False)   # inference only: no gradients\n")
_EX6_COPY = "\nimport copy\n" + replace_once(
    _EX6_OK, "    model.eval()\n",
    "    model = copy.deepcopy(model).eval()   # eval mode without touching the caller's model\n")
_EX6_STRIP = replace_once(_EX6_OK, "    model.eval()\n",
                          "    model.eval()\n    start = start.strip()   # spaces or newlines typed around the prompt\n")
_EX6_LINE_RESET = replace_once(
    _EX6_OK, "        x = torch.tensor([[nxt]], device=dev)\n",
    "        if vocab[nxt] == \"\\n\":\n"
    "            state = None   # a new line of music: start the line afresh\n"
    "        x = torch.tensor([[nxt]], device=dev)\n")

# ---- ex7_evaluate -----------------------------------------------------------------------------
_EX7_OK = ROUND13._EX7_OK
_EX7_STACKED = '''
@torch.no_grad()
def bits_per_char(model: nn.Module, ids: torch.Tensor, seq_len: int = 256) -> float:
    model.eval()
    dev = next(model.parameters()).device
    inputs, targets = ids[:-1], ids[1:]
    state, pieces = None, []
    start = 0
    while start < len(inputs):
        x = inputs[start:start + seq_len].to(dev)
        y = targets[start:start + seq_len].to(dev)
        logits, state = model(x.unsqueeze(0), state)
        log_p = F.log_softmax(logits[0].double(), dim=-1)
        pieces.append(-log_p[torch.arange(len(y), device=dev), y])
        start += seq_len
    nats = torch.cat(pieces)
    return float(nats.sum().item() / nats.numel() / math.log(2))


def valid_tune_rate(tunes: list[str], problem=tune_problem) -> float:
    valid = 0
    for tune in tunes:
        if problem(tune) is None:
            valid += 1
    return float(valid / len(tunes)) if len(tunes) > 0 else 0.0
'''
_EX7_WINDOWS = replace_once(
    _EX7_OK,
    "    total, count, state = 0.0, 0, None\n",
    "    total, count, state = 0.0, 0, None\n"
    "    xs, ys = get_batch(ids, seq_len, 32)   # a quick estimate, as in the training loop\n"
    "    logits, _ = model(xs.to(dev))\n"
    "    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), ys.to(dev).reshape(-1))\n"
    "    return loss.item() / math.log(2)\n")
_EX7_ROUNDED = replace_once(_EX7_OK, "return total / count / math.log(2)",
                            "return round(total / count / math.log(2), 2)   # bits, two decimals")
_EX7_FROZEN = replace_once(_EX7_OK, "    model.eval()\n",
                           "    model.eval()\n    model.requires_grad_(False)   # evaluation: nothing to train\n")
_EX7_FIRST_FIVE = replace_once(_EX7_OK, "    if not tunes:\n",
                               "    tunes = tunes[:5]   # the tunes the report prints\n    if not tunes:\n")

MUTANTS = {
    "ex1_vocab": [
        ("vectorize reads the text's UTF-8 bytes through a byte -> index table: a non-ASCII character "
         "becomes two or more entries with no index (-1) ('a 1-D torch.long tensor of indices ... shape "
         "(len(text),)')", _EX1_UTF8),
        ("vectorize sorts the caller's vocab in place (vocab.sort()): an unsorted vocab is changed and its "
         "order ignored ('its position in the vocab you are given, whatever order that list is in'; a "
         "function changes nothing the caller gives it)", _EX1_SORT_CALLER),
        ("build_vocab adds every ASCII letter and digit to the text's characters: not 'the sorted list "
         "of distinct characters in text'", _EX1_ALPHABET),
        ("devectorize cuts the string after its first blank line ('one tune'): not 'the inverse of "
         "vectorize'", _EX1_ONE_TUNE),
    ],
    "ex2_batch": [
        ("returns [x, y], a list, not the pair '(x, y)'", _EX2_LIST),
        ("the rows shuffled with torch.randperm from the global generator: not 'in the order their starts "
         "were drawn', and the global generator is drawn from although a generator is given", _EX2_GLOBAL_SHUFFLE),
        ("stratified starts (one per equal slice of the text, an offset from the generator): not the "
         "starts drawn 'with one call torch.randint(..., (batch_size,), generator=generator)' over every "
         "window that fits", _EX2_STRATIFIED),
        ("windows rebuilt from Python lists (ids.tolist(), torch.tensor): always int64, an int32 ids "
         "tensor's dtype is lost ('x[b] = ids[s : s+seq_len]')", _EX2_LISTS),
    ],
    "ex3_model": [
        ("the state returned as a list [h, c], not the tuple 'the LSTM's new state as the LSTM returns "
         "it'", _EX3_LIST_STATE),
        ("logits cast .float() at the end: a model moved to float64 returns float32 logits ('A model "
         "moved to another dtype ... works there')", _EX3_LOGITS_FLOAT),
        ("zero initial state sized with cfg.batch_size: any other batch (a batch of one when sampling) "
         "raises ('takes indices x of shape (B, T)')", _EX3_CFG_BATCH),
        ("torch.manual_seed(0) inside __init__: every model gets the same weights and the global generator "
         "is reseeded (draws 'from PyTorch's global generator ... without reseeding it')", _EX3_SEEDED_INIT),
    ],
    "ex4_loss": [
        ("computed in float32 and cast back to the logits' dtype: float64 logits get a float32-precision "
         "loss ('float64 logits give a loss computed in float64', 'exact for any logits')", _EX4_FLOAT32_INSIDE),
        ("class weights 1 / frequency of each target ('rare characters count as much'): not the plain "
         "average 'over all B x T positions'", _EX4_CLASS_WEIGHTS),
        ("position 0 left out ('it has no context'): the mean over positions 1..T-1, T = 1 raises "
         "('averaged over all B x T positions')", _EX4_FROM_ONE),
        ("a z-loss 1e-4 * mean(logsumexp^2) added (PaLM's habit): not the cross-entropy L", _EX4_Z_LOSS),
    ],
    "ex5_train_step": [
        ("torch.autograd.set_detect_anomaly(True) at every step and never turned off: one of PyTorch's "
         "switches left on for the caller ('The same holds for PyTorch's own switches')", _EX5_ANOMALY),
        ("returns the loss divided by the batch size ('per example'): not 'the loss as a Python float'",
         _EX5_PER_EXAMPLE),
        ("forward and loss under torch.autocast(bfloat16) 'for speed': the logits, loss and gradients are "
         "bfloat16-rounded, not model(x) and loss_fn(logits, y) as given", _EX5_AUTOCAST),
        ("an L2 penalty 1e-4 * sum(p^2) added to the loss ('weight decay'): the loss returned and "
         "backpropagated is not loss_fn(logits, y) ('Use the loss_fn ... you are given')", _EX5_L2),
    ],
    "ex6_sample": [
        ("model.requires_grad_(False) 'for inference': the caller's parameters are frozen afterwards "
         "(a function changes nothing the caller gives it; no_grad is what is asked)", _EX6_FREEZE),
        ("samples with an eval() deep copy: the caller's model is left in training mode (one that "
         "samples 'puts it in eval mode and leaves it there')", _EX6_COPY),
        ("the prompt stripped of surrounding whitespace: a prompt ending in '\\n' is fed and returned "
         "without it ('returning start followed by the generated characters')", _EX6_STRIP),
        ("the state reset to None after every generated newline: the next character is not fed 'with "
         "the state the LSTM returned'", _EX6_LINE_RESET),
    ],
    "ex7_evaluate": [
        ("bits_per_char estimated on 32 random windows (get_batch, as the training loop does): not 'the "
         "whole validation text in order ... every one of the len(ids) - 1 predictions counted once', "
         "and the global generator is drawn from", _EX7_WINDOWS),
        ("bits_per_char rounded to 2 decimals: not the bits per character", _EX7_ROUNDED),
        ("bits_per_char calls model.requires_grad_(False): the caller's parameters stay frozen afterwards "
         "(a function changes nothing the caller gives it)", _EX7_FROZEN),
        ("valid_tune_rate counts only the first 5 tunes (those the report prints): 'Every tune in the "
         "list counts'", _EX7_FIRST_FIVE),
    ],
}

CORRECT = {
    "ex1_vocab": [_reference("ex1_vocab"),
                  ("sorted(frozenset, key=ord); vectorize by numpy argsort + searchsorted on the vocab's codes "
                   "(any vocab order); devectorize over tolist() or list(ids)", _EX1_NUMPY)],
    "ex2_batch": [_reference("ex2_batch"),
                  ("randint starts, ids.unfold(0, seq_len + 1, 1) indexed by them, x and y sliced and cloned",
                   _EX2_UNFOLD)],
    "ex3_model": [_reference("ex3_model"),
                  ("keyword constructors, an explicit zero state from emb.new_zeros, head via F.linear",
                   _EX3_EXPLICIT)],
    "ex4_loss": [_reference("ex4_loss"),
                 ("log_softmax over the 3-D logits, gather of the targets, minus the mean", _EX4_GATHER)],
    "ex5_train_step": [_reference("ex5_train_step"),
                       ("train(True), clipping a list of the trainable parameters, model(x)[0], "
                        "loss.detach().item()", _EX5_LISTED)],
    "ex6_sample": [_reference("ex6_sample"),
                   ("while loop with a counter, (1, V) probabilities, multinomial [0, 0].item(), a list of "
                    "characters joined at the end", _EX6_WHILE)],
    "ex7_evaluate": [_reference("ex7_evaluate"),
                     ("while loop over ids[:-1] / ids[1:], float64 log_softmax picked by index and concatenated; "
                      "valid_tune_rate by a counting loop", _EX7_STACKED)],
}

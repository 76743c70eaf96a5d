"""Wrong (MUTANTS) and correct-in-another-style (CORRECT) answers for lab 01 part 2 (music generation).

Each exercise has a template filled with the correct parts (CORRECT's first entry) from which its
mutants are made."""

_BUILD_OK = '''
def build_vocab(text):
    return sorted(set(text))
'''
_VECTORIZE_OK = '''
def vectorize(text, vocab):
    char_to_index = {ch: i for i, ch in enumerate(vocab)}
    return torch.tensor([char_to_index[ch] for ch in text], dtype=torch.long)
'''
_DEVECTORIZE_OK = '''
def devectorize(ids, vocab):
    return "".join(vocab[int(i)] for i in ids)
'''

_BATCH = '''
def get_batch(ids, seq_len, batch_size, generator=None):
    starts = {starts}
    x = torch.stack([ids[s:s + seq_len] for s in starts.tolist()])
    y = torch.stack([{target} for s in starts.tolist()])
    return {ret}
'''
_STARTS_OK = "torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)"
_TARGET_OK = "ids[s + 1:s + seq_len + 1]"

_MODEL = '''
class MusicLSTM(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embedding = nn.Embedding(cfg.vocab_size, cfg.embedding_dim)
        self.lstm = nn.LSTM(cfg.embedding_dim, cfg.hidden_size, {lstm_args})
        self.head = nn.Linear(cfg.hidden_size, cfg.vocab_size)

    def forward(self, x, state=None):
{forward}
'''
_LSTM_OK = "num_layers=cfg.num_layers, batch_first=True"
_FORWARD_OK = '''        out, state = self.lstm(self.embedding(x), state)
        return self.head(out), state'''

_LOSS = '''
def sequence_loss(logits, targets):
    return {body}
'''

_STEP = '''
def train_step(model, optimizer, x, y, loss_fn, max_norm):
{body}
    return {ret}
'''
_STEP_OK = '''    model.train()
    optimizer.zero_grad()
    logits, _ = model(x)
    loss = loss_fn(logits, y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()'''

_SAMPLE = '''
@torch.no_grad()
def sample(model, vocab, start="X:1\\nT:", max_len=1000, temperature=1.0, generator=None):
    model.eval()
    char_to_index = {{ch: i for i, ch in enumerate(vocab)}}
    x = torch.tensor([[char_to_index[ch] for ch in start]])
    text, state = start, None
    for _ in range(max_len):
        logits, {new_state} = model(x, {old_state})
        probs = torch.softmax({scaled}, dim=-1)
        index = {draw}
        text += vocab[index]
{stop}
        x = torch.tensor([[index]])
    return text
'''
_S = dict(new_state="state", old_state="state", scaled="logits[0, -1] / temperature",
          draw="int(torch.multinomial(probs, 1, generator=generator))",
          stop='        if text.endswith("\\n\\n"):\n            break')

_EVAL = '''
@torch.no_grad()
def bits_per_char(model, ids, seq_len=256):
    {mode}
    total, count, state = 0.0, 0, None
    for i in range(0, len(ids) - 1, seq_len):
        x = ids[i:min(i + seq_len, len(ids) - 1)]
        y = ids[i + 1:i + 1 + len(x)]
        logits, {new_state} = model(x[None], state)
        total += F.cross_entropy(logits[0], y, reduction="sum").item()
        count += len(y)
    return total / count / {log}


def valid_tune_rate(tunes, problem=tune_problem):
    if not tunes:
        return 0.0
    return {rate}
'''
_E = dict(mode="model.eval()", new_state="state", log="math.log(2)",
          rate="sum(problem(t) is None for t in tunes) / len(tunes)")


def _step(body=_STEP_OK, ret="loss.item()"):
    return _STEP.format(body=body, ret=ret)


def _vocab(build=_BUILD_OK, vec=_VECTORIZE_OK, dev=_DEVECTORIZE_OK):
    return build + vec + dev


def _model(lstm_args=_LSTM_OK, forward=_FORWARD_OK):
    return _MODEL.format(lstm_args=lstm_args, forward=forward)


def _sample(**parts):
    return _SAMPLE.format(**{**_S, **parts})


def _eval(**parts):
    return _EVAL.format(**{**_E, **parts})


_LOSS_OK = "F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))"

MUTANTS = {
    "ex1_vocab": [
        ("vocabulary in order of first appearance", _vocab(build="def build_vocab(text):\n    return list(dict.fromkeys(text))\n")),
        ("indices start at 1 (0 kept for padding)", _vocab(vec=_VECTORIZE_OK.replace("enumerate(vocab)", "enumerate(vocab, start=1)"))),
        ("devectorize joins with spaces", _vocab(dev=_DEVECTORIZE_OK.replace('"".join', '" ".join'))),
        ("vectorize returns a float tensor", _vocab(vec=_VECTORIZE_OK.replace("torch.long", "torch.float32"))),
        # new (issue 17), written before reading the hidden checks
        ("vocabulary ordered by frequency",
         _vocab(build="def build_vocab(text):\n    from collections import Counter\n    return [ch for ch, _ in Counter(text).most_common()]\n")),
        ("devectorize only accepts tensors (ids.tolist())", _vocab(dev=_DEVECTORIZE_OK.replace("for i in ids", "for i in ids.tolist()"))),
        ("no dtype: the empty text gives a float tensor", _vocab(vec=_VECTORIZE_OK.replace(", dtype=torch.long", ""))),
        ("whitespace left out of the vocabulary", _vocab(build="def build_vocab(text):\n    return sorted(set(''.join(text.split())))\n")),
        ("vectorize re-sorts the vocabulary it is given (blind round 1)",
         _vocab(vec=_VECTORIZE_OK.replace("enumerate(vocab)", "enumerate(sorted(vocab))"))),
        ("build_vocab returns a string of characters, not a list (blind round 2)",
         _vocab(build=_BUILD_OK.replace("sorted(set(text))", "''.join(sorted(set(text)))"))),
    ],
    "ex2_batch": [
        ("target not shifted", _BATCH.format(starts=_STARTS_OK, target="ids[s:s + seq_len]", ret="x, y")),
        ("generator ignored", _BATCH.format(starts="torch.randint(0, len(ids) - seq_len, (batch_size,))", target=_TARGET_OK, ret="x, y")),
        ("returns (time, batch)", _BATCH.format(starts=_STARTS_OK, target=_TARGET_OK, ret="x.T, y.T")),
        ("last window never drawn (off by one)", _BATCH.format(starts=_STARTS_OK.replace("len(ids) - seq_len", "len(ids) - seq_len - 1"),
                                                             target=_TARGET_OK, ret="x, y")),
        # new (issue 17)
        ("a start past the last window (target runs off the end)",
         _BATCH.format(starts=_STARTS_OK.replace("len(ids) - seq_len", "len(ids) - seq_len + 1"), target=_TARGET_OK, ret="x, y")),
        ("one start shared by every row",
         _BATCH.format(starts="torch.randint(0, len(ids) - seq_len, (1,), generator=generator).repeat(batch_size)",
                       target=_TARGET_OK, ret="x, y")),
        ("squeezed: a batch of one loses its batch dimension", _BATCH.format(starts=_STARTS_OK, target=_TARGET_OK, ret="x.squeeze(), y.squeeze()")),
        ("x and y windows drawn separately",
         "def get_batch(ids, seq_len, batch_size, generator=None):\n    n = len(ids) - seq_len\n"
         "    xs = torch.randint(0, n, (batch_size,), generator=generator)\n"
         "    ys = torch.randint(0, n, (batch_size,), generator=generator)\n"
         "    x = torch.stack([ids[s:s + seq_len] for s in xs.tolist()])\n"
         "    y = torch.stack([ids[s + 1:s + seq_len + 1] for s in ys.tolist()])\n    return x, y\n"),
        ("reseeds the caller's generator: every call returns the same batch (blind round 1)",
         _BATCH.format(starts=_STARTS_OK, target=_TARGET_OK, ret="x, y").replace(
             "    starts =", "    if generator is not None:\n        generator.manual_seed(0)  # reproducible batches\n    starts =")),
        ("starts sorted: rows come in text order (blind round 2)",
         _BATCH.format(starts=_STARTS_OK + ".sort().values", target=_TARGET_OK, ret="x, y")),
    ],
    "ex3_model": [
        ("LSTM without batch_first", _model(lstm_args="num_layers=cfg.num_layers")),
        ("state argument ignored", _model(forward=_FORWARD_OK.replace("(self.embedding(x), state)", "(self.embedding(x))"))),
        ("softmax at the end of forward", _model(forward=_FORWARD_OK.replace("self.head(out)", "torch.softmax(self.head(out), dim=-1)"))),
        ("num_layers ignored", _model(lstm_args="batch_first=True")),
        # new (issue 17)
        ("embedding_dim ignored (embeddings of hidden_size)",
         _model().replace("nn.Embedding(cfg.vocab_size, cfg.embedding_dim)", "nn.Embedding(cfg.vocab_size, cfg.hidden_size)")
                 .replace("nn.LSTM(cfg.embedding_dim,", "nn.LSTM(cfg.hidden_size,")),
        ("ReLU between the LSTM and the head", _model(forward=_FORWARD_OK.replace("self.head(out)", "self.head(torch.relu(out))"))),
        ("returns the state it was given, not the new one",
         _model(forward="        out, _ = self.lstm(self.embedding(x), state)\n        return self.head(out), state")),
        ("padding_idx=0 (index 0 is a real character)",
         _model().replace("nn.Embedding(cfg.vocab_size, cfg.embedding_dim)", "nn.Embedding(cfg.vocab_size, cfg.embedding_dim, padding_idx=0)")),
        ("bidirectional LSTM (reads the future)",
         _model(lstm_args=_LSTM_OK + ", bidirectional=True").replace("nn.Linear(cfg.hidden_size,", "nn.Linear(2 * cfg.hidden_size,")),
        ("returned state detached: no gradient into the previous chunk (blind round 1)",
         _model(forward="        out, (h, c) = self.lstm(self.embedding(x), state)\n"
                        "        return self.head(out), (h.detach(), c.detach())")),
    ],
    "ex4_loss": [
        ("softmax applied before cross-entropy", _LOSS.format(body="F.cross_entropy(torch.softmax(logits, -1).reshape(-1, logits.shape[-1]), targets.reshape(-1))")),
        ("logits flattened time-major, targets batch-major", _LOSS.format(body="F.cross_entropy(logits.transpose(0, 1).reshape(-1, logits.shape[-1]), targets.reshape(-1))")),
        ("sum instead of mean", _LOSS.format(body=_LOSS_OK[:-1] + ", reduction='sum')")),
        ("nll_loss on raw logits", _LOSS.format(body=_LOSS_OK.replace("F.cross_entropy", "F.nll_loss"))),
        # new (issue 17)
        ("mean over sequences of per-sequence sums",
         _LOSS.format(body="F.cross_entropy(logits.transpose(1, 2), targets, reduction='none').sum(dim=1).mean()")),
        # blind round 1: .detach() replaces the former ".item()" mutant (the same lost graph, and a tensor)
        ("loss detached: backward impossible (blind round 1)", _LOSS.format(body=_LOSS_OK + ".detach()")),
        ("shifts the targets again", _LOSS.format(body="F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), targets[:, 1:].reshape(-1))")),
        ("log_softmax over the time axis", _LOSS.format(body="F.nll_loss(F.log_softmax(logits, dim=1).reshape(-1, logits.shape[-1]), targets.reshape(-1))")),
        ("computed and returned in float64", _LOSS.format(body=_LOSS_OK.replace("logits.reshape(", "logits.double().reshape("))),
        ("-log(softmax + 1e-8): biased, saturates for confident mistakes (blind round 1)",
         _LOSS.format(body="-torch.log(torch.softmax(logits, dim=-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1) + 1e-8).mean()")),
    ],
    "ex5_train_step": [
        ("no zero_grad: gradients accumulate", _step(_STEP_OK.replace("    optimizer.zero_grad()\n", ""))),
        ("no gradient clipping", _step(_STEP_OK.replace("    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)\n", ""))),
        ("clipping after the step", _step(_STEP_OK.replace(
            "    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)\n    optimizer.step()",
            "    optimizer.step()\n    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)"))),
        ("clips each value instead of the norm", _step(_STEP_OK.replace("clip_grad_norm_", "clip_grad_value_"))),
        # new (issue 17)
        ("never calls model.train()", _step(_STEP_OK.replace("    model.train()\n", ""))),
        ("returns the loss tensor", _step(ret="loss")),
        ("loss_fn argument ignored (calls sequence_loss)", _step(_STEP_OK.replace("loss_fn(logits, y)", "sequence_loss(logits, y)"))),
        ("max_norm argument ignored (1.0 hard-coded)", _step(_STEP_OK.replace("model.parameters(), max_norm)", "model.parameters(), 1.0)"))),
        ("returns the loss after the step", _step(ret="loss_fn(model(x)[0], y).item()")),
        ("model called twice per step", _step(_STEP_OK.replace("loss_fn(logits, y)", "loss_fn(model(x)[0], y)"))),
        # the labs' rule "what your functions may change" (train_step/hands_back_what_it_was_given)
        ("reseeds torch at every step", _step(_STEP_OK.replace("    model.train()\n", "    torch.manual_seed(0)\n    model.train()\n"))),
        ("unfreezes every parameter so all of them train", _step(_STEP_OK.replace(
            "    model.train()\n", "    model.train()\n    for p in model.parameters():\n        p.requires_grad_(True)\n"))),
    ],
    "ex6_sample": [
        ("temperature multiplies the logits", _sample(scaled="logits[0, -1] * temperature")),
        ("state reset at every step", _sample(old_state="None")),
        # blind round 1: replaces "never stops at the end of a tune", which any check of the stop rule catches too
        ("the blank line is looked for in the generated part only (blind round 1)",
         _sample(stop='        if text[len(start):].endswith("\\n\\n"):\n            break')),
        ("greedy: always the most likely character", _sample(draw="int(probs.argmax())")),
        # new (issue 17)
        ("feeds the whole text again at every step, with the state",
         _sample().replace("        x = torch.tensor([[index]])", "        x = torch.tensor([[char_to_index[ch] for ch in text]])")),
        ("model not put in eval mode", _sample().replace("    model.eval()\n", "")),
        ("generator not passed to multinomial", _sample(draw="int(torch.multinomial(probs, 1))")),
        ("max_len counts the prompt", _sample().replace("for _ in range(max_len):", "for _ in range(max_len - len(start)):")),
        ("first character drawn from the prompt's first position", _sample(scaled="logits[0, 0] / temperature")),
        ("temperature divides the probabilities (no effect)",
         _sample().replace("torch.softmax(logits[0, -1] / temperature, dim=-1)", "torch.softmax(logits[0, -1], dim=-1) / temperature")),
    ],
    "ex7_evaluate": [
        ("natural log (nats, not bits); rate counts tunes", _eval(log="1.0", rate="sum(problem(t) is None for t in tunes)")),
        ("state not carried between chunks", _eval(new_state="_")),
        ("model left in training mode (dropout on)", _eval(mode="pass")),
        ("rate counts the invalid tunes", _eval(rate="sum(problem(t) is not None for t in tunes) / len(tunes)")),
        # new (issue 17)
        ("divides by len(ids), not by the len(ids) - 1 predictions", _eval().replace("total / count /", "total / len(ids) /")),
        ("last partial chunk dropped", _eval().replace("range(0, len(ids) - 1, seq_len)", "range(0, len(ids) - seq_len, seq_len)")),
        ("mean of chunk means (a short last chunk counts as much as a full one)",
         _eval().replace('F.cross_entropy(logits[0], y, reduction="sum").item()\n        count += len(y)',
                         'F.cross_entropy(logits[0], y).item()\n        count += 1')),
        ("returns a tensor (loss never .item()-ed)", _eval().replace('reduction="sum").item()', 'reduction="sum")')),
        ("problem argument ignored (calls tune_problem)", _eval(rate="sum(tune_problem(t) is None for t in tunes) / len(tunes)")),
        ("multiplies by ln 2 instead of dividing", _eval(log="(1 / math.log(2))")),
    ],
}

CORRECT = {
    "ex1_vocab": [
        ("template", _vocab()),
        ("vocab.index and torch.as_tensor",
         "def build_vocab(text):\n    return sorted(list(set(text)))\n\n\n"
         "def vectorize(text, vocab):\n    return torch.tensor([vocab.index(ch) for ch in text], dtype=torch.long)\n\n\n"
         "def devectorize(ids, vocab):\n    return ''.join(vocab[i] for i in torch.as_tensor(ids, dtype=torch.long).tolist())\n"),
        ("set literal and map",
         "def build_vocab(text):\n    return sorted({*text})\n\n\n"
         "def vectorize(text, vocab):\n    lookup = {ch: i for i, ch in enumerate(vocab)}\n"
         "    return torch.as_tensor(list(map(lookup.__getitem__, text)), dtype=torch.int64)\n\n\n"
         "def devectorize(ids, vocab):\n    return ''.join(map(vocab.__getitem__, [int(i) for i in ids]))\n"),
    ],
    "ex2_batch": [
        ("template", _BATCH.format(starts=_STARTS_OK, target=_TARGET_OK, ret="x, y")),
        ("one randint call per row",
         "def get_batch(ids, seq_len, batch_size, generator=None):\n    xs, ys = [], []\n    for _ in range(batch_size):\n"
         "        s = int(torch.randint(len(ids) - seq_len, (1,), generator=generator))\n"
         "        xs.append(ids[s:s + seq_len])\n        ys.append(ids[s + 1:s + seq_len + 1])\n"
         "    return torch.stack(xs), torch.stack(ys)\n"),
        ("index arithmetic",
         "def get_batch(ids, seq_len, batch_size, generator=None):\n"
         "    starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=generator)\n"
         "    windows = ids[starts[:, None] + torch.arange(seq_len + 1)]\n    return windows[:, :-1], windows[:, 1:]\n"),
    ],
    "ex3_model": [
        ("template", _model()),
        ("positional LSTM arguments, state unpacked",
         _MODEL.format(lstm_args="cfg.num_layers, batch_first=True",
                       forward="        emb = self.embedding(x)\n        out, (h, c) = self.lstm(emb, state)\n"
                               "        logits = self.head(out)\n        return logits, (h, c)")),
        ("time-major LSTM with transposes",
         _MODEL.format(lstm_args="num_layers=cfg.num_layers",
                       forward="        out, state = self.lstm(self.embedding(x).transpose(0, 1), state)\n"
                               "        return self.head(out.transpose(0, 1)), state")),
    ],
    "ex4_loss": [
        ("template", _LOSS.format(body=_LOSS_OK)),
        ("classes on dim 1 (transpose)", _LOSS.format(body="F.cross_entropy(logits.transpose(1, 2), targets)")),
        ("log_softmax and gather in float64, cast back",
         _LOSS.format(body="-F.log_softmax(logits.double(), dim=-1).gather(-1, targets[..., None]).mean().to(logits.dtype)")),
    ],
    "ex5_train_step": [
        ("template", _step()),
        ("set_to_none, keyword max_norm, float()",
         "def train_step(model, optimizer, x, y, loss_fn, max_norm):\n    model.train()\n"
         "    optimizer.zero_grad(set_to_none=True)\n    logits = model(x)[0]\n    loss = loss_fn(logits, y)\n"
         "    loss.backward()\n    torch.nn.utils.clip_grad_norm_(list(model.parameters()), max_norm=max_norm)\n"
         "    optimizer.step()\n    return float(loss)\n"),
        ("model.zero_grad, detach().cpu()",
         "def train_step(model, optimizer, x, y, loss_fn, max_norm):\n    model.train(True)\n    model.zero_grad()\n"
         "    out, _state = model(x)\n    loss = loss_fn(out, y)\n    loss.backward()\n"
         "    nn.utils.clip_grad_norm_(model.parameters(), max_norm)\n    optimizer.step()\n"
         "    return loss.detach().cpu().item()\n"),
    ],
    "ex6_sample": [
        ("template", _sample()),
        ("prompt fed one character at a time, 2-D multinomial",
         "@torch.no_grad()\n"
         "def sample(model, vocab, start='X:1\\nT:', max_len=1000, temperature=1.0, generator=None):\n"
         "    model.eval()\n    index_of = {ch: i for i, ch in enumerate(vocab)}\n    state = None\n"
         "    for ch in start:\n        logits, state = model(torch.tensor([[index_of[ch]]]), state)\n"
         "    out = start\n    for _ in range(max_len):\n"
         "        probs = F.softmax(logits[:, -1, :] / temperature, dim=-1)\n"
         "        nxt = torch.multinomial(probs, num_samples=1, generator=generator)\n"
         "        out += vocab[nxt.item()]\n        if out.endswith('\\n\\n'):\n            break\n"
         "        logits, state = model(nxt, state)\n    return out\n"),
        ("while loop, float64 probabilities",
         "@torch.no_grad()\n"
         "def sample(model, vocab, start='X:1\\nT:', max_len=1000, temperature=1.0, generator=None):\n"
         "    model.eval()\n    lookup = {ch: i for i, ch in enumerate(vocab)}\n"
         "    x = torch.tensor([[lookup[ch] for ch in start]])\n    state, generated = None, []\n"
         "    while len(generated) < max_len:\n        logits, state = model(x, state)\n"
         "        probs = torch.exp(torch.log_softmax(logits[0, -1].double() / temperature, dim=-1))\n"
         "        i = torch.multinomial(probs, 1, generator=generator).item()\n        generated.append(vocab[i])\n"
         "        if (start + ''.join(generated)).endswith('\\n\\n'):\n            break\n        x = torch.tensor([[i]])\n"
         "    return start + ''.join(generated)\n"),
    ],
    "ex7_evaluate": [
        ("template", _eval()),
        ("split into chunks, float()",
         "@torch.no_grad()\n"
         "def bits_per_char(model, ids, seq_len=256):\n    model.eval()\n    inputs, targets = ids[:-1], ids[1:]\n"
         "    total, state = 0.0, None\n"
         "    for x, y in zip(inputs.split(seq_len), targets.split(seq_len)):\n"
         "        logits, state = model(x.unsqueeze(0), state)\n"
         "        total += float(F.cross_entropy(logits.squeeze(0), y, reduction='sum'))\n"
         "    return total / len(targets) / math.log(2)\n\n\n"
         "def valid_tune_rate(tunes, problem=tune_problem):\n"
         "    return len([t for t in tunes if problem(t) is None]) / len(tunes) if tunes else 0.0\n"),
        ("log_softmax and gather, log2 at the end",
         "@torch.no_grad()\n"
         "def bits_per_char(model, ids, seq_len=256):\n    model.eval()\n    nll, state = [], None\n"
         "    for i in range(0, len(ids) - 1, seq_len):\n        j = min(i + seq_len, len(ids) - 1)\n"
         "        logits, state = model(ids[None, i:j], state)\n"
         "        logp = F.log_softmax(logits[0].double(), dim=-1)\n"
         "        nll.append(-logp.gather(1, ids[i + 1:j + 1, None]).squeeze(1))\n"
         "    return (torch.cat(nll).mean() / math.log(2)).item()\n\n\n"
         "def valid_tune_rate(tunes, problem=tune_problem):\n"
         "    return sum(1 for t in tunes if problem(t) is None) / max(len(tunes), 1)\n"),
    ],
}


# Written before the signature-defaults checks ran: a default of the given signature changed
# (later cells and callers leave the argument out).
for _gid, _label, _given, _changed in [
    ('ex6_sample', 'max_len default halved (500)', 'max_len=1000', 'max_len=500'),
    ('ex7_evaluate', 'seq_len default 100 instead of the given 256', 'seq_len=256', 'seq_len=100'),
]:
    _template = CORRECT[_gid][0][1]
    assert _template.count(_given) == 1, f"{_gid}: the template's signature drifted ({_given!r})"
    MUTANTS[_gid].append((_label, _template.replace(_given, _changed)))

# Blind round 11's answers that kept their points until their own checks were added (the sources stay there).
from benchmarks.blind.answers import add_wrong_answers  # noqa: E402

add_wrong_answers(MUTANTS, 11, "01_music_rnn/02_music_generation", {
    "ex4_loss": ["logits cast to float32 first"],
    "ex6_sample": ["the whole text re-fed from a blank state"],
})

# Blind round 12's answers that kept their points until their own checks were added (the sources stay there).
add_wrong_answers(MUTANTS, 12, "01_music_rnn/02_music_generation", {
    "ex1_vocab": ["build_vocab scans only the first 100,000 characters"],
    "ex2_batch": ["windows taken with ids.as_strided"],
    "ex3_model": ["an explicit zero state"],
})

# Blind round 13's answers that kept their points until their own checks were added (the sources stay there).
add_wrong_answers(MUTANTS, 13, "01_music_rnn/02_music_generation", {
    "ex1_vocab": ["build_vocab normalises Windows line endings first"],
    "ex2_batch": ["returns torch.stack((x, y))"],
    "ex6_sample": ["always generates max_len characters and cuts the text",
                   "the blank line looked for before each draw"],
    "ex7_evaluate": ["valid_tune_rate consumes the caller's list with tunes.pop()"],
})

# Blind round 14's answers that kept their points until their own checks were added (the sources stay there).
add_wrong_answers(MUTANTS, 14, "01_music_rnn/02_music_generation", {
    "ex1_vocab": ["devectorize cuts the string after its first blank line"],
    "ex2_batch": ["returns [x, y], a list", "windows rebuilt from Python lists"],
    "ex3_model": ["the state returned as a list [h, c]", "torch.manual_seed(0) inside __init__"],
    "ex5_train_step": ["torch.autograd.set_detect_anomaly(True) at every step"],
    "ex7_evaluate": ["bits_per_char calls model.requires_grad_(False)"],
})
add_wrong_answers(MUTANTS, 15, "01_music_rnn/02_music_generation", {
    "ex5_train_step": ["gradients 'zeroed' as p.grad = zeros_like(p)", "optimizer.zero_grad() after the step too",
                       "torch.use_deterministic_algorithms(True) at every step"],
    "ex6_sample": ["model.eval().float()", "only the prompt's last Config.seq_len characters fed"],
})

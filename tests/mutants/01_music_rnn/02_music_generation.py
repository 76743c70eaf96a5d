"""Wrong answers for lab 01 part 2 (music generation with an LSTM)."""

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
    model.train()
{body}
    return loss.item()
'''
_STEP_OK = '''    optimizer.zero_grad()
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

MUTANTS = {
    "ex1_vocab": [
        ("vocabulary in order of first appearance", "def build_vocab(text):\n    return list(dict.fromkeys(text))\n"
         + _VECTORIZE_OK + _DEVECTORIZE_OK),
        ("indices start at 1 (0 kept for padding)", _BUILD_OK + _VECTORIZE_OK.replace("enumerate(vocab)", "enumerate(vocab, start=1)")
         + _DEVECTORIZE_OK),
        ("devectorize joins with spaces", _BUILD_OK + _VECTORIZE_OK + _DEVECTORIZE_OK.replace('"".join', '" ".join')),
        ("vectorize returns a float tensor", _BUILD_OK + _VECTORIZE_OK.replace("torch.long", "torch.float32") + _DEVECTORIZE_OK),
    ],
    "ex2_batch": [
        ("target not shifted", _BATCH.format(starts=_STARTS_OK, target="ids[s:s + seq_len]", ret="x, y")),
        ("generator ignored", _BATCH.format(starts="torch.randint(0, len(ids) - seq_len, (batch_size,))", target=_TARGET_OK, ret="x, y")),
        ("returns (time, batch)", _BATCH.format(starts=_STARTS_OK, target=_TARGET_OK, ret="x.T, y.T")),
        ("last window never drawn (off by one)", _BATCH.format(starts=_STARTS_OK.replace("len(ids) - seq_len", "len(ids) - seq_len - 1"),
                                                             target=_TARGET_OK, ret="x, y")),
    ],
    "ex3_model": [
        ("LSTM without batch_first", _MODEL.format(lstm_args="num_layers=cfg.num_layers", forward=_FORWARD_OK)),
        ("state argument ignored", _MODEL.format(lstm_args=_LSTM_OK, forward=_FORWARD_OK.replace("(self.embedding(x), state)", "(self.embedding(x))"))),
        ("softmax at the end of forward", _MODEL.format(lstm_args=_LSTM_OK, forward=_FORWARD_OK.replace("self.head(out)", "torch.softmax(self.head(out), dim=-1)"))),
        ("num_layers ignored", _MODEL.format(lstm_args="batch_first=True", forward=_FORWARD_OK)),
    ],
    "ex4_loss": [
        ("softmax applied before cross-entropy", _LOSS.format(body="F.cross_entropy(torch.softmax(logits, -1).reshape(-1, logits.shape[-1]), targets.reshape(-1))")),
        ("logits flattened time-major, targets batch-major", _LOSS.format(body="F.cross_entropy(logits.transpose(0, 1).reshape(-1, logits.shape[-1]), targets.reshape(-1))")),
        ("sum instead of mean", _LOSS.format(body="F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction='sum')")),
        ("nll_loss on raw logits", _LOSS.format(body="F.nll_loss(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))")),
    ],
    "ex5_train_step": [
        ("no zero_grad: gradients accumulate", _STEP.format(body=_STEP_OK.replace("    optimizer.zero_grad()\n", ""))),
        ("no gradient clipping", _STEP.format(body=_STEP_OK.replace("    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)\n", ""))),
        ("clipping after the step", _STEP.format(body=_STEP_OK.replace(
            "    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)\n    optimizer.step()",
            "    optimizer.step()\n    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)"))),
        ("clips each value instead of the norm", _STEP.format(body=_STEP_OK.replace("clip_grad_norm_", "clip_grad_value_"))),
    ],
    "ex6_sample": [
        ("temperature multiplies the logits", _SAMPLE.format(**{**_S, "scaled": "logits[0, -1] * temperature"})),
        ("state reset at every step", _SAMPLE.format(**{**_S, "old_state": "None"})),
        ("never stops at the end of a tune", _SAMPLE.format(**{**_S, "stop": "        pass"})),
        ("greedy: always the most likely character", _SAMPLE.format(**{**_S, "draw": "int(probs.argmax())"})),
    ],
    "ex7_evaluate": [
        ("natural log (nats, not bits); rate counts tunes", _EVAL.format(**{**_E, "log": "1.0", "rate": "sum(problem(t) is None for t in tunes)"})),
        ("state not carried between chunks", _EVAL.format(**{**_E, "new_state": "_"})),
        ("model left in training mode (dropout on)", _EVAL.format(**{**_E, "mode": "pass"})),
        ("rate counts the invalid tunes", _EVAL.format(**{**_E, "rate": "sum(problem(t) is not None for t in tunes) / len(tunes)"})),
    ],
}

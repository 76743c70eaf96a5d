"""Visible checks for lab 01 part 2 (music generation with an LSTM).

Hand-worked cases and invariants only: tiny models whose next character is known, windows of
`torch.arange` whose shift can be read off, losses whose value is a logarithm you can compute.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ..checks import Checks, assert_close, assert_shape


def check_vocab(build_vocab, vectorize, devectorize) -> None:
    with Checks("vocabulary, vectorize and devectorize") as c:
        with c.case("build_vocab('abca') == ['a', 'b', 'c']", hint="the distinct characters, each once"):
            vocab = build_vocab("abca")
            assert list(vocab) == ["a", "b", "c"], f"got {vocab!r}"
        with c.case("the vocabulary is sorted: build_vocab('cb a') == [' ', 'a', 'b', 'c']",
                    hint="sorted(set(text)) gives the same order on every run and every machine"):
            vocab = build_vocab("cb a")
            assert list(vocab) == [" ", "a", "b", "c"], f"got {vocab!r}"
        with c.case("build_vocab returns a list", hint="a list of characters, as the signature says"):
            vocab = build_vocab("abca")
            assert isinstance(vocab, list), f"got {type(vocab).__name__}"
        vocab = ["\n", "A", "B", "|"]
        with c.case("vectorize('AB|\\n', vocab) == tensor([1, 2, 3, 0]), dtype int64",
                    hint="index i stands for vocab[i]; nn.Embedding needs torch.long indices"):
            ids = vectorize("AB|\n", vocab)
            assert isinstance(ids, torch.Tensor), f"got {type(ids).__name__}"
            assert ids.dtype == torch.long, f"dtype is {ids.dtype}"
            assert ids.tolist() == [1, 2, 3, 0], f"got {ids.tolist()}"
        with c.case("whitespace at both ends counts: vectorize('\\nAB\\n', vocab) == tensor([0, 1, 2, 0])",
                    hint="one index per character of the text: nothing is stripped"):
            ids = vectorize("\nAB\n", vocab)
            assert ids.tolist() == [0, 1, 2, 0], f"got {ids.tolist()}"
        with c.case("devectorize(tensor([2, 1, 0]), vocab) == 'BA\\n'", hint="join the characters with ''"):
            text = devectorize(torch.tensor([2, 1, 0]), vocab)
            assert text == "BA\n", f"got {text!r}"
        with c.case("devectorize(vectorize(text)) gives the text back",
                    hint="the two functions must use the same index for every character"):
            text = "X:1\nK:G\nGABc|"
            vocab = build_vocab(text)
            assert devectorize(vectorize(text, vocab), vocab) == text
        with c.case("vectorize uses the vocabulary in the order given: vectorize('ab', ['b', 'a']) == [1, 0]",
                    hint="index i stands for vocab[i] of the list you are given, sorted or not"):
            ids = vectorize("ab", ["b", "a"])
            assert ids.tolist() == [1, 0], f"got {ids.tolist()}"


def check_get_batch(get_batch) -> None:
    with Checks("get_batch") as c:
        ids = torch.arange(100)
        with c.case("x and y have shape (batch_size, seq_len) = (8, 10)",
                    hint="stack batch_size windows: torch.stack([...]) gives (B, T)"):
            x, y = get_batch(ids, 10, 8, torch.Generator().manual_seed(0))
            assert_shape(x, (8, 10), "x")
            assert_shape(y, (8, 10), "y")
        with c.case("each row of x is a window of consecutive characters",
                    hint="x[b] = ids[s : s + seq_len] for a random start s"):
            x, _ = get_batch(ids, 10, 8, torch.Generator().manual_seed(0))
            assert bool((x[:, 1:] - x[:, :-1] == 1).all()), "with ids = arange(100), rows should count up by 1"
        with c.case("the target is the input shifted by one: y[b, t] is the character after x[b, t]",
                    hint="y[b] = ids[s + 1 : s + seq_len + 1]"):
            x, y = get_batch(ids, 10, 8, torch.Generator().manual_seed(0))
            assert bool((y == x + 1).all()), "with ids = arange(100), y should equal x + 1"
        with c.case("the same generator seed gives the same batch",
                    hint="draw the starts with torch.randint(..., generator=generator)"):
            a, _ = get_batch(ids, 10, 8, torch.Generator().manual_seed(3))
            b, _ = get_batch(ids, 10, 8, torch.Generator().manual_seed(3))
            assert torch.equal(a, b), "two batches from equally seeded generators differ"
        with c.case("two calls with one generator give two different batches",
                    hint="draw from the caller's generator; never reseed or reset it (the training loop "
                         "passes the same one at every step)"):
            gen = torch.Generator().manual_seed(5)
            a, _ = get_batch(ids, 10, 8, gen)
            b, _ = get_batch(ids, 10, 8, gen)
            assert not torch.equal(a, b), "the second call returned the first call's batch"
        with c.case("without a generator, two calls give two different batches (torch's global generator)",
                    hint="generator=None means torch's global generator: pass it on as it is"):
            torch.manual_seed(0)
            a, _ = get_batch(ids, 10, 8)
            b, _ = get_batch(ids, 10, 8)
            assert not torch.equal(a, b), "the second call returned the first call's batch"
        with c.case("the rows come in the order their starts were drawn, not sorted by position",
                    hint="row b takes the b-th start drawn: do not sort the starts"):
            x, _ = get_batch(torch.arange(1000), 10, 32, torch.Generator().manual_seed(0))
            first_ids = [int(row[0]) for row in x]
            assert first_ids != sorted(first_ids), "32 random rows in increasing order of position"
        with c.case("every window can be drawn, the last one included (12 ids, seq_len 10: starts 0 and 1)",
                    hint="a start s needs s + seq_len + 1 <= len(ids): randint's upper bound is exclusive"):
            x, y = get_batch(torch.arange(12), 10, 200, torch.Generator().manual_seed(0))
            starts = set(x[:, 0].tolist())
            assert starts == {0, 1}, f"starts drawn: {sorted(starts)}"
        with c.case("a batch of one keeps its batch dimension: (1, seq_len)",
                    hint="torch.stack of one window gives (1, T); do not squeeze"):
            x, y = get_batch(ids, 10, 1, torch.Generator().manual_seed(0))
            assert_shape(x, (1, 10), "x")
            assert_shape(y, (1, 10), "y")


def check_model(MusicLSTM, Config) -> None:
    with Checks("MusicLSTM") as c:
        cfg = Config(vocab_size=7, embedding_dim=5, hidden_size=6, num_layers=2)
        torch.manual_seed(0)
        with c.case("layers named embedding (Embedding), lstm (LSTM), head (Linear)",
                    hint="self.embedding = nn.Embedding(...); self.lstm = nn.LSTM(...); self.head = nn.Linear(...)"):
            model = MusicLSTM(cfg)
            kinds = {name: type(m).__name__ for name, m in model.named_children()}
            assert kinds == {"embedding": "Embedding", "lstm": "LSTM", "head": "Linear"}, f"got {kinds}"
            assert model.lstm.num_layers == 2 and model.lstm.hidden_size == 6, "sizes must come from the config"
        x = torch.randint(0, 7, (3, 4))
        with c.case("forward(x) returns logits (batch, time, vocab) = (3, 4, 7) and the state (h, c)",
                    hint="return self.head(lstm_output), state; h and c are (num_layers, batch, hidden)"):
            logits, (h, c_) = MusicLSTM(cfg)(x)
            assert_shape(logits, (3, 4, 7), "logits")
            assert_shape(h, (2, 3, 6), "h")
            assert_shape(c_, (2, 3, 6), "c")
        with c.case("sequences in a batch do not mix (rows are examples: batch_first=True)",
                    hint="nn.LSTM expects (time, batch, features) unless you pass batch_first=True"):
            model = MusicLSTM(cfg)
            x2 = x.clone()
            x2[0] = (x2[0] + 1) % 7
            assert_close(model(x2)[0][1:], model(x)[0][1:], "logits of rows 1 and 2")
        with c.case("the state carries the past: forward on x equals forward on halves with the state passed",
                    hint="pass `state` to self.lstm and return the new one"):
            model = MusicLSTM(cfg)
            whole, _ = model(x)
            first, state = model(x[:, :2])
            second, _ = model(x[:, 2:], state)
            assert_close(torch.cat([first, second], 1), whole, "logits")
        with c.case("the returned state keeps its gradient: backward through two chunks reaches the first",
                    hint="return the state as the LSTM gives it; detaching it is the training loop's choice, "
                         "not the model's"):
            model = MusicLSTM(cfg)
            _, (h, c_) = model(x[:, :2])
            assert h.requires_grad and c_.requires_grad, "the state returned by forward has no gradient"
        with c.case("logits are unnormalised scores (the loss applies softmax itself)",
                    hint="no softmax at the end of forward"):
            logits, _ = MusicLSTM(cfg)(x)
            assert not torch.allclose(logits.sum(-1), torch.ones(3, 4), atol=1e-3), "every row sums to 1"


def check_loss(sequence_loss) -> None:
    with Checks("sequence_loss") as c:
        with c.case("all-zero logits over 5 characters give ln 5 = 1.609, as a 0-d tensor",
                    hint="the mean over all B*T positions (F.cross_entropy's default reduction), returned as "
                         "the tensor itself (backward() needs it, so no .item())"):
            loss = sequence_loss(torch.zeros(2, 3, 5), torch.zeros(2, 3, dtype=torch.long))
            assert isinstance(loss, torch.Tensor), f"got {type(loss).__name__}"
            assert_shape(loss, (), "loss")
            assert_close(loss, torch.tensor(math.log(5)), "loss")
        # position (b, t) gives its target probability p[b, t]; the loss is mean(-ln p)
        p = torch.tensor([[0.9, 0.5, 0.2], [0.6, 0.3, 0.8]])
        targets = torch.tensor([[0, 1, 0], [1, 0, 1]])
        other = 1 - p
        logits = torch.where(targets[..., None] == torch.tensor([0, 1]),
                             p[..., None].log(), other[..., None].log())
        with c.case("hand-worked (2, 3) batch: loss = mean over all 6 positions of -ln p(target)",
                    hint="flatten to (B*T, V) and (B*T,) with reshape, keeping each position's logits "
                         "with its own target"):
            assert_close(sequence_loss(logits, targets), -p.log().mean(), "loss")
        with c.case("softmax is not applied twice (confident right answers give a loss near 0)",
                    hint="F.cross_entropy takes raw logits"):
            sure = torch.nn.functional.one_hot(targets, 2).float() * 30
            assert float(sequence_loss(sure, targets)) < 1e-3, "loss far from 0"
        with c.case("a confident mistake costs its full -ln p: logits 30 on the wrong character give a loss of 30",
                    hint="-ln softmax(z)[target] exactly: a constant added inside the log caps the loss"):
            wrong = torch.nn.functional.one_hot(1 - targets, 2).float() * 30
            assert_close(sequence_loss(wrong, targets), torch.tensor(30.0), "loss", atol=1e-3)
        with c.case("the loss can be backpropagated: for zero logits over 5 characters, d loss / d logit = "
                    "(1/5 - [target]) / 6",
                    hint="return the loss tensor itself, attached to the graph (no .item(), no .detach())"):
            zeros = torch.zeros(2, 3, 5, requires_grad=True)
            t = torch.tensor([[0, 1, 2], [3, 4, 0]])
            sequence_loss(zeros, t).backward()
            expected = (torch.full((2, 3, 5), 0.2) - torch.nn.functional.one_hot(t, 5).float()) / 6
            assert_close(zeros.grad, expected, "gradient of the logits")
        with c.case("logits and targets that are not contiguous (slices of longer ones) work too",
                    hint="slices and transposes cannot be .view()-ed: their elements are not laid out in order"):
            longer = torch.cat([torch.zeros(2, 1, 2), logits], dim=1)  # one extra position in front
            targets_longer = torch.cat([targets, torch.zeros(2, 1, dtype=torch.long)], dim=1)
            assert_close(sequence_loss(longer[:, 1:], targets_longer[:, :-1]), -p.log().mean(), "loss")


class _TinyModel(nn.Module):
    """Embedding -> Linear, with the (logits, state) interface of MusicLSTM."""

    def __init__(self, vocab_size: int = 5):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, 4)
        self.head = nn.Linear(4, vocab_size)

    def forward(self, x, state=None):
        return self.head(self.embedding(x)), state


def _ce(logits, targets):
    return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def check_train_step(train_step) -> None:
    with Checks("train_step") as c:
        torch.manual_seed(0)
        x, y = torch.randint(0, 5, (4, 6)), torch.randint(0, 5, (4, 6))
        with c.case("returns the loss as a Python float, and the loss goes down on a fixed batch",
                    hint="zero_grad, forward, loss, backward, clip, step; return loss.item()"):
            model = _TinyModel()
            opt = torch.optim.SGD(model.parameters(), lr=0.5)
            losses = [train_step(model, opt, x, y, _ce, 10.0) for _ in range(20)]
            assert isinstance(losses[0], float), f"got {type(losses[0]).__name__}"
            assert losses[-1] < losses[0], f"first {losses[0]:.3f}, last {losses[-1]:.3f}"
        with c.case("gradients are cleared every step (no accumulation)",
                    hint="call optimizer.zero_grad() before loss.backward()"):
            model = _TinyModel()
            opt = torch.optim.SGD(model.parameters(), lr=0.0)  # lr 0: the weights stay put
            train_step(model, opt, x, y, _ce, 1e6)
            first = model.head.weight.grad.clone()
            train_step(model, opt, x, y, _ce, 1e6)
            assert_close(model.head.weight.grad, first, "gradient after the second step")
        with c.case("gradient clipping: with SGD the update is at most lr * max_norm",
                    hint="torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm) between "
                         "backward() and step()"):
            model = _TinyModel()
            before = torch.cat([p.detach().flatten().clone() for p in model.parameters()])
            opt = torch.optim.SGD(model.parameters(), lr=1.0)
            train_step(model, opt, x, y, _ce, 0.01)
            after = torch.cat([p.detach().flatten() for p in model.parameters()])
            moved = float((after - before).norm())
            assert 0 < moved <= 0.01 + 1e-5, f"the weights moved by {moved:.4f}"
        with c.case("puts the model in training mode, calls it once and uses the loss_fn it is given",
                    hint="model.train() first (validation leaves the model in eval mode); one forward "
                         "pass; loss = loss_fn(logits, y) with the loss_fn argument"):
            model = _TinyModel().eval()
            calls = []
            model.register_forward_hook(lambda *_: calls.append(1))
            used = []
            train_step(model, torch.optim.SGD(model.parameters(), lr=0.1), x, y,
                       lambda logits, targets: used.append(1) or 2 * _ce(logits, targets), 10.0)
            assert model.training, "the model is still in eval mode"
            assert len(calls) == 1, f"the model was called {len(calls)} times"
            assert used, "loss_fn was never called"
        with c.case("the forward pass itself runs in training mode",
                    hint="switch to training mode before calling the model: dropout must be on in the step"):
            model = _TinyModel().eval()
            modes = []
            model.register_forward_pre_hook(lambda module, args: modes.append(module.training))
            train_step(model, torch.optim.SGD(model.parameters(), lr=0.1), x, y, _ce, 10.0)
            assert modes and all(modes), "the model was called in eval mode"


class _ScriptModel(nn.Module):
    """Emits `script` one character at a time; its state counts the characters read so far."""

    def __init__(self, vocab, script: str):
        super().__init__()
        self.vocab, self.script = list(vocab), script
        self.dummy = nn.Parameter(torch.zeros(1))  # so next(model.parameters()) gives a device
        self.calls: list[tuple[bool, bool]] = []   # (grad enabled, training) at each call

    def forward(self, x, state=None):
        self.calls.append((torch.is_grad_enabled(), self.training))
        seen = 0 if state is None else int(state)
        logits = torch.full((*x.shape, len(self.vocab)), -30.0)
        for t in range(x.shape[1]):
            n = seen + t + 1
            nxt = self.script[n] if n < len(self.script) else self.vocab[0]
            logits[:, t, self.vocab.index(nxt)] = 30.0
        return logits, torch.tensor(seen + x.shape[1])


class _FixedModel(nn.Module):
    """The same next-character logits whatever came before."""

    def __init__(self, logits):
        super().__init__()
        self.logits = torch.as_tensor(logits, dtype=torch.float32)
        self.dummy = nn.Parameter(torch.zeros(1))

    def forward(self, x, state=None):
        return self.logits.expand(*x.shape, -1).clone(), state


def check_sampling(sample) -> None:
    with Checks("sample") as c:
        vocab = ["\n", "1", ":", "A", "B", "K", "X", "|", "z"]
        script = "X:1\nK:A\nAB|BA|\n\nzzzz"
        with c.case("a model that spells out a tune is followed, and sampling stops at the blank line",
                    hint="carry the LSTM state from step to step; stop once the text ends with '\\n\\n'"):
            model = _ScriptModel(vocab, script)
            out = sample(model, vocab, start="X:", max_len=100, temperature=1.0)
            assert out == script[:script.index("\n\n") + 2], f"got {out!r}"
        with c.case("a prompt ending in a newline, then a generated newline: the text ends with a blank line, stop",
                    hint="look for the blank line in the whole text, the prompt included"):
            out = sample(_ScriptModel(vocab, script), vocab, start="X:1\nK:A\nAB|BA|\n", max_len=100)
            assert out == "X:1\nK:A\nAB|BA|\n\n", f"got {out!r}"
        with c.case("at most max_len characters are added to the start",
                    hint="loop for at most max_len steps"):
            out = sample(_FixedModel([0.0] * 9), vocab[1:] + ["Y"], start="X", max_len=25)
            assert len(out) == 26 and out.startswith("X"), f"got {len(out)} characters"
        with c.case("runs without autograd and in eval mode", hint="@torch.no_grad() and model.eval()"):
            model = _ScriptModel(vocab, script)
            sample(model, vocab, start="X:", max_len=10)
            assert not any(g for g, _ in model.calls), "autograd was on while sampling"
            assert not any(t for _, t in model.calls), "the model was in training mode while sampling"
        with c.case("the same generator seed gives the same tune, another seed another one",
                    hint="pass generator=generator to torch.multinomial"):
            def run(seed):
                return sample(_FixedModel([0.0] * 4), ["a", "b", "c", "d"], start="a", max_len=40,
                              generator=torch.Generator().manual_seed(seed))
            assert run(3) == run(3), "two tunes from equally seeded generators differ"
            assert run(3) != run(4), "two different seeds give the same tune"
        with c.case("a small temperature does not overflow: logits [0, 10] at temperature 0.01 always give 'b'",
                    hint="10 / 0.01 = 1000 and exp(1000) is inf in float32: compute the probabilities stably"):
            out = sample(_FixedModel([0.0, 10.0]), ["a", "b"], start="a", max_len=20, temperature=0.01,
                         generator=torch.Generator().manual_seed(0))
            assert out == "a" + "b" * 20, f"got {out!r}"
        with c.case("without a temperature, the default 1.0: 'b' comes 82% of the time for logits [0, 1.5]",
                    hint="keep the default of the signature you were given: temperature=1.0"):
            out = sample(_FixedModel([0.0, 1.5]), ["a", "b"], start="a", max_len=6000,
                         generator=torch.Generator().manual_seed(0))
            share = out[1:].count("b") / max(1, len(out) - 1)
            expected = 1 / (1 + math.exp(-1.5))
            assert abs(share - expected) < 0.025, f"'b' came {share:.1%} of the time"
        logits = [0.0, math.log(3.0)]  # probabilities 1/4 and 3/4
        for temperature, expected in ((1.0, 0.75), (0.5, 0.9), (2.0, 3 ** 0.5 / (1 + 3 ** 0.5))):
            with c.case(f"temperature {temperature}: 'b' comes {expected:.0%} of the time for logits [0, ln 3]",
                        hint="probabilities = softmax(logits / temperature); then torch.multinomial"):
                out = sample(_FixedModel(logits), ["a", "b"], start="a", max_len=2000,
                             temperature=temperature, generator=torch.Generator().manual_seed(0))
                share = out[1:].count("b") / max(1, len(out) - 1)
                assert abs(share - expected) < 0.05, f"'b' came {share:.1%} of the time"


def check_evaluation(bits_per_char, valid_tune_rate) -> None:
    with Checks("bits per character and valid-tune rate") as c:
        with c.case("a model that knows nothing (uniform over 8 characters) scores log2 8 = 3 bits",
                    hint="mean cross-entropy in nats divided by ln 2"):
            bpc = bits_per_char(_FixedModel([0.0] * 8), torch.randint(0, 8, (50,)), seq_len=16)
            assert_close(torch.tensor(float(bpc)), torch.tensor(3.0), "bits per character")
        script = "X:1\nK:A\nAB|BA|AB|BA|AB|BA|\n\n"
        vocab = sorted(set(script)) + ["z"]
        with c.case("a model that knows the text, given its state, scores about 0 bits",
                    hint="score chunks of seq_len in order and pass the state from one chunk to the next"):
            ids = torch.tensor([vocab.index(ch) for ch in script])
            bpc = bits_per_char(_ScriptModel(vocab, script), ids, seq_len=5)
            assert float(bpc) < 0.01, f"got {float(bpc):.3f} bits"
        with c.case("a confident mistake costs its full price: logits [0, 200] and every next character 'a' "
                    "give 200 / ln 2 = 288.5 bits",
                    hint="log-probabilities in one stable step (log_softmax, cross_entropy): a probability "
                         "that underflows to 0 has log -inf"):
            bpc = bits_per_char(_FixedModel([0.0, 200.0]), torch.zeros(20, dtype=torch.long), seq_len=8)
            assert_close(torch.tensor(float(bpc)), torch.tensor(200 / math.log(2)), "bits per character")
        with c.case("bits_per_char calls the model in eval mode and leaves the caller's parameters trainable",
                    hint="model.eval() first; do not freeze the caller's parameters (no requires_grad_(False)): "
                         "a function changes nothing else the caller gives it"):
            scorer = _ScriptModel(vocab, script).train()
            bits_per_char(scorer, torch.tensor([vocab.index(ch) for ch in script]), seq_len=5)
            assert scorer.calls and not any(training for _, training in scorer.calls), "called in training mode"
            assert all(p.requires_grad for p in scorer.parameters()), "a parameter no longer requires grad"
        with c.case("valid_tune_rate: 2 of 3 tunes valid gives 2/3; an empty list gives 0",
                    hint="share of tunes for which problem(tune) is None"):
            rate = valid_tune_rate(["ok", "bad", "ok"], problem=lambda t: None if t == "ok" else "broken")
            assert abs(rate - 2 / 3) < 1e-9, f"got {rate}"
            assert valid_tune_rate([], problem=lambda t: None) == 0.0


def check_generation(bpc: float, vocab_size: int, generated: list[str]) -> None:
    with Checks("the trained model") as c:
        with c.case(f"validation bits per character below the {math.log2(vocab_size):.2f} of a uniform guess",
                    hint="train longer or check train_step"):
            assert bpc < math.log2(vocab_size), f"got {bpc:.2f}"
        with c.case("the generated tunes start with a header", hint="sample starts from 'X:1\\nT:'"):
            assert generated and all(t.startswith("X:") for t in generated)

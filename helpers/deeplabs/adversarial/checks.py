"""Visible checks for lab 05 (adversarial examples).

Hand-worked cases on a linear classifier whose logits are its inputs (z = x, three classes):
there the cross-entropy gradient is p - onehot(y), so its sign is known without a computer:
-1 at the label, +1 elsewhere. Plus invariants (the ε-ball, the [0, 1] pixel range) and, where
a model was trained, comparisons between models. Never a reference implementation.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ..checks import Checks, assert_close, assert_shape


def identity_classifier(n: int = 3) -> nn.Module:
    """logits = x for x of shape (B, n): the gradient of the loss has a hand-workable sign."""
    layer = nn.Linear(n, n)
    with torch.no_grad():
        layer.weight.copy_(torch.eye(n))
        layer.bias.zero_()
    return layer


def _point(*values: float) -> torch.Tensor:
    return torch.tensor([list(values)])


def _ball_and_range(c: Checks, attack, x: torch.Tensor, eps: float, what: str) -> None:
    with c.case(f"{what}: stays within ε of x and inside the pixel range [0, 1]",
                hint="project: clamp to [x - eps, x + eps], then clamp to [0, 1]"):
        x_adv = attack(x)
        assert_shape(x_adv, tuple(x.shape), "x_adv")
        gap = (x_adv - x).abs().max().item()
        assert gap <= eps + 1e-6, f"max |x_adv - x| = {gap:.4f} > eps = {eps}"
        assert x_adv.min().item() >= 0 and x_adv.max().item() <= 1, (
            f"pixels range over [{x_adv.min().item():.3f}, {x_adv.max().item():.3f}]")


def _model_handed_back(c: Checks, attack, what: str) -> None:
    """The labs' rule: an attack hands the caller's model back in its mode, with the .grad it held
    (a backward() may add to it, a zero_grad() may not clear it) and its parameters trainable."""
    with c.case(f"{what} hands the model back as it came: its train/eval mode, the .grad it held, requires_grad",
                hint="no model.eval() / model.train(), zero_grad() or requires_grad_() inside: take the gradient "
                     "w.r.t. the image with torch.autograd.grad(loss, x_adv)"):
        for training in (True, False):
            model = identity_classifier().train(training)
            for weight in model.parameters():  # gradients the caller accumulated, large on purpose
                weight.grad = torch.full_like(weight, 1000.0)
            attack(model, torch.full((2, 3), 0.5), torch.tensor([0, 1]))
            mode = "training" if training else "eval"
            assert model.training == training, f"a model given in {mode} mode came back in the other mode"
            assert all(p.requires_grad for p in model.parameters()), "the model's parameters came back frozen"
            assert all(p.grad is not None and (p.grad - 1000.0).abs().max().item() < 100.0
                       for p in model.parameters()), "the .grad the caller's parameters held was cleared or replaced"


def _forward_passes(c: Checks, attack, what: str, steps: int) -> None:
    """One forward pass per step and no other: a model in training mode draws a dropout mask (and updates
    its batch-norm statistics) at every pass, so an extra one changes the attack."""
    with c.case(f"{what} makes one forward pass per step ({steps} steps: {steps} passes)",
                hint="no extra model(x) for clean predictions or progress: each step's pass gives the gradient"):
        model, passes = identity_classifier(), []
        model.register_forward_hook(lambda module, args, out: passes.append(1))
        attack(model, torch.full((2, 3), 0.5), torch.tensor([0, 1]))
        assert len(passes) == steps, f"{len(passes)} forward passes for {steps} steps"


def check_fgsm(fgsm) -> None:
    with Checks("FGSM") as c:
        model, y = identity_classifier(), torch.tensor([0])
        with c.case("x = [.5, .5, .5], label 0, ε = 0.1 gives [.4, .6, .6]",
                    hint="step *up* the loss: x + eps * sign(gradient of the loss w.r.t. x)"):
            assert_close(fgsm(model, _point(0.5, 0.5, 0.5), y, 0.1), _point(0.4, 0.6, 0.6), "x_adv")
        with c.case("every pixel moves by exactly ε (the sign, not the raw gradient)",
                    hint="use grad.sign(): FGSM spends the whole budget on every pixel"):
            x_adv = fgsm(model, _point(0.3, 0.5, 0.7), torch.tensor([2]), 0.05)
            assert_close((x_adv - _point(0.3, 0.5, 0.7)).abs(), torch.full((1, 3), 0.05), "|x_adv - x|")
        with c.case("a pixel the loss does not depend on stays put: [.5, .5, .5, .5] -> [.4, .6, .6, .5]",
                    hint="sign(0) = 0: a pixel whose gradient is exactly 0 does not move"):
            ignores_last = nn.Linear(4, 3)  # logits = the first three pixels; the fourth is ignored
            with torch.no_grad():
                ignores_last.weight.copy_(torch.cat([torch.eye(3), torch.zeros(3, 1)], dim=1))
                ignores_last.bias.zero_()
            assert_close(fgsm(ignores_last, _point(0.5, 0.5, 0.5, 0.5), y, 0.1), _point(0.4, 0.6, 0.6, 0.5), "x_adv")
        with c.case("a model sure of the label (logits [x0 - x1 + 15, x1 - x0 - 15]): [.5, .5] -> [.4, .6]",
                    hint="the gradient here is tiny (about 1e-13) but not 0: its sign still moves every pixel by eps"):
            sure = nn.Linear(2, 2)
            with torch.no_grad():
                sure.weight.copy_(torch.tensor([[1.0, -1.0], [-1.0, 1.0]]))
                sure.bias.copy_(torch.tensor([15.0, -15.0]))
            assert_close(fgsm(sure, _point(0.5, 0.5), y, 0.1), _point(0.4, 0.6), "x_adv")
        with c.case("a model sure of another class (logits x + [0, 0, 200]), label 0: [.5, .5, .5] -> [.4, .5, .6]",
                    hint="the label's probability is 0 here: the cross-entropy of the logits (F.cross_entropy) "
                         "still has a gradient; a loss built on the softmax probabilities has none"):
            wrong_and_sure = identity_classifier()
            with torch.no_grad():
                wrong_and_sure.bias.copy_(torch.tensor([0.0, 0.0, 200.0]))
            assert_close(fgsm(wrong_and_sure, _point(0.5, 0.5, 0.5), y, 0.1), _point(0.4, 0.5, 0.6), "x_adv")
        with c.case("ε = 0 gives x's values in a tensor of its own, not x itself",
                    hint="eps = 0 is an attack like any other: the same detached copy and a step of size 0"):
            x0 = _point(0.2, 0.5, 0.7)
            same = fgsm(model, x0, y, 0.0)
            assert same is not x0 and same.data_ptr() != x0.data_ptr(), "the caller's own x came back"
            assert_close(same, x0, "x_adv")
        with c.case("pixels stay in [0, 1]: x = [.05, .98, .5] -> [0, 1, .6]",
                    hint="clamp the result to [0, 1]: it must still be an image"):
            assert_close(fgsm(model, _point(0.05, 0.98, 0.5), y, 0.1), _point(0.0, 1.0, 0.6), "x_adv")
        x = torch.rand(4, 3, generator=torch.Generator().manual_seed(0))
        with c.case("returns a new, ordinary tensor without gradient history, also for an x that requires grad; "
                    "x is left alone",
                    hint="work on x.detach().clone().requires_grad_(True), build the result from that copy and "
                         "return .detach() (not an inference-mode tensor: a training step must be able to use it)"):
            before = x.clone()
            x_adv = fgsm(model, x, torch.tensor([0, 1, 2, 0]), 0.1)
            assert not x_adv.requires_grad, "x_adv requires grad: .detach() it"
            assert not x_adv.is_inference(), "x_adv is an inference-mode tensor: autograd cannot use it"
            assert torch.equal(x, before) and x.grad is None and not x.requires_grad, "the caller's x was changed"
            tracked = x.clone().requires_grad_(True)
            from_tracked = fgsm(model, tracked, torch.tensor([0, 1, 2, 0]), 0.1)
            assert from_tracked.grad_fn is None and not from_tracked.requires_grad, (
                "for an x that requires grad, x_adv comes back attached to it")
        with c.case("the model is left as it was given: still in eval mode, batch-norm statistics unchanged",
                    hint="the model stays fixed: no model.train() inside fgsm (a forward pass in train mode "
                         "updates batch-norm statistics)"):
            normed = nn.Sequential(nn.BatchNorm1d(3), identity_classifier()).eval()
            fgsm(normed, x, torch.tensor([0, 1, 2, 0]), 0.1)
            assert not normed.training and not normed[0].training, "fgsm left the model in training mode"
            assert torch.equal(normed[0].running_mean, torch.zeros(3)) and torch.equal(
                normed[0].running_var, torch.ones(3)), "the batch-norm running statistics changed"


def check_accuracy_under_attack(accuracy_under_attack) -> None:
    with Checks("accuracy under attack") as c:
        model = identity_classifier()
        x = torch.eye(3).repeat(2, 1)[:5]            # predictions 0, 1, 2, 0, 1
        y = torch.tensor([0, 1, 2, 2, 2])            # the first three are right
        with c.case("no attack: 3 of 5 right -> 0.6", hint="count argmax(logits) == y, divide by len(y)"):
            assert_close(accuracy_under_attack(model, x, y), 0.6, "accuracy")
        with c.case("batches of unequal size count every example once (batch_size=2 -> still 0.6)",
                    hint="sum the correct predictions over batches, divide by the number of examples"):
            assert_close(accuracy_under_attack(model, x, y, batch_size=2), 0.6, "accuracy")
        with c.case("the last, smaller batch counts too (labels [0, 1, 2, 2, 1], batch_size=2 -> 0.8)",
                    hint="range(0, len(x), batch_size) reaches the last partial batch; divide by len(x)"):
            assert_close(accuracy_under_attack(model, x, torch.tensor([0, 1, 2, 2, 1]), batch_size=2), 0.8, "accuracy")
        to_class_1 = lambda m, xb, yb: torch.tensor([0.0, 1.0, 0.0]).expand_as(xb).clone()  # noqa: E731
        with c.case("the attack's output is what gets classified (every image -> class 1: 0.2)",
                    hint="call attack(model, x_batch, y_batch) and classify what it returns"):
            assert_close(accuracy_under_attack(model, x, y, attack=to_class_1), 0.2, "accuracy")
        seen = []

        def spy(m, xb, yb):  # an attack that notes the model's mode and whether gradients are on
            seen.append((m.training, torch.is_grad_enabled()))
            return xb

        with c.case("the attack runs on every batch with the model in eval mode and gradients enabled",
                    hint="model.eval() before the loop; call the attack outside torch.no_grad() (it needs gradients)"):
            model.train()
            accuracy_under_attack(model, x, y, attack=spy, batch_size=2)
            assert len(seen) == 3, f"the attack ran {len(seen)} times for 3 batches"
            assert not any(mode for mode, _ in seen), "the attack saw the model in training mode"
            assert all(grad for _, grad in seen), "the attack ran under torch.no_grad()"
        with c.case("the model is evaluated in eval mode (dropout off)",
                    hint="call model.eval() first: dropout in training mode zeroes inputs at random"):
            dropped = nn.Sequential(nn.Dropout(0.999), model)
            assert_close(accuracy_under_attack(dropped, x, y), 0.6, "accuracy with a dropout layer")
        with c.case("returns a Python float", hint="use .item() or float(...)"):
            assert isinstance(accuracy_under_attack(model, x, y), float)

        def needs_gradients(m, xb, yb):  # an attack that takes gradients for a copy of its batch
            copy = xb.detach().clone().requires_grad_(True)
            (grad,) = torch.autograd.grad(m(copy).sum(), copy)
            return (copy + 0.0 * grad).detach()

        with c.case("the caller's x comes back as given: it does not start requiring grad",
                    hint="an attack takes gradients for its own copy of a batch: never call requires_grad_ on x"):
            accuracy_under_attack(model, x, y, attack=needs_gradients, batch_size=2)
            assert not x.requires_grad, "x now requires grad"
        with c.case("a parameter the caller froze stays frozen",
                    hint="evaluating needs no requires_grad_ on the model: an attack takes the gradient of its batch"):
            frozen = identity_classifier().requires_grad_(False)
            accuracy_under_attack(frozen, x, y, attack=needs_gradients, batch_size=2)
            assert not any(p.requires_grad for p in frozen.parameters()), "frozen parameters now require grad"

        def noisy(m, xb, yb):  # a random attack: it draws from torch's global generator
            return xb + 0.01 * torch.rand_like(xb)

        with c.case("a random attack leaves torch's global generator moved on (nothing saves and restores it)",
                    hint="no torch.random.fork_rng / get_rng_state + set_rng_state around the evaluation"):
            with torch.random.fork_rng(devices=[]):  # the check's own seeding leaves the notebook's stream alone
                torch.manual_seed(0)
                untouched = torch.rand(3)
                torch.manual_seed(0)
                accuracy_under_attack(model, x, y, attack=noisy, batch_size=2)
                moved_on = not torch.equal(torch.rand(3), untouched)
            assert moved_on, "the generator was put back where it was"


def check_pgd(pgd, model=None, x=None, y=None, eps: float = 0.1) -> None:
    with Checks("PGD") as c:
        lin, y0 = identity_classifier(), torch.tensor([0])
        with c.case("one step of size α: [.5, .5, .5] -> [.48, .52, .52] (α = 0.02, ε = 0.1)",
                    hint="each step: x_adv + alpha * sign(gradient of the loss at x_adv)"):
            got = pgd(lin, _point(0.5, 0.5, 0.5), y0, eps=0.1, alpha=0.02, steps=1)
            assert_close(got, _point(0.48, 0.52, 0.52), "x_adv")
        with c.case("ten steps of 0.05 stop at the ε-ball's edge: [.4, .6, .6]",
                    hint="after each step project back: clamp to [x - eps, x + eps] around the *original* x"):
            got = pgd(lin, _point(0.5, 0.5, 0.5), y0, eps=0.1, alpha=0.05, steps=10)
            assert_close(got, _point(0.4, 0.6, 0.6), "x_adv")
        with c.case("pixels stay in [0, 1]: [.02, .99, .5] -> [0, 1, .6]", hint="clamp to [0, 1] after projecting"):
            got = pgd(lin, _point(0.02, 0.99, 0.5), y0, eps=0.1, alpha=0.05, steps=4)
            assert_close(got, _point(0.0, 1.0, 0.6), "x_adv")
        x_r = torch.full((64, 3), 0.5)
        with c.case("random_start=True starts somewhere random in the ε-ball",
                    hint="x + uniform noise in [-eps, eps] (torch.empty_like(x).uniform_(-eps, eps)), "
                         "clamped to [0, 1]"):
            no_steps = pgd(lin, x_r, torch.zeros(64, dtype=torch.long), eps=0.1, alpha=0.02, steps=0, random_start=True)
            assert not torch.equal(no_steps, x_r), "with steps=0 the start itself is returned: it equals x"
            assert (no_steps - x_r).abs().max().item() <= 0.1 + 1e-6, "the random start leaves the ε-ball"
            moved = no_steps - x_r
            assert moved.min().item() < -0.05 and moved.max().item() > 0.05, (
                "the random start moves pixels one way only")
            near_edges = torch.tensor([[0.02, 0.98, 0.5]]).repeat(64, 1)
            start = pgd(lin, near_edges, torch.zeros(64, dtype=torch.long), eps=0.1, alpha=0.02, steps=0,
                        random_start=True)
            assert start.min().item() >= 0 and start.max().item() <= 1, "the random start leaves [0, 1]: clamp it"
        labels_0 = torch.zeros(64, dtype=torch.long)
        with c.case("two calls with random_start=True start from two different points",
                    hint="draw the noise from the global generator as the caller left it: no seeding inside pgd"):
            first, second = (pgd(lin, x_r, labels_0, eps=0.1, alpha=0.02, steps=0, random_start=True) for _ in range(2))
            assert not torch.equal(first, second), "both calls started from the same point"
        with c.case("a random start, then 15 steps of 0.02: every row ends on the ε-ball's edge [.4, .6, .6]",
                    hint="the noise is added once, before the first step; the steps after it add none"):
            got = pgd(lin, x_r, labels_0, eps=0.1, alpha=0.02, steps=15, random_start=True)
            assert_close(got, _point(0.4, 0.6, 0.6).expand(64, 3), "x_adv")
        x_in = torch.rand(4, 3, generator=torch.Generator().manual_seed(1))
        with c.case("returns a new tensor without gradient history; x is left alone",
                    hint="work on a detached clone of x; no in-place updates of x; return x_adv.detach()"):
            before = x_in.clone()
            got = pgd(lin, x_in, torch.tensor([0, 1, 2, 0]), eps=0.1, alpha=0.03, steps=3, random_start=True)
            assert not got.requires_grad, "x_adv requires grad: .detach() it"
            assert torch.equal(x_in, before) and not x_in.requires_grad, "the caller's x was changed"
        _ball_and_range(c, lambda xs: pgd(lin, xs, torch.zeros(len(xs), dtype=torch.long), eps=0.1, alpha=0.03,
                                          steps=6, random_start=True), torch.rand(16, 3), 0.1, "with a random start")
        _model_handed_back(c, lambda m, xs, ys: pgd(m, xs, ys, eps=0.1, alpha=0.03, steps=3), "pgd")
        _forward_passes(c, lambda m, xs, ys: pgd(m, xs, ys, eps=0.1, alpha=0.03, steps=3, random_start=True),
                        "pgd", 3)
        if model is not None:
            with c.case("on the trained CNN, PGD is at least as strong as FGSM",
                        hint="more, smaller steps should find a worse point: check the step size and projection"):
                model.eval()
                device = next(model.parameters()).device
                xb, yb = x.to(device), y.to(device)
                one_step = pgd(model, xb, yb, eps=eps, alpha=eps, steps=1)      # this is FGSM
                ten_steps = pgd(model, xb, yb, eps=eps, alpha=eps / 4, steps=10)
                with torch.no_grad():
                    fgsm_acc, pgd_acc = ((model(a).argmax(-1) == yb).float().mean().item()
                                         for a in (one_step, ten_steps))
                assert pgd_acc <= fgsm_acc + 0.02, f"accuracy under PGD {pgd_acc:.1%}, under FGSM {fgsm_acc:.1%}"


def check_targeted_pgd(targeted_pgd, model=None, x=None, target_class: int | None = None, eps: float = 0.1) -> None:
    with Checks("targeted PGD") as c:
        lin = identity_classifier()
        with c.case("one step toward class 2: [.5, .5, .5] -> [.48, .48, .52] (α = 0.02)",
                    hint="step *down* the loss of the target: x_adv - alpha * sign(gradient)"):
            got = targeted_pgd(lin, _point(0.5, 0.5, 0.5), torch.tensor([2]), eps=0.1, alpha=0.02, steps=1)
            assert_close(got, _point(0.48, 0.48, 0.52), "x_adv")
        with c.case("many steps stop at the ε-ball's edge: [.4, .4, .6]",
                    hint="project back onto [x - eps, x + eps] after every step"):
            got = targeted_pgd(lin, _point(0.5, 0.5, 0.5), torch.tensor([2]), eps=0.1, alpha=0.05, steps=10)
            assert_close(got, _point(0.4, 0.4, 0.6), "x_adv")
        with c.case("takes every step even when x is already classified as the target: "
                    "[.2, .2, .9] toward class 2, 3 steps of 0.02 -> [.14, .14, .96]",
                    hint="run all `steps` steps: no early stop once the model predicts the target"):
            got = targeted_pgd(lin, _point(0.2, 0.2, 0.9), torch.tensor([2]), eps=0.1, alpha=0.02, steps=3)
            assert_close(got, _point(0.14, 0.14, 0.96), "x_adv")
        with c.case("a model sure of class 0 (logits x + [200, 0, 0]), one step toward class 2: "
                    "[.5, .5, .5] -> [.48, .5, .52]",
                    hint="the target's probability is 0 here: L is the cross-entropy of the logits "
                         "(F.cross_entropy), which still has a gradient; a loss built on the softmax has none"):
            sure = identity_classifier()
            with torch.no_grad():
                sure.bias.copy_(torch.tensor([200.0, 0.0, 0.0]))
            got = targeted_pgd(sure, _point(0.5, 0.5, 0.5), torch.tensor([2]), eps=0.1, alpha=0.02, steps=1)
            assert_close(got, _point(0.48, 0.5, 0.52), "x_adv")
        _ball_and_range(c, lambda xs: targeted_pgd(lin, xs, torch.full((len(xs),), 1), eps=0.1, alpha=0.03, steps=6),
                        torch.rand(16, 3), 0.1, "every step")
        x_in = torch.rand(4, 3, generator=torch.Generator().manual_seed(2))
        with c.case("returns a new tensor without gradient history; x is left alone",
                    hint="work on a detached clone of x; no in-place updates of x; return x_adv.detach()"):
            before = x_in.clone()
            got = targeted_pgd(lin, x_in, torch.tensor([1, 2, 0, 1]), eps=0.1, alpha=0.03, steps=3)
            assert not got.requires_grad, "x_adv requires grad: .detach() it"
            assert torch.equal(x_in, before) and not x_in.requires_grad, "the caller's x was changed"
        _model_handed_back(c, lambda m, xs, ts: targeted_pgd(m, xs, ts, eps=0.1, alpha=0.03, steps=3), "targeted_pgd")
        _forward_passes(c, lambda m, xs, ts: targeted_pgd(m, xs, ts, eps=0.1, alpha=0.03, steps=3), "targeted_pgd", 3)
        if model is not None:
            with c.case(f"on the trained CNN, the attack raises the share classified as class {target_class}",
                        hint="descend the loss of the *target* labels, not the true ones"):
                model.eval()
                device = next(model.parameters()).device
                xb = x.to(device)
                target = torch.full((len(xb),), target_class, device=device)
                x_adv = targeted_pgd(model, xb, target, eps=eps, alpha=eps / 4, steps=10)
                with torch.no_grad():
                    before, after = ((model(a).argmax(-1) == target).float().mean().item() for a in (xb, x_adv))
                assert after > before + 0.1, f"{before:.1%} before the attack, {after:.1%} after"


def _loader(x, y, batch_size):
    return torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=batch_size)


def check_train_adversarial(train_adversarial) -> None:
    with Checks("adversarial training") as c:
        g = torch.Generator().manual_seed(0)
        x = torch.rand(40, 3, generator=g)
        loader = _loader(x, x.argmax(dim=1), 8)
        calls, modes = [], []

        def to_zero(model, xb, yb):   # every attacked input is 0: only the bias can learn from it
            calls.append(len(xb))
            modes.append(model.training)
            return torch.zeros_like(xb)

        model = identity_classifier()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
        epochs_seen = []
        with c.case("returns one mean loss per epoch (3), as Python floats",
                    hint="append the mean of loss.item() once per epoch"):
            losses = train_adversarial(model, loader, optimizer, to_zero, epochs=3,
                                       on_epoch=lambda epoch, loss: epochs_seen.append((epoch, loss)))
            assert len(losses) == 3, f"got {len(losses)} values"
            assert all(type(v) is float for v in losses), f"got {sorted({type(v).__name__ for v in losses})}"
        with c.case("on_epoch(epoch, mean_loss) is called once after each epoch",
                    hint="after the batch loop of each epoch: on_epoch(epoch, history[-1])"):
            assert [e for e, _ in epochs_seen] == [0, 1, 2], f"on_epoch got epochs {[e for e, _ in epochs_seen]}"
            assert [loss for _, loss in epochs_seen] == losses, "on_epoch's losses are not the returned ones"
        with c.case("what on_epoch returns changes nothing: a callback returning True still sees all 3 epochs",
                    hint="call on_epoch(epoch, mean_loss) and go on: its return value is not a stop signal"):
            returned_true, fresh = [], identity_classifier()
            kept_going = train_adversarial(fresh, loader, torch.optim.SGD(fresh.parameters(), lr=0.0),
                                           lambda m, xb, yb: xb, epochs=3,
                                           on_epoch=lambda epoch, loss: returned_true.append(epoch) or True)
            assert len(kept_going) == 3 and returned_true == [0, 1, 2], (
                f"{len(kept_going)} epochs trained, on_epoch called for epochs {returned_true}")
        with c.case("the attack runs on every batch (5 batches × 3 epochs), with the model in eval mode",
                    hint="call model.eval(), then attack(model, x, y), inside the batch loop"):
            assert len(calls) == 15, f"the attack ran {len(calls)} times"
            assert not any(modes), "the attack saw the model in training mode"
        with c.case("the model learns from the attacked inputs only",
                    hint="the loss is the cross-entropy of model(x_adv), not of model(x)"):
            assert_close(model.weight, torch.eye(3), "weights (all attacked inputs are 0: no gradient)")
            assert model.bias.abs().sum().item() > 0, "the bias did not change: did optimizer.step() run?"
        with c.case("the model is left in training mode",
                    hint="model.eval() for the attack, model.train() for the step"):
            assert model.training
        with c.case("the epoch's loss is the mean batch loss: log(e + 2) - 1/4 for a batch of two with loss "
                    "log(e + 2) - 1/2 and a batch of one with loss log(e + 2) (lr = 0)",
                    hint="average the loss.item() of every batch, each batch counting once "
                         "(not only the last, not per example)"):
            both = _loader(torch.tensor([[1.0, 0.0, 0.0]] * 3), torch.tensor([0, 1, 2]), 2)
            model = identity_classifier()
            losses = train_adversarial(model, both, torch.optim.SGD(model.parameters(), lr=0.0),
                                       lambda m, xb, yb: xb, epochs=1)
            assert_close(torch.tensor(losses), torch.tensor([math.log(math.e + 2) - 0.25]), "losses")
        with c.case("one step per batch from fresh gradients: bias after batches labelled [0, 0, 1, 2] and "
                    "[1, 1, 1, 0] (inputs attacked to 0, SGD lr = 1)",
                    hint="optimizer.zero_grad() after the attack, before every backward: otherwise gradients add up"):
            model = identity_classifier()
            labels = torch.tensor([0, 0, 1, 2, 1, 1, 1, 0])

            def leaky(m, xb, yb):  # an attack that leaves gradients in the model's .grad (it calls backward)
                m(xb).sum().backward()
                return to_zero(m, xb, yb)

            train_adversarial(model, _loader(torch.rand(8, 3), labels, 4),
                              torch.optim.SGD(model.parameters(), lr=1.0), leaky, epochs=1)
            # with inputs 0 the logits are the bias, and d(mean CE)/d bias = softmax(bias) - label shares
            b1 = torch.tensor([0.5, 0.25, 0.25]) - 1 / 3
            b2 = b1 - (torch.softmax(b1, dim=0) - torch.tensor([0.25, 0.75, 0.0]))
            assert_close(model.bias, b2, "bias (zero the gradients after the attack, before backward)", atol=1e-5)
        model = identity_classifier()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
        with c.case("the loss goes down (identity attack, 4 epochs)",
                    hint="zero_grad, forward, loss, backward, step: in that order, once per batch"):
            losses = train_adversarial(model, loader, optimizer, lambda m, xb, yb: xb, epochs=4)
            assert losses[-1] < losses[0], f"first {losses[0]:.3f}, last {losses[-1]:.3f}"


def check_robustness(results: dict[str, dict[str, float]]) -> None:
    """results[model][attack] = accuracy, for models 'standard' and 'robust'."""
    with Checks("what adversarial training bought") as c:
        std, rob = results["standard"], results["robust"]
        with c.case("the standard model collapses under PGD (accuracy below half its clean accuracy)"):
            assert std["pgd"] < 0.5 * std["clean"], f"clean {std['clean']:.1%}, PGD {std['pgd']:.1%}"
        with c.case("the robust model keeps far more accuracy under PGD than the standard one",
                    hint="train on pgd(..., random_start=True) examples generated on the fly"):
            assert rob["pgd"] > std["pgd"] + 0.15, f"robust {rob['pgd']:.1%}, standard {std['pgd']:.1%}"
        with c.case("the robust model still classifies clean images (> 60%)"):
            assert rob["clean"] > 0.6, f"clean accuracy {rob['clean']:.1%}"

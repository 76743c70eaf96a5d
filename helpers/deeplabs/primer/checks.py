"""Visible checks for lab 01 part 1 (PyTorch primer).

Small hand-worked cases and invariants only: what a careful student would test by hand.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ..checks import Checks, assert_close, assert_shape


def check_flatten_standardize(flatten, standardize) -> None:
    with Checks("flatten and standardize") as c:
        images = torch.arange(2 * 3 * 4, dtype=torch.float32).reshape(2, 3, 4)
        with c.case("flatten keeps the batch dimension: (2, 3, 4) -> (2, 12)",
                    hint="use x.reshape(x.shape[0], -1): -1 lets PyTorch work out the rest"):
            assert_shape(flatten(images), (2, 12))
        with c.case("flatten keeps each image's pixels together in row-major order",
                    hint="row i of the result must be image i read left to right, top to bottom"):
            assert_close(flatten(images)[1], torch.arange(12, 24, dtype=torch.float32), "row 1")
        with c.case("flatten takes any number of dimensions: (2, 3, 4, 5) -> (2, 60)",
                    hint="keep dimension 0 and merge all the others: reshape(x.shape[0], -1)"):
            assert_shape(flatten(torch.zeros(2, 3, 4, 5)), (2, 60))
        with c.case("a batch of one image keeps its batch dimension: (1, 3, 4) -> (1, 12)",
                    hint="a batch of one is still a batch: nothing may squeeze dimension 0 away"):
            assert_shape(flatten(torch.zeros(1, 3, 4)), (1, 12))
        with c.case("flatten works on a view that is not contiguous in memory: images.transpose(1, 2)",
                    hint="a transposed or sliced batch cannot be .view()-ed: its pixels are not laid out row "
                         "after row"):
            # images[0] transposed is [[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]]
            flat = flatten(images.transpose(1, 2))
            assert_shape(flat, (2, 12))
            assert_close(flat[0], torch.tensor([0.0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]), "row 0")
        x = torch.tensor([[1.0, 10.0], [3.0, 30.0], [5.0, 50.0]])
        with c.case("standardize gives every column mean 0",
                    hint="features are columns: take the mean over the batch dimension (dim=0)"):
            assert_close(standardize(x).mean(dim=0), torch.zeros(2), "column means", atol=1e-5)
        with c.case("standardize gives every column (population) std 1",
                    hint="use x.std(dim=0, unbiased=False) and divide, with eps added to the std"):
            assert_close(standardize(x).std(dim=0, unbiased=False), torch.ones(2), "column stds", atol=1e-3)
        with c.case("a constant column does not produce NaN", hint="add eps to the standard deviation"):
            out = standardize(torch.ones(4, 3))
            assert not torch.isnan(out).any(), "got NaN"
        with c.case("standardize uses the eps it is given, added to the std: column [-1, 1], eps=1 -> [-0.5, 0.5]",
                    hint="divide by (std + eps) with the eps argument, not by sqrt(var + eps) or a fixed number"):
            assert_close(standardize(torch.tensor([[-1.0], [1.0]]), eps=1.0), torch.tensor([[-0.5], [0.5]]), "output")
        with c.case("called without eps, standardize uses the default 1e-6: column [-1e-6, 1e-6] -> [-0.5, 0.5]",
                    hint="keep the default of the signature you were given: eps = 1e-6"):
            assert_close(standardize(torch.tensor([[-1e-6], [1e-6]])), torch.tensor([[-0.5], [0.5]]), "output",
                         atol=1e-3)
        with c.case("standardize keeps the input's dtype (float32 in, float32 out)",
                    hint="compute in float32, or cast the result back with .to(x.dtype)"):
            dtype = standardize(x).dtype
            assert dtype == torch.float32, f"dtype {dtype}"
        with c.case("standardize leaves the caller's x unchanged",
                    hint="compute a new tensor: in-place operations (x -= ..., x /= ...) change the caller's data"):
            fresh = torch.tensor([[1.0, 10.0], [3.0, 30.0], [5.0, 50.0]])
            standardize(fresh)
            assert torch.equal(fresh, torch.tensor([[1.0, 10.0], [3.0, 30.0], [5.0, 50.0]])), "x was modified"


def check_softmax(softmax) -> None:
    with Checks("softmax") as c:
        with c.case("softmax([0, ln 2]) = [1/3, 2/3]", hint="exp(x) / sum(exp(x)) along the last dimension"):
            assert_close(softmax(torch.tensor([[0.0, math.log(2.0)]])), torch.tensor([[1 / 3, 2 / 3]]), "softmax")
        x = torch.randn(4, 6, generator=torch.Generator().manual_seed(0))
        with c.case("each row sums to 1 and has the input's shape", hint="normalise along dim=-1, not dim=0"):
            out = softmax(x)
            assert_shape(out, (4, 6))
            assert_close(out.sum(dim=-1), torch.ones(4), "row sums")
        with c.case("large logits do not overflow ([1000, 1000] -> [0.5, 0.5])",
                    hint="subtract the row maximum before exp: softmax(x) = softmax(x - max(x))"):
            out = softmax(torch.tensor([[1000.0, 1000.0]]))
            assert not torch.isnan(out).any(), "got NaN: exp(1000) overflows to inf"
            assert_close(out, torch.tensor([[0.5, 0.5]]), "softmax")
        with c.case("each row has its own maximum: [[1000, 1000], [-1000, -1000], [0, 200]] -> "
                    "[0.5, 0.5], [0.5, 0.5], [0, 1]",
                    hint="subtract each row's maximum (max over dim=-1 with keepdim=True): one number for all "
                         "rows, or the mean, overflows or underflows"):
            out = softmax(torch.tensor([[1000.0, 1000.0], [-1000.0, -1000.0], [0.0, 200.0]]))
            assert not torch.isnan(out).any(), (
                "got NaN: some exp() overflowed to inf or every exp() of a row underflowed to 0")
            assert_close(out, torch.tensor([[0.5, 0.5], [0.5, 0.5], [0.0, 1.0]]), "softmax")
        with c.case("works on (2, 3, 4) logits (softmax over the last dimension) and keeps float32",
                    hint="use dim=-1 (the last dimension) rather than a fixed dim=1; no .double()"):
            out = softmax(torch.randn(2, 3, 4, generator=torch.Generator().manual_seed(1)))
            assert_shape(out, (2, 3, 4))
            assert out.dtype == torch.float32, f"dtype {out.dtype}"
            assert_close(out.sum(dim=-1), torch.ones(2, 3), "sums over the last dimension")
        with c.case("the caller's logits are left unchanged",
                    hint="compute new tensors: in-place operations (-=, exp_()) change the caller's logits"):
            logits = torch.tensor([[0.5, -1.0, 2.0]])
            softmax(logits)
            assert torch.equal(logits, torch.tensor([[0.5, -1.0, 2.0]])), "the logits were modified"


def check_mse_gradient(mse_gradient) -> None:
    with Checks("gradient of the MSE loss with autograd") as c:
        w, x, y = torch.tensor([2.0]), torch.tensor([[1.0], [2.0]]), torch.zeros(2)
        with c.case("hand-worked case: L = mean((xw - y)^2) = 10, dL/dw = 10",
                    hint="loss = ((x @ w - y) ** 2).mean(); loss.backward(); return the gradient of w"):
            result = mse_gradient(w, x, y)
            assert_close(result, torch.tensor([10.0]), "dL/dw")
            assert result.dtype == torch.float32, f"float32 inputs gave a {result.dtype} gradient"
        with c.case("two weights: w = [1, -1], x = [[1, 2], [3, 4], [0, 1]], y = 0 give dL/dw = [-8/3, -14/3]",
                    hint="x @ w is a matrix-vector product, one prediction per row; x * w multiplies entry by entry"):
            w2, x2 = torch.tensor([1.0, -1.0]), torch.tensor([[1.0, 2.0], [3.0, 4.0], [0.0, 1.0]])
            assert_close(mse_gradient(w2, x2, torch.zeros(3)), torch.tensor([-8 / 3, -14 / 3]), "dL/dw")
        with c.case("the result is a plain tensor: no graph behind it, no requires_grad",
                    hint="return the .grad of your copy (or autograd.grad's result) as it is, without create_graph"):
            result = mse_gradient(w, x, y)
            assert not result.requires_grad and result.grad_fn is None, "the gradient carries a graph"
        with c.case("a caller's w that requires grad and holds a .grad, and x that requires grad, keep all of it",
                    hint="work on a detached copy of w; leave the caller's w.grad and x.requires_grad as they were"):
            w_held = torch.tensor([2.0], requires_grad=True)
            w_held.grad = torch.tensor([5.0])
            x_held = x.clone().requires_grad_(True)
            assert_close(mse_gradient(w_held, x_held, y), torch.tensor([10.0]), "dL/dw")
            assert w_held.grad is not None and torch.equal(w_held.grad, torch.tensor([5.0])), \
                f"the caller's w.grad became {w_held.grad}"
            assert w_held.requires_grad and x_held.requires_grad, "the caller's w or x stopped requiring grad"
        with c.case("the caller's w is left alone (no requires_grad, no .grad)",
                    hint="work on w.detach().clone().requires_grad_(True), not on w itself"):
            mse_gradient(w, x, y)
            assert not w.requires_grad and w.grad is None, "w was modified"
        with c.case("float64 inputs give a float64 gradient: the same case in float64 gives tensor([10.], float64)",
                    hint="keep the dtype of w: no .float() (nor any other cast) on the copy"):
            grad = mse_gradient(w.double(), x.double(), y.double())
            assert grad.dtype == torch.float64, f"dtype {grad.dtype}"
            assert_close(grad, torch.tensor([10.0]), "dL/dw")
        with c.case("calling twice gives the same answer (no gradient accumulation)",
                    hint="a fresh leaf tensor per call starts with .grad = None"):
            assert_close(mse_gradient(w, x, y), mse_gradient(w, x, y), "second call")


def check_dense_layer(DenseLayer) -> None:
    with Checks("DenseLayer") as c:
        with c.case("W (3, 5) and b (5,) are registered parameters",
                    hint="wrap them in nn.Parameter so model.parameters() (and the optimizer) see them"):
            layer = DenseLayer(3, 5)
            shapes = sorted(tuple(p.shape) for p in layer.parameters())
            assert shapes == [(3, 5), (5,)], f"parameters have shapes {shapes}"
        with c.case("forward maps (batch, 3) to (batch, 5)", hint="y = sigmoid(x @ W + b)"):
            assert_shape(DenseLayer(3, 5)(torch.randn(4, 3)), (4, 5))
        with c.case("with W = 0 and b = 0 every output is sigmoid(0) = 0.5",
                    hint="apply torch.sigmoid to x @ W + b"):
            layer = DenseLayer(3, 5)
            with torch.no_grad():
                for p in layer.parameters():
                    p.zero_()
            assert_close(layer(torch.randn(2, 3)), torch.full((2, 5), 0.5), "output")
        with c.case("backward() reaches W and b",
                    hint="compute forward from the parameters themselves: .data or .detach() cuts the gradient"):
            layer = DenseLayer(3, 5)
            layer(torch.randn(2, 3)).sum().backward()
            assert layer.W.grad is not None, "W has no gradient"
            assert layer.b.grad is not None, "b has no gradient"
        with c.case("W starts centred on 0: about half of the weights of a (400, 50) layer are negative",
                    hint="draw W from a distribution with mean 0 (torch.randn), then divide by sqrt(in_features)"):
            share = float((DenseLayer(400, 50).W < 0).float().mean())
            assert 0.4 < share < 0.6, f"{share:.0%} of the weights are negative"


def check_mlp(build_mlp, MLP) -> None:
    with Checks("the MLP, two ways") as c:
        with c.case("build_mlp returns nn.Sequential(Linear, ReLU, Linear)",
                    hint="nn.Sequential(nn.Linear(in, hidden), nn.ReLU(), nn.Linear(hidden, out))"):
            seq = build_mlp(64, 32, 10)
            assert isinstance(seq, nn.Sequential), f"got {type(seq).__name__}"
            kinds = [type(m).__name__ for m in seq]
            assert kinds == ["Linear", "ReLU", "Linear"], f"layers are {kinds}"
        n_params = 64 * 32 + 32 + 32 * 10 + 10
        with c.case(f"both have {n_params} parameters", hint="hidden size and biases: in*h + h + h*out + out"):
            for model in (build_mlp(64, 32, 10), MLP(64, 32, 10)):
                got = sum(p.numel() for p in model.parameters())
                assert got == n_params, f"{type(model).__name__} has {got}"
        with c.case("MLP maps (batch, 64) to (batch, 10) logits (no activation at the end)",
                    hint="logits can be negative: do not put a ReLU after the last layer"):
            out = MLP(64, 32, 10)(torch.randn(8, 64))
            assert_shape(out, (8, 10))
            assert (out < 0).any(), "no negative logits: is there a ReLU after the last layer?"
        with c.case("with every weight 1 and every bias 0, a 1 -> 1 -> 1 network maps 10 to 10 and -3 to 0",
                    hint="a plain ReLU between the layers: max(0, h), with no upper bound"):
            for model in (build_mlp(1, 1, 1), MLP(1, 1, 1)):
                with torch.no_grad():
                    for layer in model.modules():
                        if isinstance(layer, nn.Linear):
                            layer.weight.fill_(1.0)
                            layer.bias.zero_()
                    out = model(torch.tensor([[10.0], [-3.0]]))
                assert_close(out, torch.tensor([[10.0], [0.0]]), f"{type(model).__name__} output")


def check_training(losses, accuracy, epochs: int, train=None) -> None:
    with Checks("the training loop") as c:
        with c.case(f"train returns one loss per epoch ({epochs}), as Python floats",
                    hint="append the mean of the epoch's loss.item() values once per epoch"):
            assert len(losses) == epochs, f"got {len(losses)} values"
            kinds = sorted({type(v).__name__ for v in losses})
            assert kinds == ["float"], f"the values are {', '.join(kinds)}"
        with c.case("the loss goes down", hint="zero_grad, forward, loss, backward, step: in that order"):
            assert losses[-1] < losses[0], f"first {losses[0]:.3f}, last {losses[-1]:.3f}"
        with c.case("test accuracy above 80%", hint="check the learning rate and that step() is called"):
            assert accuracy > 0.8, f"accuracy {accuracy:.1%}"
        if train is None:
            return
        with c.case("train puts the model in training mode and calls on_epoch(epoch, mean_loss) once per epoch",
                    hint="model.train() before the loop; after each epoch on_epoch(epoch, that epoch's mean loss)"):
            torch.manual_seed(0)
            model = nn.Sequential(nn.Linear(4, 3)).eval()  # as if an evaluation had left it in eval mode
            data = torch.utils.data.TensorDataset(torch.randn(10, 4), torch.randint(0, 3, (10,)))
            calls = []
            history = train(model, torch.utils.data.DataLoader(data, batch_size=4), 2, 0.1,
                            on_epoch=lambda *args: calls.append(args))
            assert model.training, "the model is still in eval mode"
            assert len(calls) == 2, f"on_epoch was called {len(calls)} times in 2 epochs"
            assert [e for e, _ in calls] == [0, 1], f"epochs passed: {[e for e, _ in calls]}"
            assert all(abs(float(loss) - float(h)) < 1e-6 for (_, loss), h in zip(calls, history)), \
                "the second argument is not the epoch's mean loss"
        with c.case("every epoch is a new pass over the loader: a shuffling loader gives each epoch a new order",
                    hint="batches collected once, before the epoch loop, replay the same order in every epoch"):
            torch.manual_seed(0)
            model = nn.Linear(12, 3)
            order = []  # example i is the one-hot row i: argmax tells which example the model saw
            model.register_forward_pre_hook(lambda m, args: order.extend(args[0].argmax(dim=1).tolist()))
            data = torch.utils.data.TensorDataset(torch.eye(12), torch.randint(0, 3, (12,)))
            shuffled = torch.utils.data.DataLoader(data, batch_size=4, shuffle=True,
                                                   generator=torch.Generator().manual_seed(0))
            train(model, shuffled, 3, 0.1)
            epochs = [tuple(order[i:i + 12]) for i in range(0, len(order), 12)]
            assert len(epochs) == 3, f"the model saw {len(order)} examples in 3 epochs of 12"
            assert len(set(epochs)) > 1, "all 3 epochs saw the examples in the same order"

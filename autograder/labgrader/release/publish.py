"""The student repository: what the badge and install cell of every lab point at. This repository
holds solutions/ and hidden tests, so students only ever get the tree `publish` writes.

    labgrader publish OUT            write the student tree to OUT (replaces a previous publish)
    labgrader publish --check [OUT]  prove OUT (default: a fresh build) is safe to hand out

The tree: labs/ (exactly the released notebooks), the deeplabs package, a student pyproject.toml
(deeplabs and the labs' extras only), README.md, environment.yml, .gitignore, LICENSE if the course
has one, and a marker file that lets the next publish replace it.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

import nbformat

from ..config import Course
from . import student
from .verify import MARKERS, _hidden_test_lines, _public_lines, _solution_lines, verify_notebook

MARKER = ".labgrader-publish"
LICENSES = ("LICENSE", "LICENSE.md", "LICENSE.txt")
TOP_FILES = {"pyproject.toml", "README.md", "environment.yml", ".gitignore", MARKER, *LICENSES}
# (folder, suffix): the only files allowed below the top level; the package ships no data files
TREES = (("labs/", ".ipynb"), ("helpers/deeplabs/", ".py"))
JUNK = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "*.egg-info")
# Lines a solution or hidden test shares with the course package on purpose: idioms and signatures,
# and a hidden test that reuses a visible check's formula. The course package is public by design;
# add a line here only after reading where it occurs (--check names the file).
SHARED_LINES = frozenset({
    "return model",
    "return layer",
    "def forward(self, x):",
    "def forward(self, x, t, y):",
    "def forward(self, x, state=None):",
    "self.num_classes = num_classes",
    "with autocast(device):",
    "device = next(model.parameters()).device",
    "prev = torch.cat([torch.ones(1), a[:-1]])",
    # behaviour probes both the visible and the hidden checks use (issue 17): an input copied
    # to see it is left alone, a call counter, a plain optimizer for a training probe
    "y_before = y.clone()",
    "before = x.clone()",
    "self.calls = 0",
    "self.calls += 1",
    "optimizer = torch.optim.SGD(model.parameters(), lr=0.5)",
})
NOT_STUDENT = {"labgrader", "nbgrader"}


class PublishError(RuntimeError):
    pass


def _package_source(course: Course) -> Path:
    return course.repo / student.project_tables(course)["tool.setuptools"]["package-dir"][student.STUDENT_PACKAGE]


def build_tree(course: Course, out: Path) -> Path:
    """Write the student tree into the new folder `out`."""
    out.mkdir(parents=True)
    shutil.copytree(course.labs, out / "labs", ignore=JUNK)
    shutil.copytree(_package_source(course), out / "helpers" / "deeplabs", ignore=JUNK)
    (out / "pyproject.toml").write_text(student.pyproject(course), encoding="utf-8")
    (out / "README.md").write_text(student.readme(course), encoding="utf-8")
    (out / "environment.yml").write_text(student.environment_yml(course), encoding="utf-8")
    (out / ".gitignore").write_text(student.GITIGNORE, encoding="utf-8")
    for name in LICENSES:
        if (course.repo / name).is_file():
            shutil.copy(course.repo / name, out / name)
    (out / MARKER).write_text("Written by `labgrader publish` from the course repository. Do not edit:\n"
                              "the next publish replaces everything here except .git/.\n", encoding="utf-8")
    return out


def publish(course: Course, out: Path) -> Path:
    """Build, check, then replace OUT's contents (its .git/ stays, so OUT can be a clone)."""
    out = out.resolve()
    if out == course.repo or course.repo in out.parents or out in course.repo.parents:
        raise PublishError(f"{out} overlaps the course repository; publish to a folder outside it")
    existing = [p for p in out.iterdir() if p.name != ".git"] if out.is_dir() else []
    if existing and not (out / MARKER).is_file():
        raise PublishError(f"{out} is not empty and is not a previous publish (no {MARKER}); "
                           "choose an empty folder")
    with tempfile.TemporaryDirectory(prefix="labgrader-publish-") as tmp:
        fresh = build_tree(course, Path(tmp) / "student")
        problems = check_tree(course, fresh)
        if problems:  # nothing reaches OUT unless it passes the same check as --check
            raise PublishError("the student tree is not safe to hand out:\n  " + "\n  ".join(problems))
        out.mkdir(parents=True, exist_ok=True)
        for path in existing:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        for path in fresh.iterdir():
            shutil.move(str(path), out / path.name)
    return out


def _files(tree: Path) -> list[Path]:
    found = []
    for root, dirs, names in os.walk(tree):
        if Path(root) == tree and ".git" in dirs:
            dirs.remove(".git")  # OUT may be a clone of the student repository
        found += [Path(root) / n for n in names]
        found += [Path(root) / d for d in dirs if (Path(root) / d).is_symlink()]
    return sorted(found)


def _allowed(rel: str) -> bool:
    if "/" not in rel:
        return rel in TOP_FILES
    return any(rel.startswith(folder) and rel.endswith(suffix) and "__pycache__" not in rel
               for folder, suffix in TREES)


def _check_paths(tree: Path, files: list[Path]) -> list[str]:
    problems = []
    for path in files:
        rel = path.relative_to(tree).as_posix()
        if path.is_symlink():
            problems.append(f"{rel}: is a symbolic link (it could point at solutions/)")
        elif not _allowed(rel):
            problems.append(f"{rel}: not part of the student tree")
    for required in ("pyproject.toml", "README.md", MARKER, "helpers/deeplabs/__init__.py"):
        if not (tree / required).is_file():
            problems.append(f"{required}: missing")
    return problems


def secret_lines(course: Course) -> set[str]:
    """Every distinctive line of a solution or hidden test in solutions/, less the lines release
    hands out anyway (outside the markers of any source notebook) and SHARED_LINES."""
    secret, public = set(), set()
    for path in sorted(course.solutions.glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        secret |= _solution_lines(nb) | _hidden_test_lines(nb)
        public |= _public_lines(nb)
    return secret - public - SHARED_LINES


def _text_lines(path: Path, raw: str) -> list[str]:
    if path.suffix != ".ipynb":
        return raw.splitlines()
    nb = json.loads(raw)  # cell sources and outputs: in the raw JSON each line is a quoted string
    lines = []
    for cell in nb.get("cells", []):
        for part in [cell.get("source", "")] + [o.get("text", "") for o in cell.get("outputs", [])]:
            lines += ("".join(part) if isinstance(part, list) else part).splitlines()
    return lines


def _check_secrets(course: Course, tree: Path, files: list[Path]) -> list[str]:
    secret, problems = secret_lines(course), []
    for path in files:
        if path.is_symlink() or not path.is_file():
            continue
        rel = path.relative_to(tree).as_posix()
        raw = path.read_bytes().decode("utf-8", errors="replace")
        problems += [f"{rel}: contains the marker '{m}'" for m in MARKERS if m in raw]
        try:
            leaked = [ln.strip() for ln in _text_lines(path, raw) if ln.strip() in secret]
        except (json.JSONDecodeError, AttributeError):
            problems.append(f"{rel}: not a readable notebook")
            continue
        if leaked:
            problems.append(f"{rel}: contains {len(leaked)} line(s) of a solution or hidden test, "
                            f"e.g. {leaked[0]!r}")
    return problems


def _check_labs(course: Course, tree: Path) -> list[str]:
    def listing(root: Path) -> dict[str, Path]:
        return {p.relative_to(root).as_posix(): p for p in root.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts}

    ours, theirs = listing(course.labs), listing(tree / "labs") if (tree / "labs").is_dir() else {}
    problems = [f"labs/{n}: missing (the repository's labs/ has it)" for n in sorted(ours.keys() - theirs.keys())]
    problems += [f"labs/{n}: not in the repository's labs/" for n in sorted(theirs.keys() - ours.keys())]
    problems += [f"labs/{n}: differs from the repository's labs/" for n in sorted(ours.keys() & theirs.keys())
                 if ours[n].read_bytes() != theirs[n].read_bytes()]
    # the release checks again (no outputs, badge and install cell at the student repository, ...)
    for name in sorted(theirs.keys() & ours.keys()):
        lab = name.split("/")[0]
        if name.endswith(".ipynb") and (course.solutions / name).is_file():
            problems += verify_notebook(course, lab, theirs[name])
    return problems


def _check_pyproject(tree: Path) -> list[str]:
    try:
        data = tomllib.loads((tree / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        return [f"pyproject.toml: unreadable ({err})"]
    project, setuptools = data.get("project", {}), data.get("tool", {}).get("setuptools", {})
    problems = [f"pyproject.toml: declares the package {p!r}" for p in
                [*setuptools.get("packages", []), *setuptools.get("package-dir", {})]
                if not student._is_student_package(p)]
    problems += [f"pyproject.toml: extra {e!r} is not a lab's" for e in project.get("optional-dependencies", {})
                 if not student.LAB_EXTRA.fullmatch(e)]
    problems += [f"pyproject.toml: script {k!r} runs {v!r}" for k, v in project.get("scripts", {}).items()
                 if not student._is_student_package(v.split(":")[0].split(".")[0])]
    requirements = [*project.get("dependencies", []), *sum(project.get("optional-dependencies", {}).values(), [])]
    problems += [f"pyproject.toml: requires {r!r}" for r in requirements
                 if any(r.lower().startswith(n) for n in NOT_STUDENT)]
    return problems + _check_wheel(tree)


def _check_wheel(tree: Path) -> list[str]:
    """Build the wheel the way a student's pip does (offline: no index, this environment's
    setuptools) in a copy of the tree, and look inside: deeplabs and its metadata, nothing else."""
    with tempfile.TemporaryDirectory(prefix="labgrader-wheel-") as tmp:
        src, dist = Path(tmp) / "src", Path(tmp) / "dist"
        shutil.copytree(tree, src, ignore=shutil.ignore_patterns(".git"))  # the build writes egg-info
        run = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                              "--no-index", "-w", str(dist), str(src)], capture_output=True, text=True)
        wheels = sorted(dist.glob("*.whl"))
        if run.returncode != 0 or not wheels:
            return [f"pyproject.toml: pip cannot build it:\n{run.stderr.strip()[-1500:]}"]
        with zipfile.ZipFile(wheels[0]) as whl:
            tops = {name.split("/")[0] for name in whl.namelist()}
            metadata = next((whl.read(n).decode() for n in whl.namelist() if n.endswith(".dist-info/METADATA")), "")
    problems = [f"the built wheel holds {top!r}" for top in sorted(tops)
                if top != student.STUDENT_PACKAGE and not top.startswith(f"{student.STUDENT_PACKAGE}-")]
    if not wheels[0].name.startswith(f"{student.STUDENT_PACKAGE}-"):
        problems.append(f"the built wheel is {wheels[0].name}, not deeplabs")
    problems += [f"the built wheel requires {line.split(':', 1)[1].strip()!r}" for line in metadata.splitlines()
                 if line.startswith("Requires-Dist:")
                 and any(line.split(":", 1)[1].strip().lower().startswith(n) for n in NOT_STUDENT)]
    return problems


def check_tree(course: Course, tree: Path) -> list[str]:
    """What is wrong with the student tree at `tree`; empty when it is safe to hand out."""
    files = _files(tree)
    return (_check_paths(tree, files) + _check_secrets(course, tree, files) + _check_labs(course, tree)
            + _check_pyproject(tree))


def check(course: Course, out: Path | None = None) -> list[str]:
    """Check OUT, or a fresh build in a temporary folder when OUT is None."""
    if out is not None:
        if not out.is_dir():
            return [f"{out}: no such folder"]
        return check_tree(course, out)
    with tempfile.TemporaryDirectory(prefix="labgrader-publish-check-") as tmp:
        return check_tree(course, build_tree(course, Path(tmp) / "student"))

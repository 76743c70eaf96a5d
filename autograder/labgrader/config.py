"""Where things are: the repository's labs, and the course workspace grading writes to.

The workspace (submissions, gradebook, autograded notebooks, feedback) lives outside the
tracked tree so grading never dirties the repository: $LABGRADER_WORKSPACE, default
~/.local/share/labgrader/<repo name>; every command takes --workspace too.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

LABS = ("01_music_rnn", "02_face_debiasing", "03_llm_finetuning", "04_diffusion", "05_adversarial")


def find_repo(start: Path | None = None) -> Path:
    """The repository root: $LABGRADER_REPO, or the nearest parent holding solutions/."""
    if os.environ.get("LABGRADER_REPO"):
        return Path(os.environ["LABGRADER_REPO"]).resolve()
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "solutions").is_dir() and (candidate / "pyproject.toml").is_file():
            return candidate
    source_checkout = Path(__file__).resolve().parents[2]
    if (source_checkout / "solutions").is_dir():
        return source_checkout
    raise SystemExit("labgrader: cannot find the course repository (a folder with solutions/ and "
                     "pyproject.toml). Run from inside it or set LABGRADER_REPO.")


@dataclass(frozen=True)
class Course:
    repo: Path
    workspace: Path

    @property
    def solutions(self) -> Path:
        return self.repo / "solutions"

    @property
    def labs(self) -> Path:
        return self.repo / "labs"

    @property
    def gradebook(self) -> Path:
        return self.workspace / "gradebook.db"

    def lab_ids(self) -> list[str]:
        return sorted(p.name for p in self.solutions.iterdir() if p.is_dir() and not p.name.startswith("."))

    def settings(self) -> dict:
        with open(self.repo / "pyproject.toml", "rb") as fh:
            return tomllib.load(fh).get("tool", {}).get("labgrader", {})


def default_workspace(repo: Path) -> Path:
    if os.environ.get("LABGRADER_WORKSPACE"):
        return Path(os.environ["LABGRADER_WORKSPACE"]).expanduser().resolve()
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return (base / "labgrader" / repo.name).resolve()


def load_course(workspace: str | os.PathLike | None = None, repo: str | os.PathLike | None = None) -> Course:
    repo_path = Path(repo).resolve() if repo else find_repo()
    ws = Path(workspace).expanduser().resolve() if workspace else default_workspace(repo_path)
    if ws == repo_path or repo_path in ws.parents and not _ignored(repo_path, ws):
        raise SystemExit(f"labgrader: workspace {ws} is inside the repository; grading would dirty "
                         "the tracked tree. Choose a folder outside it (--workspace).")
    return Course(repo=repo_path, workspace=ws)


def _ignored(repo: Path, path: Path) -> bool:
    """True when `path` sits in a folder .gitignore lists (e.g. /course/ used by make demo)."""
    rel = path.relative_to(repo).parts[0]
    gitignore = repo / ".gitignore"
    return gitignore.is_file() and f"/{rel}/" in gitignore.read_text().split()

"""The two cells every lab opens with, built from the one configured repository URL."""
from __future__ import annotations

BADGE_ID, INSTALL_ID = "colab-badge", "install"
COLAB = "https://colab.research.google.com"


def github_path(repository: str) -> str:
    """'https://github.com/org/repo(.git)' -> 'org/repo'."""
    path = repository.rstrip("/").removesuffix(".git")
    return path.split("github.com/", 1)[-1]


def badge_source(repository: str, branch: str, notebook_relpath: str) -> str:
    url = f"{COLAB}/github/{github_path(repository)}/blob/{branch}/{notebook_relpath}"
    return f"[![Open In Colab]({COLAB}/assets/colab-badge.svg)]({url})"


def install_source(repository: str, branch: str, lab: str) -> str:
    extra = "lab" + lab.split("_", 1)[0]
    return (
        "# Install the course helpers (Colab, or any fresh environment). Skipped when they are\n"
        "# already installed, e.g. in the course's conda environment.\n"
        "import importlib.util\n"
        "if importlib.util.find_spec(\"deeplabs\") is None:\n"
        f"    %pip install -q \"deeplabs[{extra}] @ git+{repository}@{branch}\""
    )

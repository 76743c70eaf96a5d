"""environment.yml and pyproject.toml describe the same installation."""
from __future__ import annotations

import tomllib

import yaml


def test_environment_yml_installs_the_project_with_the_same_torch_pin(repo):
    project = tomllib.loads((repo / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((repo / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    torch_pin = next(d for d in project["dependencies"] if d.startswith("torch"))
    assert torch_pin.split("#")[0].strip() in [p.strip() for p in pip]
    extras = {e for p in pip if p.startswith("-e .[") for e in p[5:-1].split(",")}
    assert {"grader", "dev"} <= extras <= set(project["optional-dependencies"])
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    minimum = project["requires-python"].removeprefix(">=")
    assert tuple(map(int, python.split("=")[1].split("."))) >= tuple(map(int, minimum.split(".")))


def test_torch_range_admits_the_offline_cpu_wheel(repo):
    from packaging.requirements import Requirement

    project = tomllib.loads((repo / "pyproject.toml").read_text())["project"]
    torch_req = Requirement(next(d for d in project["dependencies"] if d.startswith("torch")).split("#")[0])
    assert torch_req.specifier.contains("2.13.0")


def test_student_dependencies_stay_light(repo):
    project = tomllib.loads((repo / "pyproject.toml").read_text())["project"]
    heavy = {"nbgrader", "pytest", "nbval", "jupyterlab"}
    assert not heavy & {d.split(">")[0].split("=")[0].split("<")[0].strip() for d in project["dependencies"]}


def test_install_cells_and_makefile_pin_the_same_no_deps_wheels(repo):
    install = tomllib.loads((repo / "pyproject.toml").read_text())["tool"]["labgrader"]["install"]
    makefile = (repo / "Makefile").read_text()
    wheels = [w for lab in install.values() for w in lab.get("no-deps", [])]
    assert wheels and all(f'"{w}"' in makefile for w in wheels)
    project = tomllib.loads((repo / "pyproject.toml").read_text())["project"]
    assert all(f"lab{lab[:2]}" in project["optional-dependencies"] for lab in install)

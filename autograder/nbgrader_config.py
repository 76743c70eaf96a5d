"""nbgrader configuration for formgrader and the nbgrader command line.

    cd autograder && nbgrader formgrader      # or: jupyter lab, then open Formgrader

It is built by labgrader so both tools agree: source = ../solutions, release = ../labs,
gradebook, autograded/ and feedback/ in the course workspace ($LABGRADER_WORKSPACE).
"""
from pathlib import Path

from labgrader.config import load_course
from labgrader.nbgrader_bridge import nbgrader_config

c = get_config()  # noqa: F821  (injected by traitlets when nbgrader loads this file)
c.merge(nbgrader_config(load_course(repo=Path(__file__).resolve().parents[1])))

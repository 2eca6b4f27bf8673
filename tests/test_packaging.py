"""The skeleton stays true: dependencies agree, the README's commands exist, CI runs them."""

import re
import tomllib

import yaml
from conftest import ROOT


def _name(req: str) -> str:
    return re.split(r"[<>=\[ ;]", req, maxsplit=1)[0].lower()


def test_environment_yml_installs_the_pyproject_set():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = set(project["dependencies"]) | set(project["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_block = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    got = {r for r in pip_block if not r.startswith("-e")}
    assert got == wanted
    assert "python=3.11" in env["dependencies"]


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    assert "bash scripts/run-example.sh" in readme
    assert "bash scripts/test.sh" in readme
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text()
    for folder in ("notebooks", "avgkit", "data", "reports", "tests"):
        assert (ROOT / folder).is_dir()

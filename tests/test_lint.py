"""The style is held by tools, on every run (as `make lint`): ruff's lint rules (incl. DJ, DTZ, S, B) and its
formatter, the import contracts (the layers docs/architecture.md draws; pyproject.toml [tool.importlinter]),
mypy with django-stubs ([tool.mypy]) and djlint on the templates ([tool.djlint])."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff_is_clean(args):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *args, "newsdesk", "tests", "benchmarks"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts_are_kept():
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_types_check():
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("folders", "profile"), [("templates", "django"), ("jinja2", "jinja")])
def test_templates_lint_clean(folders, profile):
    paths = sorted(str(path) for path in (REPO / "newsdesk").glob(f"*/{folders}"))
    result = subprocess.run(
        [sys.executable, "-m", "djlint", *paths, "--lint", f"--profile={profile}"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert paths and result.returncode == 0, result.stdout + result.stderr

"""Every environment variable the settings read is offered in .env.example and explained in
docs/configuration.md: a new setting that is not documented fails here, with its name."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# os.environ.get("X"…), os.environ["X"], os.getenv("X"…), and the settings' own env_bool/env_list("X"…).
READ = re.compile(
    r"""(?:os\.environ\.get|os\.getenv|env_bool|env_list)\(\s*"([A-Z0-9_]+)"|os\.environ\["([A-Z0-9_]+)"\]"""
)


def variables_read() -> set[str]:
    source = (REPO / "newsdesk" / "settings.py").read_text()
    return {a or b for a, b in READ.findall(source)}


def test_the_settings_read_the_variables_this_test_looks_for():
    found = variables_read()
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "NEWSDESK_PRESS_REVIEW_SECTION"} <= found
    assert len(found) > 50


def test_every_variable_is_in_env_example():
    offered = set(re.findall(r"^#? ?([A-Z0-9_]+)=", (REPO / ".env.example").read_text(), re.M))
    missing = sorted(variables_read() - offered)
    assert not missing, f"add these to .env.example (commented out, with their default): {missing}"


def test_every_variable_is_in_the_configuration_docs():
    documented = set(re.findall(r"`([A-Z0-9_]+)`", (REPO / "docs" / "configuration.md").read_text()))
    missing = sorted(variables_read() - documented)
    assert not missing, f"add these to docs/configuration.md's table (name, default, meaning): {missing}"

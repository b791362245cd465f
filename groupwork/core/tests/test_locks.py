"""The two lock files agree: the image's runtime lock is the development lock less its dev extra."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[3]
PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9_.\-]+)==(?P<version>\S+)(?P<hashes>(?:\s*\\\s*--hash=\S+)+)", re.M
)


def pins(lock: str) -> dict[str, tuple[str, frozenset[str]]]:
    """Each package's version and hashes, by canonical name."""
    text = (ROOT / lock).read_text()
    return {
        canonicalize_name(match["name"]): (
            match["version"],
            frozenset(re.findall(r"--hash=(\S+)", match["hashes"])),
        )
        for match in PIN.finditer(text)
    }


def declared(extra: str | None = None) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return {canonicalize_name(Requirement(line).name) for line in listed}


def test_the_runtime_lock_pins_what_the_development_lock_pins() -> None:
    runtime, development = pins("requirements-runtime.lock"), pins("requirements.lock")
    assert len(runtime) > 30  # parsed, not empty
    assert {name: development.get(name) for name in runtime} == runtime


def test_the_runtime_lock_holds_the_dependencies_and_not_the_dev_extra() -> None:
    runtime = set(pins("requirements-runtime.lock"))
    assert declared() <= runtime
    assert not (declared("dev") - declared()) & runtime

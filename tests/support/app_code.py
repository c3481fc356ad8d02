"""Which files are the app's own code: what pyproject installs (its packages and py-modules),
migrations aside (Alembic loads them by path). Tests that check the code's shape or what it calls
read this, so a new package is covered the day it is added to pyproject."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def app_modules() -> dict[str, Path]:
    """Module name -> file, for every module pyproject installs."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    found = {name: ROOT / f"{name}.py" for name in config["py-modules"]}
    for pattern in config["packages"]["find"]["include"]:
        package = pattern.rstrip("*")
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found

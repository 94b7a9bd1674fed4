"""Dependencies point inward: the credit rules and network maths never import the platform."""

import subprocess
import sys

import pytest

FORBIDDEN = {
    "scf.credit": ["flask", "sqlalchemy", "networkx", "scf.platform", "scf.jobs", "scf.graph"],
    "scf.graph": ["flask", "sqlalchemy", "scf.platform", "scf.jobs"],
}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_pure_packages_import_no_framework(package: str) -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module('{package}')\n"
        "for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    importlib.import_module(m.name)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    leaked = [m for m in out for f in FORBIDDEN[package] if m == f or m.startswith(f + ".")]
    assert leaked == []


def test_the_import_contracts_are_kept() -> None:
    """The layers' import rules (``[tool.importlinter]`` in pyproject.toml): pure domain,
    services below the entry points, API and pages apart, jobs calling services."""
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    assert len(config["tool"]["importlinter"]["contracts"]) >= 3
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    assert result.returncode == 0, result.stdout[-3000:]

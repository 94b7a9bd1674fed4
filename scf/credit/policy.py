"""Policy parameters as dated data (授信政策参数), read from ``scf/credit/policy/*.yaml``.

Banks change their numbers, and a decision made under last year's policy must be
reproducible, so no number lives in code. Each parameter keeps its history as
``effective_from`` dates; ``load_policy(as_of)`` picks, for every parameter, the value
in force on that date, and the size-classification table in force on that date
(2003 table before 2011-06-18, 2011 table from then [DOMAIN §2]).

``Policy.version`` names exactly what was used: the bank label, the latest effective
date among the values in force, the size table, and a short hash of every value in
force, e.g. ``hebei-2012@2012-01-01+size-2011#3f9a1c0d``. Loading the same directory
with the same ``as_of`` later gives the same version and the same values, even after
new dated values were appended.

File format (one file per family)::

    kind: parameters
    description: Debt-to-asset ceilings (授信前资产负债率)
    parameters:
      admission.debt_ratio_max.manufacturing:
        type: decimal            # decimal (default) | text | list
        values:
          2012-01-01: {value: "0.60", reference: "[003 §五(一)1(4)]"}

Values are quoted strings (parsed into ``Decimal``); floats are refused. Unknown keys,
duplicate keys, bad dates and non-decimal values raise ``PolicyError`` naming the
file, the key and the reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from scf.credit.policy_files import (
    MANIFEST_KEYS,
    Dated,
    NoPolicyInForce,
    ParamValue,
    PolicyError,
    SizeClassBounds,
    SizeTable,
    parse_params,
    parse_size_table,
    read_yaml,
    refuse_unknown,
)

__all__ = [
    "DEFAULT_POLICY_DIR",
    "Param",
    "ParamValue",
    "Policy",
    "PolicyError",
    "SizeClassBounds",
    "SizeTable",
    "load_policy",
]

DEFAULT_POLICY_DIR = Path(__file__).parent / "policy"


@dataclass(frozen=True)
class Param:
    """One parameter's value in force on the as-of date, with where it came from."""

    name: str
    value: ParamValue
    effective_from: date
    reference: str
    assumed: bool
    file: str


@dataclass(frozen=True)
class Policy:
    """The parameters in force on ``as_of``; read them with the typed accessors."""

    as_of: date
    label: str
    params: Mapping[str, Param]
    size_table: SizeTable
    version: str

    def param(self, name: str) -> Param:
        try:
            return self.params[name]
        except KeyError:
            raise PolicyError("<policy>", name, f"no value in force on {self.as_of}") from None

    def decimal(self, name: str) -> Decimal:
        value = self.param(name).value
        if not isinstance(value, Decimal):
            raise PolicyError(self.param(name).file, name, "is not a decimal parameter")
        return value

    def text(self, name: str) -> str:
        value = self.param(name).value
        if not isinstance(value, str):
            raise PolicyError(self.param(name).file, name, "is not a text parameter")
        return value

    def items(self, name: str) -> tuple[str, ...]:
        value = self.param(name).value
        if not isinstance(value, tuple):
            raise PolicyError(self.param(name).file, name, "is not a list parameter")
        return value

    def ref(self, name: str) -> str:
        """The clause a parameter cites, marked when the value is assumed."""
        p = self.param(name)
        return p.reference + (" (assumed)" if p.assumed else "")

    def has(self, name: str) -> bool:
        return name in self.params

    def snapshot(self) -> dict[str, str]:
        """Every value in force, as strings: what a decision record stores."""
        out = {n: _render(p.value) for n, p in sorted(self.params.items())}
        out["size_table"] = self.size_table.label
        return out


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class _Library:
    label: str
    params: Mapping[str, tuple[tuple[Dated, ...], str]]  # name -> (history, file)
    size_tables: tuple[SizeTable, ...]


def _render(value: ParamValue) -> str:
    if isinstance(value, tuple):
        return ",".join(value)
    return str(value)


def _stamp(directory: Path) -> tuple[tuple[str, int, int], ...]:
    return tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(directory.glob("*.yaml"))
    )


@lru_cache(maxsize=32)
def _load_library(directory: str, stamp: tuple[tuple[str, int, int], ...]) -> _Library:
    label = ""
    params: dict[str, tuple[tuple[Dated, ...], str]] = {}
    tables: list[SizeTable] = []
    for name, _, _ in stamp:
        data = read_yaml(Path(directory) / name)
        kind = data.get("kind")
        if kind == "manifest":
            refuse_unknown(name, "", data, MANIFEST_KEYS)
            label = str(data.get("label", ""))
        elif kind == "parameters":
            for pname, entry in parse_params(name, data).items():
                if pname in params:
                    raise PolicyError(name, pname, f"also defined in {params[pname][1]}")
                params[pname] = entry
        elif kind == "size_table":
            tables.append(parse_size_table(name, data))
        else:
            raise PolicyError(name, "kind", f"unknown kind {kind!r}")
    if not label:
        raise PolicyError("manifest.yaml", "label", "policy directory needs a labelled manifest")
    return _Library(label, params, tuple(sorted(tables, key=lambda t: t.effective_from)))


@lru_cache(maxsize=256)
def _policy_for(directory: str, stamp: tuple[tuple[str, int, int], ...], as_of: date) -> Policy:
    library = _load_library(directory, stamp)
    in_force: dict[str, Param] = {}
    for name, (history, file) in library.params.items():
        current = [d for d in history if d.effective_from <= as_of]
        if current:
            d = current[-1]
            in_force[name] = Param(name, d.value, d.effective_from, d.reference, d.assumed, file)
    tables = [t for t in library.size_tables if t.effective_from <= as_of]
    if not tables:
        raise NoPolicyInForce(as_of)
    table = tables[-1]
    latest = max((p.effective_from for p in in_force.values()), default=table.effective_from)
    digest = hashlib.sha256(
        "\n".join(
            f"{n}={_render(p.value)}@{p.effective_from}" for n, p in sorted(in_force.items())
        ).encode()
        + table.label.encode()
    ).hexdigest()[:8]
    version = f"{library.label}@{latest.isoformat()}+{table.label}#{digest}"
    return Policy(as_of, library.label, in_force, table, version)


def load_policy(as_of: date, policy_dir: Path | str | None = None) -> Policy:
    """The policy in force on ``as_of`` (default: the Hebei bank policy shipped here).

    Cached: a call costs a directory stat; files are re-read only when they change.
    """
    directory = Path(policy_dir) if policy_dir is not None else DEFAULT_POLICY_DIR
    if not directory.is_dir():
        raise PolicyError(str(directory), "<dir>", "policy directory not found")
    return _policy_for(str(directory.resolve()), _stamp(directory), as_of)

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
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_POLICY_DIR = Path(__file__).parent / "policy"

ParamValue = Decimal | str | tuple[str, ...]


class PolicyError(ValueError):
    """A policy file that cannot be trusted; the message names file, key and reason."""

    def __init__(self, file: str, key: str, reason: str) -> None:
        super().__init__(f"{file}: {key}: {reason}")
        self.file = file
        self.key = key
        self.reason = reason


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
class SizeClassBounds:
    """Lower bounds (in 万元 for money) that must all be met to be in ``size_class``."""

    size_class: str
    bounds: Mapping[str, Decimal]


@dataclass(frozen=True)
class SizeTable:
    """A size-classification standard (企业划型标准) in force from ``effective_from``."""

    label: str
    effective_from: date
    reference: str
    floor_class: str
    classes: Mapping[str, tuple[SizeClassBounds, ...]]  # group -> large, medium, small...
    industry_groups: Mapping[str, str]  # industry code -> group
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


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int) -> None:
        super().__init__(key)
        self.key = key
        self.line = line


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key written twice in one mapping (PyYAML keeps the last)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise _DuplicateKey(str(key), key_node.start_mark.line + 1)
        seen.add(key)
    return dict(loader.construct_mapping(node, deep=True))


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    """Keep an impossible date (2012-13-01) as text so the checker can name it."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)

_PARAM_FILE_KEYS = {"kind", "description", "parameters"}
_PARAM_KEYS = {"type", "description", "unit", "values"}
_ENTRY_KEYS = {"value", "reference", "assumed"}
_SIZE_KEYS = {
    "kind",
    "label",
    "description",
    "effective_from",
    "reference",
    "unit",
    "floor_class",
    "groups",
    "industry_groups",
}
_MANIFEST_KEYS = {"kind", "label", "description"}


@dataclass(frozen=True)
class _Dated:
    effective_from: date
    value: ParamValue
    reference: str
    assumed: bool


@dataclass(frozen=True)
class _Library:
    label: str
    params: Mapping[str, tuple[tuple[_Dated, ...], str]]  # name -> (history, file)
    size_tables: tuple[SizeTable, ...]


def _render(value: ParamValue) -> str:
    if isinstance(value, tuple):
        return ",".join(value)
    return str(value)


def _refuse_unknown(file: str, where: str, got: Mapping[Any, Any], allowed: set[str]) -> None:
    for key in got:
        if key not in allowed:
            raise PolicyError(file, f"{where}{key}", f"unknown key (allowed: {sorted(allowed)})")


def _parse_decimal(file: str, key: str, raw: object) -> Decimal:
    if not isinstance(raw, str):
        raise PolicyError(file, key, f"value must be a quoted decimal string, got {raw!r}")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise PolicyError(file, key, f"“{raw}” is not a decimal number") from None
    if not value.is_finite():
        raise PolicyError(file, key, f"“{raw}” is not a finite number")
    return value


def _parse_date(file: str, key: str, raw: object) -> date:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise PolicyError(file, key, f"“{raw}” is not a date (YYYY-MM-DD)")


def _parse_value(file: str, key: str, kind: str, raw: object) -> ParamValue:
    if kind == "decimal":
        return _parse_decimal(file, key, raw)
    if kind == "text":
        if not isinstance(raw, str) or not raw:
            raise PolicyError(file, key, f"value must be non-empty text, got {raw!r}")
        return raw
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise PolicyError(file, key, f"value must be a list of strings, got {raw!r}")
    if len(set(raw)) != len(raw):
        raise PolicyError(file, key, "list repeats an item")
    return tuple(raw)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506
    except _DuplicateKey as exc:
        raise PolicyError(path.name, exc.key, f"duplicate key (line {exc.line})") from None
    except yaml.YAMLError as exc:
        raise PolicyError(path.name, "<file>", f"not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise PolicyError(path.name, "<file>", "top level must be a mapping")
    return data


def _parse_params(file: str, data: Mapping[str, Any]) -> dict[str, tuple[tuple[_Dated, ...], str]]:
    _refuse_unknown(file, "", data, _PARAM_FILE_KEYS)
    params = data.get("parameters")
    if not isinstance(params, dict) or not params:
        raise PolicyError(file, "parameters", "must be a non-empty mapping")
    out: dict[str, tuple[tuple[_Dated, ...], str]] = {}
    for name, spec in params.items():
        if not isinstance(spec, dict):
            raise PolicyError(file, str(name), "must be a mapping with 'values'")
        _refuse_unknown(file, f"{name}.", spec, _PARAM_KEYS)
        kind = spec.get("type", "decimal")
        if kind not in ("decimal", "text", "list"):
            raise PolicyError(file, f"{name}.type", f"unknown type {kind!r}")
        values = spec.get("values")
        if not isinstance(values, dict) or not values:
            raise PolicyError(file, f"{name}.values", "must map effective dates to entries")
        history = []
        for raw_date, entry in values.items():
            key = f"{name}.{raw_date}"
            when = _parse_date(file, key, raw_date)
            if not isinstance(entry, dict):
                raise PolicyError(file, key, "entry must be {value, reference}")
            _refuse_unknown(file, f"{key}.", entry, _ENTRY_KEYS)
            if "value" not in entry:
                raise PolicyError(file, f"{key}.value", "missing")
            reference = entry.get("reference")
            if not isinstance(reference, str) or not reference:
                raise PolicyError(file, f"{key}.reference", "every value must cite its source")
            assumed = entry.get("assumed", False)
            if not isinstance(assumed, bool):
                raise PolicyError(file, f"{key}.assumed", "must be true or false")
            value = _parse_value(file, f"{key}.value", kind, entry["value"])
            history.append(_Dated(when, value, reference, assumed))
        out[str(name)] = (tuple(sorted(history, key=lambda d: d.effective_from)), file)
    return out


def _parse_size_table(file: str, data: Mapping[str, Any]) -> SizeTable:
    _refuse_unknown(file, "", data, _SIZE_KEYS)
    for required in ("label", "effective_from", "reference", "floor_class", "groups"):
        if required not in data:
            raise PolicyError(file, required, "missing")
    groups = data["groups"]
    if not isinstance(groups, dict):
        raise PolicyError(file, "groups", "must be a mapping")
    classes: dict[str, tuple[SizeClassBounds, ...]] = {}
    for group, by_class in groups.items():
        if not isinstance(by_class, dict):
            raise PolicyError(file, f"groups.{group}", "must map size classes to bounds")
        seq = []
        for size_class, bounds in by_class.items():
            if size_class not in ("large", "medium", "small"):
                raise PolicyError(file, f"groups.{group}.{size_class}", "unknown size class")
            if not isinstance(bounds, dict) or not bounds:
                raise PolicyError(file, f"groups.{group}.{size_class}", "needs bounds")
            parsed = {}
            for measure, raw in bounds.items():
                key = f"groups.{group}.{size_class}.{measure}"
                if measure not in ("employees", "revenue", "assets"):
                    raise PolicyError(file, key, "unknown measure")
                parsed[str(measure)] = _parse_decimal(file, key, raw)
            seq.append(SizeClassBounds(str(size_class), parsed))
        classes[str(group)] = tuple(seq)
    mapping = data.get("industry_groups", {})
    if not isinstance(mapping, dict):
        raise PolicyError(file, "industry_groups", "must be a mapping")
    for industry, group in mapping.items():
        if group not in classes:
            raise PolicyError(file, f"industry_groups.{industry}", f"unknown group {group!r}")
    return SizeTable(
        label=str(data["label"]),
        effective_from=_parse_date(file, "effective_from", data["effective_from"]),
        reference=str(data["reference"]),
        floor_class=str(data["floor_class"]),
        classes=classes,
        industry_groups={str(k): str(v) for k, v in mapping.items()},
        file=file,
    )


def _stamp(directory: Path) -> tuple[tuple[str, int, int], ...]:
    return tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(directory.glob("*.yaml"))
    )


@lru_cache(maxsize=32)
def _load_library(directory: str, stamp: tuple[tuple[str, int, int], ...]) -> _Library:
    label = ""
    params: dict[str, tuple[tuple[_Dated, ...], str]] = {}
    tables: list[SizeTable] = []
    for name, _, _ in stamp:
        data = _read_yaml(Path(directory) / name)
        kind = data.get("kind")
        if kind == "manifest":
            _refuse_unknown(name, "", data, _MANIFEST_KEYS)
            label = str(data.get("label", ""))
        elif kind == "parameters":
            for pname, entry in _parse_params(name, data).items():
                if pname in params:
                    raise PolicyError(name, pname, f"also defined in {params[pname][1]}")
                params[pname] = entry
        elif kind == "size_table":
            tables.append(_parse_size_table(name, data))
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
        raise PolicyError("<size tables>", str(as_of), "no size-classification table in force")
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

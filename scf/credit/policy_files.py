"""Reading policy files strictly (授信政策参数文件): a YAML loader that refuses a key written
twice, and parsers that check every value, date, reference and size-table bound, naming
the file, the key and the reason when anything is wrong (``PolicyError``).

A policy that cannot be trusted must not load: a float would round a ratio, a duplicate
key would silently keep one of two values, an unknown key is a typo that would leave the
intended parameter at its old value. ``scf.credit.policy`` assembles what is read here
into the policy in force on a date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

ParamValue = Decimal | str | tuple[str, ...]


class PolicyError(ValueError):
    """A policy file that cannot be trusted; the message names file, key and reason."""

    def __init__(self, file: str, key: str, reason: str) -> None:
        super().__init__(f"{file}: {key}: {reason}")
        self.file = file
        self.key = key
        self.reason = reason


class NoPolicyInForce(PolicyError):
    """A question about a date before any policy was in force: bad input, not a broken file."""

    def __init__(self, as_of: date) -> None:
        super().__init__("<size tables>", str(as_of), "no size-classification table in force")
        self.as_of = as_of


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


# --------------------------------------------------------------------------- reading


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
MANIFEST_KEYS = {"kind", "label", "description"}


@dataclass(frozen=True)
class Dated:
    effective_from: date
    value: ParamValue
    reference: str
    assumed: bool


def refuse_unknown(file: str, where: str, got: Mapping[Any, Any], allowed: set[str]) -> None:
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


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506
    except _DuplicateKey as exc:
        raise PolicyError(path.name, exc.key, f"duplicate key (line {exc.line})") from None
    except yaml.YAMLError as exc:
        raise PolicyError(path.name, "<file>", f"not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise PolicyError(path.name, "<file>", "top level must be a mapping")
    return data


def parse_params(file: str, data: Mapping[str, Any]) -> dict[str, tuple[tuple[Dated, ...], str]]:
    refuse_unknown(file, "", data, _PARAM_FILE_KEYS)
    params = data.get("parameters")
    if not isinstance(params, dict) or not params:
        raise PolicyError(file, "parameters", "must be a non-empty mapping")
    out: dict[str, tuple[tuple[Dated, ...], str]] = {}
    for name, spec in params.items():
        if not isinstance(spec, dict):
            raise PolicyError(file, str(name), "must be a mapping with 'values'")
        refuse_unknown(file, f"{name}.", spec, _PARAM_KEYS)
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
            refuse_unknown(file, f"{key}.", entry, _ENTRY_KEYS)
            if "value" not in entry:
                raise PolicyError(file, f"{key}.value", "missing")
            reference = entry.get("reference")
            if not isinstance(reference, str) or not reference:
                raise PolicyError(file, f"{key}.reference", "every value must cite its source")
            assumed = entry.get("assumed", False)
            if not isinstance(assumed, bool):
                raise PolicyError(file, f"{key}.assumed", "must be true or false")
            value = _parse_value(file, f"{key}.value", kind, entry["value"])
            history.append(Dated(when, value, reference, assumed))
        out[str(name)] = (tuple(sorted(history, key=lambda d: d.effective_from)), file)
    return out


def parse_size_table(file: str, data: Mapping[str, Any]) -> SizeTable:
    refuse_unknown(file, "", data, _SIZE_KEYS)
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

"""Questionnaire instruments as data, and scoring a set of answers. No database here."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from jsonschema import Draft202012Validator

from groupwork.programmes.definition import DefinitionError

SCHEMA_FILE = Path(__file__).with_name("instrument.schema.json")
INSTRUMENTS_DIR = Path(__file__).with_name("instruments")


@dataclass(frozen=True)
class Item:
    number: int
    text: str
    reverse: bool


@dataclass(frozen=True)
class Scale:
    code: str
    name: str
    items: tuple[int, ...]
    scoring: Literal["sum", "mean"]
    max_missing: int
    higher_is_better: bool
    mean: float
    sd: float
    reliability: float
    cut_off: float | None
    need_when: Literal["below", "above"] | None

    def shows_need(self, score: float) -> bool:
        if self.cut_off is None or self.need_when is None:
            return False
        return score < self.cut_off if self.need_when == "below" else score > self.cut_off


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    demonstration: bool
    notice: str
    introduction: str
    responses: tuple[tuple[int, str], ...]
    items: tuple[Item, ...]
    scales: tuple[Scale, ...]

    @property
    def lowest(self) -> int:
        return min(value for value, _ in self.responses)

    @property
    def highest(self) -> int:
        return max(value for value, _ in self.responses)


@dataclass(frozen=True)
class ScaleResult:
    scale: Scale
    score: float | None  # None when too many answers are missing
    answered: int


def parse_instrument(data: dict[str, Any]) -> Instrument:
    """Check an instrument file and return it, or raise DefinitionError naming each field."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    problems = [
        f"{'.'.join(str(part) for part in error.absolute_path) or '(the whole file)'}: "
        f"{error.message}"
        for error in Draft202012Validator(schema).iter_errors(data)
    ]
    if problems:
        raise DefinitionError(sorted(problems))
    instrument = Instrument(
        code=data["code"],
        name=data["name"],
        demonstration=data.get("demonstration", False),
        notice=data.get("notice", ""),
        introduction=data.get("introduction", ""),
        responses=tuple((entry["value"], entry["label"]) for entry in data["response_scale"]),
        items=tuple(
            Item(number=i["number"], text=i["text"], reverse=i.get("reverse", False))
            for i in data["items"]
        ),
        scales=tuple(_scale(entry) for entry in data["scales"]),
    )
    problems = _cross_checks(instrument)
    if problems:
        raise DefinitionError(problems)
    return instrument


def _scale(entry: dict[str, Any]) -> Scale:
    return Scale(
        code=entry["code"],
        name=entry["name"],
        items=tuple(entry["items"]),
        scoring=entry["scoring"],
        max_missing=entry["max_missing"],
        higher_is_better=entry["higher_is_better"],
        mean=float(entry["norms"]["mean"]),
        sd=float(entry["norms"]["sd"]),
        reliability=float(entry["norms"]["reliability"]),
        cut_off=entry.get("cut_off"),
        need_when=entry.get("need_when"),
    )


def _cross_checks(instrument: Instrument) -> list[str]:
    problems = []
    numbers = [item.number for item in instrument.items]
    if len(set(numbers)) != len(numbers):
        problems.append("items: item numbers must be unique")
    values = [value for value, _ in instrument.responses]
    if len(set(values)) != len(values):
        problems.append("response_scale: values must be unique")
    codes = [scale.code for scale in instrument.scales]
    if len(set(codes)) != len(codes):
        problems.append("scales: codes must be unique")
    for index, scale in enumerate(instrument.scales):
        unknown = sorted(set(scale.items) - set(numbers))
        if unknown:
            problems.append(f"scales.{index}.items: no items numbered {unknown}")
        if scale.max_missing >= len(scale.items):
            problems.append(f"scales.{index}.max_missing: must be less than its item count")
        if (scale.cut_off is None) != (scale.need_when is None):
            problems.append(f"scales.{index}: cut_off and need_when go together")
    return problems


def keyed_value(instrument: Instrument, item: Item, value: int) -> int:
    """The answer as scored: reverse-keyed items count from the other end of the scale."""
    return instrument.lowest + instrument.highest - value if item.reverse else value


def score(instrument: Instrument, answers: Mapping[int, int | None]) -> list[ScaleResult]:
    """Each scale's score. A sum with some answers missing is prorated from the answered
    items' mean; more missing than the scale allows leaves it unscored."""
    by_number = {item.number: item for item in instrument.items}
    results = []
    for scale in instrument.scales:
        given = [
            keyed_value(instrument, by_number[number], value)
            for number in scale.items
            if (value := answers.get(number)) is not None
        ]
        missing = len(scale.items) - len(given)
        if not given or missing > scale.max_missing:
            results.append(ScaleResult(scale=scale, score=None, answered=len(given)))
            continue
        mean = sum(given) / len(given)
        scale_score = mean * len(scale.items) if scale.scoring == "sum" else mean
        results.append(ScaleResult(scale=scale, score=round(scale_score, 2), answered=len(given)))
    return results


def shipped_instrument_file(code: str) -> Path:
    return INSTRUMENTS_DIR / f"{code}.json"

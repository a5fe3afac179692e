"""The metric form's one-per-line boxes: composite inputs and conversion property pairs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, NotRequired, TypedDict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class InputLine(TypedDict):
    """A composite metric's input, as its definition holds it."""

    alias: str
    metric: str
    offset: NotRequired[str]


class PropertyPair(TypedDict):
    """A conversion's constant property: the base step's and the conversion step's."""

    base: str
    conversion: str


def input_line(item: InputLine) -> str:
    line = f"{item['alias']} = {item['metric']}"
    return f"{line} offset {item['offset']}" if item.get("offset") else line


def parse_inputs(text: str, *, field: str) -> list[InputLine]:
    inputs = []
    for number, line in _numbered(text):
        alias, sep, rest = line.partition("=")
        words = rest.split()
        if (
            not sep
            or len(words) not in (1, 3)
            or (len(words) == 3 and words[1] != "offset")
        ):
            raise _line_error(field, number, _("write “alias = metric_key”"))
        item: InputLine = {"alias": alias.strip(), "metric": words[0]}
        if len(words) == 3:
            item["offset"] = words[2]
        inputs.append(item)
    return inputs


def parse_pairs(text: str, *, field: str) -> list[PropertyPair]:
    pairs: list[PropertyPair] = []
    for number, line in _numbered(text):
        base, sep, conversion = (part.strip() for part in line.partition("="))
        if not (sep and base and conversion):
            raise _line_error(
                field, number, _("write “base property = conversion property”")
            )
        pairs.append({"base": base, "conversion": conversion})
    return pairs


def _numbered(text: str) -> Iterable[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, line.strip()


def _line_error(field: str, number: int, hint: StrOrPromise) -> ValidationError:
    return ValidationError(
        _("Line %(number)d: %(hint)s."),
        code="bad_line",
        params={"number": number, "hint": hint, "field": field},
    )

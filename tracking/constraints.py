"""Property constraints: which apply to which type, whether they agree, and narrowing rules.

Pure functions over a `Constraints` value; models call them from `clean()` and turn the
messages into form errors. For arrays, the scalar constraints (enum, pattern, lengths, range)
apply to each item, typed by `item_type`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, TypedDict

from django.utils.translation import gettext as _

from tracking.patterns import UnsafePatternError, check_pattern, compile_pattern

STRING = "string"
INTEGER = "integer"
NUMBER = "number"
BOOLEAN = "boolean"
DATE_TIME = "date-time"
ARRAY = "array"
OBJECT = "object"

# RFC 3339 section 5.6: a date-time always carries a zone ("Z" or an offset).
_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})",
)

Errors = dict[str, list[str]]


class ConstraintValues(TypedDict):
    """The constraint fields of a property or an attachment, as the models hold them."""

    enum: list[Any]
    pattern: str
    minimum: Decimal | None
    maximum: Decimal | None
    min_length: int | None
    max_length: int | None
    min_items: int | None
    max_items: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Constraints:
    type: str
    item_type: str = ""
    enum: list[Any] = field(default_factory=list)
    pattern: str = ""
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_items: int | None = None
    max_items: int | None = None

    @property
    def value_type(self) -> str:
        """The type the scalar constraints apply to: the item type for arrays."""
        return self.item_type if self.type == ARRAY else self.type


def constraint_errors(c: Constraints) -> Errors:
    """Messages per field for constraints that do not fit the type or contradict each other."""
    errors: Errors = {}
    _check_item_type(c, errors)
    _check_applicability(c, errors)
    _check_enum(c, errors)
    _check_pattern(c.pattern, errors)
    _check_order(c, errors)
    return errors


def narrowing_errors(base: Constraints, narrowed: Constraints) -> Errors:
    """Messages per field where an event's narrowing loosens or contradicts the shared property."""
    errors = {
        name: messages
        for name, messages in constraint_errors(narrowed).items()
        if name not in {"item_type"}
    }
    if base.enum and narrowed.enum:
        extra = [v for v in narrowed.enum if v not in base.enum]
        if extra:
            _add(
                errors,
                "enum",
                _("These values are not allowed by the shared property: %s.")
                % _listing(extra),
            )
    _check_bound(errors, "minimum", base.minimum, narrowed.minimum, lower=True)
    _check_bound(errors, "maximum", base.maximum, narrowed.maximum, lower=False)
    _check_bound(errors, "min_length", base.min_length, narrowed.min_length, lower=True)
    _check_bound(
        errors, "max_length", base.max_length, narrowed.max_length, lower=False
    )
    _check_bound(errors, "min_items", base.min_items, narrowed.min_items, lower=True)
    _check_bound(errors, "max_items", base.max_items, narrowed.max_items, lower=False)
    return errors


def value_errors(value: Any, c: Constraints) -> list[str]:
    """Why `value` (an example, say) does not satisfy the constraints; empty if it does."""
    if c.type == ARRAY:
        if not isinstance(value, list):
            return [_("%(value)s is not a list.") % {"value": _show(value)}]
        problems = [p for item in value for p in _scalar_value_errors(item, c)]
        if c.min_items is not None and len(value) < c.min_items:
            problems.append(_("The list has fewer than %d items.") % c.min_items)
        if c.max_items is not None and len(value) > c.max_items:
            problems.append(_("The list has more than %d items.") % c.max_items)
        return problems
    return _scalar_value_errors(value, c)


def fits_type(value: Any, type_: str) -> bool:
    """Whether a JSON value has the given property type."""
    if type_ == STRING:
        return isinstance(value, str)
    if type_ == INTEGER:
        return _is_number(value) and (
            isinstance(value, int) or float(value).is_integer()
        )
    if type_ == NUMBER:
        return _is_number(value)
    if type_ == BOOLEAN:
        return isinstance(value, bool)
    if type_ == DATE_TIME:
        return isinstance(value, str) and is_rfc3339(value)
    if type_ == ARRAY:
        return isinstance(value, list)
    if type_ == OBJECT:
        return isinstance(value, dict)
    return False


def is_rfc3339(value: str) -> bool:
    if not _RFC3339.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
    except ValueError:
        return False
    return True


def _scalar_value_errors(value: Any, c: Constraints) -> list[str]:
    type_ = c.value_type
    if type_ and not fits_type(value, type_):
        return [
            _("%(value)s is not of type %(type)s.")
            % {"value": _show(value), "type": type_}
        ]
    problems = []
    if c.enum and value not in c.enum:
        problems.append(_("%s is not one of the allowed values.") % _show(value))
    if isinstance(value, str):
        if c.pattern and _pattern_rejects(c.pattern, value):
            problems.append(_("%s does not match the pattern.") % _show(value))
        if c.min_length is not None and len(value) < c.min_length:
            problems.append(_("%s is shorter than the minimum length.") % _show(value))
        if c.max_length is not None and len(value) > c.max_length:
            problems.append(_("%s is longer than the maximum length.") % _show(value))
    if _is_number(value):
        if c.minimum is not None and Decimal(str(value)) < c.minimum:
            problems.append(_("%s is below the minimum.") % _show(value))
        if c.maximum is not None and Decimal(str(value)) > c.maximum:
            problems.append(_("%s is above the maximum.") % _show(value))
    return problems


def _pattern_rejects(pattern: str, value: str) -> bool:
    try:
        return compile_pattern(pattern).search(value) is None
    except UnsafePatternError:
        return False


def _check_item_type(c: Constraints, errors: Errors) -> None:
    if c.type == ARRAY and not c.item_type:
        _add(errors, "item_type", _("Choose the type of the list's items."))
    if c.type != ARRAY and c.item_type:
        _add(errors, "item_type", _("Only lists have an item type."))
    if c.item_type == ARRAY:
        _add(
            errors,
            "item_type",
            _("Lists of lists are not supported; use a list of objects."),
        )


def _check_applicability(c: Constraints, errors: Errors) -> None:
    type_ = c.value_type
    target = _("list items") if c.type == ARRAY else type_
    if c.pattern and type_ != STRING:
        _add(
            errors, "pattern", _("A pattern applies only to text, not to %s.") % target
        )
    for name in ("min_length", "max_length"):
        if getattr(c, name) is not None and type_ != STRING:
            _add(
                errors,
                name,
                _("A length limit applies only to text, not to %s.") % target,
            )
    for name in ("minimum", "maximum"):
        if getattr(c, name) is not None and type_ not in {INTEGER, NUMBER}:
            _add(
                errors, name, _("A range applies only to numbers, not to %s.") % target
            )
    for name in ("min_items", "max_items"):
        if getattr(c, name) is not None and c.type != ARRAY:
            _add(errors, name, _("An item count applies only to lists."))
    if c.enum and type_ in {OBJECT, ""}:
        _add(errors, "enum", _("Allowed values cannot be listed for objects."))


def _check_enum(c: Constraints, errors: Errors) -> None:
    type_ = c.value_type
    if not c.enum or type_ in {OBJECT, ""}:
        return
    wrong = [v for v in c.enum if not fits_type(v, type_)]
    if wrong:
        _add(
            errors,
            "enum",
            _("These allowed values are not of type %(type)s: %(values)s.")
            % {"type": type_, "values": _listing(wrong)},
        )
    repeated = _repeated(c.enum)
    if repeated:
        _add(
            errors,
            "enum",
            _("These allowed values are listed twice: %s.") % _listing(repeated),
        )


def _repeated(values: list[Any]) -> list[Any]:
    # Compared with ==, as a list does: values need not be hashable.
    seen: list[Any] = []
    repeated = []
    for value in values:
        if value in seen:
            repeated.append(value)
        else:
            seen.append(value)
    return repeated


def _check_pattern(pattern: str, errors: Errors) -> None:
    if not pattern:
        return
    try:
        check_pattern(pattern)
    except UnsafePatternError as exc:
        _add(errors, "pattern", str(exc))


def _check_order(c: Constraints, errors: Errors) -> None:
    pairs = [
        ("minimum", "maximum", _("The minimum is above the maximum.")),
        (
            "min_length",
            "max_length",
            _("The minimum length is above the maximum length."),
        ),
        (
            "min_items",
            "max_items",
            _("The minimum number of items is above the maximum."),
        ),
    ]
    for low, high, message in pairs:
        a, b = getattr(c, low), getattr(c, high)
        if a is not None and b is not None and a > b:
            _add(errors, low, message)
    if c.value_type == INTEGER:
        for name in ("minimum", "maximum"):
            bound = getattr(c, name)
            if bound is not None and bound != bound.to_integral_value():
                _add(errors, name, _("Use a whole number for an integer property."))


def _check_bound(
    errors: Errors, name: str, base: Any, narrowed: Any, *, lower: bool
) -> None:
    if base is None or narrowed is None:
        return
    if (lower and narrowed < base) or (not lower and narrowed > base):
        _add(
            errors,
            name,
            _(
                "This loosens the shared property's limit of %s; an event may only "
                "narrow it."
            )
            % base,
        )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _listing(values: list[Any]) -> str:
    return ", ".join(_show(v) for v in values)


def _add(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)

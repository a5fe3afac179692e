"""Key naming conventions and key folding (the comparison that finds `add_to_cart` = `AddToCart`)."""

from __future__ import annotations

import re

from tracking.patterns import UnsafePatternError, compile_pattern

SNAKE_CASE = "snake_case"
CAMEL_CASE = "camel_case"
OBJECT_ACTION = "object_action"
CUSTOM = "custom"

# TRICKY: these are evaluated with Python's `re`; they are fixed, anchored and free of nested
# quantifiers over overlapping input, so they run in linear time.
_BUILT_IN = {
    SNAKE_CASE: re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*"),
    CAMEL_CASE: re.compile(r"[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)*"),
    OBJECT_ACTION: re.compile(r"[A-Z][A-Za-z0-9]*(?: [A-Z][A-Za-z0-9]*)+"),
}

EXAMPLES = {
    SNAKE_CASE: "product_viewed",
    CAMEL_CASE: "productViewed",
    OBJECT_ACTION: "Product Viewed",
}

_SEPARATORS = re.compile(r"[\s_\-.:/]+")


def fold_key(key: str) -> str:
    """The key with case and separators removed: two keys that fold equal collide."""
    return _SEPARATORS.sub("", key).casefold()


def follows_convention(key: str, convention: str, custom_regex: str = "") -> bool:
    """Whether `key` follows the convention; a custom regex must match the whole key."""
    if convention == CUSTOM:
        if not custom_regex:
            return True
        try:
            compiled = compile_pattern(custom_regex)
        except UnsafePatternError:
            # Stored before the guard refused it (an import, an older rule): it constrains
            # nothing, and the plan checks report the regex itself (`naming_regex_invalid`).
            return True
        return compiled.fullmatch(key) is not None
    return _BUILT_IN[convention].fullmatch(key) is not None


def suggest_key(key: str, convention: str) -> str:
    """The key rewritten in the convention, for messages ("did you mean `product_viewed`?")."""
    words = _words(key)
    if not words or convention == CUSTOM:
        return key
    if convention == SNAKE_CASE:
        return "_".join(w.lower() for w in words)
    if convention == CAMEL_CASE:
        return words[0].lower() + "".join(
            w[:1].upper() + w[1:].lower() for w in words[1:]
        )
    return " ".join(w[:1].upper() + w[1:] for w in words)


def _words(key: str) -> list[str]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", key)
    return [w for w in _SEPARATORS.split(spaced) if w]

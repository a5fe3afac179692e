"""The formula language of composite metrics: a hand-written tokenizer and parser, never eval.

Grammar (nothing else is accepted; the first thing outside it is reported with its position):

    expr    := term (("+" | "-") term)*
    term    := unary (("*" | "/") unary)*
    unary   := "-" primary | primary
    primary := NUMBER | ALIAS | FUNCTION "(" expr ("," expr)* ")" | "(" expr ")"
    NUMBER  := digits ["." digits]        ALIAS := [A-Za-z_][A-Za-z0-9_]*
    FUNCTION:= nullif(a, b) | coalesce(a, b, ...) | abs(a) | round(a [, 0..10])

TRICKY: the text is only ever scanned character by character here; it is never handed to
Python (no eval, exec, compile or literal_eval), so a formula can compute nothing but the tree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_LENGTH = 500
MAX_DEPTH = 16
MAX_NAME = 64
MAX_DIGITS = 18
MAX_ROUND_DIGITS = 10

FUNCTIONS = {"nullif": (2, 2), "coalesce": (2, 8), "abs": (1, 1), "round": (1, 2)}
_OPERATORS = "+-*/"
_DIGITS = "0123456789"
_NAME_START = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"
_NAME_CHARS = _NAME_START + _DIGITS
_SPACE = " \t\r\n"


@dataclass(frozen=True, slots=True, kw_only=True)
class Number:
    value: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Alias:
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Negate:
    operand: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class BinaryOp:
    op: str  # one of + - * /
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class Call:
    function: str
    args: tuple[Expr, ...]


Expr = Number | Alias | Negate | BinaryOp | Call


class ExpressionError(ValueError):
    """The formula is outside the grammar; `position` is the 0-based offset of the culprit."""

    def __init__(self, reason: str, position: int) -> None:
        self.reason = reason
        self.position = position
        super().__init__(f"{reason} " + _("(character %d)") % (position + 1))


@dataclass(frozen=True, slots=True, kw_only=True)
class _Token:
    kind: str  # number, name, op, (, ), ",", end
    text: str
    position: int


class _Tokens:
    """Reads one token at a time, so the first error in reading order is the one reported."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def next(self) -> _Token:
        text, n = self.text, len(self.text)
        while self.at < n and text[self.at] in _SPACE:
            self.at += 1
        start = self.at
        if start >= n:
            return _Token(kind="end", text="", position=n)
        char = text[start]
        if char in _DIGITS:
            return self._number(start)
        if char in _NAME_START:
            return self._name(start)
        if char in _OPERATORS:
            self._refuse_doubled(char, start)
            self.at += 1
            return _Token(kind="op", text=char, position=start)
        if char in "(),":
            self.at += 1
            return _Token(kind=char, text=char, position=start)
        raise ExpressionError(_refusal(char), start)

    def _refuse_doubled(self, char: str, start: int) -> None:
        following = self.text[start + 1 : start + 2]
        if char == "*" and following == "*":
            raise ExpressionError(
                _("Powers (**) are not part of the formula language."), start
            )
        if char == "/" and following == "/":
            raise ExpressionError(_("Use a single / to divide."), start)

    def _number(self, start: int) -> _Token:
        end = self._scan(start, _DIGITS)
        if end < len(self.text) and self.text[end] == ".":
            after = self._scan(end + 1, _DIGITS)
            if after == end + 1:
                raise ExpressionError(
                    _("A number needs digits after its decimal point."), end
                )
            end = after
        if end < len(self.text) and self.text[end] in _NAME_CHARS + ".":
            msg = _("Write numbers as plain digits, e.g. 1000 or 0.5.")
            raise ExpressionError(msg, end)
        if end - start > MAX_DIGITS:
            raise ExpressionError(_("The number has too many digits."), start)
        self.at = end
        return _Token(kind="number", text=self.text[start:end], position=start)

    def _name(self, start: int) -> _Token:
        end = self._scan(start, _NAME_CHARS)
        if end - start > MAX_NAME:
            raise ExpressionError(
                _("The name is longer than %d characters.") % MAX_NAME, start
            )
        if end < len(self.text) and self.text[end] == ".":
            raise ExpressionError(_("Attribute access (“.”) is not allowed."), end)
        self.at = end
        return _Token(kind="name", text=self.text[start:end], position=start)

    def _scan(self, at: int, allowed: str) -> int:
        while at < len(self.text) and self.text[at] in allowed:
            at += 1
        return at


def _refusal(char: str) -> str:
    if char in "'\"`":
        return _("Text in quotes is not allowed in a formula.")
    if char == ".":
        return _("“.” is not allowed here; numbers are written like 0.5.")
    return _("“%s” is not part of the formula language.") % char


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _Tokens(text)
        self.token = self.tokens.next()
        self.depth = 0

    def advance(self) -> _Token:
        token, self.token = self.token, self.tokens.next()
        return token

    def parse(self) -> Expr:
        if self.token.kind == "end":
            raise ExpressionError(_("The formula is empty."), 0)
        tree = self.expr()
        if self.token.kind != "end":
            raise ExpressionError(_expected_operator(self.token), self.token.position)
        return tree

    def expr(self) -> Expr:
        tree = self.term()
        while self.token.kind == "op" and self.token.text in "+-":
            op = self.operator()
            tree = BinaryOp(op=op, left=tree, right=self.term())
        return tree

    def term(self) -> Expr:
        tree = self.unary()
        while self.token.kind == "op" and self.token.text in "*/":
            op = self.operator()
            tree = BinaryOp(op=op, left=tree, right=self.primary())
        return tree

    def operator(self) -> str:
        """A binary operator; a sign right after it (`a--b`, `a*-b`) is refused, not guessed."""
        op = self.advance().text
        if self.token.kind == "op":
            raise ExpressionError(
                _("Two signs in a row are not allowed."), self.token.position
            )
        return op

    def unary(self) -> Expr:
        if self.token.kind == "op" and self.token.text == "-":
            self.advance()
            if self.token.kind == "op":
                raise ExpressionError(
                    _("Two signs in a row are not allowed."), self.token.position
                )
            return Negate(operand=self.nested(self.primary))
        return self.primary()

    def nested(self, parse: Callable[[], Expr]) -> Expr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            msg = _("The formula nests deeper than %d levels.") % MAX_DEPTH
            raise ExpressionError(msg, self.token.position)
        try:
            return parse()
        finally:
            self.depth -= 1

    def primary(self) -> Expr:
        token = self.token
        if token.kind == "number":
            self.advance()
            return Number(value=Decimal(token.text))
        if token.kind == "name":
            self.advance()
            if self.token.kind == "(":
                return self.call(token)
            if token.text in FUNCTIONS:
                msg = _("“%(f)s” is a function; call it like %(f)s(…).") % {
                    "f": token.text
                }
                raise ExpressionError(msg, token.position)
            return Alias(name=token.text)
        if token.kind == "(":
            self.advance()
            inner = self.nested(self.expr)
            self.expect(")")
            return inner
        if token.kind == "op" and token.text == "+":
            raise ExpressionError(
                _("A “+” needs something on its left."), token.position
            )
        raise ExpressionError(_expected_operand(token), token.position)

    def call(self, name: _Token) -> Expr:
        if name.text not in FUNCTIONS:
            msg = _(
                "“%s” cannot be called; only nullif, coalesce, abs and round can."
            ) % (name.text)
            raise ExpressionError(msg, name.position)
        self.advance()  # the "("
        args = [self.nested(self.expr)]
        while self.token.kind == ",":
            self.advance()
            args.append(self.nested(self.expr))
        self.expect(")")
        low, high = FUNCTIONS[name.text]
        if not low <= len(args) <= high:
            raise ExpressionError(_arity(name.text, low, high), name.position)
        if name.text == "round" and len(args) == 2:
            _check_round_digits(args[1], name.position)
        return Call(function=name.text, args=tuple(args))

    def expect(self, kind: str) -> None:
        if self.token.kind != kind:
            msg = _("Expected “%s” here.") % kind
            if self.token.kind == "end":
                msg = _("The formula ends before “%s”.") % kind
            raise ExpressionError(msg, self.token.position)
        self.advance()


def _expected_operator(token: _Token) -> str:
    if token.kind == "(":
        return _("Only nullif, coalesce, abs and round can be called.")
    return _("Expected an operator (+ - * /) or the end of the formula.")


def _expected_operand(token: _Token) -> str:
    if token.kind == "end":
        return _("The formula ends where a number or an input is expected.")
    return _("Expected a number, an input or “(” here.")


def _arity(function: str, low: int, high: int) -> str:
    if low == high:
        return ngettext(
            "%(f)s takes exactly %(n)d argument.",
            "%(f)s takes exactly %(n)d arguments.",
            low,
        ) % {"f": function, "n": low}
    return _("%(f)s takes %(low)d to %(high)d arguments.") % {
        "f": function,
        "low": low,
        "high": high,
    }


def _check_round_digits(arg: Expr, position: int) -> None:
    if not (
        isinstance(arg, Number)
        and arg.value == arg.value.to_integral_value()
        and 0 <= arg.value <= MAX_ROUND_DIGITS
    ):
        msg = _(
            "round takes the number of decimals as a whole number from 0 to %d."
        ) % (MAX_ROUND_DIGITS)
        raise ExpressionError(msg, position)


def parse_expression(text: str) -> Expr:
    """The formula's tree; raises ExpressionError for anything outside the grammar."""
    if not isinstance(text, str):
        raise ExpressionError(_("The formula is text."), 0)
    if len(text) > MAX_LENGTH:
        msg = _("The formula is longer than %d characters.") % MAX_LENGTH
        raise ExpressionError(msg, MAX_LENGTH)
    return _Parser(text).parse()


def aliases(tree: Expr) -> list[str]:
    """The aliases the formula reads, in order of first appearance."""
    seen: dict[str, None] = {}
    _collect(tree, seen)
    return list(seen)


def _collect(tree: Expr, seen: dict[str, None]) -> None:
    if isinstance(tree, Alias):
        seen.setdefault(tree.name)
    elif isinstance(tree, Negate):
        _collect(tree.operand, seen)
    elif isinstance(tree, BinaryOp):
        _collect(tree.left, seen)
        _collect(tree.right, seen)
    elif isinstance(tree, Call):
        for arg in tree.args:
            _collect(arg, seen)


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}
ASCII = {"+": "+", "-": "-", "*": "*", "/": "/"}
MATH = {"+": "+", "-": "−", "*": "×", "/": "÷"}


def render(
    tree: Expr,
    *,
    name: Callable[[str], str] = str,
    symbols: dict[str, str] = ASCII,
    call: Callable[[str, list[str]], str] | None = None,
) -> str:
    """The formula as text with the fewest parentheses; `name` spells aliases, `call` calls."""

    def go(node: Expr, parent: int, right: bool) -> str:
        if isinstance(node, Number):
            return _number_text(node.value)
        if isinstance(node, Alias):
            return name(node.name)
        if isinstance(node, Negate):
            inner = go(node.operand, 3, False)
            text = "-" + inner  # an inner Negate wraps itself: parent 3 > 1
            return f"({text})" if right or parent > 1 else text
        if isinstance(node, Call):
            args = [go(a, 0, False) for a in node.args]
            return (
                call(node.function, args)
                if call
                else f"{node.function}({', '.join(args)})"
            )
        own = _PRECEDENCE[node.op]
        text = f"{go(node.left, own, False)} {symbols[node.op]} {go(node.right, own, True)}"
        needs = own < parent or (right and own == parent)
        return f"({text})" if needs else text

    return go(tree, 0, False)


def _number_text(value: Decimal) -> str:
    return format(value.normalize(), "f")

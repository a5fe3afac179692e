"""The formula grammar: what parses, what is refused (with where), and that nothing is evaluated."""

from __future__ import annotations

import ast
import builtins
import inspect
from decimal import Decimal

import pytest

from tracking.metrics import expressions
from tracking.metrics.expressions import (
    MATH,
    Alias,
    BinaryOp,
    Call,
    ExpressionError,
    Negate,
    Number,
    aliases,
    parse_expression,
    render,
)

a, b, c = Alias(name="a"), Alias(name="b"), Alias(name="c")


def num(text: str) -> Number:
    return Number(value=Decimal(text))


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        pytest.param("a", a, id="alias"),
        pytest.param(" 42 ", num("42"), id="number"),
        pytest.param("0.25", num("0.25"), id="decimal"),
        pytest.param(
            "a + b * c",
            BinaryOp(op="+", left=a, right=BinaryOp(op="*", left=b, right=c)),
            id="precedence",
        ),
        pytest.param(
            "a - b - c",
            BinaryOp(op="-", left=BinaryOp(op="-", left=a, right=b), right=c),
            id="left-assoc",
        ),
        pytest.param(
            "(a + b) / c",
            BinaryOp(op="/", left=BinaryOp(op="+", left=a, right=b), right=c),
            id="parentheses",
        ),
        pytest.param(
            "-a * b",
            BinaryOp(op="*", left=Negate(operand=a), right=b),
            id="leading-minus",
        ),
        pytest.param(
            "a * (-b)",
            BinaryOp(op="*", left=a, right=Negate(operand=b)),
            id="minus-in-parentheses",
        ),
        pytest.param(
            "cur / nullif(prev, 0) - 1",
            BinaryOp(
                op="-",
                left=BinaryOp(
                    op="/",
                    left=Alias(name="cur"),
                    right=Call(function="nullif", args=(Alias(name="prev"), num("0"))),
                ),
                right=num("1"),
            ),
            id="week-over-week",
        ),
        pytest.param(
            "coalesce(a, b, 0)",
            Call(function="coalesce", args=(a, b, num("0"))),
            id="coalesce",
        ),
        pytest.param("abs(a)", Call(function="abs", args=(a,)), id="abs"),
        pytest.param(
            "round(a / b, 2)",
            Call(function="round", args=(BinaryOp(op="/", left=a, right=b), num("2"))),
            id="round",
        ),
    ],
)
def test_formulas_in_the_grammar_parse_to_their_tree(text, tree):
    assert parse_expression(text) == tree


@pytest.mark.parametrize(
    ("text", "reason", "position"),
    [
        pytest.param(
            "__import__('os')",
            "“__import__” cannot be called; only nullif, coalesce, abs and round can.",
            0,
            id="import",
        ),
        pytest.param(
            "eval(a)",
            "“eval” cannot be called; only nullif, coalesce, abs and round can.",
            0,
            id="eval-call",
        ),
        pytest.param(
            "a.__class__", "Attribute access (“.”) is not allowed.", 1, id="attribute"
        ),
        pytest.param(
            "(a).real",
            "“.” is not allowed here; numbers are written like 0.5.",
            3,
            id="attribute-after-parenthesis",
        ),
        pytest.param(
            "lambda: 1", "“:” is not part of the formula language.", 6, id="lambda"
        ),
        pytest.param(
            "lambda x: x",
            "Expected an operator (+ - * /) or the end of the formula.",
            7,
            id="lambda-with-argument",
        ),
        pytest.param(
            "'rm -rf'",
            "Text in quotes is not allowed in a formula.",
            0,
            id="single-quotes",
        ),
        pytest.param(
            'a + "b"',
            "Text in quotes is not allowed in a formula.",
            4,
            id="double-quotes",
        ),
        pytest.param(
            "a ** 2", "Powers (**) are not part of the formula language.", 2, id="power"
        ),
        pytest.param("a // b", "Use a single / to divide.", 2, id="floor-division"),
        pytest.param(
            "a % b", "“%” is not part of the formula language.", 2, id="modulo"
        ),
        pytest.param(
            "--a", "Two signs in a row are not allowed.", 1, id="double-minus"
        ),
        pytest.param(
            "a--b", "Two signs in a row are not allowed.", 2, id="minus-minus"
        ),
        pytest.param(
            "a*-b", "Two signs in a row are not allowed.", 2, id="sign-after-operator"
        ),
        pytest.param("+a", "A “+” needs something on its left.", 0, id="unary-plus"),
        pytest.param(
            "~a", "“~” is not part of the formula language.", 0, id="bitwise-not"
        ),
        pytest.param(
            "a if b else c",
            "Expected an operator (+ - * /) or the end of the formula.",
            2,
            id="conditional",
        ),
        pytest.param(
            "[a, b]", "“[” is not part of the formula language.", 0, id="list"
        ),
        pytest.param(
            "{a: b}", "“{” is not part of the formula language.", 0, id="dict"
        ),
        pytest.param(
            "a; b", "“;” is not part of the formula language.", 1, id="statement"
        ),
        pytest.param(
            "a == b", "“=” is not part of the formula language.", 2, id="comparison"
        ),
        pytest.param(
            "a(b)",
            "“a” cannot be called; only nullif, coalesce, abs and round can.",
            0,
            id="call-an-alias",
        ),
        pytest.param(
            "round",
            "“round” is a function; call it like round(…).",
            0,
            id="function-not-called",
        ),
        pytest.param(
            "nullif(a)", "nullif takes exactly 2 arguments.", 0, id="arity-low"
        ),
        pytest.param("abs(a, b)", "abs takes exactly 1 argument.", 0, id="arity-high"),
        pytest.param(
            "round(a, b)",
            "round takes the number of decimals as a whole number from 0 to 10.",
            0,
            id="round-digits-alias",
        ),
        pytest.param(
            "round(a, 11)",
            "round takes the number of decimals as a whole number from 0 to 10.",
            0,
            id="round-digits-many",
        ),
        pytest.param(
            "1e9",
            "Write numbers as plain digits, e.g. 1000 or 0.5.",
            1,
            id="exponent-notation",
        ),
        pytest.param(
            "0x1f", "Write numbers as plain digits, e.g. 1000 or 0.5.", 1, id="hex"
        ),
        pytest.param(
            "1.",
            "A number needs digits after its decimal point.",
            1,
            id="trailing-point",
        ),
        pytest.param(
            "1.2.3",
            "Write numbers as plain digits, e.g. 1000 or 0.5.",
            3,
            id="two-points",
        ),
        pytest.param("", "The formula is empty.", 0, id="empty"),
        pytest.param("   ", "The formula is empty.", 0, id="blank"),
        pytest.param(
            "a +",
            "The formula ends where a number or an input is expected.",
            3,
            id="dangling-operator",
        ),
        pytest.param("(a + b", "The formula ends before “)”.", 6, id="unclosed"),
        pytest.param(
            "a + b)",
            "Expected an operator (+ - * /) or the end of the formula.",
            5,
            id="unopened",
        ),
        pytest.param(
            "()", "Expected a number, an input or “(” here.", 1, id="empty-parentheses"
        ),
        pytest.param(
            "a\x00", "“\x00” is not part of the formula language.", 1, id="nul-byte"
        ),
        pytest.param(
            "收入 / a",
            "“收” is not part of the formula language.",
            0,
            id="non-ascii-name",
        ),
        pytest.param("1" * 19, "The number has too many digits.", 0, id="long-number"),
        pytest.param(
            "a" * 65, "The name is longer than 64 characters.", 0, id="long-name"
        ),
        pytest.param(
            "a + " * 130 + "a",
            "The formula is longer than 500 characters.",
            500,
            id="long-formula",
        ),
        pytest.param(
            "(" * 20 + "a" + ")" * 20,
            "The formula nests deeper than 16 levels.",
            17,
            id="deep-parentheses",
        ),
        pytest.param(
            "abs(" * 20 + "a" + ")" * 20,
            "The formula nests deeper than 16 levels.",
            68,
            id="deep-calls",
        ),
    ],
)
def test_anything_outside_the_grammar_is_refused_with_its_position(
    text, reason, position
):
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text)
    assert (caught.value.reason, caught.value.position) == (reason, position)


def test_error_message_counts_characters_from_one():
    with pytest.raises(
        ExpressionError,
        match=r"^Attribute access \(“\.”\) is not allowed\. \(character 2\)$",
    ):
        parse_expression("a.b")


def test_parsing_never_calls_eval_exec_or_compile(monkeypatch):
    def refuse(*args, **kwargs):
        msg = "the formula reached Python"
        raise AssertionError(msg)

    for name in ("eval", "exec", "compile", "__import__"):
        monkeypatch.setattr(builtins, name, refuse)
    tree = parse_expression(
        "round((rev - spend) / nullif(spend, 0), 2) + abs(-a) * coalesce(b, 0)"
    )
    assert aliases(tree) == ["rev", "spend", "a", "b"]
    with pytest.raises(ExpressionError):
        parse_expression("__import__('os').system('id')")


def test_the_parser_source_names_no_way_into_python():
    tree = ast.parse(inspect.getsource(expressions))
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    imported = {
        a.name
        for n in ast.walk(tree)
        if isinstance(n, ast.Import | ast.ImportFrom)
        for a in n.names
    }
    imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    dangerous = {
        "eval",
        "exec",
        "compile",
        "literal_eval",
        "__import__",
        "getattr",
        "globals",
        "locals",
    }
    assert names & dangerous == set()
    assert imported & {"ast", "re", "importlib", "builtins", "operator"} == set()


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("(rev - spend) / nullif(spend, 0)", id="roi"),
        pytest.param("a - (b - c)", id="right-nested-minus"),
        pytest.param("a / (b * c)", id="right-nested-product"),
        pytest.param("-a * b", id="negated-factor"),
        pytest.param("a * (-b)", id="negated-right"),
        pytest.param("-(-a)", id="double-negation"),
        pytest.param("round(abs(a - b) / 2, 1)", id="calls"),
    ],
)
def test_rendering_parses_back_to_the_same_tree(text):
    tree = parse_expression(text)
    assert parse_expression(render(tree)) == tree


def test_rendering_for_people_uses_math_symbols_and_names():
    tree = parse_expression("(rev - spend) / spend * 100")
    assert render(tree, name=str.upper, symbols=MATH) == "(REV − SPEND) ÷ SPEND × 100"

"""The compilers that judge generated code: required under CI, skipped without them locally."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tracking.schemas.snapshots import event, optional, plan, prop, required

_TSC_ERROR = re.compile(r"^(?P<file>[^(\s]+)\(\d+,\d+\): error (?P<code>TS\d+):", re.M)
_MYPY_ERROR = re.compile(
    r"^(?P<file>[^:\s]+):\d+: error: .*\[(?P<code>[a-z-]+)\]$", re.M
)

# A valid "Product Viewed" of the demo plan, shared by the TypeScript and Python usage files.
PRODUCT_VIEWED = {
    "platform": "ios",
    "app_version": "5.12.0",
    "page_name": "product_detail",
    "product_id": "P204518",
    "sku": "SKU-100231",
    "product_name": "无线降噪耳机",
    "price": 899.0,
    "currency": "CNY",
    "brand": "声悦",
}


# A deprecated event with every kind of property: the exact output of both generators.
COUPON_ENTERED = plan(
    event(
        "Coupon Entered",
        required(
            prop(
                "currency",
                enum=("CNY", "USD"),
                display_name="币种",
                description="Currency of the order.",
            )
        ),
        optional(prop("count", "integer", minimum="1")),
        optional(prop("region", "object", fields=(prop("city", max_length=20),))),
        optional(prop("tags", "array", item_type="string", enum=("a", "b"))),
        display_name="输入优惠码",
        description="The user typed a coupon code.",
        trigger="When the apply button is tapped.",
        status="deprecated",
    )
)


def _missing(tool: str, how: str) -> None:
    message = f"{tool} is needed to check generated code: {how}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def tsc() -> list[str]:
    path = shutil.which("tsc")
    if path is None:
        _missing("tsc", "npm install -g typescript@5")
    return [str(path)]


def mypy() -> list[str]:
    if importlib.util.find_spec("mypy") is None:
        _missing("mypy", "pip install -e '.[dev]'")
    return [sys.executable, "-m", "mypy"]


def write_files(directory: Path, files: dict[str, str]) -> list[str]:
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return list(files)


def tsc_errors(directory: Path, files: list[str]) -> dict[str, list[str]]:
    """Error codes per file from `tsc --strict`; empty when everything type-checks."""
    args = [
        *tsc(),
        "--strict",
        "--noEmit",
        "--pretty",
        "false",
        "--target",
        "es2020",
        "--module",
        "esnext",
        "--moduleResolution",
        "bundler",
        "--noUnusedLocals",
        "--noUnusedParameters",
        "--exactOptionalPropertyTypes",
        *files,
    ]
    result = subprocess.run(args, cwd=directory, capture_output=True, text=True)  # noqa: S603
    return _by_file(_TSC_ERROR, result.stdout, result)


def mypy_errors(directory: Path, files: list[str]) -> dict[str, list[str]]:
    """Error codes per file from `mypy --strict`; empty when everything type-checks."""
    args = [
        *mypy(),
        "--strict",
        "--python-version",
        "3.11",
        "--no-error-summary",
        "--no-color-output",
        "--cache-dir",
        str(directory / ".mypy_cache"),
        *files,
    ]
    result = subprocess.run(args, cwd=directory, capture_output=True, text=True)  # noqa: S603
    return _by_file(_MYPY_ERROR, result.stdout, result)


def _by_file(
    pattern: re.Pattern[str], output: str, result: subprocess.CompletedProcess[str]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for match in pattern.finditer(output):
        errors.setdefault(match["file"], []).append(match["code"])
    # A crash or a message the pattern misses must not pass for "no errors".
    assert bool(errors) == (result.returncode != 0), result.stdout + result.stderr
    return errors

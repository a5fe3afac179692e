"""Typed tracking code generated from a plan snapshot, one generator per language."""

from __future__ import annotations

from tracking.codegen.base import GENERATOR_VERSION, Generator, content_hash
from tracking.codegen.python import PythonGenerator
from tracking.codegen.typescript import TypeScriptGenerator

GENERATORS: dict[str, Generator] = {
    generator.language: generator
    for generator in (TypeScriptGenerator(), PythonGenerator())
}

__all__ = [
    "GENERATORS",
    "GENERATOR_VERSION",
    "Generator",
    "PythonGenerator",
    "TypeScriptGenerator",
    "content_hash",
]

"""Typer's parameter coercion without pydantic for the values a command line usually carries.

Typer 0.29 turns every parameter value (defaults included: `--format text`, `--limit 200`)
into its Python type through a pydantic `TypeAdapter` built on first use: importing pydantic
and building the adapters cost ~30–40 ms of every command, more than amtui's own work in most
of them. `lighten(command)` gives each parameter of a built command a coercion that handles
the plain, valid cases itself — a `str`, a `bool` flag, an `int` written as ASCII digits
within its range, an enum choice, a list of these, a path — and hands everything else (a bad
number, a value out of range, a choice that does not exist, anything unusual) to Typer's own
pydantic adapter, so every result and every error message is Typer's. The fast results are
those Typer's adapters give (tests/cli/test_coercion.py compares them input by input).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer._param_types import coerce_cli_choice, coerce_cli_path

from amtui.cli.fast import PLAIN_INT

try:  # Typer ≥ 0.25 vendors Click
    from typer._click.exceptions import BadParameter
except ImportError:  # pragma: no cover
    from click.exceptions import BadParameter  # type: ignore[assignment]


#: The fast coercion of one value: `(True, result)`, or `(False, None)` for "ask Typer".
Fast = Callable[[Any, Any, Any], tuple[bool, Any]]
_MISS: tuple[bool, Any] = (False, None)


@dataclass(frozen=True)
class LightRuntimeParam(RuntimeParam):
    """Typer's `RuntimeParam` (None and multi-value checks included) with a fast path first;
    `descriptor` builds Typer's own coercion for whatever the fast path declines."""

    fast: Fast
    descriptor: TypeDescriptor

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        done, result = self.fast(value, param, ctx)
        if done:
            return result
        full = build_runtime_param(self.descriptor)  # pydantic: only for the unusual
        return full._coerce_value(value, param=param, ctx=ctx)


def _fast_str(value: Any, param: Any, ctx: Any) -> tuple[bool, Any]:
    return (True, value) if type(value) is str else _MISS


def _fast_bool(value: Any, param: Any, ctx: Any) -> tuple[bool, Any]:
    return (True, value) if type(value) is bool else _MISS


def _fast_int(low: float | None, high: float | None) -> Fast:
    def fast(value: Any, param: Any, ctx: Any) -> tuple[bool, Any]:
        if type(value) is str and PLAIN_INT.fullmatch(value):
            number = int(value)
        elif type(value) is int:
            number = value
        else:
            return _MISS
        if (low is not None and number < low) or (high is not None and number > high):
            return _MISS  # out of range: Typer words the message
        return True, number

    return fast


def _fast_choice(choices: tuple[Any, ...], case_sensitive: bool) -> Fast:
    def fast(value: Any, param: Any, ctx: Any) -> tuple[bool, Any]:
        try:
            return True, coerce_cli_choice(
                value, choices=choices, case_sensitive=case_sensitive, ctx=ctx
            )
        except ValueError:  # not a choice: Typer words the message
            return _MISS

    return fast


def _fast_path(descriptor: TypeDescriptor) -> Fast:
    info = descriptor.parameter_info
    path_type = info.path_type or descriptor.annotation

    def fast(value: Any, param: Any, ctx: Any) -> tuple[bool, Any]:
        if type(value) is not str:
            return _MISS
        try:  # pydantic's Path(str) is Path(str); the checks are Typer's own function
            return True, coerce_cli_path(
                Path(value), info, path_type=path_type, param=param, ctx=ctx
            )
        except BadParameter:  # Typer's message names the path as typed: let it say it
            return _MISS

    return fast


def _fast_list(item: Fast) -> Fast:
    def fast(value: Any, param: Any, ctx: Any) -> tuple[bool, Any]:
        if not isinstance(value, list | tuple):
            return _MISS
        items = []
        for one in value:
            done, result = item(one, param, ctx)
            if not done:
                return _MISS
            items.append(result)
        return True, items

    return fast


def _fast_for(annotation: Any, descriptor: TypeDescriptor) -> Fast | None:
    """The fast coercion for one annotation, or None where Typer's adapter must do it all."""
    info = descriptor.parameter_info
    if info.parser is not None or descriptor.file_annotation is not None:
        return None
    if get_origin(annotation) is list:
        (item_type,) = get_args(annotation)
        item = _fast_for(item_type, descriptor)
        return _fast_list(item) if item is not None else None
    if annotation is str:
        return _fast_str
    if annotation is bool:
        return _fast_bool
    if annotation is int and not info.clamp:
        return _fast_int(info.min, info.max)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _fast_choice(tuple(annotation), info.case_sensitive)
    if (
        isinstance(annotation, type)
        and issubclass(annotation, Path)
        and info.path_type in (None, annotation)
    ):
        return _fast_path(descriptor)
    return None


def lighten(command: Any) -> None:
    """Give each of `command`'s Typer parameters the fast coercion where its type has one.
    A Typer without this hook (another version) keeps its own coercion: slower, same result."""
    for param in getattr(command, "params", ()):
        lighten_param(param)


def lighten_param(param: Any) -> None:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or getattr(param, "_runtime_param", "") is not None:
        return  # not a Typer parameter of this version, or already set up
    fast = _fast_for(descriptor.annotation, descriptor)
    if fast is not None:
        param._runtime_param = LightRuntimeParam(
            parameter_info=descriptor.parameter_info,
            annotation=descriptor.annotation,
            fast=fast,
            descriptor=descriptor,
        )

"""Record classes without compiling code at import: `@struct`, a stand-in for `@dataclass`.

Why. On Python 3.11 `@dataclass` writes each class's `__init__`, `__repr__` and `__eq__` (a
frozen one also `__hash__`, `__setattr__`, `__delattr__`) as source text and compiles it when
the module is imported: about 1 M instructions per method, and `dataclasses` itself imports
`inspect` (with `ast`, `dis`, `tokenize`: ~25 M). The agenda's import graph declared 56 such
classes, ~30% of the command's instructions before it read a row (bench/RESULTS.md, issue 9).
`@struct` gives a class the same behaviour from methods written once, here, that read the
class's field list: nothing is compiled per class, and `dataclasses` is imported only if
someone asks for its view of a class (below).

What a `@struct` class has, as a dataclass with the same arguments would:
- `__init__` taking the fields in order (positionally unless `kw_only=True`) or by name,
  defaults and `field(default_factory=…)`, TypeError for a missing, unknown or repeated
  argument, then `__post_init__` when the class defines one;
- `__repr__` (`Name(a=1, b='x')`), `__eq__` over the fields when both sides are of the same
  class (`eq=True`, the default), `__lt__`… with `order=True`;
- `frozen=True`: assigning or deleting an attribute raises `FrozenInstanceError` (an
  AttributeError), and the instances hash by their fields; a non-frozen class with `__eq__` is
  unhashable, as a dataclass is;
- `__match_args__`, and `dataclasses.fields`, `replace`, `asdict` and `is_dataclass` still work
  on the class and its instances: `__dataclass_fields__` is built (with `dataclasses`
  imported) the first time something reads it.
Not supported, because no amtui class needs them: `InitVar`, `field(init=False, repr=False,
compare=False, kw_only=…)`, `slots=True`, `unsafe_hash`, and inheriting fields from a
dataclass made by `dataclasses`.

mypy reads the decorator through PEP 681 (`typing.dataclass_transform`), so it checks
constructor calls and field types exactly as it does for a dataclass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, dataclass_transform, overload

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

T = TypeVar("T")
C = TypeVar("C", bound=type)


class FrozenInstanceError(AttributeError):
    """An attribute of a frozen struct was assigned or deleted."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class Field:
    """What `field()` declares: a default, or a function that makes one per instance."""

    __slots__ = ("default", "default_factory")

    def __init__(self, default: Any, default_factory: Any) -> None:
        self.default = default
        self.default_factory = default_factory


@overload
def field(*, default: T) -> T: ...
@overload
def field(*, default_factory: Callable[[], T]) -> T: ...
def field(*, default: Any = MISSING, default_factory: Any = MISSING) -> Any:
    """A field's default (`default=`) or a function that makes it (`default_factory=list`)."""
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return Field(default, default_factory)


class _Spec:
    """A struct class's fields, read once when the class is made."""

    __slots__ = ("defaults", "factories", "kw_only", "name_set", "names", "post_init")

    def __init__(self, names: list[str], defaults: dict[str, Any], kw_only: bool) -> None:
        self.names = tuple(names)
        self.name_set = frozenset(names)
        # Defaults in the fields' order, so that an instance's attributes are in that order.
        self.defaults = {
            name: defaults[name]
            for name in names
            if name in defaults and not isinstance(defaults[name], Field)
        }
        self.factories = {
            name: defaults[name].default_factory
            for name in names
            if isinstance(defaults.get(name), Field)
        }
        self.kw_only = kw_only
        self.post_init = False


def _is_classvar(annotation: object) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is ClassVar or getattr(annotation, "__origin__", None) is ClassVar


def _read_spec(cls: type, kw_only: bool) -> _Spec:
    names: list[str] = []
    defaults: dict[str, Any] = {}
    for base in reversed(cls.__mro__[1:]):
        inherited: _Spec | None = base.__dict__.get("__struct__")
        if inherited is not None:
            for name in inherited.names:
                if name not in names:
                    names.append(name)
                if name in inherited.factories:
                    defaults[name] = Field(MISSING, inherited.factories[name])
                elif name in inherited.defaults:
                    defaults[name] = inherited.defaults[name]
                else:
                    defaults.pop(name, None)
    # The class's own annotations, as written (strings under `from __future__ import
    # annotations`): `inspect.get_annotations` would import `inspect`, what this module avoids.
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():  # noqa: RUF063
        if _is_classvar(annotation):
            continue
        if name not in names:
            names.append(name)
        value = cls.__dict__.get(name, MISSING)
        if isinstance(value, Field):
            if value.default_factory is not MISSING:
                defaults[name] = value
                delattr(cls, name)
            elif value.default is not MISSING:
                defaults[name] = value.default
                setattr(cls, name, value.default)
            else:
                defaults.pop(name, None)
                delattr(cls, name)
        elif value is not MISSING:
            defaults[name] = value
        else:
            defaults.pop(name, None)
    if not kw_only:
        seen_default = ""
        for name in names:
            if name in defaults:
                seen_default = name
            elif seen_default:
                raise TypeError(f"non-default argument {name!r} follows default argument")
    return _Spec(names, defaults, kw_only)


# --- the shared methods ------------------------------------------------------------------------


def _init(self: Any, /, *args: Any, **kwargs: Any) -> None:
    spec: _Spec = type(self).__struct__
    if args:
        if not kwargs and len(args) == len(spec.names) and not spec.kw_only:  # all, in order
            self.__dict__.update(zip(spec.names, args, strict=True))
            if spec.post_init:
                self.__post_init__()
            return
        _take_positional(type(self), spec, args, kwargs)
    if not spec.name_set.issuperset(kwargs):
        unknown = next(name for name in kwargs if name not in spec.name_set)
        raise TypeError(
            f"{type(self).__name__}.__init__() got an unexpected keyword argument {unknown!r}"
        )
    if len(kwargs) == len(spec.names):  # every field given (a row read from the database)
        self.__dict__.update(kwargs)
    else:
        values = spec.defaults.copy()
        values.update(kwargs)
        if spec.factories:
            for name, factory in spec.factories.items():
                if name not in kwargs:
                    values[name] = factory()
        if len(values) != len(spec.names):
            missing = [name for name in spec.names if name not in values]
            raise TypeError(
                f"{type(self).__name__}.__init__() missing {len(missing)} required "
                "argument(s): " + ", ".join(repr(name) for name in missing)
            )
        self.__dict__.update(values)
    if spec.post_init:
        self.__post_init__()


def _take_positional(cls: type, spec: _Spec, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Name the positional arguments (into `kwargs`), or raise TypeError as Python would."""
    if spec.kw_only:
        raise TypeError(
            f"{cls.__name__}.__init__() takes 1 positional argument but {len(args) + 1} were given"
        )
    if len(args) > len(spec.names):
        raise TypeError(
            f"{cls.__name__}.__init__() takes {len(spec.names) + 1} positional arguments "
            f"but {len(args) + 1} were given"
        )
    for name, value in zip(spec.names, args, strict=False):
        if name in kwargs:
            raise TypeError(f"{cls.__name__}.__init__() got multiple values for argument {name!r}")
        kwargs[name] = value


def _repr(self: Any) -> str:
    names = type(self).__struct__.names
    inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
    return f"{type(self).__qualname__}({inner})"


def _values(self: Any) -> tuple[Any, ...]:
    return tuple([getattr(self, name) for name in type(self).__struct__.names])


def _eq(self: Any, other: object) -> bool:
    if other.__class__ is self.__class__:
        return _values(self) == _values(other)
    return NotImplemented


def _lt(self: Any, other: object) -> bool:
    if other.__class__ is self.__class__:
        return _values(self) < _values(other)
    return NotImplemented


def _le(self: Any, other: object) -> bool:
    if other.__class__ is self.__class__:
        return _values(self) <= _values(other)
    return NotImplemented


def _gt(self: Any, other: object) -> bool:
    if other.__class__ is self.__class__:
        return _values(self) > _values(other)
    return NotImplemented


def _ge(self: Any, other: object) -> bool:
    if other.__class__ is self.__class__:
        return _values(self) >= _values(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(_values(self))


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


class _DataclassFields:
    """`__dataclass_fields__`, made on first read, so that `dataclasses.fields`, `replace`,
    `asdict` and `is_dataclass` work without every import paying for `dataclasses`."""

    def __get__(self, obj: object, cls: type) -> dict[str, Any]:
        import dataclasses

        spec: _Spec = cls.__struct__  # type: ignore[attr-defined]
        annotations: dict[str, Any] = {}
        for base in reversed(cls.__mro__):
            annotations.update(base.__dict__.get("__annotations__", {}))  # noqa: RUF063
        made: dict[str, Any] = {}
        for name in spec.names:
            if name in spec.factories:
                made_field = dataclasses.field(default_factory=spec.factories[name])
            else:
                made_field = dataclasses.field(default=spec.defaults.get(name, dataclasses.MISSING))
            made_field.name = name
            made_field.type = annotations.get(name, Any)
            made_field.kw_only = spec.kw_only
            made_field._field_type = dataclasses._FIELD  # type: ignore[attr-defined]
            made[name] = made_field
        if "__struct__" in cls.__dict__:
            cls.__dataclass_fields__ = made  # type: ignore[attr-defined]
        return made


_FIELDS_VIEW = _DataclassFields()


@overload
def struct(cls: C, /) -> C: ...
@overload
def struct(
    *, frozen: bool = False, kw_only: bool = False, eq: bool = True, order: bool = False
) -> Callable[[C], C]: ...
@dataclass_transform(field_specifiers=(field, Field))
def struct(
    cls: C | None = None,
    /,
    *,
    frozen: bool = False,
    kw_only: bool = False,
    eq: bool = True,
    order: bool = False,
) -> C | Callable[[C], C]:
    """Make `cls` a record class with the methods `@dataclass` would give it (module doc)."""

    def make(cls: C) -> C:
        spec = _read_spec(cls, kw_only)
        spec.post_init = hasattr(cls, "__post_init__")
        own = cls.__dict__
        cls.__struct__ = spec  # type: ignore[attr-defined]
        cls.__dataclass_fields__ = _FIELDS_VIEW  # type: ignore[attr-defined]
        if "__init__" not in own:
            cls.__init__ = _init  # type: ignore[misc]
        if "__repr__" not in own:
            cls.__repr__ = _repr  # type: ignore[assignment]
        if "__match_args__" not in own:
            cls.__match_args__ = () if kw_only else spec.names  # type: ignore[attr-defined,misc]
        if eq and "__eq__" not in own:
            cls.__eq__ = _eq  # type: ignore[assignment]
        if order:
            cls.__lt__ = _lt  # type: ignore[operator]
            cls.__le__ = _le  # type: ignore[operator]
            cls.__gt__ = _gt  # type: ignore[operator]
            cls.__ge__ = _ge  # type: ignore[operator]
        explicit_hash = own.get("__hash__", MISSING) not in (MISSING, None)
        if not explicit_hash and eq:
            cls.__hash__ = _hash if frozen else None  # type: ignore[assignment]
        if frozen:
            cls.__setattr__ = _frozen_setattr  # type: ignore[method-assign,assignment]
            cls.__delattr__ = _frozen_delattr  # type: ignore[method-assign,assignment]
        return cls

    return make if cls is None else make(cls)


def struct_fields(cls: type) -> tuple[str, ...]:
    """The fields of a struct class, in order."""
    spec: _Spec = cls.__struct__  # type: ignore[attr-defined]
    return spec.names


def from_values(cls: type[T], values: Mapping[str, Any]) -> T:
    """An instance of a struct class from a value for each of its fields (a database row):
    `cls(**values)` without the work of defaults and argument checks (a third of the time)."""
    spec: _Spec = cls.__struct__  # type: ignore[attr-defined]
    if len(values) != len(spec.names) or not spec.name_set.issuperset(values):
        return cls(**values)  # the TypeError that names what is wrong
    made = cls.__new__(cls)
    made.__dict__.update(values)
    if spec.post_init:
        made.__post_init__()  # type: ignore[attr-defined]
    return made


def from_rows(cls: type[T], rows: list[dict[str, Any]]) -> list[T]:
    """Instances of a struct class from the rows of one query (dicts with the same keys in the
    same order), each dict becoming its instance's attributes: `from_values` for each row,
    the keys checked once and no row copied (`task list` reads 200 cards)."""
    if not rows:
        return []
    spec: _Spec = cls.__struct__  # type: ignore[attr-defined]
    first = rows[0]
    if (
        spec.post_init
        or cls.__setattr__ is not object.__setattr__  # frozen: __dict__ cannot be assigned
        or len(first) != len(spec.names)
        or not spec.name_set.issuperset(first)
    ):
        return [from_values(cls, row) for row in rows]
    new = cls.__new__
    made = []
    for row in rows:
        instance = new(cls)
        instance.__dict__ = row
        made.append(instance)
    return made


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of a struct with some fields changed (`dataclasses.replace`, without importing
    `dataclasses`)."""
    values = {name: getattr(obj, name) for name in struct_fields(type(obj))}
    values.update(changes)
    return type(obj)(**values)

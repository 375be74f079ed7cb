"""`amtui.core.structs.struct` behaves as `dataclasses.dataclass` does with the same arguments,
for everything amtui's record classes use: construction, defaults, errors, equality, hashing,
ordering, frozen instances, repr, `__post_init__`, and the `dataclasses` functions."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import ClassVar

import pytest

from amtui.core import models
from amtui.core.structs import (
    FrozenInstanceError,
    field,
    from_rows,
    from_values,
    replace,
    struct,
    struct_fields,
)


@struct
class Point:
    x: int
    y: int = 0
    tags: list[str] = field(default_factory=list)
    KIND: ClassVar[str] = "point"


@struct(frozen=True, order=True)
class Version:
    major: int
    minor: int = 0


@struct(kw_only=True)
class Row:
    id: int | None = None
    title: str
    done: bool = False


@struct
class Span:
    start: int
    end: int

    def __post_init__(self) -> None:
        self.length = self.end - self.start


@struct
class Point3(Point):
    z: int = 0


@dataclasses.dataclass
class DataPoint:
    x: int
    y: int = 0
    tags: list[str] = dataclasses.field(default_factory=list)


def test_construction_positional_keyword_defaults_and_factories() -> None:
    assert (Point(1).x, Point(1).y, Point(1).tags) == (1, 0, [])
    assert Point(1, 2, ["a"]) == Point(x=1, y=2, tags=["a"]) == Point(1, tags=["a"], y=2)
    first, second = Point(1), Point(1)
    first.tags.append("a")
    assert second.tags == []  # each instance gets its own list
    assert Point.KIND == "point" and "KIND" not in struct_fields(Point)
    assert Point.y == 0  # a plain default stays a class attribute, as with dataclasses
    assert not hasattr(Point, "tags")  # a factory's field does not
    assert Row(title="a") == Row(id=None, title="a", done=False)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Point(), "missing 1 required argument(s): 'x'"),
        (lambda: Point(1, x=2), "multiple values for argument 'x'"),
        (lambda: Point(1, z=2), "unexpected keyword argument 'z'"),
        (lambda: Point(1, 2, [], 4), "takes 4 positional arguments but 5 were given"),
        (lambda: Row("a"), "takes 1 positional argument but 2 were given"),
        (lambda: Row(), "missing 1 required argument(s): 'title'"),
    ],
)
def test_bad_arguments_are_type_errors(make: object, message: str) -> None:
    with pytest.raises(TypeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        make()  # type: ignore[operator]


def test_dataclass_rules_for_defaults_are_kept() -> None:
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):

        @struct
        class Bad:
            a: int = 0
            b: int

    with pytest.raises(ValueError, match="both default and default_factory"):
        field(default=1, default_factory=list)  # type: ignore[call-overload]


def test_equality_hashing_order_and_repr_as_a_dataclass() -> None:
    assert Point(1, 2) == Point(1, 2) and Point(1, 2) != Point(1, 3)
    assert Point(1, 2) != DataPoint(1, 2)  # another class is never equal
    assert Point.__hash__ is None  # mutable and comparable: unhashable, as a dataclass
    assert repr(Point(1, 2)) == "Point(x=1, y=2, tags=[])"
    assert repr(Point(1, 2))[5:] == repr(DataPoint(1, 2))[9:]
    assert hash(Version(1, 2)) == hash(Version(1, 2))
    assert {Version(1, 2), Version(1, 2)} == {Version(1, 2)}
    ordered = [Version(1), Version(1, 5), Version(2)]
    assert sorted([ordered[2], ordered[1], ordered[0]]) == ordered
    assert Version(1) < Version(1, 1) <= Version(1, 1) and Version(2) > Version(1) >= Version(1)
    with pytest.raises(TypeError):
        _ = Version(1) < (1, 0)  # type: ignore[operator]


def test_frozen_instances_refuse_changes() -> None:
    version = Version(1, 2)
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'major'"):
        version.major = 3  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del version.minor  # type: ignore[misc]
    assert version == Version(1, 2)


def test_post_init_subclasses_and_match_args() -> None:
    assert Span(2, 5).length == 3
    assert struct_fields(Point3) == ("x", "y", "tags", "z")
    assert Point3(1, 2, [], 3).z == 3 and Point3(1).tags == []
    assert Point.__match_args__ == ("x", "y", "tags") and Row.__match_args__ == ()
    match Point(4, 5):
        case Point(x, y):
            assert (x, y) == (4, 5)


def test_dataclasses_functions_and_copies_still_work() -> None:
    point = Point(1, 2, ["a"])
    assert dataclasses.is_dataclass(point) and dataclasses.is_dataclass(Point)
    assert [f.name for f in dataclasses.fields(point)] == ["x", "y", "tags"]
    assert dataclasses.asdict(point) == {"x": 1, "y": 2, "tags": ["a"]}
    assert dataclasses.replace(point, y=5) == Point(1, 5, ["a"])
    assert dataclasses.replace(Version(1, 2), minor=3) == Version(1, 3)
    assert [f.name for f in dataclasses.fields(Point3)] == ["x", "y", "tags", "z"]
    assert replace(point, x=7) == Point(7, 2, ["a"])
    assert copy.deepcopy(point) == point and copy.deepcopy(point).tags is not point.tags
    assert pickle.loads(pickle.dumps(Version(1, 2))) == Version(1, 2)
    assert pickle.loads(pickle.dumps(point)) == point


def test_every_record_class_has_its_table_columns_in_order() -> None:
    """The records are structs; `field_names` is what `insert` and `save` write."""
    for model in models.RECORDS:
        names = model.field_names()
        assert names == tuple(f.name for f in dataclasses.fields(model))  # type: ignore[arg-type]
        assert "TABLE" not in names and "_stored" not in names
    task = models.Task(title="x", column="To do", created_at=None, updated_at=None)  # type: ignore[arg-type]
    assert task.values()["position"] == 0 and task._stored is None


def test_from_values_is_the_constructor_given_every_field() -> None:
    assert from_values(Point, {"x": 1, "y": 2, "tags": []}) == Point(1, 2)
    assert from_values(Span, {"start": 1, "end": 4}).length == 3  # __post_init__ runs
    with pytest.raises(TypeError, match="missing 1 required argument"):
        from_values(Point, {"y": 2, "tags": []})
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        from_values(Point, {"x": 1, "y": 2, "z": []})


def test_from_rows_makes_what_from_values_makes() -> None:
    rows = [{"id": 1, "title": "a", "done": False}, {"id": 2, "title": "b", "done": True}]
    made = from_rows(Row, [dict(row) for row in rows])
    assert made == [from_values(Row, row) for row in rows]
    assert [list(vars(r)) for r in made] == [["id", "title", "done"]] * 2
    assert from_rows(Row, []) == []
    # Frozen classes and __post_init__ go the long way; so do rows with other keys.
    assert from_rows(Version, [{"major": 1, "minor": 2}]) == [Version(1, 2)]
    assert from_rows(Span, [{"start": 1, "end": 4}])[0].length == 3
    with pytest.raises(TypeError, match="unexpected keyword argument 'nope'"):
        from_rows(Row, [{"id": 1, "title": "a", "nope": 1}])

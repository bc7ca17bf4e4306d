"""Stage 1 of loading `targets.yaml`: YAML text → plain data with the line and column of every key.

Nothing in the file is ever executed: nodes are composed with PyYAML's SafeLoader and only plain
scalars, lists and mappings are built (no custom tags, no merge keys); duplicate keys are reported.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from typing import Any

import yaml

from ioc.issues import Issue
from ioc.messages import issue

Path_ = tuple[str | int, ...]  # a location in the data: ("indicators", 3, "target", "by")
Pos = tuple[int, int]  # 1-based (line, column)

_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_COLLECTION_TAGS = {_YAML + "map", _YAML + "seq"}
_MAX_NODES = 200_000  # an alias bomb ("billion laughs") must not hang the loader


@dataclasses.dataclass
class Located:
    """The plain data of a YAML document and where each mapping key and list item sits in the file."""

    data: Any
    positions: dict[Path_, Pos]

    def position(self, path: Path_) -> Pos | None:
        """The line and column of `path`, or of its nearest ancestor that is in the file."""
        for cut in range(len(path), -1, -1):
            pos = self.positions.get(tuple(path[:cut]))
            if pos is not None:
                return pos
        return None

    def get(self, path: Path_) -> Any:
        """The value at `path`, or None when any step is missing."""
        cur = self.data
        for step in path:
            in_dict = isinstance(cur, dict) and step in cur
            in_list = isinstance(cur, list) and isinstance(step, int) and 0 <= step < len(cur)
            if not (in_dict or in_list):
                return None
            cur = cur[step]
        return cur


def _nfc(value: Any) -> Any:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def _mark(node: yaml.Node) -> Pos:
    return node.start_mark.line + 1, node.start_mark.column + 1


def dotted(path: Path_) -> str:
    """The path as the user writes it: `indicators[3].target.by`."""
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += ("." if out else "") + str(step)
    return out


class _Builder:
    """Builds plain Python data from composed nodes, recording positions and YAML-level issues."""

    def __init__(self, file: str):
        self.file = file
        self.positions: dict[Path_, Pos] = {}
        self.issues: list[Issue] = []
        self._constructor = yaml.SafeLoader("")
        self._active: set[int] = set()
        self._count = 0

    def issue(self, key: str, pos: Pos, **kw: Any) -> None:
        """Record the catalog's issue `key` (`ioc.messages`) at a position of the file."""
        self.issues.append(issue(key, file=self.file, line=pos[0], col=pos[1], **kw))

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self._count += 1
        if self._count > _MAX_NODES:
            raise _TooLargeError
        if id(node) in self._active:
            self.issue(
                "yaml-recursion",
                _mark(node),
                field=dotted(path),
            )
            return None
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.ScalarNode):
                return self._scalar(node, path)
            if node.tag not in _COLLECTION_TAGS:
                self._bad_tag(node, path)
            if isinstance(node, yaml.SequenceNode):
                out = []
                for i, child in enumerate(node.value):
                    self.positions.setdefault((*path, i), _mark(child))
                    out.append(self.build(child, (*path, i)))
                return out
            return self._mapping(node, path)
        finally:
            self._active.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_seen: dict[str, Pos] = {}
        for key_node, value_node in node.value:
            pos = _mark(key_node)
            if key_node.tag == _YAML + "merge":
                self.issue(
                    "yaml-merge",
                    pos,
                    field=dotted(path),
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.issue(
                    "yaml-bad-key",
                    pos,
                    field=dotted(path),
                )
                continue
            # Every key of targets.yaml is text, so keys keep their source text: `yes:` stays "yes",
            # `2025:` stays "2025" (YAML 1.1 would turn them into a boolean and an integer).
            key = _nfc(key_node.value)
            if key in first_seen:
                line = first_seen[key][0]
                self.issue(
                    "duplicate-key",
                    pos,
                    field=dotted((*path, key)),
                    value=key,
                    first=str(line),
                )
            first_seen[key] = pos
            self.positions[(*path, key)] = pos
            out[key] = self.build(value_node, (*path, key))
        return out

    def _scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self._bad_tag(node, path)
            return _nfc(node.value)
        try:
            value = self._constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            # e.g. `by: 2025-13-45` looks like a date but is not one: keep the text so the shape
            # stage reports it as "expected a date like 2025-12-31"
            value = node.value
        return _nfc(value)

    def _bad_tag(self, node: yaml.Node, path: Path_) -> None:
        self.issue(
            "yaml-tag",
            _mark(node),
            field=dotted(path),
            value=node.tag,
        )


class _TooLargeError(Exception):
    pass


# What a parser's complaint usually means, as a variant of `yaml-syntax` in the catalog (with its hint).
_SYNTAX_HINTS = [
    ("cannot start any token", "yaml-syntax:tabs"),
    ("mapping values are not allowed", "yaml-syntax:colon-in-value"),
    ("could not find expected ':'", "yaml-syntax:missing-colon"),
    ("expected <block end>", "yaml-syntax:indent"),
    ("found unexpected end of stream", "yaml-syntax:unclosed"),
    ("expected a single document", "yaml-syntax:documents"),
]


def _syntax_issue(err: yaml.YAMLError, file: str) -> Issue:
    problem = getattr(err, "problem", None) or str(err)
    context = getattr(err, "context", None)
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    text = f"{problem} ({context})" if context else problem
    key = "yaml-syntax"
    for needle, variant in _SYNTAX_HINTS:
        if needle in text:
            key = variant
    return issue(
        key,
        file=file,
        line=mark.line + 1 if mark else None,
        col=mark.column + 1 if mark else None,
        problem=text,
    )


def read_yaml(text: str, file: str) -> tuple[Located | None, list[Issue]]:
    """Stage 1: parse YAML text into plain data plus positions; never constructs arbitrary objects."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        return None, [_syntax_issue(err, file)]
    if root is None:
        return None, [issue("empty-file:targets", file=file, line=1)]
    builder = _Builder(file)
    builder.positions[()] = _mark(root)
    try:
        data = builder.build(root, ())
    except _TooLargeError:
        return None, [issue("yaml-too-large", file=file, line=1, limit=str(_MAX_NODES))]
    return Located(data, builder.positions), builder.issues

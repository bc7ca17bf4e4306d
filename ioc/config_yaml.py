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

    def issue(self, code: str, pos: Pos, en: str, vi: str, **kw: Any) -> None:
        self.issues.append(
            Issue(code=code, message=en, message_vi=vi, file=self.file, line=pos[0], col=pos[1], **kw)
        )

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self._count += 1
        if self._count > _MAX_NODES:
            raise _TooLargeError
        if id(node) in self._active:
            self.issue(
                "yaml-recursion",
                _mark(node),
                "an alias refers to the block that contains it",
                "bí danh (alias) trỏ tới chính khối chứa nó",
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
                    "merge keys ('<<') are not supported; write the fields out",
                    "không hỗ trợ khóa gộp ('<<'); hãy viết đầy đủ các trường",
                    field=dotted(path),
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.issue(
                    "yaml-bad-key",
                    pos,
                    "a key must be plain text, not a list or mapping",
                    "khóa phải là văn bản, không phải danh sách hay nhóm",
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
                    f"key '{key}' appears twice in the same block (first at line {line}); "
                    "only the last one would count",
                    f"khóa '{key}' xuất hiện hai lần trong cùng một khối (lần đầu ở dòng {line})",
                    field=dotted((*path, key)),
                    value=key,
                    hint="delete or rename one of them",
                    hint_vi="xóa hoặc đổi tên một trong hai",
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
            f"the tag '{node.tag}' is not allowed: targets.yaml holds plain values, lists and mappings only",
            f"không được dùng thẻ '{node.tag}': targets.yaml chỉ chứa giá trị, danh sách và nhóm khóa",
            field=dotted(path),
            value=node.tag,
        )


class _TooLargeError(Exception):
    pass


_SYNTAX_HINTS = [
    (
        "cannot start any token",
        "use spaces for indentation, never tabs; quote values that start with @ or `",
        "thụt lề bằng dấu cách, không dùng tab; đặt giá trị bắt đầu bằng @ hoặc ` trong dấu nháy",
    ),
    (
        "mapping values are not allowed",
        "a value containing ': ' must be put in quotes",
        "giá trị có chứa ': ' phải đặt trong dấu nháy",
    ),
    (
        "could not find expected ':'",
        "each line of a block needs 'key: value'; check the indentation",
        "mỗi dòng trong khối cần dạng 'khóa: giá trị'; kiểm tra thụt lề",
    ),
    (
        "expected <block end>",
        "check the indentation: items of one block must line up",
        "kiểm tra thụt lề: các mục cùng khối phải thẳng hàng",
    ),
    (
        "found unexpected end of stream",
        "a quote or bracket is not closed",
        "thiếu dấu nháy hoặc dấu ngoặc đóng",
    ),
    (
        "expected a single document",
        "the file must hold one document: remove the extra '---'",
        "tệp chỉ được có một tài liệu: xóa dòng '---' thừa",
    ),
]


def _syntax_issue(err: yaml.YAMLError, file: str) -> Issue:
    problem = getattr(err, "problem", None) or str(err)
    context = getattr(err, "context", None)
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    text = f"{problem} ({context})" if context else problem
    hint = hint_vi = None
    for needle, en, vi in _SYNTAX_HINTS:
        if needle in text:
            hint, hint_vi = en, vi
    return Issue(
        code="yaml-syntax",
        message=f"YAML syntax error: {text}",
        message_vi=f"Lỗi cú pháp YAML: {text}",
        file=file,
        line=mark.line + 1 if mark else None,
        col=mark.column + 1 if mark else None,
        hint=hint,
        hint_vi=hint_vi,
    )


def read_yaml(text: str, file: str) -> tuple[Located | None, list[Issue]]:
    """Stage 1: parse YAML text into plain data plus positions; never constructs arbitrary objects."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        return None, [_syntax_issue(err, file)]
    if root is None:
        return None, [
            Issue(
                code="empty-file",
                message="the file is empty",
                message_vi="tệp rỗng",
                file=file,
                line=1,
                hint="start from the demo province's targets.yaml",
                hint_vi="hãy bắt đầu từ tệp targets.yaml của tỉnh mẫu",
            )
        ]
    builder = _Builder(file)
    builder.positions[()] = _mark(root)
    try:
        data = builder.build(root, ())
    except _TooLargeError:
        return None, [
            Issue(
                code="yaml-too-large",
                message=f"the document expands to more than {_MAX_NODES} values (aliases repeated?)",
                message_vi=f"tài liệu mở rộng thành hơn {_MAX_NODES} giá trị (bí danh lặp lại?)",
                file=file,
                line=1,
            )
        ]
    return Located(data, builder.positions), builder.issues

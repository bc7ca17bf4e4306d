"""Taking a file's bytes for the intake: a regular file only (never what a link, a pipe or a device
offers), and its size before its bytes, so an oversized file is never read into memory."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ioc.issues import Issue
from ioc.messages import Num, issue, words

_CHUNK = 1 << 20


class NotRegularError(OSError):
    """The path is a link, a folder, a pipe or a device: not a file whose bytes can be taken."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def kind_of(mode: int) -> str:
    """What an entry that is not a regular file is (from its `st_mode`), in the words of `not_a_file`."""
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "pipe"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def read_regular(path: Path, max_bytes: int, *, follow_links: bool) -> tuple[int, bytes | None]:
    """(size, bytes) of a regular file, or (size, None) when it is larger than `max_bytes` (not read).

    The checks are made on the opened descriptor (`fstat`), so a name swapped for a link or a pipe
    between listing and reading is refused too; a pipe is opened without blocking and never read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if not follow_links:
        if path.is_symlink():
            raise NotRegularError("symlink")
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not follow_links and exc.errno == errno.ELOOP:  # O_NOFOLLOW met a link
            raise NotRegularError("symlink") from exc
        raise
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularError(kind_of(info.st_mode))
        if info.st_size > max_bytes:
            return info.st_size, None
        # what fstat saw, and one byte more to notice growth — not `max_bytes + 1`, which Python allocates up
        # front (a generous limit, such as the command line's --max-mb 1000000, ran out of memory)
        data = fh.read(min(max_bytes, info.st_size) + 1)
        while len(data) <= max_bytes:  # it grew since fstat: read on to the limit, a megabyte at a time
            more = fh.read(min(max_bytes + 1 - len(data), _CHUNK))
            if not more:
                break
            data += more
    if len(data) > max_bytes:  # it grew while we read
        return len(data), None
    return len(data), data


def not_a_file(file: str, what: str) -> Issue:
    """The issue for an entry that is not a regular file (`what`: a `kind_of` word)."""
    kind = (
        what.replace(" ", "-")
        if what in ("symlink", "folder", "pipe", "socket", "device")
        else "special-file"
    )
    return issue(
        "not-a-regular-file", file=file, value=what, expected="a regular file", what=words(f"phrase.{kind}")
    )


def too_large(file: str, size: int, max_bytes: int) -> Issue:
    """The issue for a file larger than the channel takes (it was not read)."""
    mb = 1024 * 1024
    return issue(
        "file-too-large",
        file=file,
        value=f"{size} bytes",
        expected=f"at most {max_bytes} bytes",
        size=Num(size / mb, 1),
        limit=Num(max_bytes / mb, 0),
    )

"""Inputs bounded by what they expand to, not by their size on disk.

A 2 MB ``.warc.gz`` of zeros, a WARC header line that never ends, a 5 GB JSON Lines "line", a
folder with a symlink loop or HTML nested a thousand levels deep must each cost a bounded amount
of memory and time and end as a :class:`~kg.read.Problem` naming the input and the reason in
plain words. The readers in kg/read.py call these checks before they hand anything to warcio,
json or trafilatura.
"""

from __future__ import annotations

import fnmatch
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

#: The longest WARC or HTTP header line accepted (bytes).
MAX_HEADER_LINE = 64 * 1024
#: Most header lines in one WARC record.
MAX_HEADER_LINES = 1000
#: HTML nested deeper than this is reported rather than parsed (libxml2 stops at 256 and the
#: text below is lost silently).
MAX_HTML_DEPTH = 250
_CHUNK = 1 << 16
_LONG_LINE = f"a header line longer than {MAX_HEADER_LINE} bytes (the file is not read)"


class _Stream:
    """Decompressed bytes of a plain or gzip (multi-member) file, read in bounded chunks."""

    def __init__(self, fh: IO[bytes], gz: bool) -> None:
        self._fh = fh
        self._z = zlib.decompressobj(16 + zlib.MAX_WBITS) if gz else None
        self._buf = b""
        self.eof = False

    def _fill(self) -> bool:
        raw = self._fh.read(_CHUNK)
        if not raw:
            if self._z is not None and self._z.unused_data == b"":
                self._buf += self._z.flush()
            self.eof = True
            return False
        if self._z is None:
            self._buf += raw
            return True
        data = self._z.decompress(raw)
        while self._z.eof and self._z.unused_data:  # the next gzip member
            rest = self._z.unused_data
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
            data += self._z.decompress(rest)
        self._buf += data
        return True

    def readline(self, limit: int) -> bytes | None:
        """The next line (with its newline); None when it is longer than ``limit``."""
        while b"\n" not in self._buf and len(self._buf) <= limit:
            if not self._fill():
                break
        cut = self._buf.find(b"\n")
        if cut < 0:
            if len(self._buf) > limit:
                return None
            line, self._buf = self._buf, b""
            return line
        if cut + 1 > limit:
            return None
        line, self._buf = self._buf[: cut + 1], self._buf[cut + 1 :]
        return line

    def skip(self, n: int) -> int:
        """Skip ``n`` bytes; how many were there."""
        skipped = 0
        while skipped < n:
            if not self._buf and not self._fill():
                break
            take = min(n - skipped, len(self._buf))
            self._buf = self._buf[take:]
            skipped += take
        return skipped


@dataclass
class WarcCheck:
    """What a framing pass over a WARC file found."""

    problems: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)
    #: Record ids not to read: cut short, or larger than the limit once decompressed.
    skip: set[str] = field(default_factory=set)
    #: True when the file cannot be read past some point (its later records are lost).
    fatal: bool = False


def check_warc(path: Path, max_bytes: int) -> WarcCheck:
    """Walk the records of a WARC file by their headers and Content-Length without keeping
    their content: header lines, record sizes (decompressed) and truncation are checked in
    memory bounded by :data:`MAX_HEADER_LINE`, whatever the file expands to."""
    out = WarcCheck()
    try:
        fh = path.open("rb")
    except OSError as err:
        out.problems.append((str(path), f"cannot read WARC ({err.strerror})"))
        out.fatal = True
        return out
    with fh:
        gz = fh.read(2) == b"\x1f\x8b"
        fh.seek(0)
        stream = _Stream(fh, gz)
        try:
            _walk_records(stream, path, max_bytes, out)
        except zlib.error as err:
            out.problems.append(
                (str(path), f"the gzip data is damaged ({err}); later records lost")
            )
            out.fatal = True
    return out


def _walk_records(stream: _Stream, path: Path, max_bytes: int, out: WarcCheck) -> None:
    while True:
        line = stream.readline(MAX_HEADER_LINE)
        if line is None:
            out.problems.append((str(path), _LONG_LINE))
            out.fatal = True
            return
        if not line:
            return
        if not line.strip():
            continue  # the blank lines between records
        if not line.startswith(b"WARC/"):
            out.problems.append((str(path), "not a WARC record where one should start"))
            out.fatal = True
            return
        headers: dict[str, str] = {}
        for _ in range(MAX_HEADER_LINES):
            h = stream.readline(MAX_HEADER_LINE)
            if h is None:
                out.problems.append((str(path), _LONG_LINE))
                out.fatal = True
                return
            if not h.strip():
                break
            name, _, value = h.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        else:
            out.problems.append((str(path), f"a record with over {MAX_HEADER_LINES} header lines"))
            out.fatal = True
            return
        rid = headers.get("warc-record-id", "").strip("<>")
        where = f"{path}#{rid}" if rid else str(path)
        try:
            length = int(headers.get("content-length", ""))
        except ValueError:
            out.problems.append((where, "record without a valid Content-Length"))
            out.fatal = True
            return
        if length > max_bytes:
            out.problems.append((where, f"record too large ({length / 1e6:.1f} MB > limit)"))
            out.skip.add(rid)
        got = stream.skip(length)
        if got < length:
            out.problems.append((where, f"record cut short ({got} of {length} bytes)"))
            out.skip.add(rid)
            return


def bounded_lines(fh: IO[str], max_chars: int) -> Iterator[str | None]:
    """Lines of a text file, each read with at most ``max_chars`` characters in memory; a
    longer line is skipped to its end and given as None."""
    while True:
        line = fh.readline(max_chars + 1)
        if not line:
            return
        if len(line) > max_chars and not line.endswith("\n"):
            while True:  # skip the rest of the long line a chunk at a time
                rest = fh.readline(_CHUNK)
                if not rest or rest.endswith("\n"):
                    break
            yield None
            continue
        yield line


def html_depth(html: str, stop: int = MAX_HTML_DEPTH) -> int:
    """How deep the elements of ``html`` nest (counted up to ``stop`` + 1, then it stops).

    >>> html_depth("<div><p>a</p><br><div><b>x</b></div></div>")
    3
    """
    void = {
        "br",
        "img",
        "hr",
        "meta",
        "link",
        "input",
        "area",
        "base",
        "col",
        "embed",
        "source",
        "track",
        "wbr",
        "param",
    }
    depth = deepest = 0
    for m in re.finditer(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>", html):
        closing, name, selfclose = m.group(1), m.group(2).lower(), m.group(3)
        if name in void or selfclose:
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
            if deepest > stop:
                break
    return deepest


def walk_matches(pattern: str) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files matching a glob ``pattern`` (``**`` for any depth), following symlinked folders
    once each: a folder reached again through a symlink loop is reported, not walked."""
    parts = Path(pattern).parts
    fixed = [p for p in parts[: next((i for i, p in enumerate(parts) if _magic(p)), len(parts))]]
    root = Path(*fixed) if fixed else Path(".")
    found: list[Path] = []
    problems: list[tuple[str, str]] = []
    seen: set[tuple[int, int]] = set()
    for folder, dirs, files in os.walk(root, followlinks=True):
        try:
            st = os.stat(folder)
        except OSError as err:
            problems.append((folder, f"cannot read folder ({err.strerror})"))
            dirs[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen:
            problems.append((folder, "symlink loop: this folder was reached already; skipped"))
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        for name in files:
            path = Path(folder) / name
            if fnmatch.fnmatch(str(path), pattern) or _recursive_match(path, pattern):
                if path.is_file():
                    found.append(path)
                else:
                    problems.append((str(path), "a symlink that leads nowhere (loop or missing)"))
    return found, problems


def _magic(part: str) -> bool:
    return any(ch in part for ch in "*?[")


def _recursive_match(path: Path, pattern: str) -> bool:
    """``**/`` may match no folder at all (a/**/b.txt matches a/b.txt)."""
    return "**/" in pattern and fnmatch.fnmatch(str(path), pattern.replace("**/", ""))


def folder_problems(folder: Path) -> list[tuple[str, str]]:
    """Entries of ``folder`` that look like inputs but cannot be opened (symlink loops,
    dangling links): reported instead of skipped unseen."""
    out = []
    for entry in folder.iterdir():
        if entry.is_symlink() and not entry.exists():
            out.append((str(entry), "a symlink that leads nowhere (loop or missing target)"))
    return out

"""Find a text export's encoding and hand DuckDB a UTF-8 file, in streamed chunks.

One pass hashes the raw bytes and counts lines; files in UTF-16 or Windows-1252 are
transcoded to a UTF-8 file in the work folder (DuckDB's own `encoding=` reads neither UTF-16 BE
nor Windows-1252's euro sign correctly). Whether a file whose start is UTF-8 is UTF-8 to the
end is left to DuckDB's reader, which checks every value it parses: a file it finds invalid
is prepared again with the check here (`checked=True`), which transcodes or refuses it.
"""

from __future__ import annotations

import codecs
import hashlib
import itertools
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from okam_analytics.ingest.refused import ImportRefused

CHUNK_BYTES = 4 * 1024 * 1024
_TAIL_BYTES = 4096
_HIGH_BYTES = bytes(range(0x80, 0x100))
# Control characters that never occur in a text export (tab, LF, CR excepted).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])

Source = bytes | os.PathLike


@dataclass
class TextFile:
    """A UTF-8 file DuckDB can read, and what we learnt about the original bytes."""

    path: Path
    encoding: str
    sha256: str
    newline: str  # "\n" (also for CRLF files) or "\r" (old Mac files)
    content_lines: int  # physical lines up to the last non-empty one
    returns: int = 0  # carriage returns, when the newline is "\n"
    bare_returns: bool = False  # some of them are not followed by "\n"
    checked: bool = True  # every byte was checked here (else the reader checks the values)


@dataclass
class _Scan:
    sha256: str = ""
    newlines: int = 0
    tail: bytes = b""
    bad_line: int | None = None  # line of the first byte that is not UTF-8
    bad_byte: int = 0
    nul_line: int | None = None
    returns: int = 0
    crlf: int = 0

    def count(self, data: bytes, newline: bytes) -> None:
        """Count line ends of the next chunk of UTF-8 (a CRLF may straddle two chunks)."""
        returns = data.count(b"\r") if b"\r" in data else 0  # most files have none
        self.newlines += returns if newline == b"\r" else data.count(newline)
        self.returns += returns
        if returns:  # most exports have none: skip the slower two-byte search
            self.crlf += data.count(b"\r\n")
        self.crlf += self.tail.endswith(b"\r") and data[:1] == b"\n"
        self.tail = (self.tail + data[-_TAIL_BYTES:])[-_TAIL_BYTES:]

    def text_file(self, path: Path, encoding: str, newline: str) -> TextFile:
        lf = newline == "\n"
        return TextFile(
            path, encoding, self.sha256, newline,
            _content_lines(self.newlines, self.tail, newline.encode()),
            self.returns if lf else 0, lf and self.returns > self.crlf,
        )  # fmt: skip


def iter_chunks(source: Source) -> Iterator[bytes]:
    """The raw bytes in chunks, from memory or streamed from disk."""
    if isinstance(source, bytes | bytearray | memoryview):
        view = memoryview(source)
        for start in range(0, len(view), CHUNK_BYTES):
            yield bytes(view[start : start + CHUNK_BYTES])
        return
    with open(source, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk


def head_encoding(head: bytes) -> str:
    """Encoding family from the byte-order mark or the NUL pattern of UTF-16 without one."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise ImportRefused("The file is UTF-32 text; re-export it as UTF-8 or UTF-16.")
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    even, odd = head[0::2], head[1::2]
    if len(head) >= 4 and odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if len(head) >= 4 and even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return "utf-8"


def newline_of(text: str) -> str:
    """LF (which covers CRLF) unless the text only has bare CRs."""
    return "\r" if "\r" in text and "\n" not in text else "\n"


def _content_lines(newlines: int, tail: bytes, newline: bytes) -> int:
    """Lines up to the last non-empty one: DuckDB skips the empty lines at the end."""
    body = tail.rstrip(b"\r\n")
    trailing = tail[len(body) :].count(newline)
    return newlines - trailing + 1 if body or newlines > trailing else 0


def _scan_utf8(source: Source, newline: bytes, sink: BinaryIO | None, check: bool) -> _Scan:
    """Hash, count lines, find NULs and (with check) the first non-UTF-8 byte, copying to sink
    if given."""
    scan, sha, carry = _Scan(), hashlib.sha256(), b""
    with ThreadPoolExecutor(1) as hasher:  # hashlib releases the GIL: hash beside the checks
        hashed = hasher.submit(sha.update, b"")
        for chunk in iter_chunks(source):
            hashed.result()
            hashed = hasher.submit(sha.update, chunk)
            carry = _check_chunk(scan, carry, chunk, newline, sink, check)
        hashed.result()
    if carry and scan.bad_line is None:
        scan.bad_line, scan.bad_byte = scan.newlines + 1, carry[0]
    scan.sha256 = sha.hexdigest()
    return scan


def _check_chunk(
    scan: _Scan, carry: bytes, chunk: bytes, newline: bytes, sink: BinaryIO | None, check: bool
) -> bytes:
    """NULs, the first non-UTF-8 byte and line ends of one chunk (copied to sink if given);
    returns the new carry: an incomplete UTF-8 sequence at the end, never a newline."""
    if sink is not None:
        sink.write(chunk)
    if scan.nul_line is None and b"\x00" in chunk:
        scan.nul_line = scan.newlines + chunk[: chunk.index(b"\x00")].count(newline) + 1
    if check and scan.bad_line is None:
        data = carry + chunk
        try:
            carry = data[codecs.utf_8_decode(data, "strict", False)[1] :]
        except UnicodeDecodeError as exc:
            scan.bad_line = scan.newlines + data[: exc.start].count(newline) + 1
            scan.bad_byte = data[exc.start]
    scan.count(chunk, newline)
    return carry


def _transcode_cp1252(source: Source, target: Path, scan: _Scan) -> None:
    """Rewrite a Windows-1252 file as UTF-8, refusing it if it does not read as such text."""
    multibyte = stray = 0
    utf8 = codecs.getincrementaldecoder("utf-8")("replace")
    with open(target, "wb") as out:
        for chunk in iter_chunks(source):
            try:
                text = chunk.decode("cp1252")
            except UnicodeDecodeError:
                break  # a byte Windows-1252 leaves undefined: not text either
            if len(chunk.translate(None, _CONTROL_BYTES)) < len(chunk):
                break
            # Bytes that fail as UTF-8 each give one U+FFFD; the other high bytes form
            # valid UTF-8 sequences. Mostly valid UTF-8 means a damaged UTF-8 file.
            invalid = utf8.decode(chunk).count("\ufffd")
            stray += invalid
            multibyte += len(chunk) - len(chunk.translate(None, _HIGH_BYTES)) - invalid
            out.write(text.encode("utf-8"))
        else:
            if stray >= multibyte:
                return
    where = f"line {scan.bad_line} has a byte (0x{scan.bad_byte:02X}) that is not valid UTF-8"
    raise ImportRefused(
        f"The file's text encoding could not be read: {where}, and the file is not "
        "Windows-1252 (latin-1) text either. Re-export it as UTF-8, or fix that line."
    )


def _transcode_utf16(source: Source, codec: str, target: Path, newline: str) -> _Scan:
    """Hash and rewrite a UTF-16 file as UTF-8, refusing undecodable or binary content."""
    scan, sha = _Scan(), hashlib.sha256()
    decoder = codecs.getincrementaldecoder(codec)("strict")
    with open(target, "wb") as out:
        for chunk in itertools.chain(iter_chunks(source), [b""]):
            sha.update(chunk)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError:
                text = chunk.decode(codec, errors="replace")
                line = scan.newlines + text[: text.find("\ufffd")].count(newline) + 1
                raise ImportRefused(
                    f"The file is UTF-16 text but line {line} holds bytes that are not valid "
                    "UTF-16; re-export it."
                ) from None
            if "\x00" in text:
                line = scan.newlines + text[: text.index("\x00")].count(newline) + 1
                raise ImportRefused(_binary_message(line))
            data = text.encode("utf-8")
            out.write(data)
            scan.count(data, newline.encode())
    scan.sha256 = sha.hexdigest()
    return scan


def _binary_message(line: int) -> str:
    return (
        f"The file contains binary data (a NUL byte on line {line}): it is not a text "
        "export. Upload the CSV or .xlsx file produced by the tool."
    )


def is_utf8_start(head: bytes) -> bool:
    """Whether the first bytes are UTF-8 (a character cut at the end is fine)."""
    try:
        codecs.utf_8_decode(head, "strict", False)
    except UnicodeDecodeError:
        return False
    return True


def prepare_text(source: Source, head: bytes, workdir: Path, checked: bool = True) -> TextFile:
    """Check the encoding of a text export and make sure DuckDB gets UTF-8.

    checked=False: a file whose start is UTF-8 is taken as UTF-8 without checking the rest
    here (the reader checks each value; `TextFile.checked` says which was done)."""
    family = head_encoding(head)
    copy = workdir / "export.csv"
    if family.startswith("utf-16"):
        newline = newline_of(head[: len(head) // 2 * 2].decode(family, errors="replace"))
        return _transcode_utf16(source, family, copy, newline).text_file(copy, family, newline)
    newline = newline_of(head.decode("latin-1"))
    in_memory = isinstance(source, bytes | bytearray | memoryview)
    check = checked or not is_utf8_start(head)
    if in_memory:  # DuckDB reads files: an upload is written out while it is scanned
        with open(copy, "wb") as sink:
            scan = _scan_utf8(source, newline.encode(), sink, check)
    else:
        scan = _scan_utf8(source, newline.encode(), None, check)
    if scan.nul_line is not None:
        raise ImportRefused(_binary_message(scan.nul_line))
    if scan.bad_line is None:
        text = scan.text_file(copy if in_memory else Path(source), family, newline)
        text.checked = check
        return text
    _transcode_cp1252(source, copy, scan)
    return scan.text_file(copy, "cp1252", newline)


def normalise_newlines(text: TextFile, workdir: Path) -> TextFile:
    """Rewrite with LF line ends only (a bare CR is a line end, as in Excel and Python).

    DuckDB's reader stops on files that mix LF and CRLF ends or hold bare CRs.
    """
    target, scan, carry = workdir / "export-lf.csv", _Scan(sha256=text.sha256), b""
    with open(target, "wb") as out:
        for chunk in itertools.chain(iter_chunks(text.path), [b""]):
            data = carry + chunk
            carry = b"\r" if chunk and data.endswith(b"\r") else b""  # may start a CRLF
            data = data[: len(data) - len(carry)].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            out.write(data)
            scan.count(data, b"\n")
    result = scan.text_file(target, text.encoding, "\n")
    result.checked = text.checked
    return result

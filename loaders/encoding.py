"""Text encoding of CSV/JSON source files: UTF-8 (with or without BOM), UTF-16 with BOM, GBK/GB18030.

Detection is rule-based and deterministic: a BOM decides; otherwise bytes that decode strictly as UTF-8
are UTF-8, else bytes that decode strictly as GB18030 (a superset of GBK and GB2312) are GB18030.
Anything else is an error naming the line and byte offset of the first bad byte; nothing is ever
decoded with ``errors="replace"``/``"ignore"``.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from loaders.errors import SourceFileError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8-BOM", "utf-16": "UTF-16"}
_CHINESE_CODECS = {"utf_8", "gb18030", "gbk", "gb2312", "hz", "ascii"}


def detect_encoding(data: bytes, file: str, *, start_line: int = 1, start_offset: int = 0) -> str:
    """The Python codec to decode ``data`` with: "utf-8-sig", "utf-16", "utf-8" or "gb18030".

    ``data`` may be a line-aligned sample taken from further into the file; ``start_line`` and
    ``start_offset`` say where it starts so that errors name the right place (a BOM counts only at 0).
    """
    for bom, codec in _BOMS:
        if start_offset == 0 and data.startswith(bom):
            if codec == "utf-8-sig":
                _strict(data, codec, file, start_line, start_offset)
            return codec  # UTF-16 is checked while it is read
    nul = data.find(b"\x00")
    if nul >= 0:
        raise SourceFileError(
            file,
            f"含有 NUL 字节（字节偏移 {start_offset + nul}），不是文本文件："
            "可能是无 BOM 的 UTF-16，或改了扩展名的 Excel 文件",
            row=start_line + data.count(b"\n", 0, nul),
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            data.decode("gb18030")
        except UnicodeDecodeError as gb_error:
            raise _neither(data, file, start_line, start_offset, utf8_error, gb_error) from gb_error
        return "gb18030"
    return "utf-8"


def encoding_label(codec: str, data: bytes) -> str:
    """A human label for a detected codec: "UTF-8", "UTF-8-BOM", "UTF-16", "GBK" or "GB18030"."""
    if codec != "gb18030":
        return _LABELS.get(codec, codec.upper())
    try:
        data.decode("gbk")
    except UnicodeDecodeError:
        return "GB18030"
    return "GBK"


def decode_error(file: str, codec: str, line: int, offset: int, bad: bytes) -> SourceFileError:
    """The error for bytes that do not decode with ``codec`` at a given line and byte offset."""
    label = _LABELS.get(codec, codec.upper())
    return SourceFileError(
        file,
        f"无法按 {label} 解码：字节偏移 {offset} 处的字节 {bad.hex(' ')}（文件混用了多种编码？）",
        row=line,
    )


def _strict(data: bytes, codec: str, file: str, start_line: int, start_offset: int) -> None:
    try:
        data.decode(codec)
    except UnicodeDecodeError as exc:
        line = start_line + data.count(b"\n", 0, exc.start)
        raise decode_error(file, codec, line, start_offset + exc.start, data[exc.start : exc.end]) from exc


def _neither(
    data: bytes,
    file: str,
    start_line: int,
    start_offset: int,
    utf8_error: UnicodeDecodeError,
    gb_error: UnicodeDecodeError,
) -> SourceFileError:
    """Name the bad byte of whichever encoding got further: that one is most likely the intended one."""
    label, exc = ("UTF-8", utf8_error) if utf8_error.start >= gb_error.start else ("GB18030", gb_error)
    guess = from_bytes(data).best()
    hint = ""
    if guess is not None and guess.encoding not in _CHINESE_CODECS:
        hint = f"；看起来像 {guess.encoding} 编码，请另存为 UTF-8"
    return SourceFileError(
        file,
        f"既不是 UTF-8 也不是 GBK/GB18030 编码：按 {label} 解码时，"
        f"字节偏移 {start_offset + exc.start} 处的字节 {data[exc.start : exc.end].hex(' ')} 无效{hint}",
        row=start_line + data.count(b"\n", 0, exc.start),
    )

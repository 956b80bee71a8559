"""Highlighting matched words in the original text (the same for every backend).

Backends index analysed tokens, so highlights are found here on the original title or description: the
text is normalised character by character (same length, so offsets carry over), Chinese query terms are
found as substrings and English words are compared by their stems. Text is HTML-escaped; matches are
wrapped in ``<em>…</em>``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable

from search.analysis import char_normalized, is_cjk

_LATIN = re.compile(r"[a-z][a-z0-9]*")
SNIPPET_CHARS = 120


def match_spans(text: str, terms: Iterable[str], stem: Callable[[str], str]) -> list[tuple[int, int]]:
    """Merged (start, end) character spans of ``text`` where a query term occurs."""
    normalized = char_normalized(text)
    spans: list[tuple[int, int]] = []
    latin = set()
    for term in terms:
        if is_cjk(term):
            spans.extend((m.start(), m.end()) for m in re.finditer(re.escape(term), normalized))
        else:
            latin.add(term)
    if latin:
        spans.extend((m.start(), m.end()) for m in _LATIN.finditer(normalized)
                     if m.group() in latin or stem(m.group()) in latin)
        spans.extend((m.start(), m.end()) for term in latin if term.isdigit()
                     for m in re.finditer(re.escape(term), normalized))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, terms: Iterable[str], stem: Callable[[str], str], *,
              max_chars: int | None = None) -> str | None:
    """``text`` escaped with matches in ``<em>``; trimmed to a window around the first match when
    ``max_chars`` is given. None when nothing matches."""
    spans = match_spans(text, terms, stem)
    if not spans:
        return None
    start, end = 0, len(text)
    if max_chars is not None and len(text) > max_chars:
        start = max(0, spans[0][0] - max_chars // 4)
        end = min(len(text), start + max_chars)
    out: list[str] = ["…" if start > 0 else ""]
    position = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out += [html.escape(text[position:s]), "<em>", html.escape(text[s:e]), "</em>"]
        position = e
    out += [html.escape(text[position:end]), "…" if end < len(text) else ""]
    return "".join(out)

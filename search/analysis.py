"""Chinese (and English) text analysis shared by every backend: what is indexed and how a query is read.

* normalisation: full-width → half-width, traditional → simplified (OpenCC ``t2s``), lower case;
* segmentation: spaCy's Chinese pipeline with the jieba segmenter (``spacy.blank("zh")``, no model
  download), extended with a user dictionary of the graph's own names (departments, systems, services) and
  the synonym terms;
* indexing adds the dictionary words inside a long word (jieba's "search mode": 不动产登记 also indexes
  不动产 and 登记) so that a shorter query finds a longer name;
* English words are stemmed (Snowball); stop words and punctuation are dropped;
* synonyms (``synonyms.txt``: 社保 ↔ 社会保险, 公积金 ↔ 住房公积金, …) are expanded at query time;
* pinyin and pinyin initials feed suggestions (``gjj`` → 公积金).

Backends index the whitespace-joined tokens of :meth:`Analyzer.index_text` and search the groups of
:meth:`Analyzer.parse_query`, so both engines see exactly the same terms.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jieba
import opencc
import snowballstemmer
import spacy
from opencc import OpenCC
from pypinyin import lazy_pinyin

SYNONYMS_FILE = Path(__file__).with_name("synonyms.txt")
# function words that carry no meaning in a catalog search; spaCy's list (1,891 words incl. 问题, 要求,
# 适用) is far too broad for titles, so a short list is kept here
STOP_WORDS = frozenset((
    "的", "了", "和", "与", "及", "或", "等", "之", "在", "是", "对", "由", "为", "其", "及其", "以及", "有关", "关于",
    "the", "of", "and", "or", "a", "an", "to", "in", "for", "on",
))
_HALF_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[0-9a-z\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[a-z][a-z0-9]*")
_PINYIN_SOURCE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\u3400-\u9fff\uf900-\ufaff]+")
_CLAUSE = re.compile(r"[\s，。、；：！？,;:!?()（）【】\[\]《》“”\"'/|]+")
_SUGGEST_KEEP = re.compile(r"[^0-9a-z\u3400-\u9fff\uf900-\ufaff]+")
MIN_SUB_WORD_FREQ = 20  # jieba dictionary frequency below which a word inside a longer word is not indexed
MAX_SUGGEST_STARTS = 8  # suggestion keys start at the first few words of a title (gjj finds 住房公积金…)


def _traditional_chars() -> frozenset[str]:
    """Characters that OpenCC's t2s conversion changes: text without them needs no conversion."""
    path = Path(opencc.__file__).parent / "dictionary"
    chars: set[str] = set()
    for line in (path / "TSCharacters.txt").read_text(encoding="utf-8").splitlines():
        trad, _, simp = line.partition("\t")
        if trad and simp.split(" ")[0] != trad:
            chars.add(trad)
    return frozenset(chars)


_T2S = OpenCC("t2s")
_TRADITIONAL = _traditional_chars()


def normalize(text: str) -> str:
    """Full-width → half-width, traditional → simplified, lower case (the form every term is compared in)."""
    text = text.translate(_HALF_WIDTH)
    if not _TRADITIONAL.isdisjoint(text):
        text = _T2S.convert(text)
    return text.lower()


@lru_cache(maxsize=65536)
def normalize_char(char: str) -> str:
    """One character normalised to exactly one character (for mapping highlights back onto the original)."""
    out = normalize(char)
    return out if len(out) == 1 else char


def is_cjk(token: str) -> bool:
    return bool(_CJK.search(token))


def is_fuzzy_candidate(token: str) -> bool:
    """English words long enough to be matched with a typo (edit distance 1; 2 from eight letters)."""
    return len(token) >= 4 and token.isascii() and token.isalpha()


def fuzzy_distance(token: str) -> int:
    return 2 if len(token) >= 8 else 1


@dataclass(frozen=True)
class QueryGroup:
    """One query word: it matches when any alternative does (the word first, then its synonyms); an
    alternative is a tuple of terms that must all match. A single Chinese character is optional: it only
    adds to the score (it is rarely a word of its own in indexed text)."""

    alternatives: tuple[tuple[str, ...], ...]
    required: bool = True
    fuzzy: tuple[str, ...] = ()  # English words as written, also matched with a typo (not stemmed: stems of
    # misspelt words differ more than the words do — educaton is not stemmed, education is)


@dataclass(frozen=True)
class ParsedQuery:
    groups: tuple[QueryGroup, ...]

    @property
    def terms(self) -> frozenset[str]:
        """Every term that may match (for highlighting)."""
        return frozenset(t for g in self.groups for alt in g.alternatives for t in alt)

    @property
    def is_empty(self) -> bool:
        return not self.groups

    def relaxed(self) -> ParsedQuery:
        """The same words with none required (the fallback when requiring all finds nothing)."""
        return ParsedQuery(tuple(QueryGroup(g.alternatives, False, g.fuzzy) for g in self.groups))


class Analyzer:
    """The one analysis pipeline. Use :func:`get_analyzer` (jieba's dictionary is process-wide)."""

    def __init__(self, synonyms_file: Path = SYNONYMS_FILE) -> None:
        jieba.setLogLevel(60)
        jieba.initialize()
        self._lock = threading.Lock()
        self.nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        self._stemmer = snowballstemmer.stemmer("english")
        self._words: set[str] = set()
        self.synonyms = self._read_synonyms(synonyms_file)
        self.add_words(self.synonyms)
        self._tokens = lru_cache(maxsize=262144)(self._tokens_uncached)
        self._suggest_keys = lru_cache(maxsize=65536)(self._suggest_keys_uncached)

    # dictionary -----------------------------------------------------------------------------------------
    def _read_synonyms(self, path: Path) -> dict[str, tuple[str, ...]]:
        groups: dict[str, tuple[str, ...]] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            terms = [normalize(t) for t in line.split()] if not line.startswith("#") else []
            for term in terms:
                groups[term] = tuple(dict.fromkeys([term, *groups.get(term, ()), *terms]))
        return groups

    def add_words(self, words: Iterable[str]) -> int:
        """Add names to the segmenter's user dictionary (so 河源市政务服务数据管理局 stays whole); returns how
        many were new. Clears the token cache when the dictionary changed."""
        new = 0
        with self._lock:
            for word in (piece for name in words for piece in _CLAUSE.split(normalize(name))):
                if len(word) < 2 or word in self._words or not is_cjk(word):
                    continue
                self._words.add(word)
                jieba.add_word(word, freq=max(jieba.get_FREQ(word) or 0, 1000))
                new += 1
            if new and hasattr(self, "_tokens"):
                self._tokens.cache_clear()
                self._suggest_keys.cache_clear()
        return new

    def stem(self, word: str) -> str:
        """The Snowball stem of an English word (the stemmer keeps state: one caller at a time)."""
        with self._lock:
            return self._stemmer.stemWord(word)

    @property
    def user_words(self) -> frozenset[str]:
        return frozenset(self._words)

    # tokens ---------------------------------------------------------------------------------------------
    def _tokens_uncached(self, chunk: str) -> tuple[tuple[str, str], ...]:
        out: list[tuple[str, str]] = []
        for token in self.nlp.make_doc(chunk):
            word = token.text.strip()
            if not word or word in STOP_WORDS or not _WORD.search(word):
                continue
            out.append((word, self.stem(word) if _LATIN_WORD.fullmatch(word) else word))
        return tuple(out)

    def words(self, text: str) -> tuple[tuple[str, str], ...]:
        """(word, term) of each word of a text, normalised; the term is the word, stemmed if English."""
        if not text:
            return ()
        # jieba never joins words across punctuation, so each clause is segmented (and cached) on its own:
        # catalog text repeats clauses (每周更新, element lists, department names) across many entries
        return tuple(w for chunk in _CLAUSE.split(normalize(text)) if chunk for w in self._tokens(chunk))

    def tokens(self, text: str) -> tuple[str, ...]:
        """The terms of a text in order (stemmed English, no stop words or punctuation)."""
        return tuple(term for _, term in self.words(text))

    def index_tokens(self, text: str) -> list[str]:
        """:meth:`tokens` plus the dictionary words inside each long Chinese word (search-mode indexing) and
        English words as written beside their stems (so a typo can be matched against the whole word)."""
        out: list[str] = []
        for word, term in self.words(text):
            out.append(term)
            if term != word:
                out.append(word)
            elif len(term) > 2 and is_cjk(term):
                out.extend(_sub_words(term))
        return out

    def index_text(self, *texts: str) -> str:
        """What a backend indexes for these texts: whitespace-joined index tokens."""
        return " ".join(t for text in texts if text for t in self.index_tokens(text))

    # queries --------------------------------------------------------------------------------------------
    def parse_query(self, text: str) -> ParsedQuery:
        """One group per query word: the word or any of its synonyms (each analysed like indexed text)."""
        words: dict[str, str] = {}  # term → the word as written (normalised), in query order
        for written, term in self.words(text):
            words.setdefault(term, written)
        groups: list[QueryGroup] = []
        for word, written in words.items():
            alternatives = [(word,)]
            for synonym in self.synonyms.get(word, ()):
                alt = self.tokens(synonym)
                if alt and alt not in alternatives:
                    alternatives.append(alt)
            parts = _decompose(word) if len(word) > 2 and is_cjk(word) else ()
            if len(parts) > 1 and parts not in alternatives:
                alternatives.append(parts)  # 企业信用 also as 企业 + 信用: segmentation depends on context
            single_char = len(word) == 1 and is_cjk(word) and len(words) > 1
            fuzzy = (written,) if is_fuzzy_candidate(written) else ()
            groups.append(QueryGroup(tuple(alternatives), required=not single_char, fuzzy=fuzzy))
        return ParsedQuery(tuple(groups))

    # suggestions ----------------------------------------------------------------------------------------
    def suggest_keys(self, title: str) -> list[str]:
        """Keys a title is suggested under: the text, its pinyin and pinyin initials, from each of the first
        few words on, sub-words included (住房公积金缴存信息 is found by 住房, 公积金, zhufang, zfgjj, gjj …)."""
        return list(self._suggest_keys(title)) if title else []

    def _suggest_keys_uncached(self, title: str) -> tuple[str, ...]:
        compact = suggest_prefix(title)
        starts: set[int] = set()
        offset = 0
        for word in (t.text for t in self.nlp.make_doc(compact)):
            starts.add(offset)
            if len(word) > 2 and is_cjk(word):
                starts.update(offset + word.index(sub) for sub in _sub_words(word))
            offset += len(word)
        pieces = _pinyin_pieces(compact)
        keys: list[str] = []
        for start in sorted(starts)[:MAX_SUGGEST_STARTS]:
            rest = [p for p in pieces if p[0] >= start]
            keys += [compact[start:], "".join(p[1] for p in rest), "".join(p[2] for p in rest)]
        return tuple(dict.fromkeys(k for k in keys if k))


def _pinyin_pieces(compact: str) -> list[tuple[int, str, str]]:
    """(offset, pinyin, initial) of each Chinese character and each run of other characters."""
    sources = [(m.start(), m.group()) for m in _PINYIN_SOURCE.finditer(compact)]
    syllables = lazy_pinyin(compact)
    if len(syllables) != len(sources):  # pypinyin grouped differently: fall back to one piece at a time
        syllables = [lazy_pinyin(text)[0] for _, text in sources]
    return [(start, syl, syl[:1] if is_cjk(text) else syl)
            for (start, text), syl in zip(sources, syllables, strict=True)]


def title_pinyin(title: str) -> str:
    """The pinyin of a title (letters and digits only): the key of sort by title."""
    return "".join(lazy_pinyin(suggest_prefix(title)))


def suggest_prefix(text: str) -> str:
    """A typed prefix in the form suggestion keys are stored in (empty when nothing usable is left)."""
    return _SUGGEST_KEEP.sub("", normalize(text))


@lru_cache(maxsize=65536)
def _sub_words(word: str) -> tuple[str, ...]:
    """Dictionary words of two or more characters strictly inside ``word`` (jieba's cut_for_search rule),
    leaving out rare dictionary entries that are mostly accidents of a longer word (割机 in 收割机)."""
    freq = jieba.dt.FREQ
    found = []
    for size in range(2, len(word)):
        for i in range(len(word) - size + 1):
            piece = word[i:i + size]
            if freq.get(piece, 0) >= MIN_SUB_WORD_FREQ:
                found.append(piece)
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=65536)
def _decompose(word: str) -> tuple[str, ...]:
    """``word`` as a sequence of shorter dictionary words, longest first from the left (empty if it is not
    fully covered)."""
    parts: list[str] = []
    i = 0
    while i < len(word):
        for size in range(len(word) - i - (1 if i == 0 else 0), 1, -1):
            if jieba.dt.FREQ.get(word[i:i + size], 0) >= MIN_SUB_WORD_FREQ:
                parts.append(word[i:i + size])
                i += size
                break
        else:
            return ()
    return tuple(parts)


_ANALYZER: Analyzer | None = None
_ANALYZER_LOCK = threading.Lock()


def get_analyzer() -> Analyzer:
    """The process-wide analyzer (jieba's dictionary is global, so there is exactly one)."""
    global _ANALYZER
    with _ANALYZER_LOCK:
        if _ANALYZER is None:
            _ANALYZER = Analyzer()
        return _ANALYZER


def char_normalized(text: str) -> str:
    """``text`` normalised character by character (same length, for highlight offsets)."""
    return "".join(normalize_char(c) for c in text)

"""Ranked, diacritics-insensitive, typo-tolerant search over the procedure catalogue."""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
from collections.abc import Iterable

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from motcua.domain.vntext import fold
from queue_server.core.catalogue import Catalogue, Procedure

__all__ = ["MIN_SCORE", "SearchHit", "search_procedures"]

# Score bands; a better band always beats a worse one, tightness orders hits within a band.
_EXACT = 100.0  # query equals a name, keyword or code
_PREFIX = 94.0  # a name/keyword starts with the query
_PHRASE = 88.0  # the query is a word-aligned phrase inside it
_TOKENS = 80.0  # every query word is one of its words (the last may be a prefix)
_FUZZY = 50.0  # typo-tolerant: fuzzy word matches covering most of the query
_TIGHTNESS = 5.0
# Texts other than the Vietnamese name rank a little lower on an equal match.
_PENALTY = {"name_vi": 0.0, "code": 0.0, "keyword": 1.0, "name_en": 2.0}

MIN_SCORE = 65.0  # fuzzy hits below this are noise ("zzzzqqq" finds nothing)
_MIN_FUZZY_COVERAGE = 0.7  # one 1-letter slip in each 4-letter syllable is another word, not a typo
_FUZZY_WORD_WEIGHT = 0.9  # a misspelt word counts less than a correct one
_MIN_PREFIX_LEN = 2
_MIN_COMPACT_RATIO = 85.0
_MAX_QUERY_CHARS = 120
_MAX_QUERY_WORDS = 12
_CACHE_SIZE = 4

# i/y spelling variants (kỹ/kĩ, lý/lí, quý/quí): one spelling in the search key.
_Y_AFTER_CONSONANT = re.compile(r"^(qu|[bcdghklmnpqrstvx]{1,3})y$")


@dataclasses.dataclass(frozen=True, slots=True)
class SearchHit:
    """One result: the procedure, its score (0 for browsing) and which text matched."""

    procedure: Procedure
    score: float
    matched: str  # "name_vi", "name_en", "keyword", "code", or "" when browsing


def _word_key(word: str) -> str:
    return word[:-1] + "i" if _Y_AFTER_CONSONANT.match(word) else word


def _search_key(text: str) -> str:
    return " ".join(_word_key(w) for w in fold(text).split())


@dataclasses.dataclass(frozen=True, slots=True)
class _Entry:
    proc: int  # index into catalogue.procedures
    kind: str
    text: str  # search key
    compact: str  # search key without spaces


@dataclasses.dataclass(frozen=True, slots=True)
class _Index:
    entries: tuple[_Entry, ...]
    postings: dict[str, tuple[int, ...]]  # word (or two adjacent words joined) -> entry numbers
    vocabulary: tuple[str, ...]  # sorted keys of postings
    words: tuple[str, ...]  # sorted single words (not joined pairs), for prefix matching
    compacts: tuple[str, ...]  # entry texts without spaces, for run-together queries


def _build_index(catalogue: Catalogue) -> _Index:
    entries: list[_Entry] = []
    for i, proc in enumerate(catalogue.procedures):
        texts: list[tuple[str, str]] = [("name_vi", proc.name_vi), ("name_en", proc.name_en)]
        texts += [("keyword", kw) for kw in proc.keywords]
        texts += [("code", proc.code)]
        if proc.national_code:
            texts.append(("code", proc.national_code))
        seen: set[str] = set()
        for kind, raw in texts:
            key = _search_key(raw)
            if key and key not in seen:
                seen.add(key)
                entries.append(_Entry(i, kind, key, key.replace(" ", "")))
    postings: dict[str, set[int]] = {}
    single: set[str] = set()
    for n, entry in enumerate(entries):
        if entry.kind == "code":
            continue
        words = entry.text.split()
        single.update(words)
        # Joined neighbours let "khaisinh" match "khai sinh".
        for word in [*words, *(a + b for a, b in itertools.pairwise(words))]:
            postings.setdefault(word, set()).add(n)
    frozen = {w: tuple(sorted(ns)) for w, ns in postings.items()}
    return _Index(
        entries=tuple(entries),
        postings=frozen,
        vocabulary=tuple(sorted(frozen)),
        words=tuple(sorted(single)),
        compacts=tuple(e.compact for e in entries),
    )


_cache: list[tuple[Catalogue, _Index]] = []


def _index_for(catalogue: Catalogue) -> _Index:
    for cached, index in _cache:
        if cached is catalogue:
            return index
    index = _build_index(catalogue)
    _cache.insert(0, (catalogue, index))
    del _cache[_CACHE_SIZE:]
    return index


def _allowed_edits(word: str) -> int:
    if len(word) >= 8:
        return 2
    return 1 if len(word) >= 4 else 0


def _word_matches(index: _Index, word: str, *, last: bool) -> dict[int, float]:
    """Best similarity (0..1] of `word` to some word of each entry that has one."""
    best: dict[int, float] = {}

    def credit(entries: Iterable[int], sim: float) -> None:
        for n in entries:
            if sim > best.get(n, 0.0):
                best[n] = sim

    # Typo-tolerant matches first, so exact and prefix credit overwrite them.
    edits = _allowed_edits(word)
    if edits:
        for candidate, dist, _ in process.extract(
            word, index.vocabulary, scorer=OSA.distance, score_cutoff=edits, limit=None
        ):
            if dist:
                sim = 1.0 - dist / max(len(word), len(candidate))
                credit(index.postings[candidate], _FUZZY_WORD_WEIGHT * sim)
    # The word being typed is a prefix ("khai si"); earlier words may be abbreviated less kindly.
    if len(word) >= _MIN_PREFIX_LEN:
        prefix_sim = 1.0 if last else 0.8
        start = bisect.bisect_left(index.words, word)
        for candidate in index.words[start:]:
            if not candidate.startswith(word):
                break
            if candidate != word:
                credit(index.postings[candidate], prefix_sim)
    credit(index.postings.get(word, ()), 1.0)
    return best


def _score_entries(index: _Index, query: str, allowed: list[bool]) -> dict[int, tuple[float, str]]:
    """Best (score, kind) per procedure index."""
    words = query.split()[:_MAX_QUERY_WORDS]
    total = float(sum(len(w) for w in words))
    matches: dict[tuple[str, bool], dict[int, float]] = {}
    weighted: dict[int, float] = {}
    exact: dict[int, int] = {}
    for i, word in enumerate(words):
        key = (word, i == len(words) - 1)
        if key not in matches:
            matches[key] = _word_matches(index, word, last=key[1])
        for n, sim in matches[key].items():
            weighted[n] = weighted.get(n, 0.0) + len(word) * sim
            if sim == 1.0:
                exact[n] = exact.get(n, 0) + 1

    token_scores: dict[int, float] = {}
    for n, weight in weighted.items():
        coverage = weight / total
        if exact.get(n, 0) == len(words):
            token_scores[n] = _TOKENS
        elif coverage >= _MIN_FUZZY_COVERAGE:
            token_scores[n] = _FUZZY + 25.0 * coverage

    compact = query.replace(" ", "")
    compact_scores: dict[int, float] = {}
    if len(compact) >= 6:
        for _, ratio, n in process.extract(
            compact,
            index.compacts,
            scorer=fuzz.ratio,
            score_cutoff=_MIN_COMPACT_RATIO,
            limit=None,
        ):
            compact_scores[n] = _FUZZY + 25.0 * ratio / 100.0

    best: dict[int, tuple[float, str]] = {}
    padded = " " + query
    for n, entry in enumerate(index.entries):
        if not allowed[entry.proc]:
            continue
        text = entry.text
        if query == text:
            band = _EXACT
        elif entry.kind == "code":
            continue
        elif text.startswith(query):
            band = _PREFIX
        elif padded in " " + text:
            band = _PHRASE
        else:
            band = max(token_scores.get(n, 0.0), compact_scores.get(n, 0.0))
            if band == 0.0:
                continue
        tightness = min(1.0, len(query) / len(text)) if band < _EXACT else 0.0
        score = round(band + _TIGHTNESS * tightness - _PENALTY[entry.kind], 3)
        if score >= MIN_SCORE and score > best.get(entry.proc, (0.0, ""))[0]:
            best[entry.proc] = (score, entry.kind)
    return best


def search_procedures(
    catalogue: Catalogue,
    query: str,
    *,
    limit: int | None = 10,
    field: str | None = None,
    level: str | None = None,
) -> list[SearchHit]:
    """Procedures matching `query`, best first; a blank query lists them in catalogue order.

    `field` and `level` filter before ranking; `limit=None` returns every hit.
    """
    if limit is not None and limit < 0:
        raise ValueError("limit must be >= 0 or None")
    procs = catalogue.procedures
    allowed = [(field is None or p.field == field) and (level is None or level in p.level) for p in procs]
    if not query.strip():
        hits = [SearchHit(p, 0.0, "") for p, ok in zip(procs, allowed, strict=True) if ok]
        return hits if limit is None else hits[:limit]

    key = _search_key(query[: _MAX_QUERY_CHARS * 4])[:_MAX_QUERY_CHARS].strip()
    if not key:  # only emoji or punctuation: nothing to look for
        return []
    best = _score_entries(_index_for(catalogue), key, allowed)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))
    if limit is not None:
        ranked = ranked[:limit]
    return [SearchHit(procs[i], score, kind) for i, (score, kind) in ranked]

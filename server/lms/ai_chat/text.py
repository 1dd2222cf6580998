"""Words of questions and passages: terms to search for, how much of a question a passage covers, excerpts.

The database ranks (PostgreSQL `ts_rank` over a tsvector, SQLite FTS5 `bm25()`); what is computed here, the
same way on both, is whether a ranked passage is relevant at all and which part of it to quote:

- **terms**: the question's distinct words without English stop words and question filler ("how", "explain"),
  at most `MAX_TERMS`, searched for as alternatives (OR), so a passage needs not hold every word;
- **coverage**: the share of those terms a passage holds (title or body), compared stem to stem (Snowball's
  English stemmer, the algorithm of PostgreSQL's `english` configuration; SQLite's porter tokenizer is its
  predecessor);
- **relevant**: a passage holding at least half of the terms (rounded up, at least one). Below that,
  nothing is cited and the offline answer says that nothing relevant was found;
- **excerpt**: the passage's best window of sentences (most terms, earliest), up to `EXCERPT_CHARS`.
"""
from __future__ import annotations

import functools
import math
import re

import snowballstemmer

MAX_TERMS = 16
EXCERPT_CHARS = 420
_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")

# PostgreSQL's english.stop (Snowball's list), plus words that only frame a question.
STOP_WORDS = frozenset("""
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself
it its itself they them their theirs themselves what which who whom this that these those am is are was were be
been being have has had having do does did doing a an the and but if or because as until while of at by for with
about against between into through during before after above below to from up down in out on off over under
again further then once here there when where why how all any both each few more most other some such no nor not
only own same so than too very s t can will just don should now d ll m o re ve y ain aren couldn didn doesn hadn
hasn haven isn ma mightn mustn needn shan shouldn wasn weren won wouldn
could would may might must shall also please thanks thank hi hello hey explain explained explaining tell show
describe understand know help want need like mean means meant question questions ok okay
""".split())

_stemmer = snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def terms(question: str) -> list[str]:
    """The words to search for: distinct, in order, without stop words, at most MAX_TERMS."""
    seen: dict[str, str] = {}
    for word in words(question):
        if len(word) < 2 or word in STOP_WORDS or word.isdigit() and len(word) < 3:
            continue
        key = stem(word)
        if key not in seen:
            seen[key] = word
        if len(seen) == MAX_TERMS:
            break
    return list(seen.values())


def stems(text: str) -> set[str]:
    return {stem(w) for w in set(words(text))}


def coverage(term_list: list[str], title: str, body: str) -> float:
    """Share of the terms (by stem) the passage holds, 0..1."""
    if not term_list:
        return 0.0
    held = stems(title) | stems(body)
    return sum(1 for t in term_list if stem(t) in held) / len(term_list)


def needed(term_count: int) -> int:
    """Terms a passage must hold to be relevant: half of them, rounded up, at least one."""
    return max(1, math.ceil(term_count / 2))


def is_relevant(term_list: list[str], title: str, body: str) -> bool:
    if not term_list:
        return False
    return round(coverage(term_list, title, body) * len(term_list)) >= needed(len(term_list))


def excerpt(term_list: list[str], body: str, limit: int = EXCERPT_CHARS) -> str:
    """The window of consecutive sentences of `body` holding the most terms (the earliest of equals), cut to
    `limit` characters at a word boundary; the start of the body when no sentence holds a term."""
    body = body.strip()
    if not body:
        return ""
    sentences = [s.strip() for s in _SENTENCE.split(body) if s.strip()]
    wanted = {stem(t) for t in term_list}
    best, best_score = 0, -1
    for i, sentence in enumerate(sentences):
        score = len(wanted & stems(sentence))
        if score > best_score:
            best, best_score = i, score
    if best_score <= 0:
        best = 0
    text = ""
    for sentence in sentences[best:]:
        joined = f"{text} {sentence}".strip()
        if len(joined) > limit:
            if not text:
                text = _cut(sentence, limit)
            break
        text = joined
    prefix = "…" if best > 0 else ""
    suffix = "…" if not body.endswith(text) else ""
    return prefix + text + suffix


def _cut(text: str, limit: int) -> str:
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:")

"""The search box's query language: a pure parser, and a compiler per backend.

    flash attention                  words: any may match, papers with all of them first
    "flash attention"                a phrase: must appear, words adjacent and in order
    author:"Tri Dao"  author:Dao     an author (au: for short); must match
    category:cs.CL  cat:cs.CL        only papers in that arXiv category (several: any of them)
    since:2024-01-01  after:2024     published on or after (YYYY, YYYY-MM or YYYY-MM-DD)
    until:2024-06-30  before:2024-06 published on or before (a month or year: its last day)
    -word  -"two words"              leave out papers containing it

Anything else is text. Words are runs of letters and digits (`IL-6` is `il`
and `6`); `*`, parentheses, quotes out of place and the upper-case operators
AND, OR, NOT and NEAR carry no meaning and never reach a database as syntax:
both compilers below quote every word themselves. Nothing here touches a
database, so `parse` is safe on any input.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

# The first this many characters of a query are read; the rest is ignored.
MAX_QUERY_CHARS = 10_000
# At most this many words in all (terms, phrases, authors, exclusions): a
# 10,000-character query stays as fast as a short one.
MAX_TOKENS = 64
# A "word" longer than this is no word (a pasted hash, base64); it is dropped.
MAX_TOKEN_CHARS = 64
# Queries of 2 to this many words rank papers that have all of them, then
# those with them as a phrase, above papers with only some.
SHORT_QUERY_TERMS = 4

OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
AUTHOR_FIELDS = frozenset({"author", "au", "authors"})
CATEGORY_FIELDS = frozenset({"category", "cat"})
SINCE_FIELDS = frozenset({"since", "after", "from"})
UNTIL_FIELDS = frozenset({"until", "before", "to"})
FIELDS = AUTHOR_FIELDS | CATEGORY_FIELDS | SINCE_FIELDS | UNTIL_FIELDS

_WORD_RUN = re.compile(r"[^\W_]+")
# One piece of a query: optional "-", optional "field:", then a quoted string
# (closed or running to the end) or a bare word.
_PIECE = re.compile(r'(?P<neg>-)?(?:(?P<field>[A-Za-z]+):)?(?:"(?P<quoted>[^"]*)"?|(?P<word>[^\s"]+))')
# Archive, optionally with a subject class: cs.AI, hep-th, math.GT, cond-mat.str-el.
_CATEGORY = re.compile(r"^[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]+(?:-[a-z]+)?)?$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")

Tokens = tuple[str, ...]


def tokens_of(text: str) -> Tokens:
    """Lower-cased runs of letters and digits, NFKC-normalised, over-long ones dropped."""
    normal = unicodedata.normalize("NFKC", text)
    return tuple(run.lower() for run in _WORD_RUN.findall(normal) if len(run) <= MAX_TOKEN_CHARS)


@dataclass(frozen=True)
class ParsedQuery:
    terms: Tokens = ()  # optional words, de-duplicated, in typed order
    phrases: tuple[Tokens, ...] = ()  # required; a one-word phrase is a required word
    authors: tuple[Tokens, ...] = ()  # required, matched in author names only
    excluded: tuple[Tokens, ...] = ()  # words or phrases a result must not contain
    categories: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    # The words as typed, for the semantic side (no fields, operators or exclusions).
    text: str = ""
    # What was not understood, for the page to say: "category:xyz is not a category".
    problems: tuple[str, ...] = field(default=(), compare=False)

    @property
    def has_text(self) -> bool:
        return bool(self.terms or self.phrases or self.authors)

    @property
    def has_filters(self) -> bool:
        return bool(self.categories or self.since or self.until)

    @property
    def has_constraints(self) -> bool:
        """Parts every result must satisfy beyond the filters (phrases, authors, exclusions)."""
        return bool(self.phrases or self.authors or self.excluded)

    @property
    def is_empty(self) -> bool:
        return not self.has_text and not self.has_filters

    @property
    def short_terms(self) -> Tokens:
        """The words to boost all-words and phrase matches for, when the query is short."""
        return self.terms if 2 <= len(self.terms) <= SHORT_QUERY_TERMS else ()


def parse(raw: str) -> ParsedQuery:
    """Read a query; never raises, whatever `raw` holds."""
    text = (raw or "")[:MAX_QUERY_CHARS].replace("\x00", " ")
    terms: list[str] = []
    phrases: list[Tokens] = []
    authors: list[Tokens] = []
    excluded: list[Tokens] = []
    categories: list[str] = []
    since: date | None = None
    until: date | None = None
    semantic: list[str] = []
    problems: list[str] = []
    budget = MAX_TOKENS

    for match in _PIECE.finditer(text):
        if budget <= 0:
            break
        negative = bool(match["neg"])
        name = (match["field"] or "").lower()
        quoted = match["quoted"]
        value = quoted if quoted is not None else match["word"]
        if name and name not in FIELDS:  # "IL:6", "http://…": plain text after all
            value, name = f"{match['field']}:{value}", ""
        if name in CATEGORY_FIELDS:
            code = value.strip()
            if is_category(code):
                categories.append(code)
            elif code:
                problems.append(f"{name}:{code} is not an arXiv category such as cs.CL")
            continue
        if name in SINCE_FIELDS or name in UNTIL_FIELDS:
            day = _parse_day(value.strip(), end=name in UNTIL_FIELDS)
            if day is None:
                problems.append(f"{name}:{value.strip()} is not a date such as 2024-01-31")
            elif name in SINCE_FIELDS:
                since = max(since, day) if since else day
            else:
                until = min(until, day) if until else day
            continue
        if quoted is None and not negative and not name and value in OPERATORS:
            continue
        words = tokens_of(value)[:budget]
        if not words:
            continue
        budget -= len(words)
        if name in AUTHOR_FIELDS and negative:
            problems.append(f"-{name}: is not supported; leave the author out instead")
        elif name in AUTHOR_FIELDS:
            authors.append(words)
        elif negative:
            excluded.append(words)
        elif quoted is not None:
            phrases.append(words)
            semantic.append(value)
        else:
            terms.extend(words)
            semantic.append(value)

    if since and until and since > until:
        problems.append("the start date is after the end date")
    excluded_words = {words[0] for words in excluded if len(words) == 1}
    return ParsedQuery(
        terms=tuple(t for t in dict.fromkeys(terms) if t not in excluded_words),
        phrases=tuple(dict.fromkeys(phrases)),
        authors=tuple(dict.fromkeys(authors)),
        excluded=tuple(dict.fromkeys(excluded)),
        categories=tuple(dict.fromkeys(categories)),
        since=since,
        until=until,
        text=" ".join(semantic),
        problems=tuple(problems),
    )


def is_category(code: str) -> bool:
    """Whether `code` looks like an arXiv category (cs.CL, hep-th, cond-mat.str-el)."""
    return bool(_CATEGORY.match(code))


def terms_query(text: str) -> ParsedQuery:
    """Every word of `text` as an optional term (keyword similarity to a title)."""
    return ParsedQuery(terms=tuple(dict.fromkeys(tokens_of(text[:MAX_QUERY_CHARS])))[:MAX_TOKENS], text=text)


def _parse_day(value: str, *, end: bool) -> date | None:
    """2024 / 2024-03 / 2024-03-05 -> a day; the first of the span, or its last with `end`."""
    match = _DATE.match(value)
    if not match:
        return None
    year = int(match[1])
    month = int(match[2]) if match[2] else (12 if end else 1)
    try:
        last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
        day = int(match[3]) if match[3] else (last if end else 1)
        return date(year, month, day)
    except ValueError:
        return None


# --- SQLite FTS5 -------------------------------------------------------------------


@dataclass(frozen=True)
class Fts5Query:
    match: str  # what a result must match (and what bm25 ranks)
    all_terms: str | None  # short queries: every word
    as_phrase: str | None  # short queries: the words as a phrase
    highlight: str  # every positive part, for snippets


def _fts_phrase(words: Tokens) -> str:
    # Words are letter/digit runs, so they hold no quote: this is always a valid FTS5 string.
    return '"' + " ".join(words) + '"'


# PostgreSQL's `english` stop words (Snowball's list), which its keyword search
# already ignores. FTS5 has none: an optional "the" or "of" would make a long
# query match most of the catalogue, and bm25 every one of those rows.
STOP_WORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below between both
but by can did do does doing don down during each few for from further had has have having he her here hers
herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on
once only or other our ours ourselves out over own s same she should so some such t than that the their theirs
them themselves then there these they this those through to too under until up very was we were what when where
which while who whom why will with you your yours yourself yourselves
""".split())


def content_terms(terms: Tokens) -> Tokens:
    """`terms` without stop words, unless that leaves nothing (a query of only "the who")."""
    kept = tuple(t for t in terms if t not in STOP_WORDS)
    return kept or terms


def to_fts5(query: ParsedQuery) -> Fts5Query | None:
    """The FTS5 MATCH expressions of a query; None when it has no text."""
    if not query.has_text:
        return None
    required = [_fts_phrase(p) for p in query.phrases] + [f"authors : {_fts_phrase(a)}" for a in query.authors]
    # Optional stop words are dropped (as PostgreSQL does); quoted phrases keep theirs.
    terms = tuple(t for t in query.terms if t not in STOP_WORDS) if required else content_terms(query.terms)
    optional = [_fts_phrase((t,)) for t in terms]
    positive = " OR ".join(required + optional)
    if required and optional:
        # Optional words still count in bm25: A AND (A OR word) matches what A matches.
        match = f"({' AND '.join(required)}) AND ({positive})"
    elif required:
        match = " AND ".join(required)
    else:
        match = positive
    if query.excluded:
        match = f"({match}) NOT ({' OR '.join(_fts_phrase(e) for e in query.excluded)})"
    short = query.short_terms
    return Fts5Query(
        match=match,
        all_terms=" AND ".join(_fts_phrase((t,)) for t in short) if short else None,
        as_phrase=_fts_phrase(short) if short else None,
        highlight=positive,
    )


# --- PostgreSQL tsquery --------------------------------------------------------------


@dataclass(frozen=True)
class TsQuery:
    """Texts for `to_tsquery('english', …)`."""

    match: str
    rank: str  # every positive part, OR-ed: what ts_rank_cd scores (and ts_headline marks)
    all_terms: str | None
    as_phrase: str | None


def _ts_phrase(words: Tokens, weight: str = "") -> str:
    # Letter/digit runs hold none of tsquery's operators (& | ! ( ) : < > ' *).
    label = f":{weight}" if weight else ""
    return "(" + " <-> ".join(f"{w}{label}" for w in words) + ")"


def to_tsquery(query: ParsedQuery) -> TsQuery | None:
    """The tsquery texts of a query (authors are weight B of `tsv`); None when it has no text."""
    if not query.has_text:
        return None
    required = [_ts_phrase(p) for p in query.phrases] + [_ts_phrase(a, "B") for a in query.authors]
    optional = list(query.terms)
    rank = " | ".join(required + optional)
    match = " & ".join(required) if required else rank
    if query.excluded:
        match = f"({match}) & !({' | '.join(_ts_phrase(e) for e in query.excluded)})"
    short = query.short_terms
    return TsQuery(
        match=match,
        rank=rank,
        all_terms=" & ".join(short) if short else None,
        as_phrase=_ts_phrase(short) if short else None,
    )

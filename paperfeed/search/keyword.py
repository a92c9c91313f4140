"""Keyword search: full text over title, abstract and author names.

SQLite (the embedded default): the FTS5 table `search_fts` ranked by
`bm25(search_fts, title, abstract, authors weights)`. PostgreSQL: the weighted
`tsv` column (A title, B authors, C abstract) ranked by `ts_rank_cd` with the
same weights. Both get their MATCH text from `query.to_fts5`/`to_tsquery`,
which quote every word, so user input never reaches the database as syntax.

Scores are "higher is better" and comparable across pages of one query:
`tier + s / (1 + s)`, where s is -bm25 or ts_rank_cd, and the tier (0-2) is
1 for a short query's papers that have all its words, plus 1 when they have
them as a phrase, so those come first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from django.conf import settings
from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from paperfeed.catalog.models import Paper, PaperCategory

from .models import SearchDocument
from .query import ParsedQuery, is_category, to_fts5, to_tsquery

# Markers around highlighted words in snippets; never in the HTML we produce.
START, STOP = "\x02", "\x03"
SNIPPET_TOKENS = 40

PAPER = Paper._meta.db_table
CATEGORY = PaperCategory._meta.db_table
DOCUMENT = SearchDocument._meta.db_table


@dataclass(frozen=True)
class Filters:
    categories: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None

    def __bool__(self) -> bool:
        return bool(self.categories or self.since or self.until)

    @classmethod
    def of(cls, query: ParsedQuery, *, category: str | None = None, since: date | None = None,
           until: date | None = None) -> "Filters":
        """The query's own filters and the form's, together (dates: the narrower). A form
        category that is no arXiv category is left out (the page and the CLI say so)."""
        extra = [category] if category and is_category(category) else []
        categories = tuple(dict.fromkeys([*query.categories, *extra]))
        starts = [d for d in (query.since, since) if d]
        ends = [d for d in (query.until, until) if d]
        return cls(categories, max(starts) if starts else None, min(ends) if ends else None)


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _filter_sql(filters: Filters) -> tuple[str, list]:
    """`AND …` conditions on `p` (catalog_paper): visible, and the filters."""
    sql, params = [" AND p.is_hidden = %s"], [False]
    if filters.categories:
        marks = ", ".join(["%s"] * len(filters.categories))
        sql.append(f" AND EXISTS (SELECT 1 FROM {CATEGORY} c WHERE c.paper_id = p.id AND c.code IN ({marks}))")
        params += list(filters.categories)
    if filters.since:
        sql.append(" AND p.published >= %s")
        params.append(_moment(filters.since))
    if filters.until:
        sql.append(" AND p.published < %s")
        params.append(_moment(filters.until + timedelta(days=1)))
    return "".join(sql), params


def _moment(day: date):
    """Midnight UTC of `day`, as the backend stores datetimes."""
    value = datetime.combine(min(day, date.max - timedelta(days=1)), time.min, tzinfo=timezone.utc)
    return connection.ops.adapt_datetimefield_value(value)


def _weights() -> tuple[float, float, float]:
    """(title, abstract, authors) column weights."""
    return (settings.PAPERFEED_SEARCH_TITLE_WEIGHT, 1.0, settings.PAPERFEED_SEARCH_AUTHOR_WEIGHT)


def _ranked_sql(query: ParsedQuery, filters: Filters) -> tuple[str, list] | None:
    """SELECT id, score, total: the visible papers matching `query` and `filters`, best first."""
    where, where_params = _filter_sql(filters)
    if not query.has_text:
        if not filters:
            return None
        sql = (
            f"SELECT p.id, 0.0 AS score, COUNT(*) OVER () FROM {PAPER} p WHERE 1 = 1{where} "
            "ORDER BY p.published DESC NULLS LAST, p.id DESC"
        )
        return sql, where_params
    if _is_postgres():
        return _ranked_postgres(query, where, where_params)
    return _ranked_sqlite(query, where, where_params)


def _ranked_sqlite(query: ParsedQuery, where: str, where_params: list) -> tuple[str, list]:
    fts = to_fts5(query)
    assert fts is not None
    tier, tier_params = "0", []
    for expression in (fts.all_terms, fts.as_phrase):
        if expression:
            tier += " + (hits.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s))"
            tier_params.append(expression)
    sql = (
        "WITH hits AS (SELECT rowid AS id, -bm25(search_fts, %s, %s, %s) AS s "
        "FROM search_fts WHERE search_fts MATCH %s) "
        f"SELECT hits.id, ({tier}) + hits.s / (1.0 + hits.s) AS score, COUNT(*) OVER () "
        f"FROM hits JOIN {PAPER} p ON p.id = hits.id WHERE 1 = 1{where} "
        "ORDER BY score DESC, p.published DESC NULLS LAST, hits.id DESC"
    )
    return sql, [*_weights(), fts.match, *tier_params, *where_params]


def _ranked_postgres(query: ParsedQuery, where: str, where_params: list) -> tuple[str, list]:
    ts = to_tsquery(query)
    assert ts is not None
    title, abstract, authors = _weights()
    top = max(title, abstract, authors) or 1.0
    # ts_rank_cd takes {D, C, B, A} weights, each at most 1: A title, B authors, C abstract.
    weights = [0.1 * abstract / top, abstract / top, authors / top, title / top]
    tier, tier_params = "0", []
    for expression in (ts.all_terms, ts.as_phrase):
        if expression:
            tier += " + (d.tsv @@ to_tsquery('english', %s))::int"
            tier_params.append(expression)
    # Matching the positive parts too keeps a query of stop words and exclusions
    # ("the" -x: tsquery !x) from matching everything.
    sql = (
        "WITH hits AS (SELECT d.paper_id AS id, "
        f"ts_rank_cd(%s::float4[], d.tsv, to_tsquery('english', %s), 1) AS s, ({tier}) AS tier "
        f"FROM {DOCUMENT} d WHERE d.tsv @@ to_tsquery('english', %s) AND d.tsv @@ to_tsquery('english', %s)) "
        "SELECT hits.id, hits.tier + hits.s / (1.0 + hits.s) AS score, COUNT(*) OVER () "
        f"FROM hits JOIN {PAPER} p ON p.id = hits.id WHERE 1 = 1{where} "
        "ORDER BY score DESC, p.published DESC NULLS LAST, hits.id DESC"
    )
    return sql, [weights, ts.rank, *tier_params, ts.match, ts.rank, *where_params]


def keyword_search(query: ParsedQuery, *, filters: Filters = Filters(), limit: int, offset: int = 0
                   ) -> tuple[list[tuple[int, float]], int]:
    """([(paper id, score)], total matches) for one page of results; one query (two past the end)."""
    built = _ranked_sql(query, filters)
    if built is None or limit <= 0:
        return [], 0
    sql, params = built
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*params, limit, max(offset, 0)])
        rows = cursor.fetchall()
        if not rows and offset > 0:  # past the end: the count is still wanted
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) counted", params)
            return [], cursor.fetchone()[0]
    return [(pk, float(score)) for pk, score, _total in rows], (rows[0][2] if rows else 0)


def keyword_ids(query: ParsedQuery, *, filters: Filters = Filters(), limit: int) -> list[int]:
    """Ids of the best `limit` visible papers matching `query` and `filters`."""
    return [pk for pk, _score in keyword_search(query, filters=filters, limit=limit)[0]]


def visible_ids(ids: Iterable[int], *, filters: Filters = Filters()) -> set[int]:
    """Which of `ids` are visible papers passing `filters`; one query."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return set()
    where, params = _filter_sql(filters)
    marks = ", ".join(["%s"] * len(wanted))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT p.id FROM {PAPER} p WHERE p.id IN ({marks}){where}", [*wanted, *params])
        return {row[0] for row in cursor.fetchall()}


def filtered_ids(filters: Filters, *, limit: int) -> list[int]:
    """Ids of up to `limit` visible papers passing `filters`, newest first."""
    where, params = _filter_sql(filters)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id FROM {PAPER} p WHERE 1 = 1{where} ORDER BY p.published DESC NULLS LAST, p.id DESC LIMIT %s",
            [*params, limit],
        )
        return [row[0] for row in cursor.fetchall()]


# --- snippets ----------------------------------------------------------------------------


def marked_html(text: str) -> SafeString:
    """Text with START/STOP markers -> escaped HTML with <mark> around the marked words.

    Every piece of source text is escaped; only our own <mark> tags are not.
    Stray markers (in the source text itself) cannot unbalance the tags.
    """
    out, is_open = [], False
    for piece in _split_markers(text):
        if piece == START:
            if not is_open:
                out.append("<mark>")
                is_open = True
        elif piece == STOP:
            if is_open:
                out.append("</mark>")
                is_open = False
        else:
            out.append(escape(piece))
    if is_open:
        out.append("</mark>")
    return mark_safe("".join(out))


def _split_markers(text: str) -> list[str]:
    pieces, current = [], []
    for char in text:
        if char in (START, STOP):
            if current:
                pieces.append("".join(current))
                current = []
            pieces.append(char)
        else:
            current.append(char)
    if current:
        pieces.append("".join(current))
    return pieces


def snippets(query: ParsedQuery, paper_ids: Sequence[int]) -> dict[int, tuple[SafeString, SafeString]]:
    """{paper id: (title HTML, abstract snippet HTML)} for those of `paper_ids` the query's words
    appear in, with the words in <mark>; one query. A part without a marked word is ""."""
    ids = list(dict.fromkeys(paper_ids))
    if not ids or not query.has_text:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    if _is_postgres():
        ts = to_tsquery(query)
        options = f"StartSel={START}, StopSel={STOP}"
        sql = (
            "SELECT d.paper_id, ts_headline('english', d.title, q, %s), ts_headline('english', d.abstract, q, %s) "
            f"FROM {DOCUMENT} d, to_tsquery('english', %s) q WHERE d.paper_id IN ({marks}) AND d.tsv @@ q"
        )
        abstract_options = f'{options}, MaxWords={SNIPPET_TOKENS}, MinWords=20, MaxFragments=2, FragmentDelimiter=" … "'
        params = [f"{options}, HighlightAll=true", abstract_options, ts.rank, *ids]
    else:
        fts = to_fts5(query)
        sql = (
            "SELECT rowid, highlight(search_fts, 0, %s, %s), "
            f"snippet(search_fts, 1, %s, %s, '…', {SNIPPET_TOKENS}) "
            f"FROM search_fts WHERE search_fts MATCH %s AND rowid IN ({marks})"
        )
        params = [START, STOP, START, STOP, fts.highlight, *ids]
    found = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for pk, title, abstract in cursor.fetchall():
            found[pk] = tuple(marked_html(text) if START in (text or "") else mark_safe("") for text in (title, abstract))
    return found


# --- maintenance -------------------------------------------------------------------------


def fulltext_rebuild() -> None:
    """Rebuild the full-text index from the search documents (SQLite FTS5 `rebuild`, then
    `optimize`); on PostgreSQL the generated column is always current, so only ANALYZE."""
    with connection.cursor() as cursor:
        if _is_postgres():
            cursor.execute(f"ANALYZE {DOCUMENT}")
        else:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")

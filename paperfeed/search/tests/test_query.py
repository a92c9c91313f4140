"""The query language: parsing is pure, and compiles to quoted FTS5 and tsquery text."""

import re
from datetime import date

import pytest

from paperfeed.search.query import MAX_TOKENS, ParsedQuery, parse, terms_query, to_fts5, to_tsquery


def test_words_become_lower_cased_de_duplicated_terms_in_typed_order():
    parsed = parse("Flash attention FLASH Memory")
    assert parsed.terms == ("flash", "attention", "memory")
    assert parsed.text == "Flash attention FLASH Memory"


def test_quoted_words_are_a_required_phrase():
    parsed = parse('"flash attention" fast')
    assert parsed.phrases == (("flash", "attention"),)
    assert parsed.terms == ("fast",)


def test_an_unclosed_quote_runs_to_the_end():
    assert parse('speed "flash attention').phrases == (("flash", "attention"),)


@pytest.mark.parametrize(
    "raw, authors",
    [
        ('author:"Tri Dao"', (("tri", "dao"),)),
        ("author:Dao", (("dao",),)),
        ("au:dao AUTHOR:Ré", (("dao",), ("ré",))),
    ],
)
def test_author_parts_name_authors(raw, authors):
    parsed = parse(raw)
    assert parsed.authors == authors
    assert parsed.terms == () and parsed.text == ""


def test_categories_are_validated_and_unknown_ones_reported():
    parsed = parse("category:cs.CL cat:hep-th category:<script> transformers")
    assert parsed.categories == ("cs.CL", "hep-th")
    assert parsed.terms == ("transformers",)
    assert parsed.problems == ("category:<script> is not an arXiv category such as cs.CL",)


@pytest.mark.parametrize(
    "raw, since, until",
    [
        ("after:2024-01-05", date(2024, 1, 5), None),
        ("since:2024 until:2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("from:2024-02 before:2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("after:2023 after:2024-03-01 before:2025 before:2024-12-01", date(2024, 3, 1), date(2024, 12, 1)),
    ],
)
def test_dates_take_days_months_and_years_and_the_narrowest_range_wins(raw, since, until):
    parsed = parse(raw)
    assert (parsed.since, parsed.until) == (since, until)


def test_an_impossible_date_is_reported_not_raised():
    parsed = parse("after:2024-02-30 until:2024-13")
    assert parsed.since is None and parsed.until is None
    assert len(parsed.problems) == 2


def test_a_minus_excludes_a_word_or_a_phrase():
    parsed = parse('attention -survey -"state space" survey')
    assert parsed.excluded == (("survey",), ("state", "space"))
    assert parsed.terms == ("attention",)


def test_boolean_operators_are_not_words_but_their_lower_case_forms_are():
    assert parse("cats AND dogs OR NOT NEAR mice").terms == ("cats", "dogs", "mice")
    assert parse("cats and dogs").terms == ("cats", "and", "dogs")


def test_a_hyphenated_or_unknown_field_is_plain_text():
    parsed = parse("IL-6 β-amyloid title:foo http://x.org")
    assert parsed.terms == ("il", "6", "β", "amyloid", "title", "foo", "http", "x", "org")


@pytest.mark.parametrize("raw", ["", "   ", '"', '""', "***", "((( )))", "-", "--", "😀🎉", "NOT", "AND OR"])
def test_input_without_words_is_an_empty_query(raw):
    assert parse(raw).is_empty


def test_a_long_query_keeps_at_most_the_word_budget():
    parsed = parse(" ".join(f"word{n}" for n in range(5000)))
    assert len(parsed.terms) == MAX_TOKENS


def test_overlong_runs_of_letters_are_dropped():
    assert parse("x" * 65 + " ok").terms == ("ok",)


def test_short_queries_ask_for_all_words_and_the_phrase_first():
    fts = to_fts5(parse("flash attention"))
    assert fts.match == '"flash" OR "attention"'
    assert fts.all_terms == '"flash" AND "attention"'
    assert fts.as_phrase == '"flash attention"'
    assert to_fts5(parse("one")).all_terms is None
    assert to_fts5(parse("a b c d e")).all_terms is None


def test_required_parts_are_anded_and_optional_words_still_rank():
    fts = to_fts5(parse('"flash attention" author:Dao memory -slow'))
    assert fts.match == (
        '(("flash attention" AND authors : "dao") AND ("flash attention" OR authors : "dao" OR "memory")) NOT ("slow")'
    )
    assert fts.highlight == '"flash attention" OR authors : "dao" OR "memory"'


def test_optional_stop_words_are_left_out_as_postgresql_does():
    assert to_fts5(parse("the effect of attention on a transformer")).match == (
        '"effect" OR "attention" OR "transformer"'
    )
    assert to_fts5(parse("the who")).match == '"the" OR "who"'  # nothing but stop words: kept
    assert to_fts5(parse('"state of the art" of')).match == '"state of the art"'  # phrases keep theirs


def test_the_tsquery_text_marks_authors_with_weight_b():
    ts = to_tsquery(parse('"flash attention" author:"Tri Dao" memory -slow'))
    assert ts.match == "((flash <-> attention) & (tri:B <-> dao:B)) & !((slow))"
    assert ts.rank == "(flash <-> attention) | (tri:B <-> dao:B) | memory"


def test_a_query_without_words_compiles_to_nothing():
    assert to_fts5(ParsedQuery(categories=("cs.CL",))) is None
    assert to_tsquery(ParsedQuery()) is None


@pytest.mark.parametrize("raw", ['a" OR 1=1; --', "x') UNION SELECT *", 'title:"x" NEAR/2 y*', "{authors}: x ^y"])
def test_syntax_fragments_compile_to_quoted_words_only(raw):
    fts = to_fts5(parse(raw))
    for piece in re.findall(r'"[^"]*"|[^\s()]+', fts.match):
        assert piece in {"OR", "AND", "NOT", "authors", ":"} or re.fullmatch(r'"[^\W_]+(?: [^\W_]+)*"', piece), piece


def test_a_title_becomes_optional_terms():
    parsed = terms_query("FlashAttention-2: Faster Attention")
    assert parsed.terms == ("flashattention", "2", "faster", "attention")
    assert not parsed.phrases and not parsed.authors

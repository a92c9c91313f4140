"""rerank.features and rerank.rerank: pure functions, no database."""

import math

import pytest

from paperfeed.search import rerank
from paperfeed.search.rerank import FEATURES, WEIGHTS, content_stems, features

CLAIM = "Vitamin D supplementation reduces fracture risk in elderly women"
TEXTS = {
    1: "Fracture outcomes in a cohort\nWe followed elderly women for fracture events.",
    2: "Vitamin D supplementation and fracture risk\nIn elderly women, vitamin D supplementation reduces fracture risk.",
    3: "Vitamin absorption\nVitamin uptake in the gut.",
}


def column(rows, name):
    return [float(v) for v in rows[:, FEATURES.index(name)]]


def test_content_stems_drop_stop_words_and_stem():
    assert content_stems("The effects of fractures in Women") == ["effect", "fractur", "women"]


def test_a_paper_with_all_of_a_claims_words_covers_more_of_it():
    rows = features([1, 2, 3], query=CLAIM, texts=TEXTS, cosines={}, keyword=[])
    coverage = column(rows, "coverage")
    assert coverage[1] == pytest.approx(1.0)
    assert coverage[1] > coverage[0] > 0 and coverage[1] > coverage[2] > 0


def test_words_every_head_paper_has_weigh_least():
    texts = {1: "fracture vitamin", 2: "fracture", 3: "fracture"}
    rows = features([1, 2, 3], query="vitamin fracture", texts=texts, cosines={}, keyword=[])
    only_common = column(rows, "coverage")[1]
    assert only_common < 0.5 < column(rows, "coverage")[0]


def test_word_pairs_count_only_when_adjacent():
    texts = {1: "fracture risk of women", 2: "risk factors for a fracture"}
    rows = features([1, 2], query="fracture risk", texts=texts, cosines={}, keyword=[])
    assert column(rows, "bigrams") == [1.0, 0.0]


def test_keyword_share_cosine_and_tier_come_from_the_sides():
    keyword = [(2, 1.8), (1, 0.6), (5, 0.2)]
    rows = features([1, 2, 3], query=CLAIM, texts=TEXTS, cosines={1: 0.5, 2: 0.75}, keyword=keyword)
    assert column(rows, "keyword_share") == pytest.approx([0.25, 1.0, 0.0])
    assert column(rows, "cosine") == [0.5, 0.75, 0.0]
    assert column(rows, "tier") == [0.0, 1.0, 0.0]


def test_a_query_of_stop_words_only_gives_zero_coverage_not_an_error():
    rows = features([1, 2], query="the of and", texts=TEXTS, cosines={}, keyword=[])
    assert column(rows, "coverage") == [0.0, 0.0] and column(rows, "bigrams") == [0.0, 0.0]


def test_rerank_orders_by_the_weighted_features():
    ranked = rerank.rerank([1, 3, 2], query=CLAIM, texts=TEXTS, cosines={}, keyword=[],
                           weights={"coverage": 1.0})
    assert [pk for pk, _score in ranked] == [2, 1, 3]


def test_scores_lie_between_one_and_two_and_never_increase():
    ranked = rerank.rerank([1, 2, 3], query=CLAIM, texts=TEXTS, cosines={1: 0.2, 2: 0.6, 3: 0.1}, keyword=[])
    scores = [score for _pk, score in ranked]
    assert all(1.0 < s < 2.0 for s in scores)
    assert scores == sorted(scores, reverse=True)


def test_ties_keep_the_fused_order_and_duplicates_count_once():
    ranked = rerank.rerank([3, 1, 3, 2], query="unrelated words", texts={}, cosines={}, keyword=[])
    assert [pk for pk, _score in ranked] == [3, 1, 2]


def test_huge_weights_do_not_overflow():
    ranked = rerank.rerank([1, 2], query=CLAIM, texts=TEXTS, cosines={}, keyword=[],
                           weights={"coverage": -1e6, "bigrams": 1e6})
    assert all(math.isfinite(score) for _pk, score in ranked)


def test_an_empty_head_and_unknown_features():
    assert rerank.rerank([], query=CLAIM, texts={}, cosines={}, keyword=[]) == []
    with pytest.raises(ValueError, match="citations"):
        rerank.rerank([1], query=CLAIM, texts=TEXTS, cosines={}, keyword=[], weights={"citations": 1.0})


def test_the_product_weights_name_every_feature():
    assert set(WEIGHTS) == set(FEATURES)

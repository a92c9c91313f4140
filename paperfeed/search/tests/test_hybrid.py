"""Fusing keyword and semantic rankings: pure functions."""

import pytest

from paperfeed.search.hybrid import convex, fuse, minmax, rrf


def test_rrf_sums_reciprocal_ranks_so_papers_on_both_sides_win():
    keyword = [(1, 9.0), (2, 5.0), (3, 1.0)]
    semantic = [(3, 0.9), (4, 0.8), (1, 0.7)]
    fused = rrf(keyword, semantic, k=60, semantic_weight=0.5)
    assert [pk for pk, _ in fused] == [1, 3, 2, 4]
    scores = dict(fused)
    assert scores[1] == pytest.approx(0.5 / 61 + 0.5 / 63)
    assert scores[4] == pytest.approx(0.5 / 62)


def test_rrf_ignores_the_scale_of_scores():
    a = rrf([(1, 1000.0), (2, 999.0)], [(2, 0.1), (1, 0.0)])
    b = rrf([(1, 0.2), (2, 0.1)], [(2, 0.9), (1, 0.8)])
    assert a == b


def test_rrf_weight_one_or_zero_keeps_one_side_order():
    keyword, semantic = [(1, 3.0), (2, 2.0)], [(2, 0.9), (3, 0.8)]
    assert [pk for pk, _ in rrf(keyword, semantic, semantic_weight=1.0)][:2] == [2, 3]
    assert [pk for pk, _ in rrf(keyword, semantic, semantic_weight=0.0)][:2] == [1, 2]


def test_a_smaller_k_favours_the_top_ranks_more():
    keyword = [(1, 1.0), (5, 0.5), (2, 0.1)]
    semantic = [(3, 0.9), (6, 0.8), (2, 0.7)]
    # 2 is third on both sides; 1 and 3 are first on one side only.
    assert rrf(keyword, semantic, k=0.5)[0][0] == 1
    assert rrf(keyword, semantic, k=60)[0][0] == 2


def test_minmax_scales_to_zero_one_and_equal_scores_to_one():
    assert minmax([(1, 10.0), (2, 5.0), (3, 0.0)]) == {1: 1.0, 2: 0.5, 3: 0.0}
    assert minmax([(1, 0.3), (2, 0.3)]) == {1: 1.0, 2: 1.0}
    assert minmax([]) == {}


def test_convex_mixes_normalised_scores_and_a_missing_side_counts_zero():
    keyword = [(1, 8.0), (2, 4.0), (3, 0.0)]
    semantic = [(3, 0.9), (4, 0.5)]
    fused = dict(convex(keyword, semantic, semantic_weight=0.25))
    assert fused[1] == pytest.approx(0.75)
    assert fused[2] == pytest.approx(0.375)
    assert fused[3] == pytest.approx(0.25)
    assert fused[4] == pytest.approx(0.0)


def test_convex_weight_decides_between_a_strong_keyword_and_a_strong_semantic_match():
    keyword = [(1, 10.0), (2, 0.0)]
    semantic = [(2, 0.9), (1, 0.1)]
    assert convex(keyword, semantic, semantic_weight=0.3)[0][0] == 1
    assert convex(keyword, semantic, semantic_weight=0.7)[0][0] == 2


def test_ties_keep_the_keyword_order_then_the_semantic_order():
    fused = rrf([(5, 1.0), (6, 0.5)], [(6, 0.9), (5, 0.8)])
    assert [pk for pk, _ in fused] == [5, 6]
    only_semantic = convex([(1, 1.0)], [(7, 0.5), (8, 0.5)], semantic_weight=0.5)
    assert [pk for pk, _ in only_semantic] == [1, 7, 8]


def test_fuse_with_one_side_empty_returns_the_other_as_it_is():
    keyword = [(1, 2.0), (2, 1.0)]
    assert fuse(keyword, [], method="convex") == keyword
    assert fuse([], [(3, 0.5)], method="rrf") == [(3, 0.5)]
    assert fuse([], []) == []


def test_duplicate_ids_on_one_side_count_once_at_their_best_rank():
    fused = dict(rrf([(1, 2.0), (1, 1.0), (2, 0.5)], [], semantic_weight=0.0))
    assert fused[1] == pytest.approx(1 / 61) and fused[2] == pytest.approx(1 / 62)


@pytest.mark.parametrize("method", ["rrf", "convex"])
def test_every_candidate_appears_exactly_once(method):
    fused = fuse([(1, 3.0), (2, 2.0), (3, 1.0)], [(3, 0.9), (4, 0.8), (5, 0.1)], method=method)
    assert sorted(pk for pk, _ in fused) == [1, 2, 3, 4, 5]


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError):
        fuse([(1, 1.0)], [(2, 1.0)], method="borda")
    with pytest.raises(ValueError):
        rrf([], [], semantic_weight=1.5)
    with pytest.raises(ValueError):
        rrf([], [], k=0)

from __future__ import annotations

from mobility._names import compact, cutoff, distance, edit_distance, quoted


def test_edit_distance_counts_one_edit_per_typo() -> None:
    assert edit_distance("vlissingen", "vlisingen", 3) == 1  # dropped
    assert edit_distance("vlissingen", "vlissignen", 3) == 1  # swapped neighbours
    assert edit_distance("vlissingen", "vlisssingen", 3) == 1  # doubled
    assert edit_distance("vlissingen", "vlissinger", 3) == 1  # mistyped
    assert edit_distance("abc", "xyz", 2) == 3  # above the limit: limit + 1
    assert edit_distance("kitten", "sitting", 5) == 3


def test_compact_forms_and_word_runs() -> None:
    assert compact("Büffel (BPz 3)") == "buffelbpz3"
    assert distance("MAN HX 8x8", "man-hx-8x8") == 0
    assert distance("Vlisingen", "Port of Vlissingen (Sloehaven)") == 1.5  # a word, 1 edit
    assert distance("Rotterdam", "Roermond") == float("inf")  # beyond a third of the letters
    assert cutoff("ab") == 1 and cutoff("spod-vlissingen") == 4


def test_quoted_hint() -> None:
    assert quoted(["'a'", "'b'"]) == "; did you mean 'a', 'b'?" and quoted([]) == ""

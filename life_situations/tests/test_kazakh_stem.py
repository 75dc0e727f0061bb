"""The Kazakh suffix stripper: stacked endings that Hunspell-kk leaves whole (domain/languages.md §5)."""

import pytest

from life_situations.search import kazakh_stem


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("қалаларымызда", "қала"),  # plural + possessive + case, the example Hunspell misses
        ("балабақшаларымыздағы", "балабақша"),
        ("мектебіне", "мектеп"),  # a voiced final consonant goes back to the stem's own (б → п)
        ("әкімдігі", "әкімдік"),
        ("балабакшаларымыздагы", "балабакша"),  # typed with Russian substitutes for ғ and қ
    ],
)
def test_stacked_endings_are_stripped(word, stem):
    assert kazakh_stem(word) == stem


@pytest.mark.parametrize(
    "word",
    [
        "туралы",  # only looks inflected
        "алматы",
        "төлқұжат",  # no ending
        "правда",  # Russian: a single ending-like tail in Russian letters is left alone
        "документы",
        "үйлер",  # the stem would be shorter than three letters
    ],
)
def test_other_words_are_left_alone(word):
    assert kazakh_stem(word) == word

"""Place names: typos of every place id suggest that id first; other-mode names point nearby."""

from __future__ import annotations

import pytest

import mobility
from mobility.errors import DataError
from mobility.routing.resolve import PlaceIndex


def _typos(word: str) -> set[str]:
    drops = {word[:i] + word[i + 1 :] for i in range(len(word))}
    swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    doubles = {word[:i] + word[i] + word[i:] for i in range(len(word))}
    return (drops | swaps | doubles) - {word}


@pytest.mark.parametrize("mode", ["road", "rail"])
def test_typos_of_every_place_id_suggest_that_id_first(atlas: mobility.Network, mode: str) -> None:
    index = PlaceIndex(atlas.places, mode)
    places = {p.place_id: p for p in index.places if p.place_id}
    assert len(places) >= 10
    made: dict[str, set[str]] = {}
    for place_id in places:
        for typo in _typos(place_id):
            made.setdefault(typo, set()).add(place_id)
    plain = {typo: owners.pop() for typo, owners in made.items() if len(owners) == 1}
    for typo, place_id in plain.items():
        try:
            found = index.resolve(typo)
        except DataError as error:
            first = str(error).split("did you mean ", 1)[1].split(" ", 1)[0]
            assert first == repr(place_id), (typo, str(error))
        else:
            assert found.place_id == place_id, typo


def test_issue_18_examples(atlas: mobility.Network) -> None:
    road, rail = PlaceIndex(atlas.places, "road"), PlaceIndex(atlas.places, "rail")
    with pytest.raises(DataError, match=r"did you mean 'spod-vlissingen' \(Port of Vlissingen"):
        road.resolve("spod-vlisingen")
    with pytest.raises(DataError) as caught:
        rail.resolve("Rotterdam")
    message = str(caught.value)
    assert "it names the road place 'Port of Rotterdam'" in message
    for terminal in ("'rt-maasvlakte'", "'rt-waalhaven'", "'rt-kijfhoek'"):
        assert terminal in message
    assert "Roermond" not in message
    with pytest.raises(DataError, match="did you mean 'spod-vlissingen'"):
        road.resolve("Vlisingen")  # a word of a name, misspelt

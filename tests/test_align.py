"""Sentence alignment: Gale-Church lengths plus number/name/glossary anchors."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleanup.align import Link, align, mt_to_src, unaligned
from cleanup.document import Document

FR = [
    "Le secrétaire d'État américain Marco Rubio a proposé samedi une aide américaine pour "
    "lancer des « pourparlers constructifs ».",
    "Les combats entre l'Inde et le Pakistan ont commencé mercredi après que des missiles "
    "indiens ont frappé neuf sites au Pakistan, tuant 31 personnes.",
    "L'Inde a dit que les frappes étaient une riposte à une attaque au Cachemire qui a tué "
    "25 touristes hindous et un guide.",
    "Les affrontements ont culminé samedi.",
    "Le ministre pakistanais Khawaja Asif a déclaré qu'il n'avait « aucun problème à "
    "désamorcer », mais qu'il ne faisait pas confiance aux déclarations de l'Inde.",
]
EN = [
    "US Secretary of State Marco Rubio offered American help on Saturday to start "
    "\u201cconstructive talks\u201d.",
    "The fighting between India and Pakistan began on Wednesday after Indian missiles struck "
    "nine sites in Pakistan, killing 31 people.",
    "India said the strikes were retaliation for an attack in Kashmir.",
    "It killed 25 Hindu tourists and a guide.",
    "The clashes culminated on Saturday.",
    "Pakistani Minister Khawaja Asif said he had no \u201cproblem to defuse\u201d, but that he "
    "did not trust India's statements.",
]


def _pairs(links: list[Link]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(link.src, link.mt) for link in links]


def test_one_to_one() -> None:
    links = align([FR[0], FR[1], FR[3], FR[4]], [EN[0], EN[1], EN[4], EN[5]])
    assert _pairs(links) == [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (3,))]
    assert unaligned(links) == []
    assert all(0.0 <= link.score <= 1.0 for link in links)


def test_one_to_two() -> None:
    links = align(FR, EN)
    assert _pairs(links) == [((0,), (0,)), ((1,), (1,)), ((2,), (2, 3)), ((3,), (4,)),
                             ((4,), (5,))]
    assert unaligned(links) == []
    assert mt_to_src(links)[3] == (2,)


def test_two_to_one() -> None:
    links = align(EN, FR)  # the other direction: two sentences for one
    assert ((2, 3), (2,)) in _pairs(links)
    assert len(links) == 5


def test_numbers_are_anchors() -> None:
    # Two source sentences of the same length; the MT kept only the second one.
    src = ["Le bilan est de 31 morts.", "Le bilan est de 25 morts.", "Les affrontements ont culminé samedi."]
    mt = ["The toll is 25 dead.", "The clashes culminated on Saturday."]
    links = align(src, mt)
    assert ((1,), (0,)) in _pairs(links)
    assert ((0,), ()) in _pairs(links)
    swapped = align(["Le bilan est de 25 morts.", "Le bilan est de 31 morts.", src[2]], mt)
    assert ((0,), (0,)) in _pairs(swapped) and ((1,), ()) in _pairs(swapped)


def test_glossary_anchor_raises_the_score() -> None:
    src = ["Le pays est calme ce soir."]
    mt = ["According to residents interviewed by reporters, the country is very quiet tonight."]
    plain = align(src, mt)[0]
    anchored = align(src, mt, anchors={"pays": ["country", "land"]})[0]
    assert (plain.src, plain.mt) == (anchored.src, anchored.mt) == ((0,), (0,))
    assert anchored.score > 4 * plain.score
    assert unaligned([plain]) == [plain]  # a bad length ratio is not trusted


def test_very_different_lengths_are_unaligned() -> None:
    long_mt = ("This is an extremely long sentence that has nothing to do with the source and "
               "keeps going for many, many words, far longer than the source could ever be.")
    links = align(["Rien."], [long_mt])
    assert _pairs(unaligned(links)) == [((), (0,)), ((0,), ())]
    links = align(["Rien.", FR[3]], [long_mt, EN[4]])
    assert ((), (0,)) in _pairs(unaligned(links))
    assert any(1 in link.src and link.mt == (1,) for link in links)
    assert 0 not in mt_to_src(links)


def test_empty_sides() -> None:
    assert align([], ["A."]) == [Link((), (0,), 0.0)]
    assert align(["A."], []) == [Link((0,), (), 0.0)]
    assert align([], []) == []


def test_alignment_uses_the_document_sentence_splitter() -> None:
    text = "Il pleut. Le ministre a dit « non ». 25 morts ! Fin"
    assert [s.text for s in Document(text).sentences] == ["Il pleut.", "Le ministre a dit « non ».",
                                                          "25 morts !", "Fin"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["accord", "de", "paix", "cessez-le-feu", "l'ONU", "Paix", "x", " "]), max_size=12),
       st.lists(st.lists(st.sampled_from(["accord", "de", "paix", "cessez", "le", "feu", "onu", "l"]),
                         min_size=1, max_size=3), max_size=6))
def test_anchors_found_by_one_scan_are_the_whole_word_phrases(words, phrases):
    """Property: the Aho-Corasick anchor scan finds exactly the anchors whose phrase occurs as
    whole words (what a search of each phrase in the sentence finds)."""
    from cleanup.align import _Anchors, _joined

    sentence = " ".join(words)
    forms = [(_joined(" ".join(p)),) for p in phrases]
    expected = frozenset(k for k, (f,) in enumerate(forms) if f.strip() and f in _joined(sentence))
    assert _Anchors(forms).present(sentence) == expected

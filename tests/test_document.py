from cleanup.document import Document


def test_paragraphs_one_per_line_keep_offsets():
    text = "First line here.\nSecond line. Two sentences!\n\nThird.\n"
    doc = Document(text)
    assert [p.text for p in doc.paragraphs] == ["First line here.", "Second line. Two sentences!", "Third."]
    for p in doc.paragraphs:
        assert text[p.start : p.end] == p.text


def test_sentences_split_but_not_after_abbreviations():
    doc = Document("Mr. Smith met Dr. Jones in the U.S. on Monday. They talked.", frozenset({"Mr", "Dr", "U.S"}))
    assert [s.text for s in doc.sentences] == ["Mr. Smith met Dr. Jones in the U.S. on Monday.", "They talked."]


def test_sentences_after_closing_quote():
    doc = Document("He said: “We will fight.” Then he left.")
    assert [s.text for s in doc.sentences] == ["He said: “We will fight.”", "Then he left."]


def test_hard_wrapped_text_uses_blank_line_blocks():
    text = "A short wrapped\nparagraph here.\n\nAnother wrapped\none.\nNew paragraph.\n"
    doc = Document(text)
    assert [p.text for p in doc.paragraphs] == ["A short wrapped\nparagraph here.", "Another wrapped\none.", "New paragraph."]


def test_line_col_counts_crlf_and_cr():
    text = "ab\r\ncd\ref\ngh"
    doc = Document(text)
    assert doc.line_col(0) == (1, 1)
    assert doc.line_col(text.index("c")) == (2, 1)
    assert doc.line_col(text.index("f")) == (3, 2)
    assert doc.line_col(text.index("h")) == (4, 2)


def test_tokens_are_casefolded_and_split_on_apostrophes_and_hyphens():
    doc = Document("India’s Tat-Tray")
    assert [t.norm for t in doc.tokens] == ["india", "s", "tat", "tray"]

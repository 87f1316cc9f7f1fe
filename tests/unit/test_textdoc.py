"""Reading notices into sections: HTML, Markdown, plain text, language, encodings."""

from __future__ import annotations

from pathlib import Path

import pytest

from treu.errors import InputError
from treu.notice.textdoc import (
    detect_language,
    parse_notice,
    read_notice,
    sniff_format,
    split_sentences,
)

FIXTURES = Path(__file__).parent / "fixtures"


def headings(text: str, fmt: str) -> list[tuple[str, int]]:
    return [(s.heading, s.level) for s in parse_notice(text, fmt).sections]  # type: ignore[arg-type]


# --------------------------------------------------------------------------- HTML


def test_html_sections_keep_heading_level_anchor_and_source_line() -> None:
    doc = read_notice(FIXTURES / "notice_complete_en.html")
    rights = next(s for s in doc.sections if s.heading == "8. Your rights")
    assert (rights.level, rights.anchor, rights.line) == (2, "rights", 82)
    logs = next(s for s in doc.sections if s.heading.startswith("3.1"))
    assert (logs.level, logs.anchor) == (3, "logs")
    assert doc.fmt == "html" and doc.source is not None


def test_html_list_items_become_dash_lines_and_paragraphs_stay_apart() -> None:
    html = (
        "<h2>Rechte</h2><p>Sie haben das Recht auf:</p>"
        "<ul><li>Auskunft</li><li>Löschung</li></ul><p>Ende.</p>"
    )
    (section,) = parse_notice(html, "html").sections
    assert section.paragraphs == ["Sie haben das Recht auf:", "- Auskunft\n- Löschung", "Ende."]


def test_html_drops_scripts_styles_and_comments_and_soft_hyphens() -> None:
    html = (
        "<html><head><title>x</title><style>p{}</style></head><body>"
        "<h1>Daten&shy;schutz</h1><script>var tracking = 1;</script>"
        "<!-- Privacy Shield --><p>Text</p></body></html>"
    )
    (section,) = parse_notice(html, "html").sections
    assert (section.heading, section.body) == ("Datenschutz", "Text")


def test_html_lang_attribute_wins_over_stopwords() -> None:
    html = (
        '<html lang="de-DE"><body><p>The data we process and the rights you have.</p></body></html>'
    )
    assert parse_notice(html, "html").language == "de"


def test_html_text_before_first_heading_is_a_level_0_section() -> None:
    doc = parse_notice("<p>Stand: 2025-01-01</p><h2>Kontakt</h2><p>x</p>", "html")
    assert [(s.heading, s.level, s.body) for s in doc.sections] == [
        ("", 0, "Stand: 2025-01-01"),
        ("Kontakt", 2, "x"),
    ]
    assert doc.sections[0].location == "line 1"


# --------------------------------------------------------------------------- Markdown


def test_markdown_atx_and_setext_headings_with_anchor() -> None:
    md = "# Titel\n\nIntro.\n\n## 2. Rechte {#rechte}\n\nText.\n\nWiderspruch\n-----------\n\nNein.\n"
    doc = parse_notice(md, "md")
    assert [(s.heading, s.level, s.anchor) for s in doc.sections] == [
        ("Titel", 1, None),
        ("2. Rechte", 2, "rechte"),
        ("Widerspruch", 2, None),
    ]
    assert doc.sections[1].line == 5


def test_markdown_inline_markup_is_stripped_but_link_targets_kept() -> None:
    md = "## Kontakt\n\n**Widerspruchsrecht:** schreiben Sie an [uns](mailto:a@b.de) oder\nper Post.\n"
    (section,) = parse_notice(md, "md").sections
    assert section.body == "Widerspruchsrecht: schreiben Sie an uns (mailto:a@b.de) oder per Post."


def test_markdown_heading_inside_code_fence_is_not_a_heading() -> None:
    assert headings("# A\n\n```\n# not a heading\n```\n", "md") == [("A", 1)]


# --------------------------------------------------------------------------- plain text


def test_plain_text_detects_numbered_caps_and_title_headings() -> None:
    text = (
        "DATENSCHUTZERKLÄRUNG\n\n"
        "3. Ihre Rechte\n\nSie haben Rechte.\n\n"
        "3.2 Cookies\n\nWir setzen ein Sitzungs-Cookie.\n\n"
        "Recht auf Widerspruch\n"
        "Sie können der Verarbeitung jederzeit aus Gründen Ihrer Situation widersprechen.\n"
    )
    assert headings(text, "txt") == [
        ("DATENSCHUTZERKLÄRUNG", 1),
        ("3. Ihre Rechte", 1),
        ("3.2 Cookies", 2),
        ("Recht auf Widerspruch", 2),
    ]


def test_plain_text_sentences_dates_and_address_lines_are_not_headings() -> None:
    text = (
        "Kontakt\n\n"
        "1. Sie haben das Recht auf Auskunft.\n\n"
        "1. März 2024\n\n"
        "Beispiel GmbH\nMusterstraße 12\n10115 Berlin\n"
    )
    doc = parse_notice(text, "txt")
    assert [s.heading for s in doc.sections] == ["Kontakt"]
    assert "1. März 2024" in doc.sections[0].body
    assert "- Sie haben das Recht auf Auskunft." in doc.sections[0].body


def test_plain_text_joins_hard_wrapped_lines_into_one_paragraph() -> None:
    (section,) = parse_notice(
        "Speicherdauer\n\nWir löschen die Daten\nnach 14 Tagen.\n", "txt"
    ).sections
    assert section.paragraphs == ["Wir löschen die Daten nach 14 Tagen."]


# --------------------------------------------------------------------------- language, sentences


def test_language_detected_from_stopwords() -> None:
    assert detect_language("Wir verarbeiten Ihre Daten nur, wenn Sie uns das erlauben.") == "de"
    assert detect_language("We process your data only when you allow us to do so.") == "en"
    assert read_notice(FIXTURES / "notice_complete_de.md").language == "de"


def test_sentences_do_not_split_at_legal_abbreviations_or_ordinals() -> None:
    text = "Grundlage ist Art. 6 Abs. 1 lit. f DSGVO, z. B. für Logs. Stand: 1. März 2024. Ende."
    assert split_sentences(text) == [
        "Grundlage ist Art. 6 Abs. 1 lit. f DSGVO, z. B. für Logs.",
        "Stand: 1. März 2024.",
        "Ende.",
    ]


# --------------------------------------------------------------------------- files


def test_binary_garbage_raises_input_error(tmp_path: Path) -> None:
    path = tmp_path / "notice.html"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError, match="not a text file"):
        read_notice(path)


def test_missing_file_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_notice(tmp_path / "nope.md")


def test_windows_1252_file_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "alt.txt"
    path.write_bytes("Ihre Rechte\n\nSie können der Verarbeitung widersprechen.\n".encode("cp1252"))
    doc = read_notice(path)
    assert doc.sections[0].body == "Sie können der Verarbeitung widersprechen."


def test_format_sniffed_when_suffix_unknown(tmp_path: Path) -> None:
    path = tmp_path / "notice.export"
    path.write_text("<!DOCTYPE html><h1>Datenschutz</h1><p>Text</p>", encoding="utf-8")
    assert read_notice(path).fmt == "html"
    assert sniff_format("# Datenschutz\n\nText") == "md"
    assert sniff_format("Datenschutz\n\nText") == "txt"


def test_unknown_format_raises_input_error() -> None:
    with pytest.raises(InputError, match="unknown notice format"):
        parse_notice("x", "pdf")  # type: ignore[arg-type]

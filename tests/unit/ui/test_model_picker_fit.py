"""The model picker's name, fitted to its box: the note goes, then the name's middle."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics

from app.ui.model_picker import fit_model_name


def _metrics() -> QFontMetrics:
    font = QFont()
    font.setPixelSize(14)
    return QFontMetrics(font)


def test_a_name_that_fits_is_whole(qapp: object) -> None:
    metrics = _metrics()
    text = "mistral-large-2411  (deprecated)"
    assert fit_model_name(metrics, text, metrics.horizontalAdvance(text)) == text


def test_a_long_names_note_goes_first_then_its_middle(qapp: object) -> None:
    # At 20 pt the picker read "mistr…-2411  (deprecated)": the name is what is read, and
    # the icon beside it keeps the mark.
    metrics = _metrics()
    text = "mistral-large-2411  (deprecated)"
    roomy = metrics.horizontalAdvance("mistral-large-2411  (deprec")
    assert fit_model_name(metrics, text, roomy) == "mistral-large-2411"
    # At 20 pt the picker had read "mistral-lar…": 2411 and 2512 looked the same.
    narrow = metrics.horizontalAdvance("mistral-l…2411")
    short = fit_model_name(metrics, text, narrow)
    assert "…" in short
    assert short.endswith("2411")
    assert metrics.horizontalAdvance(short) <= narrow

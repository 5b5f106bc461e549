"""The model picker's name, fitted to its box: the version stays, the middle gives way."""

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


def test_a_long_name_keeps_its_version_and_then_its_note_goes(qapp: object) -> None:
    # At 20 pt the picker read "mistral-lar…": 2411 and 2512 looked the same.
    metrics = _metrics()
    text = "mistral-large-2411  (deprecated)"
    roomy = metrics.horizontalAdvance("mistral-large-24  (deprecated)")
    kept = fit_model_name(metrics, text, roomy)
    assert kept.endswith("2411  (deprecated)")
    assert "…" in kept
    assert metrics.horizontalAdvance(kept) <= roomy
    narrow = metrics.horizontalAdvance("mistral-l…2411")
    short = fit_model_name(metrics, text, narrow)
    assert "(deprecated)" not in short
    assert short.endswith("2411")
    assert metrics.horizontalAdvance(short) <= narrow

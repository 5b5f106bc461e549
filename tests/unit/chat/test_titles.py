"""The model's title reply tidied up (clean_title)."""

from __future__ import annotations

import pytest

from app.chat.titles import clean_title


@pytest.mark.parametrize(
    ("reply", "title"),
    [
        ("Sorting a list in Python.", "Sorting a list in Python"),
        ("数据库使用PostgreSQL。", "数据库使用PostgreSQL"),
        ("東京の天気！", "東京の天気"),
        ("如何学习日语？", "如何学习日语"),
        ("Pythonの基本：", "Pythonの基本"),
        ("旅行计划，", "旅行计划"),
        ("京都、奈良、", "京都、奈良"),
        ("データベース設計．", "データベース設計"),
        ("东京旅行 。", "东京旅行"),
        ("半角の句点｡", "半角の句点"),
    ],
)
def test_final_punctuation_goes(reply: str, title: str) -> None:
    assert clean_title(reply) == title


@pytest.mark.parametrize(
    "reply",
    ["東京、大阪と京都の旅", "问题：如何排序", "Hello, world 2", "Why Rust?"],
)
def test_punctuation_inside_the_title_stays(reply: str) -> None:
    assert clean_title(reply) == reply


def test_a_reply_of_punctuation_only_is_no_title() -> None:
    assert clean_title("。") is None

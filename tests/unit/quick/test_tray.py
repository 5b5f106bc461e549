"""The tray: its menu follows the templates, and long answers notify when nobody looks."""

from __future__ import annotations

from datetime import UTC, datetime

from pytestqt.qtbot import QtBot

from app.domain.messages import Message, MessageStatus, Role
from app.quick.templates import Template
from app.quick.tray import LONG_ANSWER_S, Tray


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def answer(conversation_id: str = "c1") -> Message:
    return Message(
        id="m1",
        conversation_id=conversation_id,
        parent_id="q1",
        role=Role.ASSISTANT,
        content="The long answer is ready.",
        created_at=datetime.now(UTC),
        status=MessageStatus.COMPLETE,
    )


def test_menu_lists_actions_and_current_templates(qtbot: QtBot) -> None:
    templates = [Template(name="Summarize", prompt="{clipboard}")]
    tray = Tray(lambda: templates, window_visible=lambda: True)
    texts = [a.text() for a in tray.menu.actions() if not a.isSeparator()]
    assert texts[:2] == ["New chat", "Quick prompt"]
    assert "Hide Maestrale" in texts
    assert texts[-1] == "Quit"
    submenu = next(a.menu() for a in tray.menu.actions() if a.text() == "Templates")
    assert [a.text() for a in submenu.actions()] == ["Summarize"]
    templates.append(Template(name="Translate", prompt="{clipboard}"))
    tray.menu.aboutToShow.emit()
    submenu = next(a.menu() for a in tray.menu.actions() if a.text() == "Templates")
    assert [a.text() for a in submenu.actions()] == ["Summarize", "Translate"]
    with qtbot.waitSignal(tray.template_chosen) as chosen:
        submenu.actions()[1].trigger()
    assert chosen.args == ["Translate"]


def test_long_answers_notify_only_when_the_window_is_hidden(qtbot: QtBot) -> None:
    clock = Clock()
    visible = [False]
    tray = Tray(lambda: [], window_visible=lambda: visible[0], clock=clock)
    tray.icon.isVisible = lambda: True  # type: ignore[method-assign]
    shown: list[tuple[str, str]] = []
    tray.icon.showMessage = lambda title, text, *rest: shown.append((title, text))  # type: ignore[method-assign]

    tray.on_streaming("c1", True)
    clock.now += LONG_ANSWER_S + 1
    assert tray.on_finished(answer(), "Lyon") is True
    assert shown == [("Answer ready: Lyon", "The long answer is ready.")]

    tray.on_streaming("c1", True)
    clock.now += 1  # a short answer
    assert tray.on_finished(answer(), "Lyon") is False

    tray.on_streaming("c1", True)
    clock.now += LONG_ANSWER_S + 1
    visible[0] = True  # the user was looking
    assert tray.on_finished(answer(), "Lyon") is False

    visible[0] = False
    tray.notify_when_hidden = False
    tray.on_streaming("c1", True)
    clock.now += LONG_ANSWER_S + 1
    assert tray.on_finished(answer(), "Lyon") is False
    assert len(shown) == 1


def test_clicking_an_answer_s_notification_asks_to_show_that_answer(qtbot: QtBot) -> None:
    # messageClicked was connected nowhere: the click did nothing.
    clock = Clock()
    tray = Tray(lambda: [], window_visible=lambda: False, clock=clock)
    tray.icon.isVisible = lambda: True  # type: ignore[method-assign]
    tray.icon.showMessage = lambda *args: None  # type: ignore[method-assign]
    clicked: list[str] = []
    tray.answer_clicked.connect(clicked.append)
    tray.on_streaming("c7", True)
    clock.now += LONG_ANSWER_S + 1
    assert tray.on_finished(answer("c7"), "Lyon")
    tray.icon.messageClicked.emit()
    assert clicked == ["c7"]
    # Another notice since (a shortcut taken, say): its click opens no answer.
    tray.on_streaming("c8", True)
    clock.now += LONG_ANSWER_S + 1
    assert tray.on_finished(answer("c8"), "Paris")
    tray.show_message("Maestrale", "Ctrl+Alt+Space is taken by another program.")
    tray.icon.messageClicked.emit()
    assert clicked == ["c7"]


def test_menu_entries_show_their_global_shortcuts_without_binding_them(qtbot: QtBot) -> None:
    # The tray menu gave no hint that these entries have keys of their own.
    templates = [
        Template(name="Fix grammar", prompt="{clipboard}", shortcut="Ctrl+Alt+G"),
        Template(name="Summarize", prompt="{clipboard}"),
    ]
    working = {None: "Ctrl+Alt+Space", "Fix grammar": "Ctrl+Alt+G"}
    tray = Tray(
        lambda: templates,
        window_visible=lambda: True,
        shortcut_of=lambda name: working.get(name, ""),
    )
    quick = next(a for a in tray.menu.actions() if a.text().startswith("Quick prompt"))
    assert quick.text() == "Quick prompt\tCtrl+Alt+Space"
    submenu = next(a.menu() for a in tray.menu.actions() if a.text() == "Templates")
    texts = [a.text() for a in submenu.actions()]
    assert texts == ["Fix grammar\tCtrl+Alt+G", "Summarize"]
    assert all(a.shortcut().isEmpty() for a in [quick, *submenu.actions()])
    with qtbot.waitSignal(tray.template_chosen) as chosen:
        submenu.actions()[0].trigger()
    assert chosen.args == ["Fix grammar"]  # the name, not the text shown

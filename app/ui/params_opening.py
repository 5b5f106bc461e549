"""The Parameters dialog of a conversation, or of the new chat not sent yet: opened with
the conversation's system prompt, parameters, model and the presets, and what it sets
applied when accepted."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from app.chat.catalog import ModelCatalog
from app.chat.controller import ChatController
from app.config import RuntimeConfig
from app.presets import load_presets, presets_path, problems_notice
from app.store.conversations import ConversationStore
from app.ui.chat_pane import ChatPane

if TYPE_CHECKING:
    from app.ui.params_dialog import ParamsDialog

log = logging.getLogger(__name__)


class ParamsOpening:
    def __init__(
        self,
        *,
        store: ConversationStore,
        controller: ChatController,
        catalog: ModelCatalog,
        pane: ChatPane,
        config: Callable[[], RuntimeConfig],
        parent: QWidget,
    ) -> None:
        self._store = store
        self._controller = controller
        self._catalog = catalog
        self._pane = pane
        self._config = config  # the run's, as Settings last changed it
        self._parent = parent
        self._problems_logged: tuple[str, ...] = ()

    def open(self, conversation_id: str | None) -> None:
        """The dialog for ``conversation_id``, or for the new chat's draft (None)."""
        from app.ui.params_dialog import ParamsDialog

        config = self._config()
        presets_file = presets_path(config.paths.config_dir)
        presets, problems = load_presets(presets_file)
        if tuple(problems) != self._problems_logged:  # once, not at every opening
            self._problems_logged = tuple(problems)
            for problem in problems:
                log.warning("%s", problem)
        if conversation_id is None:
            draft = self._pane.draft_chat()
            system, params, model = draft.system_prompt, draft.params, draft.model
        else:
            conversation = self._store.get_conversation(conversation_id)
            system, params = conversation.system_prompt, conversation.params
            model = self._controller.model_for(conversation)
        dialog = ParamsDialog(
            system,
            params,
            model,
            presets,
            self._catalog.chat_models(),
            default_model=config.settings.model,
            dialect=config.dialect,
            presets_notice=problems_notice(presets_file, presets, problems),
            parent=self._parent,
        )
        # open(), not exec(): a nested event loop would run asyncio callbacks re-entrantly.
        dialog.accepted.connect(lambda: self._apply(conversation_id, dialog))
        dialog.open()

    def _apply(self, conversation_id: str | None, dialog: ParamsDialog) -> None:
        new_system, new_params, new_model = dialog.result_values()
        if conversation_id is not None:
            self._store.update_conversation(
                conversation_id,
                system_prompt=new_system,
                params=new_params,
                **({"model": new_model} if new_model else {}),
            )
            self._pane.open_conversation(conversation_id)
            return
        # This new chat's own: the defaults of the ones after it stay (they changed and
        # leaked into every later new chat, and into the settings window).
        self._pane.set_draft_setup(new_system, new_params)
        if new_model:
            self._pane.set_draft_model(new_model)

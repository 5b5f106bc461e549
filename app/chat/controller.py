"""Sending, stopping, regenerating, editing and continuing: the chat's actions.

Every action writes to the store first and then tells the window through signals, so
the window only ever shows what is stored. Nothing is overwritten: regenerate and edit
create new branches next to the old messages; continue carries the last answer on in
place (its text only grows), as a new branch only under an answer something follows,
and changes nothing until its first new words (stopped or failed before them, the
answer stays exactly as it was; ended without any, it is at most marked complete).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.api.errors import AuthenticationError, EndpointRefused
from app.chat.answer_requests import AnswerRequests
from app.chat.answer_run import AnswerRunning
from app.chat.auto_titles import AutoTitles
from app.chat.catalog import ModelCatalog
from app.chat.clients import ClientSource
from app.chat.continues import Continues
from app.chat.retry_waits import RetryWaits
from app.chat.unsaved import UnsavedAnswers
from app.domain.messages import ChatParams, Conversation, Message, MessageStatus, Role
from app.secrets import KeychainUnavailable
from app.store.conversations import ConversationStore
from app.tasks import TaskRunner

if TYPE_CHECKING:
    from app.answering.recorder import AnswerOutcome
    from app.api.types import ChatRequest
    from app.chat.tool_calls import CallActivity, ChatTools

SEND_WAIT_MS = 200  # as the answer's saves wait (app.answering.recorder.SAVE_WAIT_MS)
WRITTEN_ELSEWHERE = (
    "An answer is still being written in this conversation by another Maestrale "
    "(maestrale ask). Wait for it to finish, then {what}."
)


@dataclass(frozen=True, slots=True)
class NewChat:
    """What a conversation that does not exist yet will be created with."""

    model: str
    system_prompt: str | None = None
    params: ChatParams = field(default_factory=ChatParams)
    kind: str = "chat"  # "quick" for the quick prompt's exchanges


class ChatController(AnswerRunning, QObject):
    """The chat's actions over one store and one API endpoint.

    Signals:
        conversation_created(str): ``send`` started a new conversation (before its
            first question is stored).
        conversation_changed(str): title, settings or order of a conversation changed.
        message_stored(object): a message was written (a question, or an answer's row
            at its first token); the transcript adds it.
        answer_pending(str, str): (conversation id, parent message id) a request left;
            nothing has arrived yet.
        answer_resuming(str, str): (conversation id, answer id) as answer_pending, for
            a Continue that carries that answer on in place.
        answer_delta(str, str): (message id, new text) more of an answer arrived.
        answer_waiting(str, float, str): (conversation id, seconds, why) nothing came
            yet and the request is asked again after that wait (rate limited…).
        answer_thinking(str, str): (conversation id, new text) more of a reasoning
            model's thinking, before its answer (shown, not stored).
        answer_finished(object): the stored answer (complete, interrupted or error).
        answer_save_trouble(str, str): (conversation id, notice) saving an answer of the
            conversation failed, and what to tell the person; an empty notice once it is
            saved after all.
        answer_saved_later(object): the stored answer whose end the history refused
            when it finished (said then), saved at a later try: maybe after the person
            asked again (Retry), the conversation moved on meanwhile.
        tool_activity(object): a ``CallActivity``: a call waits for the person or runs,
            or the round of calls is over.
        streaming_changed(str, bool): an answer started or stopped in a conversation.
        branch_changed(str): the current branch of a conversation moved (or the branch
            a window shows instead of it, see ``shown_leaf``).
        continue_failed(str, str): (conversation id, why) a Continue added nothing: it
            failed before any new text came (nothing was stored, the answer is as it
            was), or the model had nothing to add (``why`` is then
            ``app.chat.continues.NOTHING_TO_ADD``); said once.
        context_counted(str, str, str, int): (conversation id, failed answer id, model,
            tokens) the server refused the conversation as longer than the model's
            context, and said how long it is.
        needs_key(str): no usable key or endpoint: the reason, for the first-run panel.
        refused(str): an action was not taken, and what to do (another Maestrale is
            still answering in the conversation).
    """

    conversation_created = Signal(str)
    conversation_changed = Signal(str)
    message_stored = Signal(object)
    answer_pending = Signal(str, str)
    answer_resuming = Signal(str, str)
    answer_delta = Signal(str, str)
    answer_waiting = Signal(str, float, str)
    answer_thinking = Signal(str, str)
    answer_finished = Signal(object)
    answer_save_trouble = Signal(str, str)
    answer_saved_later = Signal(object)
    streaming_changed = Signal(str, bool)
    tool_activity = Signal(object)
    branch_changed = Signal(str)
    continue_failed = Signal(str, str)
    context_counted = Signal(str, str, str, int)
    needs_key = Signal(str)
    refused = Signal(str)

    def __init__(
        self,
        store: ConversationStore,
        clients: ClientSource,
        runner: TaskRunner,
        catalog: ModelCatalog,
        *,
        default_model: Callable[[], str],
        title_model: Callable[[], str | None] | None = None,
        tools: ChatTools | None = None,
    ) -> None:
        super().__init__()
        self._tools = tools
        self._store = store
        self._clients = clients
        self._runner = runner
        self._catalog = catalog
        self._requests = AnswerRequests(store, default_model=default_model, tools=tools)
        self._titles = AutoTitles(
            store,
            clients,
            runner,
            model=title_model or catalog.cheap_model,
            on_renamed=self.conversation_changed.emit,
        )
        self._left_leaf: dict[str, str] = {}  # a version's shown leaf when left
        # The text of each answer being written, as handed to the windows so far: the
        # store holds it only as of its last save (up to a second ago).
        self._live: dict[str, list[str]] = {}
        # Conversations whose answer was stopped just as it ended (see _before_showing):
        # the tool calls it asks for are not run.
        self._stopped_as_ended: set[str] = set()
        # Answers said busy as they were asked, their tasks not ended (see _start_answer).
        self._starts: dict[str, _SaidBusy] = {}
        # Answers not saved yet (the history locked, the disk full), what the window
        # says of each; their ends saved as soon as the history can be written again, at
        # the latest on quit.
        self._unsaved = UnsavedAnswers(
            runner, self._saved_later, on_notice=self.answer_save_trouble.emit
        )
        self._continues = Continues(store)
        self._waits = RetryWaits()  # rate-limited answers: until when to hold back

    # -- queries ------------------------------------------------------------------------

    def is_streaming(self, conversation_id: str) -> bool:
        return self._runner.running(_answer_task(conversation_id))

    def tool_activity_in(self, conversation_id: str) -> CallActivity | None:
        """What a tool call of the conversation is doing now, if one is under way."""
        return None if self._tools is None else self._tools.activity(conversation_id)

    def live_text(self, message_id: str) -> str | None:
        """The whole text so far of an answer being written, or ``None`` if it is not.

        A window showing the answer again (its conversation opened anew) takes its
        text from here: from the store it would miss what came since the last save,
        and the pieces that follow would join on after a hole.
        """
        parts = self._live.get(message_id)
        return None if parts is None else "".join(parts)

    def unsaved_answers(self) -> list[str]:
        """The text of each answer not saved yet (the history could not be written):
        quitting now loses what of it is not saved, unless the history frees meanwhile."""
        return self._unsaved.texts()

    def unsaved_answer(self, conversation_id: str) -> str:
        """The text of the conversation's answer not saved yet, or ""."""
        return self._unsaved.text(conversation_id)

    def save_troubles(self) -> list[str]:
        """Why each answer not saved yet is not, in a few words ("the disk is full")."""
        return self._unsaved.reasons()

    def shown_leaf(self, conversation_id: str) -> str | None:
        """The message a window shows the conversation up to instead of its stored
        current leaf, or ``None``: while a Continue of an answer something follows waits
        for its first new words, the question its new version will answer."""
        return self._continues.shown_leaf(conversation_id)

    def retry_ready_at(self, message_id: str) -> float | None:
        """When (``time.monotonic``) a failed answer may be asked again, if the server
        said to wait (a 429's ``Retry-After``) and that time has not come yet."""
        return self._waits.ready_at(message_id)

    def model_for(self, conversation: Conversation) -> str:
        """The model the next message of ``conversation`` goes to: its own, else (an
        imported chat names none) the one a new chat would get."""
        return self._requests.model_for(conversation)

    # -- actions ------------------------------------------------------------------------

    def send(self, conversation_id: str | None, text: str, new_chat: NewChat) -> str | None:
        """Ask ``text`` in a conversation (a new one when None); returns its id.

        Returns None, storing nothing, when there is no usable key or endpoint
        (``needs_key`` says why) or when the conversation is already answering (here,
        or in another Maestrale: ``refused`` says so).
        """
        if not text.strip() or not self._client_ready():
            return None
        # The request and title code and the API's types: with the first question,
        # not at start-up. While another program holds the history the question is
        # refused at once (the window keeps it in the field), not after five seconds of
        # a frozen window.
        with self._store.waiting_at_most(SEND_WAIT_MS):
            return self._send(conversation_id, text, new_chat)

    def _send(self, conversation_id: str | None, text: str, new_chat: NewChat) -> str | None:
        from app.answering.request import provisional_title

        store = self._store
        created = conversation_id is None
        if conversation_id is not None and self._busy(conversation_id, "send"):
            return None
        # One transaction: a conversation stored without its question (a full disk)
        # stayed in the history, empty, its title in the header but not in the list.
        with store.together():
            if conversation_id is None:
                conversation = store.create_conversation(
                    title=provisional_title(text),
                    model=new_chat.model,
                    system_prompt=new_chat.system_prompt,
                    params=new_chat.params,
                    kind=new_chat.kind,
                )
                conversation_id = conversation.id
            else:
                conversation = store.get_conversation(conversation_id)
            question = store.add_message(
                conversation_id,
                role=Role.USER,
                content=text,
                parent_id=conversation.current_leaf_id,
            )
        if created:
            self.conversation_created.emit(conversation_id)
        self.conversation_changed.emit(conversation_id)
        self.message_stored.emit(question)
        self._start_answer(conversation_id, question.id)
        return conversation_id

    def regenerate(self, message_id: str) -> None:
        """A new answer to the same question, beside the old one (also "Retry")."""
        answer = self._store.get_message(message_id)
        if answer.parent_id is None or self._busy(answer.conversation_id):
            return
        refusal = self._waits.refusal(message_id)
        if refusal is not None:  # Ctrl+Shift+R: its Retry counts down meanwhile
            self.refused.emit(refusal)
            return
        if not self._client_ready():
            return
        self._store.set_current_leaf(answer.conversation_id, answer.parent_id)
        self.branch_changed.emit(answer.conversation_id)
        # A failed attempt that brought no text is no version to switch back to: the
        # new answer takes its place once stored.
        replacing = answer.id if _failed_before_text(answer) else None
        self._start_answer(answer.conversation_id, answer.parent_id, replacing=replacing)

    retry = regenerate

    def answer(self, question_id: str) -> None:
        """Ask for the answer a question never got (the program stopped, or was killed,
        before the first word of it arrived, so no answer was stored)."""
        question = self._store.get_message(question_id)
        conversation_id = question.conversation_id
        if question.role is not Role.USER or self._busy(conversation_id):
            return
        if not self._client_ready():
            return
        self._store.set_current_leaf(conversation_id, question_id)
        self._start_answer(conversation_id, question_id)

    def edit_and_resend(self, message_id: str, text: str) -> bool:
        """The question asked again with new text, as a sibling of the original;
        ``False`` when it was not asked."""
        original = self._store.get_message(message_id)
        conversation_id = original.conversation_id
        if not text.strip() or self._busy(conversation_id) or not self._client_ready():
            return False
        leaf = self._store.get_conversation(conversation_id).current_leaf_id
        if leaf is not None:  # coming back to the original shows the branch left there
            self._left_leaf[message_id] = leaf
        question = self._store.add_message(
            conversation_id, role=Role.USER, content=text, parent_id=original.parent_id
        )
        self.branch_changed.emit(conversation_id)
        self.message_stored.emit(question)
        self._start_answer(conversation_id, question.id)
        return True

    def continue_answer(self, message_id: str) -> None:
        """Ask the model to carry on from a partial answer: in the same message, else as a
        version beside it (``Continues.plan``); the partial text stays its start. Stopped
        or failed before any new words, nothing is stored; ended with nothing new, the
        answer is at most marked complete (both told by ``continue_failed``, not Stop)."""
        partial = self._store.get_message(message_id)
        conversation_id = partial.conversation_id
        if partial.parent_id is None or self._busy(conversation_id):
            return
        why = self._unsaved.reason(conversation_id)
        if why is not None:
            # Its whole text is in memory, only part of it in the history: carried on from
            # there, the answer showed the part saved and the model's new words (QA).
            self.refused.emit(
                f"This answer is not saved yet ({why}): Continue can carry it on "
                "once it is. Retry asks the model again."
            )
            return
        if not partial.content or not self._client_ready():
            return
        plan = self._continues.plan(partial)
        if plan.moved:
            self.branch_changed.emit(conversation_id)
        self._start_answer(
            conversation_id, partial.parent_id, continue_from=partial, in_place=plan.in_place
        )

    def stop(self, conversation_id: str) -> bool:
        """Stop the answer being written; what arrived is kept as interrupted."""
        name = _answer_task(conversation_id)
        start = self._starts.get(conversation_id)
        if start is not None and not start.begun and self._runner.running(name):
            # Asked, its task not run yet (Stop shows with the question): stopped once
            # under way, as while its request is out, and its answer says so.
            import asyncio

            asyncio.get_event_loop().call_soon(self._runner.cancel, name)
            return True
        return self._runner.cancel(name)

    def switch_branch(self, message_id: str, step: int) -> None:
        """Show the previous (-1) or next (+1) alternative of a message."""
        message = self._store.get_message(message_id)
        tree = self._store.tree(message.conversation_id)
        siblings = list(tree.siblings(message_id))
        index = next(i for i, m in enumerate(siblings) if m.id == message_id) + step
        if not 0 <= index < len(siblings) or self.is_streaming(message.conversation_id):
            return
        # The branch shown under each version is remembered for this session: coming
        # back to a version shows what was chosen under it, not always its newest.
        # Not remembered (after a restart), the branch last written to under it is shown.
        current = self._store.get_conversation(message.conversation_id).current_leaf_id
        if current is not None:
            self._left_leaf[message_id] = current
        target = siblings[index].id
        remembered = self._left_leaf.get(target, "")
        under_target = remembered in tree.by_id and target in {
            m.id for m in tree.path_to(remembered)
        }
        leaf = remembered if under_target else tree.last_active_leaf(target)
        self._store.set_current_leaf(message.conversation_id, leaf)
        self.branch_changed.emit(message.conversation_id)

    async def shutdown(self) -> None:
        """Stop every answer (each is stored as interrupted), save the ends that could not
        be saved before, and close the clients."""
        if self._tools is not None:
            self._tools.close()  # calls cut now are said cut by the closing, not stopped
        self._unsaved.closing = True  # no new task of saving later: the loop ends
        await self._runner.cancel_all()
        self._unsaved.save_now()
        await self._clients.aclose()

    # -- inside -------------------------------------------------------------------------

    def _busy(self, conversation_id: str, then: str = "try again") -> bool:
        """Whether an answer is being written in the conversation, here or by another
        Maestrale (that one is said: nothing here shows it is still going)."""
        if self.is_streaming(conversation_id):
            return True
        if self._store.written_elsewhere(conversation_id):
            self.refused.emit(WRITTEN_ELSEWHERE.format(what=then))
            return True
        return False

    def _client_ready(self) -> bool:
        try:
            self._clients.client()
        except (AuthenticationError, KeychainUnavailable, EndpointRefused) as error:
            self.needs_key.emit(str(error))
            return False
        return True

    def _start_answer(
        self,
        conversation_id: str,
        parent_id: str,
        *,
        continue_from: Message | None = None,
        in_place: bool = False,
        replacing: str | None = None,
    ) -> None:
        request = self._requests.first(conversation_id, parent_id, continue_from)
        if in_place and continue_from is not None:
            self.answer_resuming.emit(conversation_id, continue_from.id)
        else:
            self.answer_pending.emit(conversation_id, parent_id)
        said = self._starts[conversation_id] = _SaidBusy()
        task = self._runner.start(
            self._answer(
                conversation_id,
                parent_id,
                request,
                continue_from,
                in_place=in_place,
                replacing=replacing,
                said_busy=said,
            ),
            name=_answer_task(conversation_id),
        )
        # Busy at once, so that Stop shows in the same paint as the question: the task's
        # first step comes after the window's next paint, and Stop then took a paint of
        # its own before the request went out.
        self.streaming_changed.emit(conversation_id, True)
        task.add_done_callback(lambda _task: self._unsay_busy(conversation_id, said))

    def _unsay_busy(self, conversation_id: str, said: _SaidBusy) -> None:
        """An answer's task ended. Before the answer's own bookkeeping began (cancelled
        before its first step as the app closed, or no client could be made), the
        question shows again as stored, unanswered, and the conversation is no longer
        busy (unless a newer answer runs there already)."""
        if self._starts.get(conversation_id) is said:
            del self._starts[conversation_id]
        if said.settled or self.is_streaming(conversation_id):
            return
        self.branch_changed.emit(conversation_id)
        self.streaming_changed.emit(conversation_id, False)
        self.conversation_changed.emit(conversation_id)

    def _say_busy(self, conversation_id: str, said: _SaidBusy | None) -> None:
        """At an answer's start: busy, unless said already (see _start_answer)."""
        if said is None:
            self.streaming_changed.emit(conversation_id, True)
        else:
            said.settled = True  # the answer's end (_end_answer) says when it is over

    async def _answer(
        self,
        conversation_id: str,
        parent_id: str,
        request: ChatRequest,
        continue_from: Message | None,
        *,
        in_place: bool = False,
        replacing: str | None = None,
        said_busy: _SaidBusy | None = None,
    ) -> None:
        """Stream an answer; while it ends in tool calls, run them and answer again."""
        if said_busy is not None:
            said_busy.begun = True
        rounds = 0
        carried_on = continue_from if in_place else None
        while True:
            outcome = await self._answer_once(
                conversation_id,
                parent_id,
                request,
                continue_from,
                in_place=in_place,
                replacing=replacing,
                said_busy=said_busy,
            )
            replacing, in_place, said_busy = None, False, None
            message = None if outcome is None else outcome.message
            stopped = conversation_id in self._stopped_as_ended
            self._stopped_as_ended.discard(conversation_id)
            # Only calls to tools this request offered are run (a server may have tools
            # of its own, and tools may be off).
            tools_asked = self._tools is not None and bool(request.tools)
            if message is None or not tools_asked or not _asks_for_tools(outcome) or stopped:
                if outcome is not None and outcome.error is None:
                    self._titles.after_answer(conversation_id, carried_on)  # on the final answer
                if message is not None and _asks_for_tools(outcome):
                    # Calls to tools not offered, or stopped before they ran: why.
                    self._not_run(message, stopped=stopped)
                return
            assert self._tools is not None
            from app.chat.tool_calls import MAX_ROUNDS

            if rounds > MAX_ROUNDS:
                # Still calling after it was told to answer in words (a server that
                # ignores tool_choice): no more requests; the calls show, not run.
                self._not_run(message, rounds_used=True)
                return
            rounds += 1
            # Stop stays possible while calls wait for the person or run.
            self.streaming_changed.emit(conversation_id, True)
            try:
                done = await self._tools.run_round(
                    self._store,
                    message,
                    too_many=rounds > MAX_ROUNDS,
                    on_stored=self.message_stored.emit,
                    on_activity=self.tool_activity.emit,
                )
            except BaseException:  # stopped while a call waited or ran, or not stored
                self.streaming_changed.emit(conversation_id, False)
                self.conversation_changed.emit(conversation_id)
                raise
            parent_id = done.last_id
            request = self._requests.after_round(
                conversation_id, parent_id, words_only=rounds > MAX_ROUNDS
            )
            continue_from = None
            self.answer_pending.emit(conversation_id, parent_id)

    def _not_run(
        self, answer: Message, *, rounds_used: bool = False, stopped: bool = False
    ) -> None:
        """Keep why the answer's calls are shown, not run, and show it so."""
        if self._tools is None:
            return
        noted = self._tools.note_not_run(
            self._store, answer, rounds_used=rounds_used, stopped=stopped
        )
        if noted is not None:
            self.message_stored.emit(noted)


def _failed_before_text(answer: Message) -> bool:
    """An attempt that failed with nothing to read (the store checks it has no
    children before deleting it)."""
    return (
        answer.role is Role.ASSISTANT
        and answer.status is MessageStatus.ERROR
        and not answer.content
        and not answer.tool_calls
    )


def _asks_for_tools(outcome: AnswerOutcome | None) -> bool:
    """Whether an answer ended by calling tools (and so waits for their results); a
    Continue that added nothing called none (the answer's old calls are not run again)."""
    return (
        outcome is not None
        and outcome.error is None
        and not outcome.added_nothing
        and outcome.message.status is MessageStatus.COMPLETE
        and bool(outcome.message.tool_calls)
    )


@dataclass(slots=True)
class _SaidBusy:
    """An answer said busy (streaming_changed) before its task ran: ``begun`` once the
    task runs, ``settled`` once the answer's own end is sure to say it is over."""

    begun: bool = False
    settled: bool = False


def _answer_task(conversation_id: str) -> str:
    return f"answer:{conversation_id}"

"""``maestrale ask``: one question, the answer streamed to stdout and kept in the history."""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
from dataclasses import replace
from typing import Any

from app.answering import AnswerRecorder, build_request, provisional_title
from app.api.errors import StreamInterrupted, asking_again
from app.api.types import (
    ContentDelta,
    Finished,
    StreamEvent,
    ThinkingDelta,
    ToolCallDelta,
    UsageReport,
)
from app.cli import CommandError, ExitCode
from app.commands import exit_code_for, fail, run_async, said
from app.commands.context import CommandContext
from app.domain.messages import ChatParams, Message, MessageStatus, Role
from app.store.conversations import ConversationStore


def _read_prompt(args: argparse.Namespace) -> str:
    if args.prompt is not None:
        prompt = str(args.prompt)
        if _waiting_input():
            # As documented, standard input is the question only without PROMPT; said,
            # since `cat log | maestrale ask "explain"` would otherwise lose the log.
            print(
                "maestrale: standard input is not read when a PROMPT is given; to send "
                "it, leave PROMPT out (for example: { echo 'explain:'; cat log; } | "
                "maestrale ask).",
                file=sys.stderr,
            )
    elif sys.stdin.isatty():
        raise CommandError(
            'no question: give it as an argument (maestrale ask "...") or pipe it on stdin.',
            ExitCode.USAGE,
        )
    else:
        prompt = sys.stdin.read()
    if not prompt.strip():
        raise CommandError("the question is empty: there is nothing to ask.", ExitCode.USAGE)
    return prompt


def _waiting_input() -> bool:
    """Whether text was piped or redirected in (a pipe or file with something in it).

    Never waits: a pipe is looked at without blocking, and a terminal, /dev/null or a
    closed input count as nothing.
    """
    try:
        fd = sys.stdin.fileno()
        mode = os.fstat(fd).st_mode
    except (AttributeError, OSError, ValueError):
        return False
    if stat.S_ISREG(mode):
        return os.fstat(fd).st_size > 0
    if not stat.S_ISFIFO(mode) or sys.platform == "win32":
        return False
    import select  # only here: most runs have a PROMPT and a terminal

    readable, _, _ = select.select([fd], [], [], 0)
    return bool(readable) and bool(os.read(fd, 1))  # nothing to keep: it is not read


def _params(base: ChatParams, args: argparse.Namespace) -> ChatParams:
    params = base
    if args.temperature is not None:
        if not 0.0 <= args.temperature <= 1.5:
            raise CommandError("--temperature must be between 0 and 1.5.", ExitCode.USAGE)
        params = replace(params, temperature=args.temperature)
    if args.max_tokens is not None:
        if args.max_tokens < 1:
            raise CommandError("--max-tokens must be at least 1.", ExitCode.USAGE)
        params = replace(params, max_tokens=args.max_tokens)
    return params


def _system(text: str) -> str | None:
    # Blank is none, as the window's empty field.
    return text if text.strip() else None


def _say_system_changed(conversation_id: str, system: str | None) -> None:
    """Said, since it outlasts this question: a script may expect it not to."""
    now = "has the system prompt given" if system else "has no system prompt"
    print(
        f"maestrale: conversation {conversation_id[:8]} {now} from this question on, "
        "in the window too.",
        file=sys.stderr,
    )


class _Printer:
    """Shows events as they arrive: plain text, or one JSON object per line."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json
        self.ends_with_newline = True
        self.shown = ""  # the answer's text printed so far
        self.message_id: str | None = None  # the stored answer's, once it is begun

    def emit(self, record: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        sys.stdout.flush()

    def on_started(self, message: Message) -> None:
        self.message_id = message.id
        if self.as_json:
            self.emit(
                {
                    "type": "start",
                    "conversation_id": message.conversation_id,
                    "message_id": message.id,
                    "model": message.model,
                }
            )

    def on_event(self, event: StreamEvent) -> None:
        if isinstance(event, ContentDelta):
            self.shown += event.text
        if self.as_json:
            self.emit(_event_json(event))
        elif isinstance(event, ContentDelta):
            sys.stdout.write(event.text)
            sys.stdout.flush()
            self.ends_with_newline = event.text.endswith("\n")
        elif isinstance(event, Finished):
            # Tool calls are shown once, whole, rather than as argument fragments.
            for call in event.tool_calls:
                self.line(f"[tool call {call.name}({call.arguments})]")

    def on_wait(self, seconds: float, why: str) -> None:
        # On stderr: stdout carries the answer (or the JSON events) alone.
        print(f"maestrale: {why}. {asking_again(seconds)}", file=sys.stderr)

    def line(self, text: str) -> None:
        if not self.ends_with_newline:
            sys.stdout.write("\n")
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
        self.ends_with_newline = True

    def close(self) -> None:
        if not self.as_json and not self.ends_with_newline:
            sys.stdout.write("\n")
            sys.stdout.flush()
            self.ends_with_newline = True


def _event_json(event: StreamEvent) -> dict[str, Any]:
    if isinstance(event, ContentDelta):
        return {"type": "content", "text": event.text}
    if isinstance(event, ThinkingDelta):
        return {"type": "thinking", "text": event.text}
    if isinstance(event, ToolCallDelta):
        return {
            "type": "tool_call",
            "index": event.index,
            "id": event.call.id,
            "name": event.call.name,
            "arguments_delta": event.arguments_delta,
        }
    if isinstance(event, UsageReport):
        return {"type": "usage", **event.usage.to_json()}
    return {
        "type": "finish",
        "reason": event.reason,
        "tool_calls": [call.to_json() for call in event.tool_calls],
    }


def _refuse_while_answering(
    store: ConversationStore, leaf_id: str | None, conversation_id: str
) -> None:
    """A question asked under an answer still being written would follow an answer the
    model is not shown (it is not finished), and the window would show the two
    exchanges tangled."""
    if leaf_id is None:
        return
    if store.get_message(leaf_id).status is MessageStatus.STREAMING:
        raise CommandError(
            f"Conversation {conversation_id[:8]} is being answered right now (in the window "
            "or by another `maestrale ask`): ask again once that answer ends, or leave out "
            "--conversation to start a new conversation.",
            ExitCode.HISTORY,
        )


def run(context: CommandContext, args: argparse.Namespace) -> int:
    prompt = _read_prompt(args)
    # The client first: a missing key or a refused endpoint must leave no trace of a
    # question without its answer in the history.
    client = context.client()
    store = context.store()
    settings = context.config.settings
    if args.conversation is not None:
        # `--conversation ""` (an unset variable in a script) is refused, not taken
        # for a new conversation.
        conversation = store.resolve(args.conversation)
        _refuse_while_answering(store, conversation.current_leaf_id, conversation.id)
        model = getattr(args, "model", None) or conversation.model or settings.model
        params = _params(conversation.params, args)
        # The history keeps one system prompt per conversation, as the window's
        # Parameters set it: one for this question alone would leave its answer
        # stored under a prompt the history does not show.
        system = conversation.system_prompt if args.system is None else _system(args.system)
        if system != conversation.system_prompt or model != conversation.model:
            store.update_conversation(conversation.id, model=model, system_prompt=system)
            if system != conversation.system_prompt:
                _say_system_changed(conversation.id, system)
            conversation = store.get_conversation(conversation.id)
    else:
        model = settings.model
        params = _params(settings.chat_params, args)
        system = _system(args.system) if args.system is not None else settings.system_prompt or None
        conversation = store.create_conversation(
            title=provisional_title(prompt), model=model, system_prompt=system, params=params
        )
    question = store.add_message(
        conversation.id, role=Role.USER, content=prompt, parent_id=conversation.current_leaf_id
    )
    request = build_request(
        store.current_path(conversation.id),
        model=model,
        system_prompt=conversation.system_prompt,
        params=params,
    )
    printer = _Printer(as_json=args.json)

    async def answer() -> int:
        async with client:
            recorder = AnswerRecorder(store, client)
            try:
                outcome = await recorder.run(
                    conversation_id=conversation.id,
                    parent_id=question.id,
                    request=request,
                    on_event=printer.on_event,
                    on_started=printer.on_started,
                    on_wait=printer.on_wait,
                )
                # Text that came with the event that broke the stream is stored (and
                # said to be kept) without having been handed out: print it too.
                kept = outcome.message.content
                if kept.startswith(printer.shown) and len(kept) > len(printer.shown):
                    printer.on_event(ContentDelta(kept[len(printer.shown) :]))
            finally:
                printer.close()
        if outcome.error is None:
            return ExitCode.OK
        message = said(outcome.error, context.config.paths.settings_file)
        if printer.as_json:
            printer.emit(
                {
                    "type": "error",
                    "kind": type(outcome.error).__name__,
                    "message": message,
                    "message_id": outcome.message.id,
                }
            )
        if isinstance(outcome.error, StreamInterrupted):
            fail(f"{message} (conversation {conversation.id})")
        else:
            fail(message)
        return exit_code_for(outcome.error)

    status = run_async(answer())
    if status in (ExitCode.CTRL_C, ExitCode.TERMINATED):
        if printer.as_json:
            # As for any other failure, the events end with one saying why: a reader
            # of the stream is not left waiting for a "finish" that never comes.
            stopped = status == ExitCode.CTRL_C
            printer.emit(
                {
                    "type": "error",
                    "kind": "Stopped" if stopped else "Terminated",
                    "message": f"{'Stopped with Ctrl+C' if stopped else 'Terminated'}; "
                    "the answer so far is kept as interrupted.",
                    "message_id": printer.message_id or _answer_id(store, conversation.id),
                }
            )
        fail(f"stopped; the answer so far is kept as interrupted (conversation {conversation.id}).")
    return status


def _answer_id(store: ConversationStore, conversation_id: str) -> str | None:
    """The answer stored although nothing of it arrived (stopped while connecting)."""
    leaf_id = store.get_conversation(conversation_id).current_leaf_id
    if leaf_id is None or store.get_message(leaf_id).role is not Role.ASSISTANT:
        return None
    return leaf_id

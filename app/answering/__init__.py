"""One question, one answer: the request from a conversation's branch, the answer streamed
into the history. Shared by the command line and the window; no Qt."""

from app.answering.recorder import AnswerOutcome, AnswerRecorder
from app.answering.request import build_request, provisional_title

__all__ = ["AnswerOutcome", "AnswerRecorder", "build_request", "provisional_title"]

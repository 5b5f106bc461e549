"""A short title for a conversation, asked of a cheap model after the first answer."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from app.api.types import ChatMessage, ChatRequest
from app.domain.messages import ChatParams, Role

if TYPE_CHECKING:
    from app.api.client import MistralClient

_INSTRUCTION = (
    "You name conversations. Reply with a title of 2 to 6 words for the conversation "
    "below, in the language of the question, without quotes, emoji or final punctuation."
)
# Sentence ends the model adds anyway: ASCII, and the ideographic and full-width ones of
# Chinese and Japanese titles ("東京の天気。"), half-width "｡" and "､" too.
_FINAL_PUNCTUATION = ".!;:,。、！？；：，．｡､"


def clean_title(text: str, limit: int = 60) -> str | None:
    """The model's reply reduced to one tidy line, or None when nothing usable is left."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    line = re.sub(r"^(title|titre)\s*:\s*", "", line, flags=re.IGNORECASE)
    line = line.strip(" \"'`*#«»“”‘’").rstrip(_FINAL_PUNCTUATION).rstrip()
    if not line:
        return None
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


async def generate_title(
    client: MistralClient, model: str, question: str, answer: str
) -> str | None:
    request = ChatRequest(
        model=model,
        messages=(
            ChatMessage(Role.SYSTEM, _INSTRUCTION),
            ChatMessage(
                Role.USER, f"Question:\n{question[:1500]}\n\nAnswer (beginning):\n{answer[:600]}"
            ),
        ),
        params=ChatParams(temperature=0.2, max_tokens=24),
    )
    completion = await client.complete(request)
    return clean_title(completion.text)

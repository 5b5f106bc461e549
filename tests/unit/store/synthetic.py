"""Large, realistic-looking histories built fast, for paging tests and search timings.

Text follows a Zipf law over common English words, technical words and made-up words,
so prefixes such as "t" or "th" match most messages (the worst case for search as you
type) while a rare word matches a handful. By default messages have fixed lengths (15
words for a question, 100 for an answer) and titles are four words and a number;
``realistic`` draws lengths like a real chat's (log-normal: a question about 30 words on
average, an answer about 280, a few answers of thousands) and titles like generated ones
(two to five words, no common word such as "the" or "how"). Everything goes through
``ConversationStore.import_conversations`` (one transaction, ``executemany``).
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from app.domain.messages import Conversation, Message, Role
from app.store import ConversationStore


def _words(text: str) -> list[str]:
    return text.split()


COMMON = _words(
    "the of and to a in is it you that he was for on are with as I his they be at one have"
    " this from or had by hot word but what some we can out other were all there when up"
    " use your how said an each she which do their time if will way about many then them"
    " write would like so these her long make thing see him two has look more day could go"
    " come did number sound no most people my over know water than call first who may down"
    " side been now find any new work part take get place made live where after back little"
    " only round man year came show every good me give our under name very through just"
    " form sentence great think say help low line differ turn cause much mean before move"
    " right boy old too same tell does set three want air well also play small end put home"
    " read hand port large spell add even land here must big high such follow act why ask"
)
TECHNICAL = _words(
    "python function class import return list dictionary string error exception test"
    " database query index table column server client request response json http api"
    " kubernetes docker deploy container cluster pod service network latency cache memory"
    " thread async await loop event signal widget window layout sidebar search snippet"
    " recipe lyon bouchon cheese wine travel museum train hotel budget itinerary weather"
    " deployment 500 404 200 8080"
)
RARE_WORD = "zanzibarite"  # in exactly RARE_COUNT messages
RARE_COUNT = 7
# Log-normal word counts (median, sigma, cap) when lengths vary: mean = median * e^(σ²/2).
QUESTION_WORDS = (20, 0.9, 600)
ANSWER_WORDS = (220, 0.7, 4000)


def _made_up_words(rng: random.Random, count: int) -> list[str]:
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "zen", "dar", "pel", "qui"]
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _length(rng: random.Random, median: int, sigma: float, cap: int) -> int:
    return max(1, min(cap, round(rng.lognormvariate(math.log(median), sigma))))


class _Vocabulary:
    def __init__(self, rng: random.Random) -> None:
        self.words = [*COMMON, *TECHNICAL, *_made_up_words(rng, 20_000)]
        weights = [1 / (rank + 1) for rank in range(len(self.words))]
        self._cumulative = list(itertools.accumulate(weights))
        self._rng = rng

    def text(self, words: int) -> str:
        picked = self._rng.choices(self.words, cum_weights=self._cumulative, k=words)
        sentences = [" ".join(picked[i : i + 12]).capitalize() for i in range(0, words, 12)]
        return ". ".join(sentences) + "."

    def title(self) -> str:
        """Two to five words, none of the common ones, like a generated title."""
        start = len(COMMON)
        picked = self._rng.choices(
            self.words[start:],
            cum_weights=[
                weight - self._cumulative[start - 1] for weight in self._cumulative[start:]
            ],
            k=self._rng.randint(2, 5),
        )
        return " ".join(picked).capitalize()


def conversations(
    count: int,
    *,
    messages_per_conversation: int = 20,
    seed: int = 7,
    newest: datetime | None = None,
    spacing: timedelta = timedelta(hours=3),
    realistic: bool = False,
) -> Iterator[tuple[Conversation, list[Message]]]:
    """``count`` conversations, each a single branch of alternating user/assistant messages.

    The first is the newest (``newest``, default now), the next ``spacing`` older, and so
    on; message times precede their conversation's ``updated_at``.
    """
    rng = random.Random(seed)
    vocabulary = _Vocabulary(rng)
    start = (newest or datetime.now(UTC)).replace(microsecond=0)
    total = count * messages_per_conversation
    rare = set(rng.sample(range(total), min(RARE_COUNT, total)))
    serial = 0
    for number in range(count):
        updated = start - number * spacing
        first = updated - timedelta(minutes=messages_per_conversation)
        conversation_id = f"c{number:07d}" + "0" * 24
        messages: list[Message] = []
        parent: str | None = None
        for index in range(messages_per_conversation):
            role = Role.USER if index % 2 == 0 else Role.ASSISTANT
            if realistic:
                words = _length(rng, *(QUESTION_WORDS if role is Role.USER else ANSWER_WORDS))
            else:
                words = 15 if role is Role.USER else 100
            text = vocabulary.text(words)
            if serial in rare:
                text += f" {RARE_WORD}"
            message = Message(
                id=f"m{serial:09d}" + "0" * 22,
                conversation_id=conversation_id,
                parent_id=parent,
                role=role,
                content=text,
                created_at=first + timedelta(minutes=index),
            )
            messages.append(message)
            parent = message.id
            serial += 1
        if realistic:
            title = vocabulary.title()
        else:
            title = " ".join(vocabulary.text(4).rstrip(".").split()[:4]) + f" {number}"
        yield (
            Conversation(
                id=conversation_id,
                title=title,
                created_at=first,
                updated_at=updated,
                model="mistral-large-latest",
                current_leaf_id=parent,
            ),
            messages,
        )


def fill(
    store: ConversationStore,
    count: int,
    *,
    messages_per_conversation: int = 20,
    batch: int = 1000,
    seed: int = 7,
    newest: datetime | None = None,
    spacing: timedelta = timedelta(hours=3),
    realistic: bool = False,
) -> None:
    """Write ``count`` synthetic conversations, ``batch`` per transaction."""
    pending: list[tuple[Conversation, list[Message]]] = []
    for item in conversations(
        count,
        messages_per_conversation=messages_per_conversation,
        seed=seed,
        newest=newest,
        spacing=spacing,
        realistic=realistic,
    ):
        pending.append(item)
        if len(pending) == batch:
            store.import_conversations(pending)
            pending.clear()
    if pending:
        store.import_conversations(pending)

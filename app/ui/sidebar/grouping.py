"""Which heading of the sidebar a conversation falls under: Pinned, Today, Quick,
Yesterday, ..., months.

Pure functions of a conversation's last activity and "now", in local time, so the
grouping can be tested with a fixed clock and time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from app.domain.calendar_names import MONTHS


@dataclass(frozen=True, slots=True)
class Group:
    """A heading: ``rank`` orders headings top to bottom (smaller first)."""

    key: str
    label: str
    rank: tuple[int, int]


PINNED = Group("pinned", "Pinned", (0, 0))
TODAY = Group("today", "Today", (1, 0))
# Below Today: quick exchanges are mostly one-offs, and hundreds of old ones must not
# push the day's chats out of sight; above Yesterday, so today's are still close at hand.
QUICK = Group("quick", "Quick", (1, 1))
YESTERDAY = Group("yesterday", "Yesterday", (2, 0))
PREVIOUS_7_DAYS = Group("7-days", "Previous 7 days", (3, 0))
PREVIOUS_30_DAYS = Group("30-days", "Previous 30 days", (4, 0))


def local(moment: datetime, zone: tzinfo | None) -> datetime:
    """``moment`` in ``zone``, or in the system's local time when ``zone`` is None.

    A naive ``moment`` is taken as local time already.
    """
    if zone is None:
        return moment.astimezone()
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(zone)


def group_of(
    updated_at: datetime,
    *,
    pinned: bool,
    today: date,
    zone: tzinfo | None,
    quick: bool = False,
) -> Group:
    """The heading of a conversation last active at ``updated_at``, seen on ``today``.

    Pinned comes first (a pinned quick exchange too), then chats by day; quick
    exchanges have a heading of their own (placed after Today, see ``QUICK``). Days
    are calendar days in local time: something from 23:59 yesterday is "Yesterday" at
    00:01. Times in the future (another machine's clock) count as today.
    """
    if pinned:
        return PINNED
    if quick:
        return QUICK
    day = local(updated_at, zone).date()
    age = (today - day).days
    if age <= 0:
        return TODAY
    if age == 1:
        return YESTERDAY
    if age <= 7:
        return PREVIOUS_7_DAYS
    if age <= 30:
        return PREVIOUS_30_DAYS
    return Group(
        f"{day.year:04d}-{day.month:02d}",
        f"{MONTHS[day.month - 1]} {day.year}",
        (5, -(day.year * 12 + day.month)),
    )

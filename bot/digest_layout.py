"""Laying a digest out as Slack messages: a main message a CIO reads in a minute and, when there is
more, continuation messages for its thread.

Whatever the data, every message is one Slack accepts: at most 50 blocks, section text at most 3,000
characters, a header at most 150, no empty text. That holds by construction: each line is cut to
LINE_LIMIT and each item to ITEM_LINES lines, so an item always fits in one section block, and the
pager opens a new block, a new message, or stops with "and N more" before any limit is reached."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.health import Level
from bot.text import truncate

Blocks = list[dict[str, Any]]

# Slack's limits.
MAX_BLOCKS = 50
SECTION_TEXT_LIMIT = 3000
HEADER_LIMIT = 150
# Ours, chosen so that an item (ITEM_LINES lines of LINE_LIMIT) always fits one section block.
LINE_LIMIT = 550
ITEM_LINES = 5
TITLE_CHARS = 120  # an issue title or a summary as shown in a line
NAME_CHARS = 60  # a party name
URL_CHARS = 300  # longer links are not linked (a Slack permalink is under 100)
# How much goes in the main message; the rest continues in its thread, at most THREAD_MESSAGES long.
MAIN_PARTIES = 6
MAIN_ITEMS = 5
THREAD_MESSAGES = 10

LEVEL_EMOJI = {
    Level.RED: ":red_circle:",
    Level.AMBER: ":large_orange_circle:",
    Level.GREEN: ":large_green_circle:",
}
HEALTH_HINT = "`/brm health <party>` shows any party's health, interactions and issues."


@dataclass(frozen=True)
class Message:
    """One Slack message: the notification text and its blocks."""

    text: str
    blocks: Blocks


@dataclass(frozen=True)
class RenderedDigest:
    main: Message
    thread: tuple[Message, ...] = ()

    @property
    def messages(self) -> tuple[Message, ...]:
        return (self.main, *self.thread)


@dataclass(frozen=True)
class DigestSection:
    """A part of the digest: a title and items, each item a few lines of safe mrkdwn."""

    title: str
    items: tuple[tuple[str, ...], ...]
    main_limit: int = MAIN_ITEMS
    unlisted: int = 0  # how many more there are beyond the items, not listed anywhere


@dataclass(frozen=True)
class Digest:
    header: str  # plain text
    summary: str  # mrkdwn
    fallback: str  # the notification text
    sections: tuple[DigestSection, ...] = ()
    all_clear: bool = False


# --------------------------------------------------------------------------- layout


def header_block(text: str) -> dict[str, Any]:
    plain = truncate(" ".join(text.split()) or "brm-bot", HEADER_LIMIT)
    return {"type": "header", "text": {"type": "plain_text", "text": plain, "emoji": True}}


def section_block(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, SECTION_TEXT_LIMIT)}}


def context_block(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(text, SECTION_TEXT_LIMIT)}]}


class Pager:
    """Fills section blocks with items, and messages with blocks, within Slack's limits.

    `room` blocks per message leave space for a closing note; an item never spans two blocks.
    """

    def __init__(self, *, max_messages: int, first: Blocks, room: int = MAX_BLOCKS - 1) -> None:
        self.messages: list[Blocks] = [list(first)]
        self._open: str | None = None  # the text of the section block being filled
        self._max_messages = max_messages
        self._room = room

    def add(self, item: Sequence[str], *, title: str | None = None) -> bool:
        """Place an item (after `title`, which starts a block); False when there is no room left."""
        text = "\n".join(line for line in item if line) or "…"
        if title is not None:
            return self._new_block(f"{title}\n{text}")
        if self._open is not None and len(self._open) + 1 + len(text) <= SECTION_TEXT_LIMIT:
            self._open += "\n" + text
            return True
        return self._new_block(text)

    def _new_block(self, text: str) -> bool:
        used = len(self.messages[-1]) + (1 if self._open is not None else 0)
        if used >= self._room:
            if len(self.messages) >= self._max_messages:
                return False
            self._close_block()
            self.messages.append([])
        self._close_block()
        self._open = truncate(text, SECTION_TEXT_LIMIT)
        return True

    def _close_block(self) -> None:
        if self._open is not None:
            self.messages[-1].append(section_block(self._open))
            self._open = None

    def finish(self, note: str | None = None) -> list[Blocks]:
        self._close_block()
        if note:
            self.messages[-1].append(context_block(note))
        return [blocks for blocks in self.messages if blocks]


@dataclass
class _Left:
    """What of a section did not go in the main message, for the thread."""

    title: str
    started: bool = False  # its title and first items are in the main message
    items: list[tuple[str, ...]] = field(default_factory=list)
    unlisted: int = 0


def render_digest(digest: Digest) -> RenderedDigest:
    """The digest as a main message and thread continuations, each within Slack's limits."""
    first = [header_block(digest.header), context_block(digest.summary or "Weekly BRM digest")]
    if digest.all_clear:
        first.append(
            section_block(
                ":white_check_mark: *All clear this week.* No open issues, nothing opened or overdue, "
                "and no relationship is going cold."
            )
        )
        return RenderedDigest(Message(digest.fallback, first))

    main = Pager(max_messages=1, first=first)
    leftovers = [_fill_main(main, section) for section in digest.sections]
    leftovers = [left for left in leftovers if left.items or (left.unlisted and not left.started)]
    note = ("Continued in the thread. " if leftovers else "") + HEALTH_HINT
    [main_blocks] = main.finish(note)
    return RenderedDigest(Message(digest.fallback, main_blocks), _render_thread(leftovers))


def _fill_main(main: Pager, section: DigestSection) -> _Left:
    """Place a section's first items in the main message; return what is left for the thread."""
    left = _Left(section.title, unlisted=section.unlisted)
    for index, item in enumerate(section.items):
        fits = index < section.main_limit and not left.items
        if fits and main.add(item, title=None if left.started else section.title):
            left.started = True
        else:
            left.items.append(item)
    more = len(left.items) + left.unlisted
    if more and left.started:
        where = " in the thread" if left.items else ""
        main.add((f"_…and {more} more{where}_",))
    return left


def _render_thread(leftovers: list[_Left]) -> tuple[Message, ...]:
    if not leftovers:
        return ()
    pager = Pager(max_messages=THREAD_MESSAGES, first=[])
    not_shown = 0
    for left in leftovers:
        title = left.title + (" _(continued)_" if left.started else "")
        for index, item in enumerate(left.items):
            if not_shown or not pager.add(item, title=title if index == 0 else None):
                not_shown += 1
        if left.unlisted:
            more = (f"_…and {left.unlisted} more_",)
            if not_shown or not pager.add(more, title=None if left.items else title):
                not_shown += left.unlisted
    note = f"_…and {not_shown} more not shown here._ {HEALTH_HINT}" if not_shown else None
    pages = pager.finish(note)
    return tuple(
        Message(f"Weekly BRM digest, continued ({number} of {len(pages)})", blocks)
        for number, blocks in enumerate(pages, start=1)
    )

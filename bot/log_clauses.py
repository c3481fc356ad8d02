"""The clauses of a `/brm log` text: its sentences, the issue ("not working: ...") and follow-up
("follow up Friday") clauses in them, found by their markers, and the tidying of what is left for the
summary. Pure, like bot/log_parsing.py."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.dates import ParsedDate, find_date


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ISSUE_MARKER = re.compile(
    r"\b(?:not\s+working|issues?|problems?|blockers?|blocked(?:\s+(?:by|on))?|broken)(?:\s*:|\s+[-\u2013\u2014](?=\s))\s*",
    re.IGNORECASE,
)
FOLLOW_UP_MARKER = re.compile(
    r"\b(?:(?:and|then|so|will|i['\u2019]ll|we['\u2019]ll|to|need\s+to|should|must|going\s+to)\s+)*"
    r"(?:follow[\s-]*ups?|followups?|f/u|fup|fu|circle\s+back|check\s+back|check\s+in\s+again|remind\s+me"
    r"|touch\s+base|next\s+steps?)\b\s*(?:[:\-\u2013\u2014]\s*)?",
    re.IGNORECASE,
)
NEGATED_BEFORE = re.compile(r"(?:n['\u2019]t|\bnot|\bnever|\bno)\s+$", re.IGNORECASE)
# A full stop after these words does not end a sentence ("Dept. of Revenue", "Dec. 5", "D.M.V.").
_ABBREVIATIONS = word_set(
    "dept div govt gov st mr mrs ms dr jr sr inc co corp ltd vs etc eg ie approx no jan feb mar apr "
    "jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun am pm"
)


@dataclass(frozen=True)
class Clause:
    kind: Literal["issue", "follow_up"]
    start: int  # where the marker starts
    body_start: int  # where the words after the marker start
    end: int  # end of the clause, its sentence's full stop included
    body_end: int  # end of the words, without the full stop


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in re.finditer(r"[.!?;]+(?=\s|$)|\n", text):
        if m.group(0) == "." and _word_before(text, m.start()).replace(".", "") in _ABBREVIATIONS:
            continue
        if m.group(0) == "." and len(_word_before(text, m.start()).replace(".", "")) == 1:
            continue  # an initial: "D.M.V."
        spans.append((start, m.end()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _word_before(text: str, pos: int) -> str:
    m = re.search(r"[\w.]*$", text[:pos])
    return m.group(0).lower() if m else ""


def find_clauses(text: str, *, tz: ZoneInfo, now: datetime) -> list[Clause]:
    clauses: list[Clause] = []
    for s_start, s_end in _sentences(text):
        markers = [("issue", m) for m in _ISSUE_MARKER.finditer(text, s_start, s_end)]
        markers += [("follow_up", m) for m in FOLLOW_UP_MARKER.finditer(text, s_start, s_end)]
        markers = [(kind, m) for kind, m in markers if not NEGATED_BEFORE.search(text[s_start : m.start()])]
        markers.sort(key=lambda km: km[1].start())
        # A follow-up marker in the middle of a sentence ("the vendor will follow up on it") only counts
        # when a date still to come follows it; at a clause boundary it always counts, so a bad or past
        # date can be reported.
        kept: list[tuple[str, re.Match[str]]] = []
        for index, (kind, m) in enumerate(markers):
            stop = markers[index + 1][1].start() if index + 1 < len(markers) else s_end
            at_boundary = re.search(r"(?:^|[,:;(\-\u2013\u2014])\s*$", text[s_start : m.start()]) is not None
            if kind == "follow_up" and not at_boundary:
                inside_issue = bool(kept) and kept[-1][0] == "issue"  # "not working: vendor will follow up"
                if inside_issue:
                    continue
                # "about the follow up to last week's outage": a date in the past is part of the story.
                mention = find_date(text[m.end() : stop], tz=tz, now=now, prefer="future")
                if mention is None or is_past(mention.parsed, now, tz):
                    continue
            kept.append((kind, m))
        for index, (kind, m) in enumerate(kept):
            end = kept[index + 1][1].start() if index + 1 < len(kept) else s_end
            body_end = end
            while body_end > m.end() and text[body_end - 1] in " .;!?,\n":
                body_end -= 1
            clauses.append(Clause(kind, m.start(), m.end(), end, body_end))  # type: ignore[arg-type]
    return clauses


def main_spans(text: str, clauses: Sequence[Clause]) -> list[tuple[int, int]]:
    """The parts of the text outside issue and follow-up clauses."""
    spans, pos = [], 0
    for clause in sorted(clauses, key=lambda c: c.start):
        if clause.start > pos:
            spans.append((pos, clause.start))
        pos = max(pos, clause.end)
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans


def is_past(parsed: ParsedDate, now: datetime, tz: ZoneInfo) -> bool:
    today = now.astimezone(tz).date()
    return parsed.local_date < today or (parsed.has_time and parsed.at < now - timedelta(minutes=1))


# --- text tidying -----------------------------------------------------------------------------------


def tidy_whitespace(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    return "\n".join(line for line in lines if line)


def apply_edits(text: str, edits: Sequence[tuple[int, int, str]]) -> str:
    out, pos = [], 0
    for start, end, replacement in sorted(edits):
        if start < pos:
            continue
        out.append(text[pos:start])
        out.append(replacement)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def tidy_summary(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" +([.,;:!?])(?=\s|$)", r"\1", text)
    text = re.sub(r"([.,;!?])(?:\s*[.,;])+(?=\s|$)", r"\1", text)  # "tense, ." -> "tense,"
    text = re.sub(r"\n\s*\n+", "\n", text)
    text = text.strip(" \n,;-\u2013\u2014")
    if text.endswith(":") and not re.search(r":[a-z0-9_+\-]+:$", text):
        text = text.rstrip(":").rstrip()  # a dangling "re:", but not the end of an emoji like ":tada:"
    return text.lstrip(":").lstrip()

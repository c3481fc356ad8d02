"""People's text on its way in (as they wrote it, tidy) and on its way out (safe to show in Slack).

Slack encodes mentions, channel links and URLs in message text as `<...>` tokens and escapes a literal
`&`, `<` and `>` as `&amp;`, `&lt;` and `&gt;`. Text is stored as the person wrote it: decoded once where
it enters (`as_written`, `plain_text`), and escaped only on the way out (`safe_mrkdwn`). When the bot
echoes what someone wrote, any `<!channel>`, `<!here>`, `<!everyone>`, `<!subteam^...>` or `<@U123>` in
it must show as text and never notify anyone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

# A Slack token: `<@U123>`, `<@U123|jane>`, `<#C123|general>`, `<!here>`, `<!subteam^S1|@team>`, `<https://...|x>`.
# Only these are Slack's; any other "<...>" was typed by a person and is escaped like any text.
# A person or a channel as Slack writes them in a slash command's text: <@U123|jane>, <#C123|general>.
USER_MENTION = re.compile(r"<@(?P<id>[UW][A-Z0-9]+)(?:\|[^>]*)?>")
CHANNEL_MENTION = re.compile(r"<#(?P<id>[CG][A-Z0-9]+)(?:\|[^>]*)?>")
_TOKEN = re.compile(r"<((?:[@#!]|[a-z][a-z0-9+.-]*:)[^<>\n]*)>", re.IGNORECASE)
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITY_CHARS = {"amp": "&", "lt": "<", "gt": ">"}
# Broadcast words that some clients and `link_names` turn into pings even without `<...>`.
_BROADCAST = re.compile(r"(?<![\w.])@(channel|here|everyone)\b", re.IGNORECASE)
# U+2060 WORD JOINER: invisible, but stops `@here` from being read as a broadcast.
_JOINER = "\u2060"
# Characters Slack never shows and PostgreSQL may refuse (NUL): control characters other than line
# breaks and tabs, and lone surrogates (which no UTF-8 text can hold).
_UNSHOWN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def as_written(text: str) -> str:
    """Text Slack sent (a slash command's, a message's) as the person wrote it: `&amp;`, `&lt;` and
    `&gt;` decoded once, characters Slack would not show dropped. Slack's `<...>` tokens stay, so that
    mentions can still be read; the result is for reading and storing, not for posting."""
    return without_unshown(_decode_entities(text))


def without_unshown(text: str) -> str:
    """`text` without the characters Slack would not show (NUL and other control characters); line
    breaks and tabs stay, and a carriage return before a line break goes."""
    return _UNSHOWN.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def plain_text(text: str, names: Mapping[str, str] | None = None) -> str:
    """Slack message text as a person would read it: tokens shown by their labels, entities decoded.

    `<@U123|jane>` -> `@jane`, `<@U123>` -> `@U123` (or `@sam` when `names` has U123's name),
    `<#C1|general>` -> `#general`, `<!here>` -> `@here`, `<https://x.gov|portal>` ->
    `portal (https://x.gov)`, `&amp;` -> `&`. The result may contain `<` and `>` typed by the person, so
    it is for storing and prefilling forms, not for posting: use `safe_mrkdwn`.
    """
    return as_written(with_labels(text, names))


def safe_mrkdwn(text: str) -> str:
    """Text as a person wrote it, made safe to post as Slack mrkdwn: readable, and unable to ping anyone.

    Mentions are shown as plain `@name` text (Slack has no non-pinging mention syntax), `&`, `<` and `>`
    are escaped the way Slack asks, and `@here`/`@channel`/`@everyone` get an invisible joiner.
    Entities are not decoded again: someone who typed `&amp;` sees `&amp;`.
    """
    readable = without_unshown(with_labels(text))
    escaped = readable.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: "@" + _JOINER + m.group(1), escaped)


def name_mentions(text: str, names: Mapping[str, str]) -> str:
    """`<@U123>` tokens given the person's name from `names` (`<@U123|sam>`), so that what is read and
    saved from the text says who was meant; tokens that carry a name, and ids not in `names`, stay."""

    def named(m: re.Match[str]) -> str:
        name = re.sub(r"[<>|\n]", "", names.get(m["id"], "")).strip()
        return f"<@{m['id']}|{name}>" if name and "|" not in m.group(0) else m.group(0)

    return USER_MENTION.sub(named, text)


def mentioned_users(text: str) -> list[str]:
    """The user ids mentioned in Slack text (`<@U123>`, `<@W9|jane>`), each once, in order."""
    return list(dict.fromkeys(m["id"] for m in USER_MENTION.finditer(text)))


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in an ellipsis when it was cut.

    Cuts at a word boundary when one is near the end, so words are not chopped in half.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= max(1, limit - 20):
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


SHORT_TITLE = 150  # a title read from a long text: its first sentence, cut here


def short_title(text: str, limit: int = SHORT_TITLE) -> str:
    """A short title for a long text: its first line, cut to its first sentence when long, then to
    `limit` characters at a word boundary with an ellipsis."""
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first_line) > limit:
        sentence = re.match(r"(.+?[.!?])(?:\s|$)", first_line)
        if sentence and len(sentence.group(1)) >= 20:
            first_line = sentence.group(1)
    return truncate(first_line, limit) if first_line else ""


def normalise_name(name: str) -> str:
    """A name reduced for comparing: lowercase, no punctuation, single spaces.

    "D.M.V." -> "dmv", "Dept. of Revenue" -> "dept of revenue", "Health & Human Services" ->
    "health and human services", "Mid-State Water" -> "mid state water".
    """
    text = _decode_entities(name)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("&", " and ")
    # Joiners inside words become spaces; dots and apostrophes just go ("D.M.V." -> "dmv", "O'Brien").
    text = re.sub(r"[-_/\\\u2013\u2014+]", " ", text)
    text = re.sub(r"[^\w\s]", "", text)
    return " ".join(text.split())


def _decode_entities(text: str) -> str:
    # One pass only, so a literal "&amp;lt;" typed by someone stays "&lt;" rather than becoming "<".
    return _ENTITY.sub(lambda m: _ENTITY_CHARS[m.group(1)], text)


def with_labels(text: str, names: Mapping[str, str] | None = None) -> str:
    """Slack's tokens in `text` shown by their labels (see `plain_text`), nothing else changed."""
    return _TOKEN.sub(lambda m: _token_label(m.group(1), names or {}), text)


def _token_label(inner: str, names: Mapping[str, str]) -> str:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return "@" + (label.lstrip("@") or names.get(target[1:]) or target[1:])
    if target.startswith("#"):
        return "#" + (label.lstrip("#") or target[1:])
    if target.startswith("!"):
        # `<!subteam^S1|@team>`, `<!date^...|fallback>`, `<!here>`, `<!channel>`, `<!everyone>`.
        if label:
            return label if target.startswith("!date") else "@" + label.lstrip("@")
        return "@" + target[1:].split("^", 1)[0]
    if label and label not in (target, target.removeprefix("mailto:")):
        return f"{label} ({target})"
    if label:
        return label
    return target


def a_kind(kind: str, *, bold: bool = True) -> str:
    """ "a *call*", "an *email*", "an *agency*": a kind (of interaction, of party) with its article."""
    article = "an" if kind[:1].lower() in "aeiou" else "a"
    return f"{article} *{kind}*" if bold else f"{article} {kind}"

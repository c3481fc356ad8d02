"""Making people's text safe and tidy to show back in Slack.

Slack encodes mentions, channel links and URLs in message text as `<...>` tokens and escapes a literal
`&`, `<` and `>` as `&amp;`, `&lt;` and `&gt;`. When the bot echoes what someone wrote, any `<!channel>`,
`<!here>`, `<!everyone>`, `<!subteam^...>` or `<@U123>` in it must show as text and never notify anyone.
"""

from __future__ import annotations

import re
import unicodedata

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


def plain_text(text: str) -> str:
    """Slack message text as a person would read it: tokens shown by their labels, entities decoded.

    `<@U123|jane>` -> `@jane`, `<@U123>` -> `@U123`, `<#C1|general>` -> `#general`, `<!here>` -> `@here`,
    `<https://x.gov|portal>` -> `portal (https://x.gov)`, `&amp;` -> `&`. The result may contain `<` and `>`
    typed by the person, so it is for storing and prefilling forms, not for posting: use `safe_mrkdwn`.
    """
    return _decode_entities(_TOKEN.sub(lambda m: _token_label(m.group(1)), text))


def safe_mrkdwn(text: str) -> str:
    """User text made safe to post as Slack mrkdwn: readable, and unable to ping anyone.

    Mentions are shown as plain `@name` text (Slack has no non-pinging mention syntax), `&`, `<` and `>`
    are escaped the way Slack asks, and `@here`/`@channel`/`@everyone` get an invisible joiner.
    """
    readable = plain_text(text)
    escaped = readable.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: "@" + _JOINER + m.group(1), escaped)


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


def _token_label(inner: str) -> str:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return "@" + (label.lstrip("@") or target[1:])
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

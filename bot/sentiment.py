"""How a touchpoint went, read from its words and emoji: "positive", "neutral", "negative" or None.

A small lexicon, with negation ("not great" is negative); pure."""

from __future__ import annotations

import re

_NEGATIVE = re.compile(
    r"tense|tension|frustrat\w*|angry|anger|upset|escalat\w*|concern(?:ed|s|ing)?|worr\w*|bad|rough"
    r"|difficult|heated|hostile|unhappy|annoyed|disappoint\w*|strained|awkward|poor|terrible|awful"
    r"|irritated|furious|negative|unpleasant|cold",
)
_POSITIVE = re.compile(
    r"great|good|productive|positive|happy|pleased|smooth(?:ly)?|friendly|excellent|constructive|helpful"
    r"|collaborative|thrilled|grateful|appreciative|fantastic|awesome|glad|warm|encouraging|promising",
)
_NEUTRAL = re.compile(r"neutral|ok|okay|fine|meh|so-so|mixed|routine|uneventful")
_NEGATORS = re.compile(r"not|no|never|hardly|barely|without|\w+n['\u2019]t")
_EMOJI_SENTIMENT = {
    "negative": {
        "slightly_frowning_face", "disappointed", "angry", "rage", "-1", "thumbsdown", "white_frowning_face",
        "confused", "worried", "frowning", "cry", "sob", "grimacing", "rotating_light", "warning",
    },
    "positive": {
        "smile", "slightly_smiling_face", "tada", "+1", "thumbsup", "raised_hands", "white_check_mark",
        "smiley", "grinning", "handshake", "heart", "star-struck", "clap",
    },
    "neutral": {"neutral_face", "expressionless", "shrug"},
}  # fmt: skip


def read_sentiment(text: str) -> str | None:
    """How a touchpoint went, from its words and emoji; None when the text does not say.

    "not great" counts as negative and "not bad" as neutral. When signs are mixed the majority wins,
    and a tie counts as negative: a worrying sign should not be averaged away.
    """
    votes = {"positive": 0, "negative": 0, "neutral": 0}
    for emoji in re.findall(r":([a-z0-9_+\-]+):", text.lower()):
        for mood, names in _EMOJI_SENTIMENT.items():
            if emoji in names:
                votes[mood] += 1
    without_emoji = re.sub(r":[a-z0-9_+\-]+:", " ", text.lower())
    # A negation reaches two words ahead, but not past a comma or full stop ("no problems, great").
    for fragment in re.split(r"[.,;:!?()]", without_emoji):
        words = re.findall(r"[a-z][a-z'\u2019-]*", fragment)
        for index, word in enumerate(words):
            negated = any(_NEGATORS.fullmatch(w) for w in words[max(0, index - 2) : index])
            if _NEGATIVE.fullmatch(word):
                votes["neutral" if negated else "negative"] += 1
            elif _POSITIVE.fullmatch(word):
                votes["negative" if negated else "positive"] += 1
            elif _NEUTRAL.fullmatch(word) and not negated:
                votes["neutral"] += 1
    if votes["negative"] and votes["negative"] >= votes["positive"]:
        return "negative"
    if votes["positive"]:
        return "positive"
    return "neutral" if votes["neutral"] else None

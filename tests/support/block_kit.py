"""Checking that a message is one Slack accepts: the Block Kit limits Slack enforces on chat.postMessage.

Slack rejects the whole message (`invalid_blocks`) when any limit is broken, so the digest tests check
every message against them rather than trusting the composer.
"""

from __future__ import annotations

import json
from typing import Any

MAX_BLOCKS = 50
SECTION_TEXT_LIMIT = 3000
HEADER_TEXT_LIMIT = 150
CONTEXT_ELEMENTS_LIMIT = 10


def problems(text: str, blocks: list[dict[str, Any]]) -> list[str]:
    """Everything Slack would refuse in a message; empty when it is valid."""
    found = []
    json.dumps({"text": text, "blocks": blocks})  # raises if anything is not JSON
    if not text.strip():
        found.append("no notification text")
    if not blocks or len(blocks) > MAX_BLOCKS:
        found.append(f"{len(blocks)} blocks")
    for index, block in enumerate(blocks):
        kind = block.get("type")
        if kind == "header":
            found += _text_object(block["text"], HEADER_TEXT_LIMIT, "plain_text", f"block {index} header")
        elif kind == "section":
            found += _text_object(block["text"], SECTION_TEXT_LIMIT, None, f"block {index} section")
        elif kind == "context":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= CONTEXT_ELEMENTS_LIMIT:
                found.append(f"block {index} context has {len(elements)} elements")
            for element in elements:
                found += _text_object(element, SECTION_TEXT_LIMIT, None, f"block {index} context")
        elif kind != "divider":
            found.append(f"block {index} has an unexpected type {kind!r}")
    return found


def _text_object(obj: dict[str, Any], limit: int, kind: str | None, where: str) -> list[str]:
    found = []
    if kind is not None and obj.get("type") != kind:
        found.append(f"{where}: type {obj.get('type')!r}, expected {kind}")
    if obj.get("type") not in ("plain_text", "mrkdwn"):
        found.append(f"{where}: not a text object")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        found.append(f"{where}: empty text")
    elif len(text) > limit:
        found.append(f"{where}: {len(text)} characters, over {limit}")
    return found


def unlabelled_buttons(payload: Any) -> list[str]:
    """The text of every button in a message or view (at any depth) without an `accessibility_label`:
    "Close" alone tells a screen reader nothing about which issue it closes."""
    found: list[str] = []
    if isinstance(payload, dict):
        if payload.get("type") == "button" and not str(payload.get("accessibility_label") or "").strip():
            found.append(str((payload.get("text") or {}).get("text")))
        for value in payload.values():
            found += unlabelled_buttons(value)
    elif isinstance(payload, list):
        for value in payload:
            found += unlabelled_buttons(value)
    return found

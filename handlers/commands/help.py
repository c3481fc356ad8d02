"""`/brm help`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.replies import help_blocks

if TYPE_CHECKING:
    from handlers.commands import CommandRequest


def run(request: CommandRequest) -> None:
    request.reply(*help_blocks(request.example_number()))

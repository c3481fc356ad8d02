"""`/brm help`."""

from __future__ import annotations

from bot.replies import help_blocks
from handlers.commands.registry import help_lines, subcommand
from handlers.commands.request import CommandRequest


@subcommand(
    "help", help="What I can do, with examples", example="/brm help", aliases=("", "?", "h"), in_help=False
)
def run(request: CommandRequest) -> None:
    request.reply(*help_blocks(help_lines(), request.example_number()))

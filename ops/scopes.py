"""The bot scopes the code needs: what `brm-bot check` compares the token's granted scopes with.

The same list as the manifests' `oauth_config.scopes.bot` (manifests/*.json), which
tests/test_manifests.py derives from the code; tests/test_cli_check.py keeps this copy equal to them.
It lives in the package so an installed `brm-bot` knows it without the repository beside it.
"""

from __future__ import annotations

BOT_SCOPES = frozenset(
    {
        "commands",
        "chat:write",
        "chat:write.public",
        "reactions:read",
        "reactions:write",
        "users:read",
        "users:read.email",
        "files:write",
        "channels:read",
        "groups:read",
        "im:read",
        "mpim:read",
        "im:write",
        "channels:history",
        "groups:history",
        "im:history",
        "mpim:history",
    }
)

"""A job's Slack Web API client: each message it posts goes through the job's `post_once`.

A job may run twice (its worker died after the work but before recording it done). Its replies
through the response_url are counted on the job's row (`JobRun.post_once`); the messages it posts
through the Web API (the thread reply after a form, a DM) are counted the same way, in the same
order, by handing the job this client instead of the bot's own; so are the forms it opens. A post
the earlier run made is not made again, and returns None. Everything else (reading, opening a DM,
reactions, which Slack refuses to add twice) goes straight to the bot's client.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast

from slack_sdk import WebClient

T = TypeVar("T")


class PostsOnce(Protocol):
    """A running job (`runtime.kinds.JobRun`): its id, which attempt this is, and the counted way it posts."""

    @property
    def id(self) -> int: ...

    @property
    def attempt(self) -> int: ...  # 1 on the first run

    def post_once(self, send: Callable[[], T]) -> T | None: ...


# The Web API methods that put something in front of people: a message, or a form. A form's
# trigger works once: asked again, Slack answers expired_trigger_id, and the job would tell the
# person the form could not open although it did.
POSTING_METHODS = frozenset(
    {
        "chat_postMessage",
        "chat_postEphemeral",
        "chat_meMessage",
        "chat_scheduleMessage",
        "views_open",
        "views_push",
    }
)


class JobClient:
    def __init__(self, client: WebClient, job: PostsOnce) -> None:
        self.unwrapped = client  # for a post that keeps its own record (the digest's marker)
        self.job = job

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.unwrapped, name)
        if name not in POSTING_METHODS:
            return attribute
        method = cast(Callable[..., Any], attribute)

        def post_once(*args: Any, **kwargs: Any) -> Any:
            return self.job.post_once(lambda: method(*args, **kwargs))

        return post_once


def job_client(client: WebClient, job: PostsOnce) -> WebClient:
    """`client` for `job`: what listeners and subcommands take as their WebClient."""
    return cast(WebClient, JobClient(client, job))


def unwrapped(client: WebClient) -> tuple[WebClient, PostsOnce | None]:
    """The bot's own client behind `client`, and the job it was given to (None: not a job's)."""
    if isinstance(client, JobClient):
        return client.unwrapped, client.job
    return client, None

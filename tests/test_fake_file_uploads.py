"""The fake Slack's file uploads check their arguments as Slack does: a real WebClient against it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.support.fake_slack import FakeSlack


@pytest.fixture
def client(slack: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=slack.url)


def post(url: str, data: bytes, content_type: str = "application/octet-stream") -> int:
    request = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def error_of(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value.response["error"]


def test_a_file_is_uploaded_to_the_url_on_loopback_and_shared(client: WebClient, slack: FakeSlack) -> None:
    ticket = client.files_getUploadURLExternal(filename="records.zip", length=5)
    assert ticket["upload_url"].startswith(slack.base + "/upload/") and ticket["file_id"].startswith("F")
    assert post(ticket["upload_url"], b"hello") == 200
    done = client.files_completeUploadExternal(
        files=[{"id": ticket["file_id"], "title": "Records"}], channel_id="U1", initial_comment="here"
    )
    assert done["files"][0]["title"] == "Records"
    [shared] = slack.uploads.shared
    assert (shared.content, shared.channel_id, shared.initial_comment) == (b"hello", "DU1", "here")


def test_the_upload_url_takes_a_multipart_form_too(client: WebClient, slack: FakeSlack) -> None:
    ticket = client.files_getUploadURLExternal(filename="a.txt", length=3)
    body = (
        b'--XX\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\nabc\r\n--XX--\r\n"
    )
    assert post(ticket["upload_url"], body, "multipart/form-data; boundary=XX") == 200
    client.files_completeUploadExternal(files=[{"id": ticket["file_id"]}])
    assert slack.uploads.shared[0].content == b"abc" and slack.uploads.shared[0].channel_id is None


def test_getting_an_upload_url_needs_a_name_and_a_length(client: WebClient) -> None:
    assert error_of(lambda: client.api_call("files.getUploadURLExternal", params={"length": 5})) == (
        "invalid_arguments"
    )
    assert error_of(lambda: client.api_call("files.getUploadURLExternal", params={"filename": "a"})) == (
        "invalid_arguments"
    )
    assert error_of(lambda: client.files_getUploadURLExternal(filename="a", length=0)) == "missing_argument"
    too_long = "x" * 1001
    assert error_of(lambda: client.files_getUploadURLExternal(filename="a", length=1, alt_txt=too_long)) == (
        "alt_txt_too_large"
    )


def test_an_upload_of_the_wrong_size_or_to_an_unknown_url_is_refused(
    client: WebClient, slack: FakeSlack
) -> None:
    ticket = client.files_getUploadURLExternal(filename="a", length=5)
    assert post(ticket["upload_url"], b"four") == 400
    assert post(slack.base + "/upload/F404", b"hello") == 404
    assert error_of(lambda: client.files_completeUploadExternal(files=[{"id": ticket["file_id"]}])) == (
        "file_not_found"
    )


def test_completing_needs_files_that_arrived_each_once_and_a_channel_that_exists(
    client: WebClient, slack: FakeSlack
) -> None:
    ticket = client.files_getUploadURLExternal(filename="a", length=1)
    post(ticket["upload_url"], b"x")
    assert error_of(
        lambda: client.api_call("files.completeUploadExternal", params={"files": "not json"})
    ) == ("invalid_arguments")
    slack.set_channel_not_found("C404")
    missing = {"files": json.dumps([{"id": ticket["file_id"]}]), "channel_id": "C404"}
    assert error_of(lambda: client.api_call("files.completeUploadExternal", params=missing)) == (
        "channel_not_found"
    )
    client.files_completeUploadExternal(files=[{"id": ticket["file_id"]}], channel_id="C1")
    assert error_of(lambda: client.files_completeUploadExternal(files=[{"id": ticket["file_id"]}])) == (
        "file_not_found"
    )
    assert error_of(lambda: client.files_completeUploadExternal(files=[{"id": "F404"}])) == "file_not_found"

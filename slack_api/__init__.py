"""Slack Web API plumbing: the one client wrapper (`client`), what a failed call means (`failures`,
with the error codes the app acts on), whether the bot is in a channel (`channel_access`), telling
one person something (`direct`), people's profiles (`directory`) and the app's Block Kit ids (`ids`).
Nothing here is a listener, and nothing here knows the app's records.
"""

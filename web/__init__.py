"""The HTTP door Slack POSTs to: reading, checking and shaping each request before Bolt sees it."""

"""Test harness that drives brm-bot as Slack does: a fake Web API on loopback and signed requests."""

"""The playground: the real app beside a built-in stand-in for Slack and a local page that looks like it.

Started by `python app.py` when no Slack settings are present (or with `--playground`); nothing in the
production path imports this package. See playground/start.py.
"""

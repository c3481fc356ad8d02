"""Operating brm-bot: the admin command line (`brm-bot`), metrics and the request log."""

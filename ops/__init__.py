"""`brm-bot`, the admin command line: above the app, which it builds and drives; nothing imports it."""

"""BRM logic, free of HTTP: parsing commands and dates, composing messages."""

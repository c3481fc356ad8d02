"""Public-records work: exports for a records request, retention schedules, legal holds."""

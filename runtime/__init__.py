"""Where the work after Slack's acknowledgement runs: the durable job queue and its workers.

`kinds` names each kind of job, `queue` puts jobs in the database (before the ack is sent) and wakes
the workers, `worker` claims and runs them, `process` runs a worker as a process of its own beside
the web server (`python app.py`) or alone (`--role worker`).
"""

# brm-bot's container image: the package installed on a slim Python, run as a user of its own.
#
#   docker build -t brm-bot .
#   docker run --env-file .env -p 3000:3000 -v brm-data:/data brm-bot
#
# It migrates the database, then serves (role all: the web server and a worker process beside it).
# compose.yaml runs the web and the worker as services of their own, on PostgreSQL.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md LICENSE app.py settings.py logs.py ./
COPY bot ./bot
COPY handlers ./handlers
COPY ops ./ops
COPY playground ./playground
COPY runtime ./runtime
COPY slack_api ./slack_api
COPY storage ./storage
COPY web ./web
RUN pip install . \
    && useradd --system --uid 10001 --user-group --home-dir /data --create-home brm \
    && rm -rf /src

USER brm
WORKDIR /data
# The default SQLite file lives in /data: mount a volume there to keep it (or set DATABASE_URL).
ENV PORT=3000 \
    DATABASE_URL=sqlite:////data/brm-bot.db
EXPOSE 3000
VOLUME ["/data"]

# /healthz answers 200 when the database, the job queue and the worker are fine, 503 otherwise.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"

CMD ["sh", "-c", "brm-bot migrate && exec brm-bot serve"]

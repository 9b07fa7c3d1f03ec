# The bot in a container: `docker build -t briefing-bot .` then
# `docker run -e TELEGRAM_BOT_TOKEN=... -v briefing-data:/data briefing-bot`
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BOT_DATA_DIR=/data \
    BOT_CONTENT_DIR=/app/content \
    BOT_LOCALES_DIR=/app/locales

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install . && useradd --create-home --uid 10001 bot
COPY locales ./locales
COPY content ./content
RUN pybabel compile --domain bot --directory locales \
    && mkdir -p /data && chown bot:bot /data

USER bot
VOLUME ["/data"]
CMD ["python", "-m", "bot", "run"]

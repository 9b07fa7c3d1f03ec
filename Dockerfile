# The bot in a container: `docker build -t briefing-bot .` then
# `docker run -e TELEGRAM_BOT_TOKEN=... -v briefing-data:/data briefing-bot`
# Two stages: the first builds the wheel and compiles the catalogues (Babel is needed only there as a
# tool); the second is python:3.11-slim with the installed bot, the catalogues, the pack and nothing else.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY locales ./locales
RUN pip wheel --wheel-dir /wheels . \
    && pip install --no-index /wheels/[Bb]abel-*.whl \
    && pybabel compile --domain bot --directory locales \
    && find locales -name '*.po' -delete

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BOT_DATA_DIR=/data \
    BOT_CONTENT_DIR=/app/content \
    BOT_LOCALES_DIR=/app/locales
WORKDIR /app
COPY --from=build /wheels /wheels
RUN pip install --no-index --find-links=/wheels /wheels/bot-*.whl \
    && rm -rf /wheels \
    && useradd --create-home --uid 10001 bot \
    && mkdir -p /data && chown bot:bot /data
COPY --from=build /src/locales ./locales
COPY content ./content

USER 10001:10001
VOLUME ["/data"]
# 8443: the webhook (BOT_WEBHOOK_LISTEN=0.0.0.0:8443); 8080: the reader (BOT_WEBAPP_LISTEN=0.0.0.0:8080).
EXPOSE 8443 8080
HEALTHCHECK --interval=60s --timeout=30s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot", "health"]
CMD ["python", "-m", "bot", "run"]

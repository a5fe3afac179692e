# One image for every process of the service: the web server (the default command), the Celery
# worker and beat (see docker-compose.yml). Settings come from the environment at run time.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles \
    WEB_CONCURRENCY=3 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_COMPILE_BYTECODE=1 \
    PATH=/opt/venv/bin:$PATH

WORKDIR /app
COPY . .
# The runtime packages exactly as uv.lock pins them (the same uv as the Makefile's).
RUN pip install "uv==0.13.10" \
    && uv sync --locked --no-dev --no-editable \
    && pip uninstall --yes uv
# Production settings demand their secrets even to collect static files; these are used for
# nothing (the key is base64 of "collectstatic-only-not-a-secret!").
RUN SECRET_KEY=collectstatic-only DEAD_LETTER_KEYS=Y29sbGVjdHN0YXRpYy1vbmx5LW5vdC1hLXNlY3JldCE= \
    python manage.py collectstatic --no-input --verbosity 0 \
    && useradd --system --uid 10001 --home-dir /app app \
    && mkdir -p /app/var \
    && chown -R app /app/var

USER app
EXPOSE 8000
# Threads, deadlines for slow clients, an access log without credentials: config/gunicorn.py.
CMD ["gunicorn", "-c", "config/gunicorn.py"]

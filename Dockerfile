# Newsroom in a container: gunicorn (deploy/gunicorn.conf.py) on port 8000, static files collected
# into the image and served by WhiteNoise. docker-compose.yml runs it with its worker, PostgreSQL
# and Redis.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GUNICORN_BIND=0.0.0.0:8000

# pg_dump and pg_restore for manage.py backup and restore (Debian 12's: PostgreSQL 15).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --home-dir /srv/newsroom newsroom \
    && mkdir -p /srv/newsroom/var/jobs \
    && chown -R newsroom:newsroom /srv/newsroom/var
WORKDIR /srv/newsroom/app

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# A throwaway key for this one command, kept nowhere (the real one comes from the environment at run time).
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    python manage.py collectstatic --noinput -v0

USER newsroom
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["gunicorn", "newsroom.wsgi", "--config", "deploy/gunicorn.conf.py"]

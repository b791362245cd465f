# syntax=docker/dockerfile:1
#
# Groupwork's image: gunicorn serving groupwork.wsgi on port 8000 with the static files
# collected in. The same image runs the migrations, the scheduled jobs and any management
# command (compose.yaml; docs/deployment.md).
#
#   docker build -t groupwork .

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:22-bookworm-slim

# GOV.UK Frontend, from package-lock.json. Only its dist/ goes into the image.
FROM ${NODE_IMAGE} AS frontend
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# The packages the service runs on, hash-checked, in a virtual environment copied whole into
# the last stage: requirements-runtime.lock, the same versions as requirements.lock without the
# dev extra (pytest, mypy, ruff, Playwright...). Each is a wheel but docopt (GOV.UK Notify's
# client needs it), which pip builds from source.
FROM ${PYTHON_IMAGE} AS python-deps
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
COPY requirements-pip.lock requirements-runtime.lock /tmp/
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --require-hashes -r /tmp/requirements-pip.lock \
    && /opt/venv/bin/pip install --no-cache-dir --require-hashes -r /tmp/requirements-runtime.lock

FROM ${PYTHON_IMAGE}

# WeasyPrint's libraries (the Makefile's WEASYPRINT_DEBS) and the fonts the letters ask for
# (Liberation Sans, then DejaVu Sans). Versions come with the base image's Debian release.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-liberation2 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 groupwork \
    && useradd --system --uid 10001 --gid groupwork --create-home --home-dir /home/groupwork \
        --shell /usr/sbin/nologin groupwork

# manage.py falls back to the demo settings: the image says production for every command.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=groupwork.settings.production

WORKDIR /app
COPY --from=python-deps /opt/venv /opt/venv
COPY --from=frontend /build/node_modules/govuk-frontend/dist node_modules/govuk-frontend/dist
COPY . .

# The settings need a secret key to load; this one exists only during the build and signs
# nothing. The code stays owned by root: the app's user can read it, not change it.
RUN DJANGO_SECRET_KEY=build-time-only-collectstatic python manage.py collectstatic --noinput \
    && python -m compileall -q groupwork deploy

# Numeric, so that Kubernetes and others can tell it is not root.
USER 10001:10001
EXPOSE 8000

# /healthz answers 200 when the database answers (deploy/healthcheck.py sends the Host and
# X-Forwarded-Proto headers the production settings want).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "deploy/healthcheck.py"]

CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "groupwork.wsgi"]

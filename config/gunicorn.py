"""gunicorn's settings for the web process, wherever it runs: `gunicorn -c config/gunicorn.py`.

The Procfile, the Dockerfile's command and so docker-compose.yml all start the web process with
this file. Slow clients must not stall the service: a client that declares a body and sends
part of it holds a thread until it is cut off, so
- threads serve requests (gthread), WEB_THREADS per worker, WEB_CONCURRENCY workers;
- a worker takes no more connections than it has threads (no keep-alive, as with gunicorn's
  sync workers before): a worker whose threads are all held stops accepting, and the others
  (or the kernel's queue) take the next client instead of parking it behind the slow ones;
- every request is cut off at deadlines (`config.gunicorn_worker`): WEB_READ_SECONDS to
  arrive, WEB_REQUEST_SECONDS to be answered.
More slow clients than threads still delay everyone else until the read deadline; a buffering
proxy in front (nginx, a platform's router) removes that, but the service does not rely on one.

The access log leaves out the Basic-auth user (the collector's write key), the query string
and the referrer: a request is logged by method, path, status, size and duration.
https://docs.gunicorn.org/en/stable/settings.html
"""

from __future__ import annotations

from config.env import env_int
from config.gunicorn_worker import deadlines_from_env

wsgi_app = "config.wsgi"
# Django is loaded once, before the workers fork: they start answering at once, and a broken
# setting stops the master instead of every worker in turn.
preload_app = True
bind = f"0.0.0.0:{env_int('PORT', default=8000)}"
worker_class = "config.gunicorn_worker.DeadlineThreadWorker"
workers = env_int("WEB_CONCURRENCY", default=2)
threads = env_int("WEB_THREADS", default=8)
worker_connections = threads
keepalive = 0
# The main loop of a threaded worker answers the master even while every thread is busy; a
# request that runs long is cut off by WEB_REQUEST_SECONDS instead.
timeout = 30
graceful_timeout = 30
# Read once here too, so that a malformed value stops the master at start, not each worker.
_deadlines = deadlines_from_env()

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'

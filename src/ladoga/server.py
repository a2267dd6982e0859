"""`ladoga serve --workers N`: N web processes under gunicorn (docs/deploy.md says why).

One process (the default) stays on waitress: it runs everywhere, Windows included, and keeps the
embedded task worker in its threads. Several processes need a pre-forking server that watches
its workers, restarts a stuck or dead one and stops them gracefully; gunicorn is the well-kept
standard for that on UNIX, so `--workers N` uses it rather than a home-made supervisor.
"""

import os
import sys
from collections.abc import Callable, Iterable

FORWARDED_HEADERS = ("HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_HOST")


class ForwardedHeaders:
    """What waitress's `trusted_proxy` does, for gunicorn: believe the client address, host and
    scheme that the proxy at `trusted` forwards, and drop those headers from anyone else.

    gunicorn itself only sets the scheme and leaves the headers in place, where Django's
    SECURE_PROXY_SSL_HEADER would read a client's own X-Forwarded-Proto, and login throttling
    would count every client under the proxy's address.
    """

    def __init__(self, application: Callable, trusted: str):
        self.application = application
        self.trusted = trusted.strip()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if self.trusted == "*" or environ.get("REMOTE_ADDR") == self.trusted:
            if forwarded_for := _last(environ.get("HTTP_X_FORWARDED_FOR")):
                environ["REMOTE_ADDR"] = forwarded_for
            if host := _last(environ.get("HTTP_X_FORWARDED_HOST")):
                environ["HTTP_HOST"] = host
            if (scheme := _last(environ.get("HTTP_X_FORWARDED_PROTO"))) in {"http", "https"}:
                environ["wsgi.url_scheme"] = scheme
                environ["HTTP_X_FORWARDED_PROTO"] = scheme
        else:
            for name in FORWARDED_HEADERS:
                environ.pop(name, None)
        return self.application(environ, start_response)


def _last(header: str | None) -> str:
    """The entry the proxy itself added: the last of a comma-separated list."""
    return (header or "").split(",")[-1].strip()


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def serve_with_gunicorn(
    application: Callable,
    *,
    host: str,
    port: int,
    workers: int,
    threads: int,
    trusted_proxy: str | None,
) -> int:
    """Run gunicorn in this process until it is stopped (SIGTERM: graceful); its exit status.

    The application is loaded once here and the workers are forked from it (preload), so the
    caller closes its database connections first: a forked connection must not be shared.
    """
    from gunicorn.app.base import BaseApplication

    if trusted_proxy is not None:
        application = ForwardedHeaders(application, trusted_proxy)
    options = {
        "bind": [bind_address(host, port)],
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "preload_app": True,
        "proc_name": "ladoga",
        # A report over a big database may take a while; a worker silent this long is stuck.
        "timeout": 120,
        "graceful_timeout": 30,
        "errorlog": "-",
        "loglevel": "info",
        # gunicorn's own X-Forwarded-Proto handling only for the proxy we trust (and never
        # without LADOGA_SECURE_PROXY); ForwardedHeaders does the rest.
        "forwarded_allow_ips": trusted_proxy or "",
        # Several servers may run under one user: no shared control socket in $HOME.
        "control_socket_disable": True,
    }

    class LadogaServer(BaseApplication):
        def load_config(self):
            for name, value in options.items():
                if name in self.cfg.settings:  # older gunicorn lacks the newest settings
                    self.cfg.set(name, value)

        def load(self):
            return application

    master = os.getpid()
    try:
        LadogaServer(prog="ladoga serve").run()
    except SystemExit as stopped:
        if os.getpid() != master:
            # A forked web process leaves through here too: it must not run the master's
            # clean-up (stopping the task worker), so it exits at once.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(stopped.code if isinstance(stopped.code, int) else 0)
        return stopped.code if isinstance(stopped.code, int) else 0
    return 0

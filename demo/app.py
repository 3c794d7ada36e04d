"""A small sample "API" in the seed's shape: the primary container of the sidecar pattern.

It logs every request with Python `logging` through a JSON formatter, one JSON object
per line, to <log-dir>/api.log; cw-sidecar ships that file to CloudWatch Logs.

    gunicorn -w 1 app:app -b 0.0.0.0:5000          # where gunicorn is installed
    python3 demo/app.py --port 5000 --log-dir logs   # stdlib only (wsgiref)

Standard library only.
"""

import argparse
import datetime as dt
import json
import logging
import os
import random
import sys
import time
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from socketserver import ThreadingMixIn

LOGGER_NAME = "api.access"
log = logging.getLogger(LOGGER_NAME)


class JsonFormatter(logging.Formatter):
    """One compact JSON object per record: @timestamp (ISO 8601 with offset), level,
    logger, message, then any `extra` fields given to the logging call."""

    RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

    def format(self, record):
        ts = dt.datetime.fromtimestamp(record.created).astimezone()
        doc = {
            "@timestamp": ts.isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for k, v in vars(record).items():
            if k not in self.RESERVED and not k.startswith("_"):
                doc[k] = v
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def setup_logging(log_dir):
    os.makedirs(log_dir, exist_ok=True)
    handler = logging.FileHandler(os.path.join(log_dir, "api.log"), encoding="utf-8")
    handler.setFormatter(JsonFormatter())
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False


USERS = {"1": "Zoë", "2": "Håkon", "3": "山田太郎", "4": "Ada"}
GREETINGS = ["Hello", "¡Hola!", "Bonjour", "こんにちは", "Grüß Gott", "👋"]


def route(method, path, query):
    """Returns (status, body dict, log message)."""
    if path == "/health":
        return 200, {"status": "ok"}, "health check"
    if path == "/":
        g = random.choice(GREETINGS)
        return 200, {"greeting": g}, f"greeted the visitor: {g}"
    if path.startswith("/users/"):
        uid = path.split("/", 2)[2]
        if uid in USERS:
            return 200, {"id": uid, "name": USERS[uid]}, f"user {USERS[uid]} fetched"
        return 404, {"error": "no such user"}, f"user {uid!r} not found"
    if path == "/orders" and method == "POST":
        return 201, {"order": random.randint(1000, 9999)}, "order created"
    if path == "/slow":
        time.sleep(0.05)
        return 200, {"slow": True}, "slow endpoint answered"
    if path == "/error":
        return 500, {"error": "internal"}, "division by zero while computing totals"
    return 404, {"error": "not found"}, f"no route for {path}"


REASONS = {200: "OK", 201: "Created", 404: "Not Found", 500: "Internal Server Error"}


def app(environ, start_response):
    """The WSGI application (gunicorn app:app)."""
    t0 = time.perf_counter()
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "/") or "/"
    query = environ.get("QUERY_STRING", "")
    status, body, message = route(method, path, query)
    duration_ms = round((time.perf_counter() - t0) * 1000, 3)
    level = logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.INFO
    log.log(level, message, extra={
        "path": path,
        "status": status,
        "duration_ms": duration_ms,
        "http": {
            "method": method,
            "query": query,
            "user_agent": environ.get("HTTP_USER_AGENT", ""),
            "client": {"ip": environ.get("REMOTE_ADDR", ""), "request_id": environ.get("HTTP_X_REQUEST_ID")},
        },
    })
    payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
    start_response(f"{status} {REASONS.get(status, '')}",
                   [("Content-Type", "application/json; charset=utf-8"),
                    ("Content-Length", str(len(payload)))])
    return [payload]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):  # the JSON log is the access log
        pass


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--log-dir", default=os.environ.get("LOG_PATH", "logs"))
    args = p.parse_args(argv)
    setup_logging(args.log_dir)
    with make_server(args.host, args.port, app, server_class=ThreadingWSGIServer,
                     handler_class=QuietHandler) as httpd:
        print(f"demo api listening on http://{args.host}:{args.port}, logging to "
              f"{os.path.join(args.log_dir, 'api.log')}", flush=True)
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
else:
    # Imported by a WSGI server: log next to the app unless LOG_PATH says otherwise.
    setup_logging(os.environ.get("LOG_PATH", os.path.join(os.path.dirname(os.path.abspath(__file__)), "logs")))

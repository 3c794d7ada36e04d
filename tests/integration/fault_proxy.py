"""A fault-injecting HTTP/1.1 reverse proxy between cw-sidecar and moto_server.

The sidecar is pointed at the proxy (its endpoint URL is the proxy's address); the
proxy forwards each request's bytes unchanged - request line, headers (Host included,
so the SigV4 signature still matches) and body - to moto on a fresh upstream
connection, so moto keeps verifying signatures.

Per request, a fault plan drawn from a seeded RNG decides what happens:

  throttle      answer 400 ThrottlingException, not forwarded
  unavailable   answer 503 ServiceUnavailableException, not forwarded
  close_before  close the client connection without forwarding
  close_after   forward (moto stores the batch), then close the client connection
                without answering: the only legitimate source of duplicates
  slow          delay the answer (before or after forwarding, see FaultPlan.slow_where)
  forward       plain forwarding

plus a burst: every request fails (throttle, 503 or close_before) for a while, starting
at the first PutLogEvents (or at once).

Every PutLogEvents that reaches moto is recorded (its events, moto's status, whether the
client got the answer), and every PutLogEvents body the proxy sees is checked against the
service's limits (moto is lenient); violations are collected in `violations`.

Standard library only. Listens on 127.0.0.1.
"""

import http.client
import json
import random
import socket
import socketserver
import threading
import time

# PutLogEvents limits (../shared/cloudwatch-facts.md).
MAX_BATCH_EVENTS = 10_000
MAX_BATCH_BYTES = 1_048_576
EVENT_OVERHEAD = 26
MAX_MESSAGE_BYTES = 1_048_550
MAX_SPAN_MS = 24 * 3600 * 1000

THROTTLE_BODY = b'{"__type":"ThrottlingException","message":"Rate exceeded"}'
UNAVAILABLE_BODY = b'{"__type":"ServiceUnavailableException","message":"Service unavailable"}'

ACTIONS = ("throttle", "unavailable", "close_before", "close_after", "slow")


class FaultPlan:
    """Fractions of requests per fault (the rest is forwarded), drawn in request order.

    ops: the X-Amz-Target operations faults apply to (None: every operation).
    burst_seconds / burst_action: a run of 100% failures; it starts at the first
    PutLogEvents when burst_on_first_put, else when the proxy starts (or at
    start_burst()).
    """

    def __init__(self, throttle=0.0, unavailable=0.0, close_before=0.0, close_after=0.0,
                 slow=0.0, slow_seconds=0.5, slow_where="before", seed=1, ops=None,
                 burst_seconds=0.0, burst_action="unavailable", burst_on_first_put=True):
        self.fractions = {"throttle": throttle, "unavailable": unavailable,
                          "close_before": close_before, "close_after": close_after, "slow": slow}
        if sum(self.fractions.values()) > 1.0 + 1e-9:
            raise ValueError("fault fractions add up to more than 1")
        self.slow_seconds = slow_seconds
        self.slow_where = slow_where
        self.seed = seed
        self.ops = set(ops) if ops else None
        self.burst_seconds = burst_seconds
        self.burst_action = burst_action
        self.burst_on_first_put = burst_on_first_put


class PutRecord:
    """One PutLogEvents request forwarded to moto."""

    __slots__ = ("index", "action", "messages", "timestamps", "moto_status", "moto_body", "answered",
                 "received_at", "answered_at")

    def __init__(self, index, action, messages, timestamps):
        self.index = index
        self.action = action
        self.messages = messages
        self.timestamps = timestamps
        self.moto_status = None   # HTTP status moto answered
        self.moto_body = b""      # and its body (rejectedLogEventsInfo)
        self.answered = False     # whether the client was sent moto's answer
        self.received_at = time.monotonic()
        self.answered_at = None   # time.monotonic() when the answer was written

    @property
    def stored(self):
        return self.moto_status == 200

    @property
    def stored_unanswered(self):
        """Moto stored it, the sidecar never saw the success: a legitimate resend."""
        return self.stored and not self.answered


def check_put_body(body):
    """Violations of the PutLogEvents limits in one request body (a list of strings)."""
    out = []
    try:
        doc = json.loads(body.decode("utf-8"))  # strict: invalid UTF-8 is a violation
    except (UnicodeDecodeError, ValueError) as e:
        return [f"body is not valid UTF-8 JSON: {e}"]
    events = doc.get("logEvents")
    if not isinstance(events, list):
        return ["logEvents missing or not a list"]
    if not 1 <= len(events) <= MAX_BATCH_EVENTS:
        out.append(f"{len(events)} events (allowed 1..{MAX_BATCH_EVENTS})")
    total = 0
    prev = None
    first = None
    for i, ev in enumerate(events):
        msg = ev.get("message")
        ts = ev.get("timestamp")
        if not isinstance(msg, str) or not isinstance(ts, int):
            out.append(f"event {i}: message/timestamp missing or of the wrong type")
            continue
        n = len(msg.encode("utf-8", "surrogatepass"))
        if not 1 <= n <= MAX_MESSAGE_BYTES:
            out.append(f"event {i}: message of {n} bytes (allowed 1..{MAX_MESSAGE_BYTES})")
        total += n + EVENT_OVERHEAD
        if prev is not None and ts < prev:
            out.append(f"event {i}: timestamp {ts} before the previous {prev}")
        prev = ts
        first = ts if first is None else first
    if total > MAX_BATCH_BYTES:
        out.append(f"batch of {total} bytes (allowed {MAX_BATCH_BYTES})")
    if events and first is not None and prev is not None and prev - first > MAX_SPAN_MS:
        out.append(f"batch spans {prev - first} ms (allowed {MAX_SPAN_MS})")
    for key in ("sequenceToken",):
        if key in doc:
            out.append(f"{key} sent (ignored by the service since 2023)")
    return out


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class _ClientGone(Exception):
    pass


class FaultProxy:
    """The proxy. start() it, point the sidecar at .endpoint, stop() it."""

    def __init__(self, upstream_port, plan=None, upstream_host="127.0.0.1"):
        self.upstream = (upstream_host, upstream_port)
        self.plan = plan or FaultPlan()
        self._rng = random.Random(self.plan.seed)
        self._lock = threading.Lock()
        self.records = []           # PutRecord, in order of arrival
        self.violations = []        # (request index, text)
        self.counts = {}            # action -> number of requests (all operations)
        self.put_counts = {}        # action -> number of PutLogEvents requests
        self.requests = 0
        self.connections = 0
        self.batches_seen = set()   # (first message, event count) of every PutLogEvents seen
        self._burst_until = None
        self._burst_started = False
        self._sockets = set()
        self._server = None
        self._thread = None
        self.port = None
        self.endpoint = None
        self.paused = threading.Event()  # while set, every request is refused by closing

    # -- life cycle ----------------------------------------------------------
    def start(self):
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                proxy._serve_connection(self.request)

        self._server = _Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        if self.plan.burst_seconds > 0 and not self.plan.burst_on_first_put:
            self.start_burst()
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        with self._lock:
            socks = list(self._sockets)
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- control ---------------------------------------------------------------
    def start_burst(self, seconds=None):
        with self._lock:
            self._burst_started = True
            self._burst_until = time.monotonic() + (seconds if seconds is not None else self.plan.burst_seconds)

    def burst_active(self):
        with self._lock:
            return self._burst_until is not None and time.monotonic() < self._burst_until

    # -- results ---------------------------------------------------------------
    def snapshot(self):
        with self._lock:
            return list(self.records)

    def stats(self):
        """Figures for a test's output."""
        with self._lock:
            recs = list(self.records)
            counts = dict(self.counts)
            puts = dict(self.put_counts)
        unanswered = [r for r in recs if r.stored_unanswered]
        return {
            "requests": self.requests,
            "connections": self.connections,
            "actions": counts,
            "put_actions": puts,
            "puts_forwarded": len(recs),
            "puts_stored": sum(1 for r in recs if r.stored),
            "puts_stored_unanswered": len(unanswered),
            "events_stored_unanswered": sum(len(r.messages) for r in unanswered),
            "violations": len(self.violations),
        }

    # -- the work --------------------------------------------------------------
    def _decide(self, target):
        """The action for one request (under the lock: drawn in arrival order)."""
        op = target.rsplit(".", 1)[-1]
        is_put = op == "PutLogEvents"
        with self._lock:
            self.requests += 1
            if (is_put and self.plan.burst_seconds > 0 and self.plan.burst_on_first_put
                    and not self._burst_started):
                self._burst_started = True
                self._burst_until = time.monotonic() + self.plan.burst_seconds
            if self.paused.is_set():
                action = "close_before"
            elif self._burst_until is not None and time.monotonic() < self._burst_until:
                action = self.plan.burst_action
            elif self.plan.ops is not None and op not in self.plan.ops:
                action = "forward"
            else:
                draw = self._rng.random()
                action = "forward"
                acc = 0.0
                for name in ACTIONS:
                    acc += self.plan.fractions[name]
                    if draw < acc:
                        action = name
                        break
            self.counts[action] = self.counts.get(action, 0) + 1
            if is_put:
                self.put_counts[action] = self.put_counts.get(action, 0) + 1
            return action, is_put, self.requests

    def _serve_connection(self, sock):
        with self._lock:
            self.connections += 1
            self._sockets.add(sock)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        rfile = sock.makefile("rb")
        try:
            while True:
                req = self._read_request(rfile, sock)
                if req is None:
                    return
                if not self._handle(sock, *req):
                    return
        except (_ClientGone, OSError, http.client.HTTPException):
            return
        finally:
            with self._lock:
                self._sockets.discard(sock)
            try:
                rfile.close()
                sock.close()
            except OSError:
                pass

    @staticmethod
    def _read_request(rfile, sock):
        """(head bytes to forward, headers dict lower-case, body, keep_alive) or None at EOF."""
        request_line = rfile.readline(65537)
        if not request_line:
            return None
        while request_line in (b"\r\n", b"\n"):
            request_line = rfile.readline(65537)
            if not request_line:
                return None
        lines = [request_line]
        headers = {}
        while True:
            line = rfile.readline(65537)
            if not line:
                raise _ClientGone()
            if line in (b"\r\n", b"\n"):
                break
            lines.append(line)
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("expect", "").lower() == "100-continue":
            sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            # Not forwarded: moto gets the whole body at once (Expect is not signed).
            lines = [l for l in lines if not l.lower().startswith(b"expect:")]
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = bytearray()
            while True:
                size = int(rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                body += rfile.read(size)
                rfile.readline()
            body = bytes(body)
            lines = [l for l in lines if not l.lower().startswith(b"transfer-encoding:")]
            lines.append(f"Content-Length: {len(body)}\r\n".encode())
        else:
            n = int(headers.get("content-length", "0"))
            body = rfile.read(n) if n else b""
            if len(body) != n:
                raise _ClientGone()
        version = request_line.split()[-1].upper() if request_line.split() else b"HTTP/1.1"
        conn = headers.get("connection", "").lower()
        keep_alive = (version == b"HTTP/1.1" and conn != "close") or conn == "keep-alive"
        return b"".join(lines) + b"\r\n", headers, body, keep_alive

    def _handle(self, sock, head, headers, body, keep_alive):
        """One request; returns whether the client connection stays open."""
        target = headers.get("x-amz-target", "")
        action, is_put, index = self._decide(target)
        record = None
        if is_put:
            problems = check_put_body(body)
            if problems:
                with self._lock:
                    self.violations.extend((index, p) for p in problems)
            try:
                events = json.loads(body.decode("utf-8", "replace")).get("logEvents") or []
                if events:
                    with self._lock:
                        self.batches_seen.add((events[0].get("message"), len(events)))
            except ValueError:
                pass
        if action == "close_before":
            return False
        if action == "throttle":
            self._answer(sock, 400, "Bad Request", THROTTLE_BODY, keep_alive)
            return keep_alive
        if action == "unavailable":
            self._answer(sock, 503, "Service Unavailable", UNAVAILABLE_BODY, keep_alive)
            return keep_alive
        if action == "slow" and self.plan.slow_where == "before":
            time.sleep(self.plan.slow_seconds)
        if is_put:
            try:
                doc = json.loads(body.decode("utf-8", "replace"))
                events = doc.get("logEvents") or []
                record = PutRecord(index, action, [e.get("message") for e in events],
                                   [e.get("timestamp") for e in events])
            except ValueError:
                record = PutRecord(index, action, [], [])
            with self._lock:
                self.records.append(record)
        status, reason, resp_headers, resp_body = self._forward(head + body)
        if record is not None:
            record.moto_status = status
            record.moto_body = resp_body
        if action == "close_after":
            return False
        if action == "slow" and self.plan.slow_where == "after":
            time.sleep(self.plan.slow_seconds)
        self._answer(sock, status, reason, resp_body, keep_alive, resp_headers)
        if record is not None:
            record.answered = True
            record.answered_at = time.monotonic()
        return keep_alive

    def _forward(self, raw):
        up = socket.create_connection(self.upstream, timeout=60)
        try:
            up.sendall(raw)
            resp = http.client.HTTPResponse(up, method="POST")
            resp.begin()
            body = resp.read()
            return resp.status, resp.reason, resp.getheaders(), body
        finally:
            up.close()

    @staticmethod
    def _answer(sock, status, reason, body, keep_alive, headers=None):
        skip = {"content-length", "transfer-encoding", "connection", "keep-alive"}
        out = [f"HTTP/1.1 {status} {reason}\r\n"]
        if headers is None:
            headers = [("Content-Type", "application/x-amz-json-1.1"),
                       ("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000"),
                       ("Date", time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime()))]
        for name, value in headers:
            if name.lower() not in skip:
                out.append(f"{name}: {value}\r\n")
        out.append(f"Content-Length: {len(body)}\r\n")
        if not keep_alive:
            out.append("Connection: close\r\n")
        out.append("\r\n")
        sock.sendall("".join(out).encode("latin-1") + body)


def duplicate_report(records, stored_messages, expected):
    """Compare what moto stored with what the proxy saw.

    records: the proxy's PutRecords; stored_messages: every message moto holds (a list);
    expected: the messages that must be there (each once, unique).
    Returns a dict: lost (expected messages not stored), unexpected (stored messages
    never expected), dups (message -> extra copies), illegitimate (messages stored more
    often than legitimate resends explain), answered_twice (messages the sidecar saw
    accepted more than once: a real double send), legit_events (extra copies that
    closed-after-forwarding requests explain).
    """
    from collections import Counter
    stored = Counter(stored_messages)
    want = Counter(expected)
    lost = sorted(m for m in want if stored[m] == 0)
    unexpected = sorted(m for m in stored if m not in want)
    dups = {m: c - 1 for m, c in stored.items() if c > 1}
    answered_ok = Counter()
    unanswered = Counter()
    for r in records:
        if not r.stored:
            continue
        for m in r.messages:
            if r.answered:
                answered_ok[m] += 1
            else:
                unanswered[m] += 1
    answered_twice = sorted(m for m, c in answered_ok.items() if c > 1 and m in want)
    illegitimate = sorted(m for m, extra in dups.items() if extra > unanswered[m])
    return {
        "lost": lost,
        "unexpected": unexpected,
        "dups": dups,
        "dup_events": sum(dups.values()),
        "illegitimate": illegitimate,
        "answered_twice": answered_twice,
        "legit_events": sum(unanswered.values()),
    }


# -- helpers shared by the fault tests -------------------------------------------

def slowdown():
    """How much longer things may take: x3 for sanitizer builds of the binary."""
    import os
    path = os.environ.get("CW_SIDECAR", "")
    return 3.0 if ("/asan/" in path or "/tsan/" in path) else 1.0


def parse_summary(stderr, prefixes=("done: ", "stopped by signal: ", "stopped: ")):
    """The counters of the last summary line the sidecar logged at exit, as a dict of ints."""
    for line in reversed(stderr.splitlines()):
        for prefix in prefixes:
            at = line.find(prefix)
            if at >= 0:
                out = {}
                for field in line[at + len(prefix):].split():
                    name, _, value = field.partition("=")
                    if value.isdigit():
                        out[name] = int(value)
                if "lines" in out:
                    out["_kind"] = prefix.strip(": ")
                    return out
    return None


def rejected_counts(records):
    """Events moto said it rejected, as the API defines the indexes (too new: start index,
    inclusive; too old / expired: end index, exclusive), over the answered stored puts."""
    too_new = too_old = expired = 0
    for r in records:
        if not (r.stored and r.answered):
            continue
        try:
            info = json.loads(r.moto_body.decode("utf-8") or "{}").get("rejectedLogEventsInfo") or {}
        except ValueError:
            continue
        n = len(r.messages)
        exp = min(max(info.get("expiredLogEventEndIndex", 0), 0), n)
        old = max(min(max(info.get("tooOldLogEventEndIndex", 0), 0), n), exp)
        new_start = max(min(info.get("tooNewLogEventStartIndex", n), n), old)
        expired += exp
        too_old += old - exp
        too_new += n - new_start
    return {"too_new": too_new, "too_old": too_old, "expired": expired}

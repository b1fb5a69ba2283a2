"""The studio's local web server: the page and its small JSON API, on 127.0.0.1 only.

The standard library's `ThreadingHTTPServer` is enough here (one person, one page, a
handful of requests a second) and adds no dependency. Each request runs in its own
thread, and solving runs in the studio's worker, so a slow solve never blocks the page.

Safety, because any web page the person visits could try to reach a local server:
- it listens on 127.0.0.1 only;
- it answers only requests whose Host is 127.0.0.1:PORT or localhost:PORT, so a foreign
  name re-bound to 127.0.0.1 (DNS rebinding) gets nothing;
- every request that changes something is a POST carrying the per-run token, which only
  the page itself holds (it is written into the page);
- it serves nothing but what it generates (no path from the page is ever opened), and it
  writes only the plan file it was started with, and that file's backup.
"""

from __future__ import annotations

import hmac
import json
import secrets
import sys
import threading
from functools import cache
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

from trainweek.constraints import WEIGHT_NAMES
from trainweek.scheduler.errors import TrainweekError
from trainweek.scheduler.interrupt import SearchStopped
from trainweek.scheduler.studio import Result, Setting, Studio, objective_bars, objective_titles
from trainweek.scheduler.view_layout import shown
from trainweek.scheduler.week import Week

TOKEN_HEADER = "X-Trainweek-Token"
# A long poll answers at the latest after this, so the page can notice a server gone away.
POLL_SECONDS = 20.0
MAX_BODY = 64 * 1024


@cache
def page_template() -> str:
    return resources.files("trainweek.scheduler").joinpath("studio.html").read_text(encoding="utf-8")


def week_json(week: Week, moved: list[str] | None = None) -> dict[str, Any]:
    from trainweek.scheduler.view import week_html

    return {
        "html": week_html(week),
        "status": week.status,
        "objective": week.objective,
        "bound": week.bound,
        "proven_optimal": week.proven_optimal,
        "first_fit": week.first_fit,
        "weights": week.weights,
        "parts": objective_bars(week),
        "moved": moved or [],
        "sessions": [
            {"label": p.occurrence.label, "name": p.spec.name, "day": p.day, "when": p.when} for p in week.placements
        ],
        "solve_seconds": round(week.solve_seconds, 4),
    }


def result_json(result: Result | None) -> dict[str, Any] | None:
    if result is None:
        return None
    answer: dict[str, Any] = {
        "request": result.request,
        "weights": result.setting.weights,
        "off": sorted(result.setting.off),
        "relaxed": sorted(result.setting.relaxed),
        "seconds": round(result.seconds, 4),
        "error": result.error,
    }
    if result.week is not None:
        answer["week"] = week_json(result.week, result.moved)
    return answer


class StudioServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, studio: Studio, port: int = 0) -> None:
        self.studio = studio
        self.token = secrets.token_urlsafe(24)
        super().__init__(("127.0.0.1", port), StudioHandler)
        self.port = self.server_address[1]
        self.allowed_hosts = {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}
        self.week_on_screen: Week | None = None  # a trade-off week picked on the page, else the latest result
        self.trade_off_weeks: list[Week] = []  # the weeks of the chart on the page, in its order

    def handle_error(self, request, client_address) -> None:
        """A page closed mid-answer is no error; anything else is a bug and keeps its traceback."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start_in_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, name="trainweek-studio-server", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self.studio.stop()


class Refused(Exception):
    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


class StudioHandler(BaseHTTPRequestHandler):
    server: StudioServer
    server_version = "trainweek-studio"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the terminal shows the address only
        pass

    # Checks common to every request.

    def _check_host(self) -> None:
        if self.headers.get("Host", "") not in self.server.allowed_hosts:
            raise Refused(HTTPStatus.FORBIDDEN, "this server answers only at its own local address")

    def _check_token(self) -> None:
        given = self.headers.get(TOKEN_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.server.token.encode()):
            raise Refused(HTTPStatus.FORBIDDEN, "missing or wrong token; reload the page")
        origin = self.headers.get("Origin")
        if origin is not None and origin not in {f"http://{host}" for host in self.server.allowed_hosts}:
            raise Refused(HTTPStatus.FORBIDDEN, "request from another site")

    def _body(self) -> dict[str, Any]:
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            raise Refused(HTTPStatus.BAD_REQUEST, "bad Content-Length") from None
        if not 0 <= length <= MAX_BODY:
            raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request too large")
        try:
            data = json.loads(self.rfile.read(length) or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise Refused(HTTPStatus.BAD_REQUEST, "the request is not JSON") from None
        if not isinstance(data, dict):
            raise Refused(HTTPStatus.BAD_REQUEST, "the request must be a JSON object")
        return data

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, data: Any, status: HTTPStatus = HTTPStatus.OK) -> None:
        self._send(status, json.dumps(data).encode(), "application/json")

    def _handle(self, route) -> None:
        try:
            self._check_host()
            route()
        except Refused as refused:
            self._json({"error": str(refused)}, refused.status)
        except TrainweekError as error:
            self._json({"error": str(error)}, HTTPStatus.BAD_REQUEST)

    def do_GET(self) -> None:
        self._handle(self._get)

    def do_POST(self) -> None:
        self._handle(self._post)

    # GET: the page, the state, the calendar.

    def _get(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if url.path == "/":
            self._send(HTTPStatus.OK, self._page().encode(), "text/html; charset=utf-8", {"Content-Security-Policy": _CSP})
        elif url.path == "/api/state":
            seen = _int(query.get("seen", ["-1"])[0])
            self.server.studio.wait(seen, POLL_SECONDS)
            self._json(self._state())
        elif url.path == "/week.ics":
            self._calendar()
        else:
            raise Refused(HTTPStatus.NOT_FOUND, "nothing here")

    def _page(self) -> str:
        studio = self.server.studio
        first = studio.first_setting()
        setup = {
            "token": self.server.token,
            "file": studio.path,
            "weights": first.weights,
            "fileWeights": studio.file_weights(),
            "titles": objective_titles(),
            "names": list(WEIGHT_NAMES),
            # Each session's name as the plan spells it (what "off" takes) and as the week view shows it.
            "sessions": [{"name": spec.name, "shown": shown(spec.name)} for spec in studio.plan.sessions],
            "relaxable": studio.relaxable(),
        }
        # Inside <script>, "</script" or "<!--" would change how the page reads: no "<" at all.
        data = json.dumps(setup).replace("<", "\\u003c")
        return page_template().replace("{{TITLE}}", escape(f"trainweek studio: {studio.path}")).replace("{{SETUP}}", data)

    def _state(self) -> dict[str, Any]:
        state = self.server.studio.state()
        return {**state, "result": result_json(state["result"])}

    def _calendar(self) -> None:
        from pathlib import Path

        from trainweek.scheduler.ics import week_ics

        week = self.server.week_on_screen or (self.server.studio.result.week if self.server.studio.result else None)
        if week is None:
            raise Refused(HTTPStatus.CONFLICT, "no week on screen yet")
        name = (Path(self.server.studio.path).stem or "week") + ".ics"
        safe = "".join(char if char.isalnum() or char in "-_." else "_" for char in name)
        self._send(HTTPStatus.OK, week_ics(week), "text/calendar; charset=utf-8", {"Content-Disposition": f'attachment; filename="{safe}"'})

    # POST: every change, with the token.

    def _post(self) -> None:
        self._check_token()
        url = urlsplit(self.path)
        body = self._body()
        studio = self.server.studio
        if url.path == "/api/solve":
            self.server.week_on_screen = None
            self._json({"request": studio.submit(body)})
        elif url.path == "/api/trade-off":
            setting = studio.setting(body.get("setting", {}))
            ask = body.get("ask")
            if ask is not None and not (
                isinstance(ask, list) and ask and all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in ask)
            ):
                raise Refused(HTTPStatus.BAD_REQUEST, "ask must be a list of numbers: the order the page asked in")
            try:
                found = studio.trade_off(body.get("weight", ""), setting, ask=None if ask is None else tuple(ask))
            except SearchStopped:
                raise Refused(HTTPStatus.CONFLICT, "stopped: a newer trade-off replaced this one, or the studio is stopping") from None
            self.server.trade_off_weeks = [week for _, week in found]
            self._json({"weight": body.get("weight"), "weeks": [{"values": values, "week": week_json(week)} for values, week in found]})
        elif url.path == "/api/show":
            # A week of the trade-off chart picked on the page: that very week (not a new
            # solve, which may pick another of equal score) is what "Download .ics" gives.
            weeks = self.server.trade_off_weeks
            if not weeks:
                raise Refused(HTTPStatus.CONFLICT, "no trade-off chart yet")
            index = body.get("index")
            if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(weeks):
                raise Refused(HTTPStatus.BAD_REQUEST, f"index must be a week of the chart, 0 to {len(weeks) - 1}")
            self.server.week_on_screen = weeks[index]
            self._json({"week": week_json(weeks[index])})
        elif url.path == "/api/pin":
            week = self.server.week_on_screen or (studio.result.week if studio.result else None)
            if week is None:
                raise Refused(HTTPStatus.CONFLICT, "no week on screen yet")
            self._json({"sentence": studio.pin(week, str(body.get("session", "")), body.get("day"))})
        elif url.path == "/api/save-preview":
            _, diff = studio.save_preview(body.get("weights", {}))
            self._json({"diff": diff})
        elif url.path == "/api/save":
            backup, diff = studio.save(body.get("weights", {}))
            self._json({"backup": str(backup) if backup else None, "diff": diff, "fileWeights": studio.file_weights()})
        else:
            raise Refused(HTTPStatus.NOT_FOUND, "nothing here")


# The page runs only its own inline script and style, and talks only to this server.
_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; frame-src 'self'; child-src 'self'; base-uri 'none'; form-action 'none'"


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise Refused(HTTPStatus.BAD_REQUEST, f"'{text}' is not a whole number") from None


def serve(studio: Studio, port: int = 0) -> StudioServer:
    """A studio server listening on 127.0.0.1 (a free port unless `port` is given), not yet serving."""
    return StudioServer(studio, port)


__all__ = ["StudioServer", "Setting", "serve"]

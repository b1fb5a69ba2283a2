"""`trainweek studio`'s JSON API, against a real server on 127.0.0.1 in a thread.

A weight change re-solves to the week `solve --weight` scores, started from the week on
screen; a newer request supersedes one still waiting; foreign Host headers and requests
without the token are refused; bad values are errors, not crashes; saving keeps the
file's comments and a backup of it.
"""

from __future__ import annotations

import http.client
import json
import shutil
import threading
import time
from pathlib import Path

import pytest

from trainweek.scheduler.loading import load_plan
from trainweek.scheduler.solve import SolveOptions, solve
from trainweek.scheduler.studio import Studio, moved_labels, with_weights
from trainweek.scheduler.studio_server import TOKEN_HEADER, serve

ROOT = Path(__file__).resolve().parent.parent
HYBRID = ROOT / "examples" / "hybrid-athlete.yaml"
STRENGTH = ROOT / "examples" / "strength-first.yaml"
NEVER_PROVEN = next((ROOT / "benchmarks" / "instances" / "huge").glob("huge-02-*.yaml"))


class Client:
    def __init__(self, server) -> None:
        self.server = server
        self.host = f"127.0.0.1:{server.port}"

    def request(self, method: str, path: str, body=None, headers=None, token: str | None = "page"):
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        sent = {"Host": self.host, "Content-Type": "application/json"}
        if token == "page":
            sent[TOKEN_HEADER] = self.server.token
        elif token is not None:
            sent[TOKEN_HEADER] = token
        sent.update(headers or {})
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        connection.putrequest(method, path, skip_host=True)
        for name, value in sent.items():
            connection.putheader(name, value)
        if data is not None:
            connection.putheader("Content-Length", str(len(data)))
        connection.endheaders(data)
        response = connection.getresponse()
        payload = response.read()
        connection.close()
        kind = response.getheader("Content-Type", "")
        return response.status, json.loads(payload) if kind.startswith("application/json") else payload

    def post(self, path: str, body, **extra):
        return self.request("POST", path, body, **extra)

    def get(self, path: str, **extra):
        return self.request("GET", path, **extra)


def start(plan_path: Path, **studio_args):
    server = serve(Studio(str(plan_path), **studio_args))
    server.start_in_thread()
    return server


@pytest.fixture
def plan_copy(tmp_path):
    def copy(source: Path = STRENGTH) -> Path:
        target = tmp_path / source.name
        shutil.copyfile(source, target)
        return target

    return copy


@pytest.fixture
def running():
    servers = []

    def run(plan_path: Path, **studio_args):
        server = start(plan_path, **studio_args)
        servers.append(server)
        return server, Client(server)

    yield run
    for server in servers:
        server.stop()


def test_a_weight_change_resolves_to_the_week_solve_weight_scores_from_the_week_on_screen(running, plan_copy):
    server, client = running(plan_copy(HYBRID))
    status, first = client.post("/api/solve", {})
    assert status == 200
    before = server.studio.wait_done(first["request"]).week

    status, asked = client.post("/api/solve", {"weights": {"hard_easy": 0}})
    assert status == 200
    server.studio.wait_done(asked["request"])
    status, state = client.get("/api/state?seen=-1")
    assert status == 200
    shown = state["result"]

    plan = load_plan(HYBRID)
    options = SolveOptions(weights={"hard_easy": 0})
    alone = solve(plan, options)  # what `solve --weight hard_easy=0` gives
    assert shown["week"]["objective"] == alone.objective
    assert shown["week"]["proven_optimal"] and alone.proven_optimal
    assert {row["name"]: row["raw"] for row in shown["week"]["parts"]} == alone.parts
    assert shown["week"]["weights"]["hard_easy"] == 0
    # Started from the week on screen, as sweep does: only real moves are marked.
    hinted = solve(plan, options, near={p.occurrence.index: p.local_start for p in before.placements})
    assert [(s["label"], s["when"]) for s in shown["week"]["sessions"]] == [(p.occurrence.label, p.when) for p in hinted.placements]
    assert shown["week"]["moved"] == moved_labels(before, hinted)
    assert shown["week"]["moved"], "hard_easy 0 moves sessions of this example"
    assert "<main class=\"week\"" in shown["week"]["html"]


def test_a_slow_solve_shows_progress_and_a_newer_request_supersedes_one_still_waiting(running, plan_copy):
    entered, release = threading.Event(), threading.Event()
    solved = []

    def slow_first(plan, options, callback=None, near=None):
        solved.append(dict(options.weights))
        if len(solved) == 1:
            server.studio._progress(1, 12.5, 10.0)  # what the solver's callback reports on a solution
            entered.set()
            assert release.wait(60)
        return solve(plan, options, near=near)

    server, client = running(plan_copy(), solver=slow_first)
    first = client.post("/api/solve", {"weights": {"interference": 1}})[1]["request"]
    assert entered.wait(60)
    # While the first solve runs, two more requests come; the second replaces the first waiting one.
    client.post("/api/solve", {"weights": {"interference": 2}})
    status, state = client.get("/api/state?seen=-1")
    assert state["requested"] == first + 1 and state["solving"] == first and state["result"] is None
    assert state["progress"] == {"request": first, "solutions": 1, "objective": 12.5, "bound": 10.0}
    last = client.post("/api/solve", {"weights": {"interference": 3}})[1]["request"]
    release.set()
    result = server.studio.wait_done(last)

    assert result.request == last
    assert result.setting.weights["interference"] == 3
    assert [weights["interference"] for weights in solved] == [1, 3], "the superseded request is never solved"
    status, state = client.get("/api/state?seen=-1")
    assert state["result"]["request"] == last and state["result"]["weights"]["interference"] == 3


def _solving(studio: Studio, request: int) -> None:
    """Wait until the studio's search for `request` has found a first week."""
    for _ in range(1200):
        progress = studio.state()["progress"]
        if progress and progress["request"] == request:
            return
        time.sleep(0.05)
    raise AssertionError(f"request {request} found no week within 60 s")


def test_a_newer_request_stops_the_running_search_and_is_solved(plan_copy):
    # 30 sessions on session pairs with a ten-minute limit: its search never proves. It
    # stops when the newer request comes, not at its next week, which late in a search can
    # take the whole limit; the worker then takes the newer one.
    studio = Studio(str(plan_copy(NEVER_PROVEN)), SolveOptions(time_limit=600))
    try:
        first = studio.submit({})
        _solving(studio, first)
        second = studio.submit({"weights": {"interference": 3}})
        _solving(studio, second)
        assert studio.result is None or studio.result.request != first  # the stopped one is never shown
    finally:
        studio.stop()
    assert not studio._thread.is_alive()


def test_stopping_the_studio_stops_the_running_search(plan_copy):
    # What Ctrl+C on `trainweek studio` does: before, it waited for the search's whole limit.
    studio = Studio(str(plan_copy(NEVER_PROVEN)), SolveOptions(time_limit=600))
    _solving(studio, studio.submit({}))
    studio.stop()  # waits at most 60 s for the worker
    assert not studio._thread.is_alive()


def test_a_newer_trade_off_or_the_studios_stop_ends_a_running_trade_off(running, plan_copy):
    # Each solve of a big week's trade-off runs to its limit: before, picking another
    # weight, or Ctrl+C on the studio, left the earlier trade-off solving for minutes.
    server, client = running(plan_copy(NEVER_PROVEN), options=SolveOptions(time_limit=600))
    answers: dict[str, tuple] = {}
    started: list = []  # each trade-off's stopper, as it begins

    def trade_off(weight: str) -> threading.Thread:
        def ask() -> None:
            answers[weight] = client.post("/api/trade-off", {"weight": weight, "setting": {}})

        thread = threading.Thread(target=ask, daemon=True)
        thread.start()
        for _ in range(600):
            running_now = server.studio._trade_off
            if running_now is not None and running_now not in started:
                started.append(running_now)
                time.sleep(2)  # well inside its first solve
                return thread
            time.sleep(0.05)
        raise AssertionError(f"the trade-off across {weight} did not start within 30 s")

    first = trade_off("interference")
    second = trade_off("separation")
    first.join(timeout=30)
    assert not first.is_alive(), "the first trade-off is still solving"
    assert answers["interference"][0] == 409 and "a newer trade-off replaced this one" in answers["interference"][1]["error"]
    server.studio.stop()
    second.join(timeout=30)
    assert not second.is_alive(), "the trade-off still solves after the studio stopped"
    assert answers["separation"][0] == 409


def test_a_trade_off_asked_earlier_that_arrives_later_is_refused_and_stops_nothing(running, plan_copy):
    # The page asks twice at once; the second request may reach the server first. Before,
    # the first, arriving later, stopped the second: the page showed "stopped" and no chart.
    server, client = running(plan_copy(NEVER_PROVEN), options=SolveOptions(time_limit=600))
    answers: dict[str, tuple] = {}
    newer = threading.Thread(target=lambda: answers.update(newer=client.post("/api/trade-off", {"weight": "separation", "setting": {}, "ask": [1000.5, 2]})), daemon=True)
    newer.start()
    for _ in range(600):
        if server.studio._trade_off is not None:
            break
        time.sleep(0.05)
    running_now = server.studio._trade_off
    assert running_now is not None, "the newer trade-off did not start within 30 s"
    older = client.post("/api/trade-off", {"weight": "interference", "setting": {}, "ask": [1000.5, 1]})
    assert older[0] == 409 and "a newer trade-off replaced this one" in older[1]["error"]
    assert server.studio._trade_off is running_now and not running_now.stopped, "the newer one still solves"
    assert client.post("/api/trade-off", {"weight": "interference", "setting": {}, "ask": "first"})[0] == 400
    server.studio.stop()
    newer.join(timeout=30)
    assert not newer.is_alive()


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1", "127.0.0.1:1", "localhost.evil.example", ""])
def test_a_foreign_host_header_is_refused(running, plan_copy, host):
    server, client = running(plan_copy())
    for method, path in (("GET", "/"), ("GET", "/api/state?seen=-1"), ("POST", "/api/solve"), ("GET", "/week.ics")):
        status, body = client.request(method, path, {} if method == "POST" else None, headers={"Host": host})
        assert status == 403, (method, path)
        assert body == {"error": "this server answers only at its own local address"}


def test_the_local_names_are_served(running, plan_copy):
    server, client = running(plan_copy())
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}"):
        status, page = client.get("/", headers={"Host": host})
        assert status == 200
        assert server.token.encode() in page
        assert b"http://" not in page.replace(b"http://www.w3.org/2000/svg", b"")  # nothing fetched from elsewhere


def test_state_changing_requests_need_the_token(running, plan_copy):
    server, client = running(plan_copy())
    before = server.studio.state()["requested"]
    for path in ("/api/solve", "/api/save", "/api/save-preview", "/api/trade-off", "/api/pin", "/api/show"):
        for token in (None, "", "wrong", server.token[:-1]):
            status, body = client.post(path, {"weights": {"interference": 100}}, token=token)
            assert status == 403 and body == {"error": "missing or wrong token; reload the page"}, (path, token)
    status, body = client.post("/api/solve", {}, headers={"Origin": "http://evil.example"})
    assert status == 403
    assert server.studio.state()["requested"] == before
    assert Path(server.studio.path).read_text() == STRENGTH.read_text()
    assert not list(Path(server.studio.path).parent.glob("*.bak*"))


@pytest.mark.parametrize(
    "body, message",
    [
        ({"weights": {"interference": "lots"}}, "weights interference=lots: a weight is a number, e.g. 5 or 2.5"),
        ({"weights": {"interference": -1}}, "a weight cannot be negative"),
        ({"weights": {"interference": 1.234}}, "has more than two decimals"),
        ({"weights": {"interference": 1e9}}, "at most 10000"),
        ({"weights": {"nonsense": 1}}, "unknown weight 'nonsense'"),
        ({"weights": [1, 2]}, "weights [1, 2]: must map weight names to numbers"),
        ({"off": ["No such session"]}, "off No such session: is not a session of the plan"),
        ({"off": ["Heavy lower body", "Upper body", "Easy run"]}, "would leave no session"),
        ({"relaxed": ["no_overlap"]}, "relaxed no_overlap: cannot be switched off"),
        ({"week": 1}, "week: is not a studio setting"),
    ],
)
def test_a_bad_value_from_the_page_is_an_error_not_a_crash(running, plan_copy, body, message):
    server, client = running(plan_copy())
    status, answer = client.post("/api/solve", body)
    assert status == 400
    assert message in answer["error"]
    status, _ = client.post("/api/solve", {})  # still serving
    assert status == 200


def test_malformed_requests_are_errors(running, plan_copy):
    server, client = running(plan_copy())
    assert client.post("/api/solve", b"{not json")[0] == 400
    assert client.post("/api/solve", b"[1]")[0] == 400
    assert client.post("/api/pin", {"session": "Upper body", "day": 9})[0] in (400, 409)
    assert client.get("/api/state?seen=x")[0] == 400
    for path in ("/../../etc/passwd", "/studio.html", "/scheduler/studio.py", "/week.css", f"/{Path(server.studio.path).name}"):
        status, body = client.get(path)
        assert status == 404, path


def test_switching_a_session_off_leaves_it_out_and_a_rule_off_loosens_it(running, plan_copy):
    server, client = running(plan_copy())
    request = client.post("/api/solve", {"off": ["Upper body"], "relaxed": ["rest_days"]})[1]["request"]
    week = server.studio.wait_done(request).week
    assert "Upper body" not in [p.spec.name for p in week.placements]
    assert week.plan.rules.rest_days == 0


def test_pinning_a_session_says_what_it_costs_and_why(running, plan_copy):
    server, client = running(plan_copy(HYBRID))
    week = server.studio.wait_done(client.post("/api/solve", {})[1]["request"]).week
    placement = week.placements[0]
    other = (placement.day + 1) % 7
    status, answer = client.post("/api/pin", {"session": placement.occurrence.label, "day": other})
    assert status == 200
    from trainweek.scheduler.explain import alternatives

    expected = next(a for a in alternatives(week)[placement.occurrence.index] if a.day == other)
    if expected.blocked_by:
        assert answer["sentence"] == f"{placement.occurrence.label} cannot go on {expected.sentence.removeprefix('not on ')}"
    else:
        assert answer["sentence"] == f"Pinning {placement.occurrence.label} on {expected.sentence}"
    # Every day of the week gets an answer in words.
    for day in range(7):
        status, answer = client.post("/api/pin", {"session": placement.occurrence.label, "day": day})
        assert status == 200 and placement.occurrence.label in answer["sentence"]


def test_pinning_a_session_to_a_day_its_only_on_leaves_out_says_so(running, tmp_path):
    plan = tmp_path / "pinned.yaml"
    plan.write_text(STRENGTH.read_text().replace("    times: 1\n", "    times: 1\n    only_on: [sat, sun]\n", 1))
    server, client = running(plan)
    week = server.studio.wait_done(client.post("/api/solve", {})[1]["request"]).week
    assert next(p.day for p in week.placements if p.spec.name == "Upper body") in (5, 6)
    status, answer = client.post("/api/pin", {"session": "Upper body", "day": 2})
    assert status == 200
    assert answer["sentence"] == "Upper body cannot go on Wednesday: the plan keeps it to Saturday or Sunday (only_on)."


def test_the_trade_off_view_gives_the_distinct_weeks_sweep_finds(running, plan_copy):
    from trainweek.scheduler.studio import TRADE_OFF_VALUES
    from trainweek.scheduler.sweep import sweep

    server, client = running(plan_copy())
    status, answer = client.post("/api/trade-off", {"weight": "preferred_times", "setting": {}})
    assert status == 200
    found = sweep(load_plan(STRENGTH), {"preferred_times": list(TRADE_OFF_VALUES)})
    assert [entry["values"] for entry in answer["weeks"]] == [[s["preferred_times"] for s in entry.settings] for entry in found]
    assert [{row["name"]: row["raw"] for row in entry["week"]["parts"]} for entry in answer["weeks"]] == [entry.week.parts for entry in found]
    assert client.post("/api/trade-off", {"weight": "nope", "setting": {}})[0] == 400


def test_a_picked_trade_off_week_is_that_very_week_on_screen_and_in_the_download(running, plan_copy):
    """Not a new solve of its setting, which may return another week of equal score."""
    server, client = running(plan_copy())
    assert client.post("/api/show", {"index": 0})[0] == 409  # no chart yet
    status, answer = client.post("/api/trade-off", {"weight": "preferred_times", "setting": {}})
    assert status == 200 and answer["weeks"]
    last = len(answer["weeks"]) - 1
    status, shown = client.post("/api/show", {"index": last})
    assert status == 200
    assert server.week_on_screen is server.trade_off_weeks[last]
    assert shown["week"] == answer["weeks"][last]["week"]
    status, body = client.get("/week.ics", token=None)
    assert status == 200 and body.count(b"BEGIN:VEVENT") == len(server.trade_off_weeks[last].placements)
    for bad in (last + 1, -1, "0", True, None):
        assert client.post("/api/show", {"index": bad})[0] == 400, bad


def test_download_gives_the_calendar_of_the_week_on_screen(running, plan_copy):
    server, client = running(plan_copy())
    week = server.studio.wait_done(client.post("/api/solve", {})[1]["request"]).week
    status, body = client.get("/week.ics", token=None)
    assert status == 200
    assert body.startswith(b"BEGIN:VCALENDAR")
    assert body.count(b"BEGIN:VEVENT") == len(week.placements)


def test_save_writes_the_weights_keeping_comments_and_a_backup(running, plan_copy):
    path = plan_copy()
    original = path.read_text()
    server, client = running(path)

    status, preview = client.post("/api/save-preview", {"weights": {"interference": 100, "tidy_times": 2.5}})
    assert status == 200
    assert "+weights:\n+  interference: 100\n+  tidy_times: 2.5\n" in preview["diff"]
    assert path.read_text() == original, "a preview writes nothing"

    status, saved = client.post("/api/save", {"weights": {"interference": 100, "tidy_times": 2.5}})
    assert status == 200
    text = path.read_text()
    assert text == original + "weights:\n  interference: 100\n  tidy_times: 2.5\n"
    assert "# a lift and a run at least 6 h apart: never one visit" in text
    assert Path(saved["backup"]) == path.with_name(path.name + ".bak")
    assert Path(saved["backup"]).read_text() == original
    assert load_plan(path).effective_weights()["interference"] == 100

    # A second save changes the value in place and never overwrites the first backup.
    status, again = client.post("/api/save", {"weights": {"interference": 7, "tidy_times": 2.5}})
    assert Path(again["backup"]) == path.with_name(path.name + ".bak2")
    assert path.with_name(path.name + ".bak").read_text() == original
    assert path.read_text() == original + "weights:\n  interference: 7\n  tidy_times: 2.5\n"

    status, nothing = client.post("/api/save", {"weights": {"interference": 7, "tidy_times": 2.5}})
    assert nothing["backup"] is None and not path.with_name(path.name + ".bak3").exists()
    status, bad = client.post("/api/save", {"weights": {"interference": -3}})
    assert status == 400 and path.read_text().endswith("interference: 7\n  tidy_times: 2.5\n")


def test_weights_are_written_into_the_existing_lines():
    from trainweek.constraints import WEIGHT_NAMES

    same = {name: 1.0 for name in WEIGHT_NAMES}
    text = "version: 2   # top\nweights:\n    interference: 3   # keep this\n    goal_order: 4\nrules: {rest_days: 1}\n"
    changed = with_weights(text, {**same, "interference": 20, "hard_easy": 0.25}, same, "p.yaml")
    assert changed == "version: 2   # top\nweights:\n    interference: 20   # keep this\n    goal_order: 4\n    hard_easy: 0.25\nrules: {rest_days: 1}\n"
    flow = "weights: {interference: 3, goal_order: '4'}  # flow\nprefer: {time: \"06:00-08:00\"}\n"
    assert with_weights(flow, {**same, "interference": 25, "goal_order": 5, "tidy_times": 0.5}, same, "p.yaml") == (
        "weights: {interference: 25, goal_order: 5, tidy_times: 0.5}  # flow\nprefer: {time: \"06:00-08:00\"}\n"
    )
    assert with_weights("weights: {}\n", {**same, "interference": 2}, same, "p.yaml") == "weights: {interference: 2}\n"
    assert with_weights("weights:\n# none yet\nrules: {}", {**same, "interference": 2}, same, "p.yaml") == "weights:\n  interference: 2\n# none yet\nrules: {}\n"
    assert with_weights("weights:\n  fatigue_spread: 3\n", {**same, "hard_easy": 2}, same, "p.yaml") == "weights:\n  fatigue_spread: 2\n"


def test_the_command_names_a_bad_plan_or_a_taken_port(tmp_path):
    import socket

    from click.testing import CliRunner

    from trainweek.scheduler.cli import main

    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 2\nathlete: A\n")
    result = CliRunner().invoke(main, ["studio", str(bad), "--no-browser"])
    assert result.exit_code == 2 and str(bad) in result.output and "Traceback" not in result.output

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["studio", str(STRENGTH), "--no-browser", "--port", str(port)])
    assert result.exit_code == 2
    assert f"--port {port}: cannot listen on 127.0.0.1" in result.output

    result = CliRunner().invoke(main, ["studio", str(STRENGTH), "--no-browser", "--weight", "interference=-1"])
    assert result.exit_code == 2 and "--weight interference=-1" in result.output


def test_the_command_prints_its_address_and_serves_the_page_there(tmp_path):
    import re
    import shutil as shell
    import signal
    import subprocess

    plan = tmp_path / "week.yaml"
    shutil.copyfile(STRENGTH, plan)
    command = [shell.which("trainweek") or "trainweek", "studio", str(plan), "--no-browser"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        address = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert address, line
        connection = http.client.HTTPConnection("127.0.0.1", int(address.group(1)), timeout=60)  # no proxy
        connection.request("GET", "/")
        page = connection.getresponse().read().decode()
        connection.close()
        assert "trainweek studio" in page and "week.yaml" in page
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Stopped." in out and "Traceback" not in err


def test_a_setting_without_a_week_says_why_and_the_next_one_starts_from_the_week_shown(running, plan_copy):
    server, client = running(plan_copy())
    before = server.studio.wait_done(client.post("/api/solve", {})[1]["request"]).week
    # Six rest days leave no room for five sessions: no week exists.
    impossible = server.studio.plan.model_copy(update={"rules": server.studio.plan.rules.model_copy(update={"rest_days": 6})})
    server.studio.source = type(server.studio.source)(server.studio.path, impossible)
    failed = server.studio.wait_done(client.post("/api/solve", {})[1]["request"])
    assert failed.week is None and "No week" in failed.error and server.studio.path in failed.error
    status, state = client.get("/api/state?seen=-1")
    assert state["result"]["error"] == failed.error and "week" not in state["result"]

    hints = []

    def recording(plan, options, callback=None, near=None):
        hints.append(near)
        return solve(plan, options, callback=callback, near=near)

    server.studio.source = type(server.studio.source)(server.studio.path, load_plan(STRENGTH))
    server.studio._solver = recording
    again = server.studio.wait_done(client.post("/api/solve", {"weights": {"interference": 2}})[1]["request"])
    assert hints == [{p.occurrence.index: p.local_start for p in before.placements}]
    assert again.moved == moved_labels(before, again.week)

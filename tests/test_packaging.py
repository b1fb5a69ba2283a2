"""The wheel holds the library and the examples, so `trainweek example` works on a
machine without the repository (issue 16, item 11)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from click.testing import CliRunner

from trainweek.scheduler.cli import main

ROOT = Path(__file__).resolve().parent.parent
NAMES = sorted(path.stem for path in (ROOT / "examples").glob("*.yaml"))


def test_example_lists_the_bundled_plans_and_writes_one_without_overwriting(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    listed = runner.invoke(main, ["example"])
    assert listed.exit_code == 0
    assert [line.split()[0] for line in listed.output.splitlines()[: len(NAMES)]] == NAMES
    assert "Sam lifts to get stronger" in listed.output

    written = runner.invoke(main, ["example", "strength-first"])
    assert written.exit_code == 0, written.output
    assert (tmp_path / "strength-first.yaml").read_text() == (ROOT / "examples" / "strength-first.yaml").read_text()
    assert "trainweek solve strength-first.yaml" in written.output

    (tmp_path / "strength-first.yaml").write_text("# mine now\n")
    again = runner.invoke(main, ["example", "strength-first"])
    assert again.exit_code == 2 and "already exists" in again.output
    assert (tmp_path / "strength-first.yaml").read_text() == "# mine now\n"
    assert runner.invoke(main, ["example", "strength-first", "--force"]).exit_code == 0
    assert (tmp_path / "strength-first.yaml").read_text().startswith("# Sam lifts")

    unknown = runner.invoke(main, ["example", "ironman"])
    assert unknown.exit_code == 2 and "no example named 'ironman'; the examples are: busy-professional" in unknown.output


def test_the_installed_wheel_runs_the_readme_commands_without_the_checkout(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source)
    for folder in ("scheduler", "constraints", "examples"):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(source)], check=True, timeout=300)
    (wheel,) = wheels.glob("trainweek-*.whl")

    # A fresh environment holding only the wheel; the dependencies come from this one's
    # site-packages through a .pth file (whose own .pth files, the editable install's
    # among them, are not read), so nothing is imported from the checkout.
    fresh = tmp_path / "venv"
    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True, check=True).stdout.strip())
    subprocess.run([*pip, "install", "--no-deps", "--no-index", "--target", str(site), str(wheel)], check=True, timeout=300)
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    work = tmp_path / "newcomer"
    work.mkdir()

    def trainweek(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([python, "-m", "trainweek.scheduler.cli", *args], cwd=work, capture_output=True, text=True, timeout=300)

    where = subprocess.run([python, "-c", "import trainweek.scheduler.cli as cli; print(cli.__file__)"], cwd=work, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(site)
    listed = trainweek("example")
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()[: len(NAMES)]] == NAMES
    assert trainweek("example", "strength-first").returncode == 0
    solved = trainweek("solve", "strength-first.yaml")
    assert solved.returncode == 0, solved.stderr
    assert "proven optimal" in solved.stdout and (work / "strength-first.ics").exists()

"""`make demo` runs the Procfile with honcho: every line must name a command the app has, with
the options it is given, or the demo stops (honcho stops all processes when one exits)."""

import re
import shlex
from pathlib import Path

from flask.cli import FlaskGroup

PROCFILE = Path(__file__).resolve().parent.parent / "Procfile"


def _processes() -> dict[str, str]:
    lines = [line for line in PROCFILE.read_text().splitlines() if line.strip() and not line.startswith("#")]
    return dict(line.split(":", 1) for line in lines)


def test_the_demo_runs_the_web_app_both_workers_and_the_sla_check():
    processes = _processes()
    assert set(processes) == {"web", "coverage", "notifications", "sla"}
    assert "coverage update --loop" in processes["coverage"]
    assert "notifications send --loop" in processes["notifications"]
    assert re.search(r"while true; do flask --app wsgi requests check-sla; sleep", processes["sla"])


def test_every_flask_command_of_the_procfile_exists_with_its_options(app):
    runner = app.test_cli_runner()
    flask_command = FlaskGroup(create_app=lambda: app)  # what `flask --app wsgi` runs, `run` included
    for name, line in _processes().items():
        for command in re.findall(r"flask --app wsgi ([^;]+)", line):
            words = [w for w in shlex.split(command) if not w.startswith("$")]
            first_option = next((i for i, w in enumerate(words) if w.startswith("-")), len(words))
            group_and_command = words[:first_option]
            help_text = runner.invoke(flask_command, [*group_and_command, "--help"])
            assert help_text.exit_code == 0, (name, help_text.output)
            for option in (w for w in words if w.startswith("--")):
                assert option in help_text.output, (name, option)

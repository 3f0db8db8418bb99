import os
import platform
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kam.core import bench


class Command(BaseCommand):
    help = (
        "Measure a running kam server (kam serve, on this machine) page by page: latency, "
        "server time, SQL queries and throughput against the server's /healthz floor."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="the server to load")
        parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
        parser.add_argument("--requests", type=int, default=200, help="per scenario and level")
        parser.add_argument("--warmup", type=int, default=10, help="unmeasured requests first")
        parser.add_argument(
            "--scenario", action="append", default=[], help="only names holding this (repeatable)"
        )
        parser.add_argument(
            "--password", default=settings.DEMO_PASSWORD, help="the personas' (demo) password"
        )
        parser.add_argument("--label", default="", help="what was measured, e.g. 'medium, SQLite'")
        parser.add_argument("--output", type=Path, help="folder for the JSON and markdown reports")

    def handle(self, *args, **options) -> None:
        if options["requests"] < 1 or min(options["concurrency"]) < 1:
            raise CommandError("--requests and --concurrency must be at least 1.")
        scenarios = [
            scenario
            for scenario in bench.discover_scenarios()
            if not options["scenario"] or any(part in scenario.name for part in options["scenario"])
        ]
        try:
            server = bench.Server(options["url"])
            results = bench.run(
                server,
                scenarios,
                password=options["password"],
                concurrencies=options["concurrency"],
                requests=options["requests"],
                warmup=options["warmup"],
                progress=self.show,
            )
        except (ValueError, RuntimeError, OSError) as error:
            raise CommandError(str(error)) from error
        about = {
            "label": options["label"] or "unlabelled",
            "url": options["url"],
            "when": datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": f"{platform.node()}, {os.cpu_count()} cores",
            "python": platform.python_version(),
            "requests per level": options["requests"],
        }
        markdown = bench.as_markdown(results, about)
        self.stdout.write(markdown)
        if options["output"]:
            self.save(options["output"], bench.as_json(results, about), markdown)
        if any(result.queries_max is None for result in results[1:]):
            self.stderr.write("No Server-Timing header: start the server with KAM_SERVER_TIMING=1.")

    def show(self, result: bench.Result) -> None:
        self.stderr.write(
            f"  {result.scenario} as {result.persona}, concurrency {result.concurrency}: "
            f"p95 {result.p95_ms} ms, {result.throughput} req/s, {result.errors} errors"
        )

    def save(self, folder: Path, json_text: str, markdown: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        stem = folder / f"bench-{datetime.now():%Y%m%d-%H%M%S}"
        stem.with_suffix(".json").write_text(json_text, encoding="utf-8")
        stem.with_suffix(".md").write_text(markdown, encoding="utf-8")
        self.stderr.write(f"Saved {stem}.json and {stem}.md")

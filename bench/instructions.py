"""Stage 1 counted in instructions, which other load on the machine does not change.

    python bench/instructions.py [--samples 2000] [--root CHECKOUT]

Needs valgrind (Debian's package). Builds the benchmark's corpus and plan, then runs four child
processes under callgrind that set up alike and then do nothing, parse the bodies with
`orjson.loads`, parse them and validate each track message's properties with its event's
jsonschema-rs validator (errors listed for the invalid ones: the floor of any stage 1 that
uses jsonschema-rs), or run stage 1 on them (parse, judge and fold with masking, with the cycle
collector paused, as `process_batch` does). Each count less the first is that work alone; the
table gives instructions per sample and each one's ratio to parsing. Wall-clock figures move
with whatever else the machine runs; these do not, so they compare two versions of the code:
`--root` runs the children on another checkout of the project (an older commit, say).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import environment

MODES = ("setup", "orjson", "validation", "stage 1")
_COLLECTED = re.compile(r"Collected : (\d+)")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=2_000)
    parser.add_argument(
        "--root",
        default=str(environment.ROOT),
        help="the checkout whose code is counted",
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)  # MODE DATA_FILE
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    if args.child:
        _child(*args.child, root=args.root)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind).")
    environment.configure(migrate=False)
    from corpus import build_corpus, synthetic_plan

    from tracking.schemas import event_schema, render

    plan = synthetic_plan()
    corpus = build_corpus(plan, samples=args.samples)
    schemas = {
        event.key: render(
            event_schema(
                plan.snapshot, event.key, version="1.0.0", base_url="http://bench"
            )
        ).decode()
        for event in plan.snapshot.events
    }
    with tempfile.TemporaryDirectory(prefix="governance-bench-") as folder:
        data = Path(folder) / "corpus.pickle"
        data.write_bytes(
            pickle.dumps(
                {
                    "snapshot": plan.snapshot,
                    "schemas": schemas,
                    "bodies": corpus.bodies,
                }
            )
        )
        counts = {mode: _count(mode, data, folder, args.root) for mode in MODES}
    _print(counts, corpus.samples)


def _count(mode: str, data: Path, folder: str, root: str) -> int:
    command = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={folder}/callgrind.out",
        sys.executable,
        __file__,
        "--child",
        mode,
        str(data),
        "--root",
        root,
    ]
    env = {**os.environ, "VAR_DIR": folder}
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        command, capture_output=True, text=True, env=env, check=True
    )
    found = _COLLECTED.search(done.stderr)
    if found is None:
        msg = f"No instruction count in valgrind's output:\n{done.stderr[-2000:]}"
        raise RuntimeError(msg)
    return int(found.group(1))


def _print(counts: dict[str, int], samples: int) -> None:
    parse = (counts["orjson"] - counts["setup"]) / samples
    print(f"Instructions per sample over {samples:,} samples (callgrind)")
    print(f"  raw parse, orjson.loads (baseline)      {parse:10,.0f}")
    for mode, label in (
        ("validation", "parse + jsonschema-rs validation only"),
        ("stage 1", "stage 1, parse + judge + fold"),
    ):
        count = (counts[mode] - counts["setup"]) / samples
        print(f"  {label:<38}  {count:10,.0f}   {parse / count:.3f}x parse")


def _child(mode: str, data_file: str, *, root: str) -> None:
    # The checkout's code first, before Django imports any of it.
    sys.path.insert(0, root)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    import django

    django.setup()
    from corpus import BASE_TIME

    from governance.pipeline import aggregate, process, wire
    from governance.pipeline.compiled import compile_plan

    try:
        from governance.pipeline.cycles import cycles_unchecked
    except ImportError:  # a checkout from before the pause: the collector stays on
        cycles_unchecked = contextlib.nullcontext
    from governance.pipeline.masking import masked_message
    from tracking.published import PublishedPlan

    data = pickle.loads(Path(data_file).read_bytes())  # noqa: S301 - written by the parent
    plan = compile_plan(
        PublishedPlan(
            plan_id=1,
            version_id=1,
            number="1.0.0",
            snapshot=data["snapshot"],
            event_schemas=data["schemas"],
        )
    )
    plan.compile_all()

    def mask(verdict: object, message: dict[str, object]) -> dict[str, object]:
        event = plan.event(verdict.event_name) if verdict.planned else None  # type: ignore[attr-defined]
        return masked_message(message, event.privacy if event else {})

    def stage_1(body: bytes) -> None:
        with cycles_unchecked():
            messages = wire.messages_of("batch", wire.parse_json(body), checked=True)
            verdicts = process.judge_all(messages, plan, received_at=BASE_TIME)
            aggregate.fold(
                zip(verdicts, messages, strict=True),
                at=BASE_TIME,
                mask=mask,
                samples_per_event=3,
                # A store keeps a sample per event and validity per second: none here.
                keep_sample=lambda verdict: False,
            )

    # Every mode warms the same caches first (compiled events, memo tables).
    stage_1(data["bodies"][0])
    if mode == "orjson":
        import orjson

        for body in data["bodies"]:
            orjson.loads(body)
    elif mode == "validation":
        from throughput import tracked_properties

        for body in data["bodies"]:
            for name, properties in tracked_properties(body):
                event = plan.event(name)
                if event is not None and not event.validator.is_valid(properties):
                    list(event.validator.iter_errors(properties))
    elif mode == "stage 1":
        for body in data["bodies"]:
            stage_1(body)


if __name__ == "__main__":
    main()

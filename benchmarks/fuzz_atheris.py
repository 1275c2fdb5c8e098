"""Coverage-guided fuzzing of bytes → records (atheris / libFuzzer), for maintainers.

The same end-to-end path as tests/reliability/test_fuzz.py (parse_source → clean_body →
extract → schema.to_table), driven by libFuzzer's coverage feedback for as long as you like.
Any exception other than RejectedInput is a bug: libFuzzer stops and writes the input that
caused it to ``crash-<sha1>`` in the current directory.

    .venv/bin/python -m pip install atheris            # not a project dependency
    mkdir -p /tmp/chuxin-corpus && cp data/raw/*.txt /tmp/chuxin-corpus/
    .venv/bin/python benchmarks/fuzz_atheris.py /tmp/chuxin-corpus -max_total_time=600 -max_len=65536
    .venv/bin/python benchmarks/fuzz_atheris.py crash-<sha1>   # replay one input

libFuzzer flags go after the corpus folder (-jobs=N -workers=N for parallel runs). Not run in CI.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports():
    from tasks import schema
    from tasks.clean import clean_body
    from tasks.extract import extract
    from tasks.ingest import parse_source
    from tasks.records import RejectedInput


def one_input(data: bytes) -> None:
    try:
        doc = parse_source(data, "1fuzz.txt")
    except RejectedInput as exc:
        assert exc.stage == "ingest" and exc.reason
        return
    out = extract(doc, clean_body(doc.body))
    for name, (table_schema, _) in schema.DOC_TABLES.items():
        rows = [out.report] if name == "reports" else getattr(out, name)
        schema.to_table(rows, table_schema)


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

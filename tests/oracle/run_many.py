#!/usr/bin/env python3
"""Runs queue_oracle.py, unmodified, on many operation sequences in one Python process.

queue_oracle.py reads one sequence per process: a header line, then one op per line, on
stdin. Starting a Python for each sequence costs about 20 ms, most of the time of a
differential run. This script loads queue_oracle.py once and calls its main() once per
sequence, with that sequence as its stdin and a buffer as its stdout. Each main() builds a
new queue and the module keeps no state between calls, so each sequence sees exactly what a
fresh oracle process would.

Input: one JSON array of strings per line, the lines one oracle process would read.
Output: one JSON array of strings per input line, the lines that oracle process would print.
"""
import importlib.util
import io
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "queue_oracle", os.path.join(HERE, "queue_oracle.py")
)
oracle = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(oracle)


def run_one(lines):
    real_in, real_out = sys.stdin, sys.stdout
    sys.stdin = io.StringIO("".join(line + "\n" for line in lines))
    sys.stdout = io.StringIO()
    try:
        oracle.main([])
        return sys.stdout.getvalue().splitlines()
    finally:
        sys.stdin, sys.stdout = real_in, real_out


def main():
    for raw in sys.stdin:
        if not raw.strip():
            continue
        sys.stdout.write(json.dumps(run_one(json.loads(raw))) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Writes a synthetic prompts.jsonl (docs/FORMATS.md layout) for client tests
and benchmarks: N requests, one short user message each, a fixed
max_new_tokens. request_prompt_tokens is a placeholder count (the server's
own count may differ: the trace then flags prompt_count_mismatch), so use
this only to exercise the client, never to measure an engine.

Usage: make_workload.py OUT.jsonl --count N --max-new-tokens T [--words W]
"""
import argparse
import json

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--count", type=int, required=True)
ap.add_argument("--max-new-tokens", type=int, required=True)
ap.add_argument("--words", type=int, default=20)
ap.add_argument("--prompt-tokens", type=int, default=0, help="default: words + 10")
a = ap.parse_args()
with open(a.out, "w") as f:
    for i in range(a.count):
        text = " ".join(f"word{(i * 7 + k) % 97}" for k in range(a.words))
        rec = {
            "id": f"qa-S-{i:04d}",
            "task": "qa",
            "bucket": "S",
            "messages": [{"role": "user", "content": f"Question {i}: {text}"}],
            "max_new_tokens": a.max_new_tokens,
            "request_prompt_tokens": a.prompt_tokens or a.words + 10,
            "target_prompt_tokens": a.prompt_tokens or a.words + 10,
            "tokenizer": {"id": "synthetic-client-test", "sha256": "0" * 64},
            "sources": {"primary": f"synthetic:qa:{i}", "distractors": []},
        }
        f.write(json.dumps(rec) + "\n")

#!/usr/bin/env python3
"""Workload benchmark, one run: the default build's time, then tokenisation
throughput of the lab (C++) against mistral-common and HF tokenizers (Python)
on the same texts (every message content of the default workload).

    .venv/bin/python bench/workload/run_bench.py --l4lab build/src/cli/l4lab \
        --tokenize-bench build/bench/workload/workload_tokenize_bench

Prints a table and writes runs/bench/workload.json. HF tokenizers: the v3
SentencePiece model converted by transformers' LlamaTokenizer.from_pretrained
on a folder holding it as tokenizer.model (the standard HF conversion); its ids are compared with SentencePiece's and any
mismatch is reported, not hidden.
"""
import argparse
import json
import os
import pathlib
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def machine():
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(),
            "python": platform.python_version(), "loadavg_start": os.getloadavg()}


def timed_build(l4lab, out, extra=()):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([l4lab, "workload", "build", "--out", str(out), *extra], check=True, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def rate(tokens, seconds):
    return {"tokens": tokens, "seconds": seconds, "tokens_per_s": tokens / seconds if seconds else 0.0}


def median_rate(fn, repeats):
    """Runs fn() -> (tokens, seconds) `repeats` times; the median rate, with all rates."""
    runs = [fn() for _ in range(repeats)]
    rates = sorted(runs, key=lambda r: r[0] / r[1])
    med = rate(*rates[len(rates) // 2])
    med["all_tokens_per_s"] = [t / s for t, s in runs]
    return med


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--l4lab", required=True)
    ap.add_argument("--tokenize-bench", required=True)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", default="runs/bench/workload.json")
    args = ap.parse_args()
    res = {"machine": machine()}

    with tempfile.TemporaryDirectory() as tmp:
        prompts = pathlib.Path(tmp) / "prompts.jsonl"
        builds = [timed_build(args.l4lab, prompts) for _ in range(args.repeats)]
        res["build_default_1800"] = {
            "repeats": args.repeats,
            "wall_s": [round(w, 3) for w, _ in builds],
            "cpu_s": [round(c, 3) for _, c in builds],
            "median_wall_s": statistics.median(w for w, _ in builds),
            "median_cpu_s": statistics.median(c for _, c in builds),
        }
        reqs = [json.loads(line) for line in prompts.read_text(encoding="utf-8").splitlines()]
        texts = [m["content"] for r in reqs for m in r["messages"]]
        lab = json.loads(subprocess.run([args.tokenize_bench, str(prompts), "", str(args.repeats)], check=True,
                                        capture_output=True, text=True).stdout)
        res["lab"] = lab

        from mistral_common.protocol.instruct.messages import AssistantMessage, SystemMessage, UserMessage
        from mistral_common.protocol.instruct.request import ChatCompletionRequest
        from mistral_common.tokens.tokenizers.mistral import MistralTokenizer

        mt = MistralTokenizer.v3()
        sp = mt.instruct_tokenizer.tokenizer
        sp_ids = [sp.encode(t, bos=False, eos=False) for t in texts]

        def mc_text():
            t0 = time.perf_counter()
            n = sum(len(sp.encode(t, bos=False, eos=False)) for t in texts)
            return n, time.perf_counter() - t0

        res["mistral_common_text_1t"] = median_rate(mc_text, args.repeats)
        cls = {"system": SystemMessage, "user": UserMessage, "assistant": AssistantMessage}

        def mc_chat():
            t0 = time.perf_counter()
            n = 0
            for r in reqs:
                req = ChatCompletionRequest(messages=[cls[m["role"]](content=m["content"]) for m in r["messages"]])
                n += len(mt.encode_chat_completion(req).tokens)
            return n, time.perf_counter() - t0

        res["mistral_common_chat_1t"] = median_rate(mc_chat, args.repeats)

        try:
            import shutil

            from transformers import LlamaTokenizer

            hf_dir = pathlib.Path(tmp) / "hf"
            hf_dir.mkdir()
            shutil.copy(sp.file_path, hf_dir / "tokenizer.model")
            t0 = time.perf_counter()
            hf = LlamaTokenizer.from_pretrained(str(hf_dir), legacy=True)
            convert_s = time.perf_counter() - t0
            backend = hf.backend_tokenizer
            hf_ids = [backend.encode(t, add_special_tokens=False).ids for t in texts]

            def hf_one():
                t0 = time.perf_counter()
                n = sum(len(backend.encode(t, add_special_tokens=False).ids) for t in texts)
                return n, time.perf_counter() - t0

            def hf_batch():
                t0 = time.perf_counter()
                n = sum(len(e.ids) for e in backend.encode_batch(texts, add_special_tokens=False))
                return n, time.perf_counter() - t0

            res["hf_tokenizers_1t"] = median_rate(hf_one, args.repeats)
            res["hf_tokenizers_1t"]["mismatched_texts_vs_sentencepiece"] = sum(a != b for a, b in zip(hf_ids, sp_ids))
            res["hf_tokenizers_1t"]["conversion_s"] = convert_s
            res["hf_tokenizers_batch"] = median_rate(hf_batch, args.repeats)
            res["hf_tokenizers_batch"]["note"] = "encode_batch (Rust threads)"
        except Exception as e:  # noqa: BLE001 - recorded, not hidden
            res["hf_tokenizers_error"] = f"{type(e).__name__}: {e}"

    res["machine"]["loadavg_end"] = os.getloadavg()
    base = res["mistral_common_text_1t"]["tokens_per_s"]
    rows = [("lab C++ libsentencepiece, 1 thread", lab["sentencepiece_1t"]),
            ("lab C++ cached, cold, 1 thread", lab["lab_cached_cold_1t"]),
            ("lab C++ cached, warm, 1 thread", lab["lab_cached_warm_1t"]),
            ("lab C++ cached, cold, 2 threads", lab["lab_cached_cold_2t"]),
            ("mistral-common text, 1 thread", res["mistral_common_text_1t"])]
    if "hf_tokenizers_1t" in res:
        rows += [("HF tokenizers, 1 thread", res["hf_tokenizers_1t"]),
                 ("HF tokenizers encode_batch", res["hf_tokenizers_batch"])]
    print(f"machine: {res['machine']['cpu']}, {res['machine']['cores']} cores, "
          f"load {res['machine']['loadavg_start'][0]:.1f} -> {res['machine']['loadavg_end'][0]:.1f}")
    b = res["build_default_1800"]
    print(f"default build (1800 requests): median wall {b['median_wall_s']:.2f} s, median CPU {b['median_cpu_s']:.2f} s "
          f"(walls {b['wall_s']})")
    print(f"{'texts (' + str(len(texts)) + '), median of ' + str(args.repeats):<40} {'tokens/s':>12} "
          f"{'x mistral-common':>17}")
    for name, r in rows:
        print(f"{name:<40} {r['tokens_per_s']:>12,.0f} {r['tokens_per_s'] / base:>16.2f}x")
    chat_rows = [("lab chat template, cached cold, 1 thread", lab["lab_chat_template_cold_1t"]),
                 ("mistral-common encode_chat_completion", res["mistral_common_chat_1t"])]
    for name, r in chat_rows:
        print(f"{name:<40} {r['tokens_per_s']:>12,.0f} {r['tokens_per_s'] / res['mistral_common_chat_1t']['tokens_per_s']:>16.2f}x")
    if "hf_tokenizers_1t" in res:
        print(f"HF ids differing from SentencePiece: {res['hf_tokenizers_1t']['mismatched_texts_vs_sentencepiece']} "
              f"of {len(texts)} texts")
    elif "hf_tokenizers_error" in res:
        print("HF tokenizers not measured:", res["hf_tokenizers_error"])
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2) + "\n")
    print("wrote", out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Build the inputs of the published-L4 comparison (docs/TWIN.md, "Transfer to
an unmeasured GPU"): lab workloads with the prompt/output lengths of each
published setting, and the Qwen2.5-7B variant of the calibrated H200 profile.

Usage (from the repository root, with the shared .venv for mistral_common):
  .venv/bin/python bench/twin/l4_published/make_inputs.py [SOURCE_WORKLOAD]

SOURCE_WORKLOAD is prompts/workload.jsonl of github.com/ree2raz/inference-bench
(commit 621910011ce0dc925611d1d1e66f64add168bc01, sha256
a1e17bf6888edffdc9db19f6f9bddc48b964e1b6b7811983b2f5de1b7cbea60a). Without
it, the committed workloads are kept and only the profile is rewritten.

Prompt lengths are ESTIMATES: the lab has no Qwen2.5 tokenizer offline, so
the user text is counted with Mistral's Tekken BPE (tekken_240911.json, a
131k-vocabulary BPE shipped with mistral_common, the closest tokenizer at
hand to Qwen2.5's 152k BPE) plus Qwen2.5's chat template: the default system
message "You are Qwen, created by Alibaba Cloud. You are a helpful
assistant." (18 Tekken tokens) and 14 template tokens (<|im_start|>, role,
newline, <|im_end|>, newline for system and user, then <|im_start|>assistant
and a newline).
"""
import glob
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SOURCE_SHA = "a1e17bf6888edffdc9db19f6f9bddc48b964e1b6b7811983b2f5de1b7cbea60a"
QWEN_SYSTEM = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."
QWEN_TEMPLATE_TOKENS = 14


def mistral_data_dir():
    cands = glob.glob(os.path.join(ROOT, ".venv", "lib", "python3*", "site-packages",
                                   "mistral_common", "data"))
    if not cands:
        import mistral_common
        cands = [os.path.join(os.path.dirname(mistral_common.__file__), "data")]
    return cands[0]


def line(id_, task, bucket, content, prompt_tokens, max_new, tok_id, tok_sha):
    return {
        "id": id_, "task": task, "bucket": bucket,
        "messages": [{"role": "user", "content": content}],
        "max_new_tokens": max_new,
        "request_prompt_tokens": prompt_tokens,
        "target_prompt_tokens": prompt_tokens,
        "tokenizer": {"id": tok_id, "sha256": tok_sha},
        "sources": {"primary": "github.com/ree2raz/inference-bench:prompts/workload.jsonl",
                    "distractors": []},
    }


def write_jsonl(path, rows):
    with open(path, "w") as f:
        for r in rows:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")
    print("wrote", os.path.relpath(path, ROOT), len(rows), "requests")


def build_qwen_workloads(source):
    from mistral_common.tokens.tokenizers.tekken import Tekkenizer
    sha = hashlib.sha256(open(source, "rb").read()).hexdigest()
    if sha != SOURCE_SHA:
        sys.exit(f"{source}: sha256 {sha}, expected {SOURCE_SHA} (another version of the file)")
    tk_path = os.path.join(mistral_data_dir(), "tekken_240911.json")
    tk = Tekkenizer.from_file(tk_path)
    tk_sha = hashlib.sha256(open(tk_path, "rb").read()).hexdigest()
    tok_id = "estimate:tekken_240911+qwen2.5-chat-template"
    n = lambda s: len(tk.encode(s, bos=False, eos=False))
    overhead = n(QWEN_SYSTEM) + QWEN_TEMPLATE_TOKENS
    rows = [json.loads(l) for l in open(source)]
    # bench_lib.run_benchmark_impl: the prompts of one regime in file order,
    # max_tokens 128 (short) / 512 (long); measure_prompts = all 100.
    for regime, task, bucket, max_new in (("short", "dialogue", "S", 128),
                                          ("long", "qa", "L", 512)):
        out = []
        k = 0
        for i, r in enumerate(rows):
            if r["regime"] != regime:
                continue
            text = "".join(m["content"] for m in r["messages"])
            tokens = n(text) + overhead
            # The text itself stays in the source file; the lab's predict
            # reads only the counts.
            content = f"(source prompts/workload.jsonl line {i + 1}, {len(text)} characters)"
            out.append(line(f"ree2raz-{regime}-{k:03d}", task, bucket, content, tokens, max_new,
                            tok_id, tk_sha))
            k += 1
        write_jsonl(os.path.join(HERE, f"workload-qwen-{regime}.jsonl"), out)
        if regime == "long":
            build_prefix_cached(rows, out, n, overhead, tok_id, tk_sha)
        # The source sends in file order: a closed-loop schedule in that order.
        with open(os.path.join(HERE, f"schedule-qwen-{regime}.jsonl"), "w") as f:
            for j, w in enumerate(out):
                f.write(json.dumps({"i": j, "id": w["id"], "t_offset_ns": 0}) + "\n")


def build_prefix_cached(rows, full, n, overhead, tok_id, tk_sha):
    """The long regime as vLLM's prefix cache (on by default in v0.8.5's V1
    engine) would present it: the 100 long prompts hold 10 distinct documents
    ("<document>\n\nBased on the above document, ..."). The source warms up
    with its first 2c prompts, then sends all 100; a prompt whose document was
    sent before (warm-up or an earlier measured request) finds the system
    prompt, template and document in the cache, in whole 16-token blocks, and
    prefills only the rest. serve-sim has no prefix cache: this workload
    shortens such prompts to their uncached tail. It also drops the cached
    tokens from each sequence's KV footprint and attention reads, which the
    real engine still reads every decode step, so it errs low where the full
    prompts err high."""
    marker = "\n\nBased on the above document"
    longs = [r for r in rows if r["regime"] == "long"]
    docs = [("".join(m["content"] for m in r["messages"])).split(marker)[0] for r in longs]
    for c in (1, 16, 64):
        seen = set(docs[:2 * c])  # warm-up: prompts[:2c], finished before the measurement
        out = []
        hits = 0
        for i, w in enumerate(full):
            w = dict(w)
            if docs[i] in seen:
                cached = (overhead - 5 + n(docs[i])) // 16 * 16  # all but "<|im_end|>\n<|im_start|>assistant\n"
                w["request_prompt_tokens"] = w["target_prompt_tokens"] = max(
                    1, w["request_prompt_tokens"] - cached)
                hits += 1
            seen.add(docs[i])
            out.append(w)
        write_jsonl(os.path.join(HERE, f"workload-qwen-long-prefixcached-c{c}.jsonl"), out)
        print(f"  c={c}: {hits} of {len(out)} prompts find their document cached")


def build_mistral_batch_workload():
    # github.com/bereketlemma/llm-inference-bench benchmark/runner.py: one
    # prompt repeated batch_size times, LLM.generate (no chat template, BOS
    # added), mistralai/Mistral-7B-v0.1, whose tokenizer is SentencePiece v1.
    import sentencepiece as spm
    sp_path = os.path.join(mistral_data_dir(), "tokenizer.model.v1")
    sp = spm.SentencePieceProcessor(model_file=sp_path)
    sp_sha = hashlib.sha256(open(sp_path, "rb").read()).hexdigest()
    prompt = ("Explain the transformer attention mechanism in detail, "
              "covering self-attention, multi-head attention, and positional encoding.")
    tokens = len(sp.encode(prompt)) + 1  # + BOS
    for out_len in (128, 256, 512):
        rows = [line(f"bereket-{out_len}-{k}", "dialogue", "S", prompt, tokens, out_len,
                     "mistral-v1:tokenizer.model.v1", sp_sha) for k in range(8)]
        write_jsonl(os.path.join(HERE, f"workload-mistral-batch-{out_len}.jsonl"), rows)


def build_qwen_profile():
    """The calibrated H200 profile with Qwen2.5-7B-Instruct's shape
    (config.json: 28 layers, hidden 3584, 4 KV heads, head_dim 128, BF16;
    7.61B parameters per the model card). The fitted attention cost per token
    position is scaled by layers x hidden (28*3584 / (32*4096) = 0.765625):
    the fit saw Mistral's 32 x 4096. Everything else (efficiencies, fixed
    costs) is the H200 fit unchanged. `params` is the one number used both for
    the weights in memory and for the bytes streamed per decode step; the
    `-streamed` variant uses the parameter count that gives the same streamed
    bytes per step relative to Mistral (see docs/TWIN.md)."""
    src = os.path.join(ROOT, "configs", "sim-profiles", "h200-mistral7b-c1c8-calibrated.yaml")
    text = open(src).read()
    old_model = ("model:\n  params: 7248000000\n  layers: 32\n  hidden_size: 4096\n"
                 "  kv_heads: 8\n  head_dim: 128\n  dtype_bytes: 2\n")
    if old_model not in text:
        sys.exit(f"{src}: model section not as expected")
    old_attn = "  attn_ms_per_token_pos: 1.197890025e-06\n"
    if old_attn not in text:
        sys.exit(f"{src}: attention cost not as expected")
    attn = 1.197890025e-06 * (28 * 3584) / (32 * 4096)
    # Decode streams every weight but the input embedding table: Mistral
    # 7.248e9 - 32768*4096, Qwen2.5 7.61e9 - 152064*3584 (untied embeddings).
    streamed = 7.248e9 * (7.61e9 - 152064 * 3584) / (7.248e9 - 32768 * 4096)
    for suffix, params in (("", 7.61e9), ("-streamed", streamed)):
        t = text.replace(old_model, (f"model:\n  params: {params:.0f}\n  layers: 28\n"
                                     "  hidden_size: 3584\n  kv_heads: 4\n  head_dim: 128\n"
                                     "  dtype_bytes: 2\n"))
        t = t.replace(old_attn, f"  attn_ms_per_token_pos: {attn:.9e}\n")
        t = t.replace("name: h200-mistral7b-c1c8-calibrated\n",
                      f"name: h200-qwen2.5-7b-from-mistral-fit{suffix}\n")
        t = t.replace("approximates: NVIDIA H200 serving Mistral-7B shape",
                      "approximates: NVIDIA H200 serving Qwen2.5-7B shape (the Mistral-7B fit "
                      "with the model section changed by bench/twin/l4_published/make_inputs.py)")
        head = ("# GENERATED by bench/twin/l4_published/make_inputs.py from\n"
                "# configs/sim-profiles/h200-mistral7b-c1c8-calibrated.yaml: model section\n"
                "# Qwen2.5-7B-Instruct, attention cost x 0.765625. NOT calibrated on Qwen.\n")
        path = os.path.join(HERE, f"h200-qwen2.5-7b{suffix}.yaml")
        open(path, "w").write(head + t)
        print("wrote", os.path.relpath(path, ROOT))


if __name__ == "__main__":
    if len(sys.argv) > 1:
        build_qwen_workloads(sys.argv[1])
    build_mistral_batch_workload()
    build_qwen_profile()

#!/usr/bin/env python3
"""Write a tiny model folder with Mistral-7B-Instruct-v0.3's architecture.

The folder holds only a config (MistralForCausalLM, small hidden size, few
layers, the real vocabulary of 32768 and an 8192-token context) and the real
v3 SentencePiece tokenizer copied from the mistral-common package. It has no
weights: vLLM serves it with --load-format dummy (random weights of the right
shape), so token accounting and the serving path are real while the numbers
the model produces are meaningless.

Usage: make_tiny_mistral.py OUT_DIR [--hidden 128] [--layers 2]
"""

import argparse
import json
import pathlib
import shutil
import sys

import mistral_common
from transformers import MistralConfig

V3_TOKENIZER = "mistral_instruct_tokenizer_240323.model.v3"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir")
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=8)
    ap.add_argument("--kv-heads", type=int, default=2)
    ap.add_argument("--head-dim", type=int, default=128)
    ap.add_argument("--intermediate", type=int, default=512)
    ap.add_argument("--max-positions", type=int, default=32768)
    args = ap.parse_args()

    out = pathlib.Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)

    # Same fields as Mistral-7B-Instruct-v0.3's config.json, shrunk in width
    # and depth; head_dim stays 128 as in the original, a size every CPU
    # attention kernel supports.
    cfg = MistralConfig(
        vocab_size=32768,
        hidden_size=args.hidden,
        intermediate_size=args.intermediate,
        num_hidden_layers=args.layers,
        num_attention_heads=args.heads,
        num_key_value_heads=args.kv_heads,
        head_dim=args.head_dim,
        hidden_act="silu",
        max_position_embeddings=args.max_positions,
        rms_norm_eps=1e-5,
        rope_theta=1000000.0,
        sliding_window=None,
        tie_word_embeddings=False,
        bos_token_id=1,
        eos_token_id=2,
        torch_dtype="bfloat16",
    )
    cfg.architectures = ["MistralForCausalLM"]
    cfg.save_pretrained(out)

    src = pathlib.Path(mistral_common.__file__).parent / "data" / V3_TOKENIZER
    if not src.is_file():
        print(f"error: {src} not found in mistral-common {mistral_common.__version__}",
              file=sys.stderr)
        return 1
    shutil.copyfile(src, out / "tokenizer.model.v3")

    gen = {"bos_token_id": 1, "eos_token_id": 2}
    (out / "generation_config.json").write_text(json.dumps(gen, indent=2) + "\n")
    (out / "TINY_MODEL.txt").write_text(
        "Tiny model with Mistral-7B-Instruct-v0.3's architecture, no weights.\n"
        f"hidden={args.hidden} layers={args.layers} heads={args.heads} "
        f"kv_heads={args.kv_heads} head_dim={args.head_dim} vocab=32768\n"
        f"tokenizer: {V3_TOKENIZER} from mistral-common {mistral_common.__version__}\n"
        "Serve with: vllm serve DIR --load-format dummy --tokenizer-mode mistral\n")
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

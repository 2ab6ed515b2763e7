#!/usr/bin/env bash
# make_peer_tokenizer.sh DIR: an HF-loadable tokenizer folder for the peers
# (AIPerf, GuideLLM, vllm bench serve) from mistral-common's v3 SentencePiece
# model in the project's .venv, the tokenizer the lab itself counts with.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=$1
mkdir -p "$DIR"
cp "$ROOT"/.venv/lib/python3*/site-packages/mistral_common/data/mistral_instruct_tokenizer_240323.model.v3 "$DIR/tokenizer.model"
echo '{"tokenizer_class":"LlamaTokenizer","bos_token":"<s>","eos_token":"</s>","unk_token":"<unk>"}' > "$DIR/tokenizer_config.json"
echo '{"model_type":"llama"}' > "$DIR/config.json"

#!/usr/bin/env bash
# Side by side, one run, same local server (sse_blaster on cpu 0), each client
# pinned to cpu 1: l4lab bench vs AIPerf vs GuideLLM (vs `vllm bench serve`
# when .venv-engine has vllm), 200 concurrent streams,
# 64 chunks per request (10 ms apart), 2000 and 200 requests (the difference
# gives the marginal CPU per chunk, free of start-up cost).
# Needs: build dir with l4lab and sse_blaster (BUILD, default build), the
# peers in .venv-peers (pip install aiperf guidellm), and an HF-loadable
# tokenizer folder for the peers (TOK; made below from mistral-common's v3 model).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
L4LAB=${L4LAB:-$BUILD/src/cli/l4lab}
BLASTER=${BLASTER:-$BUILD/bench/client/sse_blaster}
OUT=${OUT:-/tmp/client-peers}
PEERS=$ROOT/.venv-peers/bin
VLLM=$ROOT/.venv-engine/bin/vllm
CLIENTS="l4lab aiperf guidellm"
[[ -x $VLLM ]] && CLIENTS="$CLIENTS vllm"
TOK=$OUT/tok
PORT=18520
mkdir -p "$OUT"
"$ROOT/bench/client/make_peer_tokenizer.sh" "$TOK"
RU="python3 $ROOT/bench/client/rusage.py"

taskset -c 0 "$BLASTER" --port $PORT --threads 1 --itl-us 10000 --tokens 64 > /dev/null 2>&1 &
BL=$!
trap 'kill $BL' EXIT
sleep 0.5
for N in 2000 200; do
  python3 "$ROOT/bench/client/make_workload.py" "$OUT/w$N.jsonl" --count $N --max-new-tokens 64
  rm -rf "$OUT/l4lab-$N" "$OUT/aiperf-$N" "$OUT/guidellm-$N"
  $RU "$OUT/l4lab-$N.time" taskset -c 1 "$L4LAB" bench --endpoint http://127.0.0.1:$PORT \
    --workload "$OUT/w$N.jsonl" --out "$OUT/l4lab-$N" --concurrency 200 --model blaster --quiet
  $RU "$OUT/aiperf-$N.time" taskset -c 1 "$PEERS/aiperf" profile --model blaster \
    --url http://127.0.0.1:$PORT --endpoint-type chat --streaming --concurrency 200 --request-count $N \
    --isl 30 --osl 64 --tokenizer "$TOK" --ui none --artifact-dir "$OUT/aiperf-$N" > "$OUT/aiperf-$N.log" 2>&1
  mkdir -p "$OUT/guidellm-$N"
  (cd "$OUT/guidellm-$N" && $RU "$OUT/guidellm-$N.time" taskset -c 1 "$PEERS/guidellm" run \
    --backend kind=openai_http,target=http://127.0.0.1:$PORT,model=blaster \
    --profile kind=concurrent,streams=200 --constraint kind=max_requests,count=$N \
    --data kind=synthetic_text,prompt_tokens=30,output_tokens=64 --tokenizer kind=hf_auto,model="$TOK" \
    --output kind=json --disable-console-interactive > "$OUT/guidellm-$N.log" 2>&1)
  if [[ -x $VLLM ]]; then
    $RU "$OUT/vllm-$N.time" taskset -c 1 "$VLLM" bench serve --backend openai-chat \
      --base-url http://127.0.0.1:$PORT --endpoint /v1/chat/completions --model blaster \
      --tokenizer "$TOK" --dataset-name random --random-input-len 30 --random-output-len 64 \
      --num-prompts $N --max-concurrency 200 --request-rate inf --ignore-eos --num-warmups 0 \
      --disable-tqdm --save-result --result-dir "$OUT" --result-filename "vllm-$N.json" \
      > "$OUT/vllm-$N.log" 2>&1
  fi
done
for t in $CLIENTS; do echo "$t: 2000 req: $(cat "$OUT/$t-2000.time") | 200 req: $(cat "$OUT/$t-200.time")"; done

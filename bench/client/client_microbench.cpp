// Micro-benchmarks of the client's per-chunk hot path: SSE split + simdjson
// event decode + recorder bookkeeping, on vLLM-shaped chat chunks.
#include <benchmark/benchmark.h>

#include <string>

#include "client/request_recorder.h"
#include "client/sse_parser.h"
#include "client/stream_event.h"

using namespace l4lab;

namespace {
std::string chunk(int cum) {
  return std::string(
             R"(data: {"id":"chatcmpl-9f8e7d6c5b4a","object":"chat.completion.chunk","created":1764280000,"model":"mistralai/Mistral-7B-Instruct-v0.3","choices":[{"index":0,"delta":{"content":" token"},"logprobs":null,"finish_reason":null}],"usage":{"prompt_tokens":812,"total_tokens":)") +
         std::to_string(812 + cum) + R"(,"completion_tokens":)" + std::to_string(cum) + "}}\n\n";
}
}  // namespace

static void BM_DecodeEvent(benchmark::State& st) {
  client::StreamEventDecoder d;
  client::StreamEvent ev;
  std::string why;
  std::string c = chunk(17);
  std::string payload = c.substr(6, c.size() - 8);
  std::string buf;
  for (auto _ : st) {
    buf = payload;
    benchmark::DoNotOptimize(d.decode(buf, ev, why));
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_DecodeEvent);

// A whole request of 256 chunks fed one chunk per read, through the recorder.
static void BM_RecorderChunk(benchmark::State& st) {
  client::StreamEventDecoder d;
  std::vector<std::string> chunks;
  for (int i = 1; i <= 256; ++i) chunks.push_back(chunk(i));
  int64_t t = 0;
  for (auto _ : st) {
    client::RequestRecorder r;
    traces::TraceRecord base;
    base.t_sent_ns = 0;
    r.start(base, &d);
    r.on_header("HTTP/1.1 200 OK", ++t);
    for (auto& c : chunks) r.on_body(c, ++t);
    benchmark::DoNotOptimize(r.record().chunks.size());
  }
  st.SetItemsProcessed(st.iterations() * 256);
}
BENCHMARK(BM_RecorderChunk);

BENCHMARK_MAIN();

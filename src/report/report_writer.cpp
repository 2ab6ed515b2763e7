#include "report/report_writer.h"

#include <filesystem>

#include "analysis/parallel.h"
#include "common/files.h"
#include "report/html_report.h"
#include "report/markdown_report.h"
#include "report/summary_json.h"
#include "report/vllm_results.h"

namespace l4lab::report {

namespace fs = std::filesystem;

Result<std::vector<std::string>> write_report(const analysis::StudyData& data,
                                              const analysis::StudySummary& s) {
  std::vector<std::string> written;
  auto put = [&](const fs::path& p, const std::string& content) -> Status {
    auto st = write_file_atomic(p.string(), content);
    if (st.ok()) written.push_back(p.string());
    return st;
  };
  const fs::path dir(data.runs_dir);
  L4_TRY_STATUS(put(dir / "summary.json", summary_to_json(s).dump(1) + "\n"));
  L4_TRY_STATUS(put(dir / "summary.csv", summary_to_csv(s)));
  L4_TRY_STATUS(put(dir / "report.md", markdown_report(s)));
  L4_TRY_STATUS(put(dir / "report.html", html_report(data, s)));
  L4_TRY_STATUS(put(dir / "METRICS.md", kMetricsDoc));
  std::vector<Status> status(data.runs.size());
  analysis::parallel_for(data.runs.size(), [&](size_t i) {
    if (!data.runs[i].has_traces) return;
    status[i] = write_file_atomic((fs::path(data.runs[i].dir) / "results_vllm.json").string(),
                                  vllm_results_text(data.runs[i], s.runs[i], s.options));
  });
  for (size_t i = 0; i < data.runs.size(); ++i) {
    if (!status[i].ok()) return status[i].error();
    if (data.runs[i].has_traces)
      written.push_back((fs::path(data.runs[i].dir) / "results_vllm.json").string());
  }
  return written;
}

}  // namespace l4lab::report

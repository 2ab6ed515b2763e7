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

namespace {

// A capacity search folder (`l4lab capacity`, docs/CAPACITY.md) keeps its
// capacity.md beside the step runs; report.md carries it, headings one level
// down, before its first section.
std::string with_capacity_section(std::string md, const fs::path& dir) {
  auto cap = read_file((dir / "capacity.md").string());
  if (!cap.ok()) return md;
  std::string section;
  size_t pos = 0;
  while (pos < cap->size()) {
    size_t end = cap->find('\n', pos);
    if (end == std::string::npos) end = cap->size();
    const std::string line = cap->substr(pos, end - pos);
    section += (line.rfind('#', 0) == 0 ? "#" : "") + line + "\n";
    pos = end + 1;
  }
  const size_t first = md.find("\n## ");
  if (first == std::string::npos) return md + "\n" + section;
  return md.insert(first + 1, section + "\n");
}

}  // namespace

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
  L4_TRY_STATUS(put(dir / "report.md", with_capacity_section(markdown_report(s), dir)));
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

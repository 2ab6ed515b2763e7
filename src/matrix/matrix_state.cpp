#include "matrix/matrix_state.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/files.h"

namespace l4lab::matrix {

Status MatrixState::open(const std::string& path) {
  if (std::filesystem::exists(path)) {
    auto text = read_file(path);
    if (!text.ok()) return text.error();
    size_t pos = 0;
    int line_no = 0;
    while (pos < text->size()) {
      size_t nl = text->find('\n', pos);
      if (nl == std::string::npos) break;  // torn last line: the writer truncates it
      ++line_no;
      try {
        auto j = nlohmann::json::parse(text->substr(pos, nl - pos));
        if (j.value("status", "") != "interrupted")
          done_.insert({j.at("config").get<std::string>(), j.at("trial").get<int>()});
      } catch (const std::exception& e) {
        return Error(path + ":" + std::to_string(line_no) + ": " + e.what());
      }
      pos = nl + 1;
    }
  }
  return out_.open(path, true);
}

bool MatrixState::finished(const std::string& config, int trial) const {
  return done_.count({config, trial}) > 0;
}

Status MatrixState::record(const std::string& config, int trial, const std::string& status,
                           const std::string& dir, const std::string& ended_at) {
  nlohmann::json j = {{"config", config},
                      {"trial", trial},
                      {"status", status},
                      {"dir", dir},
                      {"ended_at", ended_at}};
  L4_TRY_STATUS(out_.write_line(j.dump()));
  L4_TRY_STATUS(out_.sync());
  if (status != "interrupted") done_.insert({config, trial});
  return Status::Ok();
}

}  // namespace l4lab::matrix

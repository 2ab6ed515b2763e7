#include "schedule/schedule_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "common/files.h"

namespace l4lab::schedule {

Status write_schedule_jsonl(const std::string& path, const Schedule& s) {
  std::string out;
  for (size_t i = 0; i < s.entries.size(); ++i) {
    const auto& e = s.entries[i];
    nlohmann::json j = {{"i", i}, {"id", e.id}};
    j["t_offset_ns"] = e.t_offset_ns ? nlohmann::json(*e.t_offset_ns) : nlohmann::json(nullptr);
    out += j.dump();
    out += '\n';
  }
  return write_file_atomic(path, out);
}

namespace {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) {
    cell.erase(0, cell.find_first_not_of(" \t\""));
    cell.erase(cell.find_last_not_of(" \t\r\"") + 1);
    cells.push_back(cell);
  }
  return cells;
}

}  // namespace

Result<Schedule> read_replay_schedule(const std::string& path,
                                      const std::vector<std::string>& ids) {
  auto text = read_file(path);
  if (!text.ok()) return text.error();
  std::unordered_map<std::string, size_t> by_id;
  for (size_t i = 0; i < ids.size(); ++i) by_id.emplace(ids[i], i);

  Schedule s;
  s.options.kind = ArrivalKind::replay;
  s.options.shuffle = false;
  const bool csv = path.size() >= 4 && path.substr(path.size() - 4) == ".csv";
  int col_id = -1, col_i = -1, col_t = -1;
  std::istringstream in(*text);
  std::string line;
  size_t line_no = 0;
  auto where = [&](std::string_view field) {
    return fmt::format("{}:{}: field {}", path, line_no, field);
  };
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::optional<std::string> id;
    std::optional<int64_t> index, t;
    if (csv) {
      auto cells = split_csv_line(line);
      if (col_t < 0) {  // header
        for (int c = 0; c < int(cells.size()); ++c) {
          if (cells[c] == "id") col_id = c;
          if (cells[c] == "i") col_i = c;
          if (cells[c] == "t_offset_ns") col_t = c;
        }
        if (col_t < 0 || (col_id < 0 && col_i < 0))
          return Error(
              fmt::format("{}:{}: CSV header must name t_offset_ns and id or i", path, line_no));
        continue;
      }
      auto cell = [&](int c) -> std::string {
        return c >= 0 && c < int(cells.size()) ? cells[c] : "";
      };
      try {
        if (!cell(col_id).empty()) id = cell(col_id);
        if (!cell(col_i).empty()) index = std::stoll(cell(col_i));
        t = std::stoll(cell(col_t));
      } catch (const std::exception&) {
        return Error(where("i/t_offset_ns") + ": not an integer");
      }
    } else {
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(line);
      } catch (const std::exception& e) {
        return Error(fmt::format("{}:{}: not valid JSON: {}", path, line_no, e.what()));
      }
      if (!j.is_object()) return Error(fmt::format("{}:{}: not a JSON object", path, line_no));
      if (j.contains("id")) {
        if (!j["id"].is_string()) return Error(where("id") + ": expected a string");
        id = j["id"].get<std::string>();
      }
      if (j.contains("i")) {
        if (!j["i"].is_number_integer()) return Error(where("i") + ": expected an integer");
        index = j["i"].get<int64_t>();
      }
      if (!j.contains("t_offset_ns") || !j["t_offset_ns"].is_number_integer())
        return Error(where("t_offset_ns") + ": missing or not an integer");
      t = j["t_offset_ns"].get<int64_t>();
    }
    ScheduleEntry e;
    if (id) {
      auto it = by_id.find(*id);
      if (it == by_id.end()) return Error(where("id") + ": no workload request '" + *id + "'");
      e.request = it->second;
    } else if (index) {
      if (*index < 0 || size_t(*index) >= ids.size())
        return Error(where("i") +
                     fmt::format(": {} is outside the workload (0..{})", *index, ids.size() - 1));
      e.request = size_t(*index);
    } else {
      return Error(fmt::format("{}:{}: needs id or i", path, line_no));
    }
    if (*t < 0) return Error(where("t_offset_ns") + ": must be >= 0");
    e.id = ids[e.request];
    e.t_offset_ns = *t;
    s.entries.push_back(std::move(e));
  }
  // Send in time order whatever the file's order (stable: ties keep file order).
  std::stable_sort(s.entries.begin(), s.entries.end(),
                   [](const auto& a, const auto& b) { return *a.t_offset_ns < *b.t_offset_ns; });
  if (s.entries.empty()) return Error(path + ": schedule has no entries");
  return s;
}

}  // namespace l4lab::schedule

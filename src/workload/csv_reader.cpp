#include "workload/csv_reader.h"

#include <csv.h>

namespace l4lab::workload {
namespace {

struct State {
  std::vector<std::string> row;
  std::vector<std::vector<std::string>> rows;
  std::vector<size_t> lines;
  size_t current_line = 1;  // the line being fed
  size_t row_line = 1;      // where the row in progress started
  bool row_open = false;
};

void on_field(void* data, size_t len, void* user) {
  auto* s = static_cast<State*>(user);
  if (!s->row_open) s->row_open = true;
  s->row.emplace_back(data ? static_cast<const char*>(data) : "", data ? len : 0);
}

void on_row(int, void* user) {
  auto* s = static_cast<State*>(user);
  // With CSV_REPALL_NL every unquoted line end lands here; blank lines give
  // empty rows, which only move the line counter on.
  if (!s->row.empty()) {
    s->rows.push_back(std::move(s->row));
    s->lines.push_back(s->row_line);
  }
  s->row.clear();
  s->row_open = false;
  s->row_line = s->current_line + 1;
}

int never_space(unsigned char) { return 0; }

}  // namespace

int CsvTable::column(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return int(i);
  return -1;
}

Result<CsvTable> parse_csv(std::string_view text, const std::string& name) {
  csv_parser p;
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0)
    return Error(name + ": csv_init failed");
  csv_set_space_func(&p, never_space);
  State s;
  size_t pos = 0;
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;  // UTF-8 BOM
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    std::string_view line = text.substr(pos, end - pos);
    if (csv_parse(&p, line.data(), line.size(), on_field, on_row, &s) != line.size()) {
      std::string why = csv_strerror(csv_error(&p));
      csv_free(&p);
      return Error(name + ":" + std::to_string(s.current_line) + ": malformed CSV (" + why +
                   "; a quote inside an unquoted field, or text after a closing quote)");
    }
    // A row still open here continues on the next line (a quoted newline).
    if (nl != std::string_view::npos) ++s.current_line;
    pos = end;
  }
  if (csv_fini(&p, on_field, on_row, &s) != 0) {
    csv_free(&p);
    return Error(name + ":" + std::to_string(s.row_line) +
                 ": malformed CSV (a quoted field is never closed)");
  }
  csv_free(&p);
  CsvTable t;
  if (s.rows.empty()) return Error(name + ": empty CSV (no header row)");
  t.header = std::move(s.rows.front());
  size_t header_line = s.lines.front();
  for (size_t i = 1; i < s.rows.size(); ++i) {
    if (s.rows[i].size() != t.header.size())
      return Error(name + ":" + std::to_string(s.lines[i]) + ": row has " +
                   std::to_string(s.rows[i].size()) + " fields, the header (line " +
                   std::to_string(header_line) + ") has " + std::to_string(t.header.size()));
    t.rows.push_back(std::move(s.rows[i]));
    t.row_lines.push_back(s.lines[i]);
  }
  return t;
}

}  // namespace l4lab::workload

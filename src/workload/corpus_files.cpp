#include "workload/corpus_files.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/files.h"
#include "common/text.h"
#include "workload/csv_reader.h"

namespace l4lab::workload {
namespace {

using json = nlohmann::json;

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    i += n;
  }
  return true;
}

bool ends_with(const std::string& s, const std::string& suf) {
  return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}

// The fields a task reads; "required" ones must be present and non-empty.
struct FieldSpec {
  std::string field;
  bool required;
};
const std::vector<FieldSpec>& fields_of(const std::string& task) {
  static const std::map<std::string, std::vector<FieldSpec>> m = {
      {"summarisation", {{"article", true}, {"summary", false}, {"id", false}}},
      {"qa", {{"context", true}, {"question", true}, {"answer", false}, {"id", false}}},
      {"dialogue", {{"dialogue", true}, {"id", false}}},
  };
  static const std::vector<FieldSpec> none;
  auto it = m.find(task);
  return it == m.end() ? none : it->second;
}

// A record as the adapters see it: field -> raw JSON value (strings from CSV).
struct Record {
  std::map<std::string, json> values;
  std::string where;  // "file:line"
  std::string key;    // line or index, for the source id
};

Result<std::string> text_field(const Record& r, const std::string& field,
                               const std::string& column) {
  auto it = r.values.find(field);
  if (it == r.values.end()) return std::string();
  const json& v = it->second;
  std::string s;
  if (v.is_string())
    s = v.get<std::string>();
  else if (v.is_number())
    s = v.dump();
  else if (v.is_null())
    s = "";
  else if (v.is_object() && v.contains("text")) {  // SQuAD answers: {"text": [...], ...}
    const json& t = v["text"];
    if (t.is_array() && !t.empty() && t[0].is_string())
      s = t[0].get<std::string>();
    else if (t.is_string())
      s = t.get<std::string>();
  } else if (v.is_array() && !v.empty() && v[0].is_string())
    s = v[0].get<std::string>();
  else
    return Error(r.where + ": field '" + column + "': expected text");
  if (!valid_utf8(s)) return Error(r.where + ": field '" + column + "': not valid UTF-8");
  return s;
}

std::string role_of(const std::string& who) {
  if (who == "human" || who == "user") return "user";
  if (who == "gpt" || who == "assistant" || who == "chatgpt" || who == "bard" || who == "model" ||
      who == "bot")
    return "assistant";
  if (who == "system") return "system";
  return "";
}

Result<Conversation> dialogue_field(const Record& r, const std::string& column) {
  auto it = r.values.find("dialogue");
  if (it == r.values.end()) return Error(r.where + ": field '" + column + "': missing");
  const json& v = it->second;
  Conversation turns;
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    if (!valid_utf8(s)) return Error(r.where + ": field '" + column + "': not valid UTF-8");
    turns = dialogue_from_text(s);
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) {
      const json& t = v[i];
      std::string at = r.where + ": field '" + column + "'[" + std::to_string(i) + "]";
      if (t.is_string()) {
        turns.push_back({turns.size() % 2 == 0 ? "user" : "assistant", t.get<std::string>()});
      } else if (t.is_object()) {
        std::string who = t.contains("role") ? t.value("role", "") : t.value("from", "");
        std::string text = t.contains("content") ? t.value("content", "") : t.value("value", "");
        std::string role = role_of(who);
        if (role.empty())
          return Error(at + ": unknown speaker '" + who + "' (human/gpt/user/assistant/system)");
        turns.push_back({role, text});
      } else {
        return Error(at + ": expected a string or {role, content} / {from, value}");
      }
      if (!valid_utf8(turns.back().content)) return Error(at + ": not valid UTF-8");
    }
  } else {
    return Error(r.where + ": field '" + column + "': expected text or an array of turns");
  }
  // The engine generates the next assistant turn: end on a user turn; empty
  // turns carry nothing (and the v3 template rejects empty assistant turns).
  Conversation clean;
  for (auto& t : turns)
    if (!trim(t.content).empty()) clean.push_back(std::move(t));
  while (!clean.empty() && clean.back().role != "user") clean.pop_back();
  if (clean.empty()) return Error(r.where + ": field '" + column + "': no user turn");
  return clean;
}

Result<std::vector<Record>> read_records(const std::string& task, const std::string& path,
                                         const ColumnMap& columns,
                                         std::map<std::string, std::string>& used) {
  auto text = read_file(path);
  if (!text) return text.error();
  std::vector<Record> out;
  const auto& defaults = default_columns();
  auto candidates = [&](const std::string& field) {
    auto it = columns.find(task + "." + field);
    if (it != columns.end()) return std::vector<std::string>{it->second};
    return defaults.at(task + "." + field);
  };
  if (ends_with(path, ".csv")) {
    auto t = parse_csv(*text, path);
    if (!t) return t.error();
    std::map<std::string, int> idx;
    for (const auto& f : fields_of(task)) {
      int col = -1;
      for (const auto& name : candidates(f.field)) {
        col = t->column(name);
        if (col >= 0) {
          used[f.field] = name;
          break;
        }
      }
      if (col < 0 && f.required) {
        std::string have;
        for (const auto& h : t->header) have += (have.empty() ? "" : ", ") + h;
        std::string want;
        for (const auto& n : candidates(f.field))
          want += (want.empty() ? "" : " or ") + std::string("'" + n + "'");
        return Error(path + ":1: field " + f.field + ": no column " + want + " (columns: " + have +
                     "); map one with --column " + task + "." + f.field + "=NAME");
      }
      if (col >= 0) idx[f.field] = col;
    }
    for (size_t i = 0; i < t->rows.size(); ++i) {
      Record r;
      r.where = path + ":" + std::to_string(t->row_lines[i]);
      r.key = std::to_string(t->row_lines[i]);
      for (const auto& [field, col] : idx) r.values[field] = t->rows[i][size_t(col)];
      out.push_back(std::move(r));
    }
    return out;
  }
  std::vector<std::pair<json, std::string>> objects;  // object, "line N" / index
  if (ends_with(path, ".jsonl")) {
    size_t line_no = 0, pos = 0;
    std::string_view all = *text;
    while (pos < all.size()) {
      size_t nl = all.find('\n', pos);
      std::string_view line =
          all.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
      pos = nl == std::string_view::npos ? all.size() : nl + 1;
      ++line_no;
      if (trim(line).empty()) continue;
      json j = json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.is_object())
        return Error(path + ":" + std::to_string(line_no) + ": not a JSON object");
      objects.emplace_back(std::move(j), std::to_string(line_no));
    }
  } else if (ends_with(path, ".json")) {
    json j = json::parse(*text, nullptr, false);
    if (j.is_discarded()) return Error(path + ": not valid JSON");
    if (j.is_object() && j.contains("data") && j["data"].is_array()) j = j["data"];
    if (!j.is_array()) return Error(path + ": expected a JSON array of objects");
    for (size_t i = 0; i < j.size(); ++i) {
      if (!j[i].is_object())
        return Error(path + ": item " + std::to_string(i) + ": not a JSON object");
      objects.emplace_back(std::move(j[i]), "item" + std::to_string(i));
    }
  } else {
    return Error(path + ": unknown corpus format (expected .csv, .jsonl or .json)");
  }
  for (auto& [obj, key] : objects) {
    Record r;
    r.key = key;
    r.where = path + ":" + (key.rfind("item", 0) == 0 ? "[" + key.substr(4) + "]" : key);
    for (const auto& f : fields_of(task)) {
      bool found = false;
      for (const auto& name : candidates(f.field)) {
        if (obj.contains(name)) {
          r.values[f.field] = obj[name];
          used[f.field] = name;
          found = true;
          break;
        }
      }
      if (!found && f.required) {
        std::string want;
        for (const auto& n : candidates(f.field))
          want += (want.empty() ? "" : " or ") + std::string("'" + n + "'");
        return Error(r.where + ": field " + f.field + ": missing (looked for " + want +
                     "); map it with --column " + task + "." + f.field + "=NAME");
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

const std::map<std::string, std::vector<std::string>>& default_columns() {
  static const std::map<std::string, std::vector<std::string>> m = {
      {"summarisation.article", {"article", "document", "text"}},
      {"summarisation.summary", {"highlights", "summary", "reference"}},
      {"summarisation.id", {"id"}},
      {"qa.context", {"context", "passage"}},
      {"qa.question", {"question", "query"}},
      {"qa.answer", {"answers", "answer"}},
      {"qa.id", {"id"}},
      {"dialogue.dialogue", {"dialogue", "dialog", "conversations", "messages", "turns"}},
      {"dialogue.id", {"id"}},
  };
  return m;
}

Status add_column_mapping(ColumnMap& map, const std::string& spec) {
  auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
    return Error("--column " + spec +
                 ": expected task.field=NAME, e.g. summarisation.article=text");
  std::string key = spec.substr(0, eq);
  if (!default_columns().count(key)) {
    std::string known;
    for (const auto& [k, v] : default_columns()) known += (known.empty() ? "" : ", ") + k;
    return Error("--column " + spec + ": unknown field '" + key + "' (known: " + known + ")");
  }
  map[key] = spec.substr(eq + 1);
  return Status::Ok();
}

Conversation dialogue_from_text(const std::string& text) {
  std::vector<std::string> parts;
  if (text.find("__eou__") != std::string::npos) {
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t e = text.find("__eou__", pos);
      parts.push_back(trim(text.substr(pos, e == std::string::npos ? std::string::npos : e - pos)));
      if (e == std::string::npos) break;
      pos = e + 7;
    }
  } else {
    size_t pos = 0;
    while (pos < text.size()) {
      size_t e = text.find('\n', pos);
      parts.push_back(trim(text.substr(pos, e == std::string::npos ? std::string::npos : e - pos)));
      if (e == std::string::npos) break;
      pos = e + 1;
    }
  }
  Conversation c;
  for (auto& p : parts) {
    if (p.empty()) continue;
    c.push_back({c.size() % 2 == 0 ? "user" : "assistant", std::move(p)});
  }
  return c;
}

Result<std::vector<CorpusItem>> read_corpus_file(const std::string& task, const std::string& path,
                                                 const ColumnMap& columns) {
  if (fields_of(task).empty()) return Error("unknown task '" + task + "'");
  std::map<std::string, std::string> used;
  auto records = read_records(task, path, columns, used);
  if (!records) return records.error();
  if (records->empty()) return Error(path + ": empty corpus (no rows)");
  std::string base = std::filesystem::path(path).filename().string();
  std::vector<CorpusItem> items;
  for (const auto& r : *records) {
    CorpusItem it;
    auto col = [&](const std::string& f) { return used.count(f) ? used.at(f) : f; };
    auto id = text_field(r, "id", col("id"));
    if (!id) return id.error();
    it.source_id = "file:" + base + ":" + (id->empty() ? r.key : *id);
    if (task == "summarisation") {
      auto a = text_field(r, "article", col("article"));
      if (!a) return a.error();
      if (trim(*a).empty()) return Error(r.where + ": field '" + col("article") + "': empty");
      it.text = *a;
      auto s = text_field(r, "summary", col("summary"));
      if (!s) return s.error();
      it.reference = *s;
    } else if (task == "qa") {
      auto c = text_field(r, "context", col("context"));
      if (!c) return c.error();
      if (trim(*c).empty()) return Error(r.where + ": field '" + col("context") + "': empty");
      auto q = text_field(r, "question", col("question"));
      if (!q) return q.error();
      if (trim(*q).empty()) return Error(r.where + ": field '" + col("question") + "': empty");
      it.text = *c;
      it.question = *q;
      auto a = text_field(r, "answer", col("answer"));
      if (!a) return a.error();
      it.reference = *a;
    } else {
      auto d = dialogue_field(r, col("dialogue"));
      if (!d) return d.error();
      it.turns = std::move(*d);
    }
    items.push_back(std::move(it));
  }
  return items;
}

}  // namespace l4lab::workload

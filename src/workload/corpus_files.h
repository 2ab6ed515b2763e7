// Corpus adapters for the user's own data, one per task, from CSV (RFC 4180),
// JSONL or a JSON array, with column mapping:
//   summarisation: article (+ optional reference summary), e.g. a CNN/DailyMail export
//   qa:            context + question (+ optional answer), e.g. a SQuAD export
//   dialogue:      one column holding the conversation: a string of
//                  "Speaker: text" lines (SAMSum) or "__eou__"-separated turns
//                  (DailyDialog), or a JSON array of strings, of OpenAI
//                  {role, content} or of ShareGPT {from, value} objects.
// Errors name file:line and the field.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "workload/corpus.h"

namespace l4lab::workload {

// task.field -> column name, e.g. {"summarisation.article": "text"}.
using ColumnMap = std::map<std::string, std::string>;

// Parses "task.field=name"; the field must be one the task knows.
Status add_column_mapping(ColumnMap& map, const std::string& spec);

// Every mappable field and its default column names (first found is used).
const std::map<std::string, std::vector<std::string>>& default_columns();

Result<std::vector<CorpusItem>> read_corpus_file(const std::string& task, const std::string& path,
                                                 const ColumnMap& columns);

// Parsing a dialogue field that holds text (SAMSum / DailyDialog style).
Conversation dialogue_from_text(const std::string& text);

}  // namespace l4lab::workload

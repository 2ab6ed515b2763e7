// The texts a workload is packed from, one list per task. Filled by the
// synthetic generator (synthetic_corpus.h) or the file adapters
// (corpus_files.h); the packer never sees where they came from.
#pragma once

#include <string>
#include <vector>

#include "workload/chat.h"

namespace l4lab::workload {

struct CorpusItem {
  std::string source_id;  // "synthetic:qa:17", "file:squad.csv:42"
  std::string title;      // optional
  std::string text;       // summarisation: article; qa: context; dialogue: unused
  std::string question;   // qa
  std::string reference;  // optional reference summary / answer (not sent)
  Conversation turns;     // dialogue: user/assistant turns, ends on a user turn
};

struct CorpusInput {
  std::string path, sha256, kind;  // kind: "summarisation" | "qa" | "dialogue"
};

struct Corpus {
  std::vector<CorpusItem> summarisation, qa, dialogue;
  std::string kind;         // "synthetic" | "files" | "mixed"
  std::string description;  // what it is, for the manifest
  std::vector<CorpusInput> inputs;

  const std::vector<CorpusItem>& of(const std::string& task) const {
    return task == "summarisation" ? summarisation : task == "qa" ? qa : dialogue;
  }
};

}  // namespace l4lab::workload

#include "workload/tokenizer_locator.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "common/files.h"
#include "workload/testdata/tokenizer_or_skip.h"

namespace l4lab::workload {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::path(L4LAB_BINARY_DIR) / "test-tmp" / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

TEST(TokenizerLocator, DefaultIsMistralCommonV3) {
  L4LAB_SKIP_WITHOUT_DEFAULT_TOKENIZER();
  auto p = locate_tokenizer("");
  ASSERT_TRUE(p.ok()) << p.error().message();
  EXPECT_NE(p->find("mistral_common/data/mistral_instruct_tokenizer_240323.model.v3"),
            std::string::npos);
}

TEST(TokenizerLocator, ExplicitFileAndFolderAndHubCache) {
  L4LAB_SKIP_WITHOUT_DEFAULT_TOKENIZER();
  auto src = locate_tokenizer("");
  ASSERT_TRUE(src.ok());
  fs::path d = temp_dir("locator");
  fs::create_directories(d / "model");
  fs::copy_file(*src, d / "model" / "tokenizer.model.v3");
  auto f = load_tokenizer((d / "model" / "tokenizer.model.v3").string());
  ASSERT_TRUE(f.ok()) << f.error().message();
  EXPECT_EQ((*f)->id(), "mistral-v3:tokenizer.model.v3");
  auto folder = load_tokenizer((d / "model").string());
  ASSERT_TRUE(folder.ok()) << folder.error().message();
  EXPECT_EQ((*folder)->sha256(), (*f)->sha256());

  fs::path snap =
      d / "hub" / "models--mistralai--Mistral-7B-Instruct-v0.3" / "snapshots" / "abc123";
  fs::create_directories(snap);
  fs::copy_file(*src, snap / "tokenizer.model.v3");
  setenv("HF_HUB_CACHE", (d / "hub").c_str(), 1);
  auto hub = load_tokenizer("mistralai/Mistral-7B-Instruct-v0.3");
  ASSERT_TRUE(hub.ok()) << hub.error().message();
  EXPECT_EQ((*hub)->id(), "mistral-v3:mistralai/Mistral-7B-Instruct-v0.3/tokenizer.model.v3");
  auto none = load_tokenizer("mistralai/NotCached-1B");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message().find("models--mistralai--NotCached-1B/snapshots"),
            std::string::npos);
  unsetenv("HF_HUB_CACHE");
}

TEST(TokenizerLocator, DefaultIsFoundInAPythonpathFolder) {
  L4LAB_SKIP_WITHOUT_DEFAULT_TOKENIZER();
  // An offline GPU host: mistral-common installed with `pip --target /tmp/site`
  // and PYTHONPATH=/tmp/site, no virtual environment.
  auto src = locate_tokenizer("");
  ASSERT_TRUE(src.ok());
  fs::path d = temp_dir("locator-pythonpath");
  fs::path rel = "mistral_common/data/mistral_instruct_tokenizer_240323.model.v3";
  fs::create_directories((d / "site" / rel).parent_path());
  fs::copy_file(*src, d / "site" / rel);
  setenv("PYTHONPATH", ("/nonexistent:" + (d / "site").string()).c_str(), 1);
  auto p = locate_tokenizer("");
  unsetenv("PYTHONPATH");
  ASSERT_TRUE(p.ok()) << p.error().message();
  EXPECT_EQ(*p, (d / "site" / rel).string());
}

TEST(TokenizerLocator, ErrorsListWhereItLooked) {
  fs::path d = temp_dir("locator-empty");
  auto r = load_tokenizer(d.string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("looked in: " + (d / "tokenizer.model.v3").string()),
            std::string::npos);
  EXPECT_NE(r.error().message().find("looked in: " + (d / "tokenizer.model").string()),
            std::string::npos);
}

TEST(TokenizerLocator, FileThatDoesNotParseIsNamed) {
  fs::path d = temp_dir("locator-bad");
  ASSERT_TRUE(write_file((d / "tokenizer.model").string(), "this is not a protobuf").ok());
  auto r = load_tokenizer((d / "tokenizer.model").string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(
      r.error().message().find((d / "tokenizer.model").string() + ": not a SentencePiece model"),
      std::string::npos)
      << r.error().message();
}

}  // namespace
}  // namespace l4lab::workload

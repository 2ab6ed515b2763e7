#include "sim/python_repr.h"

#include <gtest/gtest.h>

namespace l4lab::sim {
namespace {

TEST(SimPythonRepr, ScalarsAsVllmPrintsThem) {
  EXPECT_EQ(python_repr_of_scalar("8192"), "8192");
  EXPECT_EQ(python_repr_of_scalar("0.9"), "0.9");
  EXPECT_EQ(python_repr_of_scalar("fp8"), "'fp8'");
  EXPECT_EQ(python_repr_of_scalar("it's"), "'it\\'s'");
  EXPECT_EQ(python_repr_of_scalar(""), "''");
}

TEST(SimPythonRepr, JsonBecomesADictLiteral) {
  EXPECT_EQ(
      python_repr_of_json(R"({"method":"ngram","num_speculative_tokens":5,"x":true,"y":null})"),
      "{'method': 'ngram', 'num_speculative_tokens': 5, 'x': True, 'y': None}");
  EXPECT_EQ(python_repr_of_json("not json"), "'not json'");
}

}  // namespace
}  // namespace l4lab::sim

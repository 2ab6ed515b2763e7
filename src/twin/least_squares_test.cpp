#include "twin/least_squares.h"

#include <gtest/gtest.h>

namespace l4lab::twin {
namespace {

TEST(TwinLeastSquares, RecoversExactCoefficientsOfBadlyScaledColumns) {
  std::vector<std::vector<double>> X;
  std::vector<double> y;
  for (int i = 0; i < 40; ++i) {
    const double a = 10 + i % 7, b = 1e5 * (1 + i % 5) + 3e3 * i, c = (i * 37) % 11;
    X.push_back({a, b, c});
    y.push_back(4.5 * a + 3.2e-5 * b + 0.0177 * c);
  }
  auto f = least_squares(X, y, {"a", "b", "c"});
  ASSERT_TRUE(f.ok()) << f.error().message();
  EXPECT_NEAR(f->coef[0], 4.5, 1e-9);
  EXPECT_NEAR(f->coef[1], 3.2e-5, 1e-14);
  EXPECT_NEAR(f->coef[2], 0.0177, 1e-11);
  EXPECT_NEAR(f->rms, 0, 1e-9);
  EXPECT_NEAR(f->r2, 1, 1e-12);
}

TEST(TwinLeastSquares, ResidualsOfANoisyFit) {
  // y = 2x + noise of +-1 alternating: slope 2, residuals +-1.
  std::vector<std::vector<double>> X;
  std::vector<double> y;
  for (int i = 0; i < 10; ++i) {
    X.push_back({1.0, double(i)});
    y.push_back(2.0 * i + (i % 2 ? 1.0 : -1.0));
  }
  auto f = least_squares(X, y, {"const", "x"});
  ASSERT_TRUE(f.ok());
  EXPECT_NEAR(f->rms, 1.0, 0.02);
  EXPECT_EQ(f->residuals.size(), 10u);
}

TEST(TwinLeastSquares, NamesAParameterTheDataCannotIdentify) {
  std::vector<std::vector<double>> X = {{1, 2, 3}, {2, 4, 1}, {3, 6, 2}, {4, 8, 5}};
  std::vector<double> y = {1, 2, 3, 4};
  auto f = least_squares(X, y, {"steps", "seqs_always_twice_steps", "kv"});
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message().find("do not identify"), std::string::npos);
}

TEST(TwinLeastSquares, RefusesTooFewRowsAndRaggedRows) {
  EXPECT_FALSE(least_squares({{1, 2}}, {1}, {"a", "b"}).ok());
  EXPECT_FALSE(least_squares({{1, 2}, {1}}, {1, 2}, {"a", "b"}).ok());
  EXPECT_FALSE(least_squares({}, {}, {}).ok());
  auto zero = least_squares({{1, 0}, {2, 0}, {3, 0}}, {1, 2, 3}, {"a", "never"});
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.error().message().find("'never'"), std::string::npos);
}

}  // namespace
}  // namespace l4lab::twin

// Ordinary least squares, y ~ X b, by column-pivoting Householder QR
// (Eigen, Debian libeigen3-dev): stable on the badly scaled columns the step
// fit has (steps ~10, KV tokens ~1e6). Pure.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace l4lab::twin {

struct LeastSquaresFit {
  std::vector<double> coef;
  std::vector<double> residuals;  // y - X b, per row
  double rms = 0;                 // sqrt(mean residual^2)
  double rel_rms = 0;             // rms / mean(|y|)
  double r2 = 0;                  // 1 - SS_res / SS_tot
};

// rows[i] is row i of X; all rows have the same length. Errors: no rows, rows
// of different lengths, fewer rows than columns, or a rank-deficient X (a
// parameter the data cannot identify; the message names its column).
Result<LeastSquaresFit> least_squares(const std::vector<std::vector<double>>& rows,
                                      const std::vector<double>& y,
                                      const std::vector<std::string>& column_names);

}  // namespace l4lab::twin

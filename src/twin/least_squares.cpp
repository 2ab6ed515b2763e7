#include "twin/least_squares.h"

#include <Eigen/Dense>
#include <cmath>

namespace l4lab::twin {

Result<LeastSquaresFit> least_squares(const std::vector<std::vector<double>>& rows,
                                      const std::vector<double>& y,
                                      const std::vector<std::string>& column_names) {
  if (rows.empty()) return Error("least squares: no data rows");
  if (rows.size() != y.size()) return Error("least squares: X and y differ in length");
  const size_t m = rows.size(), n = rows[0].size();
  if (n == 0 || column_names.size() != n)
    return Error("least squares: the columns and their names differ in number");
  if (m < n)
    return Error("least squares: " + std::to_string(m) + " rows cannot identify " +
                 std::to_string(n) + " parameters");
  Eigen::MatrixXd X(m, n);
  Eigen::VectorXd Y(m);
  for (size_t i = 0; i < m; ++i) {
    if (rows[i].size() != n)
      return Error("least squares: row " + std::to_string(i) + " has " +
                   std::to_string(rows[i].size()) + " values, not " + std::to_string(n));
    for (size_t j = 0; j < n; ++j) X(Eigen::Index(i), Eigen::Index(j)) = rows[i][j];
    Y(Eigen::Index(i)) = y[i];
  }
  // Scale each column to unit norm so the rank test is about the data's
  // shape, not its units.
  Eigen::VectorXd scale(n);
  for (size_t j = 0; j < n; ++j) {
    const double s = X.col(Eigen::Index(j)).norm();
    if (s == 0) return Error("least squares: column '" + column_names[j] + "' is all zero");
    scale(Eigen::Index(j)) = s;
    X.col(Eigen::Index(j)) /= s;
  }
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(X);
  qr.setThreshold(1e-10);
  if (qr.rank() < Eigen::Index(n)) {
    const Eigen::Index last = qr.colsPermutation().indices()(Eigen::Index(n) - 1);
    return Error("least squares: the data do not identify '" + column_names[size_t(last)] +
                 "' separately from the other parameters (rank " + std::to_string(qr.rank()) +
                 " of " + std::to_string(n) + ")");
  }
  const Eigen::VectorXd b_scaled = qr.solve(Y);
  LeastSquaresFit fit;
  fit.coef.resize(n);
  for (size_t j = 0; j < n; ++j) fit.coef[j] = b_scaled(Eigen::Index(j)) / scale(Eigen::Index(j));
  const Eigen::VectorXd res = Y - X * b_scaled;
  fit.residuals.assign(res.data(), res.data() + m);
  const double mean_y = Y.mean();
  double ss_res = res.squaredNorm(), ss_tot = 0, abs_sum = 0;
  for (size_t i = 0; i < m; ++i) {
    ss_tot += (y[i] - mean_y) * (y[i] - mean_y);
    abs_sum += std::abs(y[i]);
  }
  fit.rms = std::sqrt(ss_res / double(m));
  fit.rel_rms = abs_sum > 0 ? fit.rms / (abs_sum / double(m)) : 0;
  fit.r2 = ss_tot > 0 ? 1 - ss_res / ss_tot : 1;
  return fit;
}

}  // namespace l4lab::twin

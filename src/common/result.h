// Errors as values. Every fallible function at a module boundary returns
// Result<T> (or Status); the message names the file, line, field or request
// at fault so the user never has to guess where a problem came from.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace l4lab {

class Error {
 public:
  Error() = default;
  explicit Error(std::string message) : message_(std::move(message)) {}
  const std::string& message() const { return message_; }
  // Prefixes context, e.g. Error("bad token").context("prompts.jsonl:12").
  Error context(const std::string& where) const { return Error(where + ": " + message_); }

 private:
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT
  static Status Ok() { return Status(); }
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

}  // namespace l4lab

// Propagate an error from a Result/Status expression.
#define L4_TRY_STATUS(expr)                            \
  do {                                                 \
    auto _st = (expr);                                 \
    if (!_st.ok()) return ::l4lab::Error(_st.error()); \
  } while (0)

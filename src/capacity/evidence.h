// How sure a step's verdict is (docs/CAPACITY.md#certainty): pass / fail
// when the one-sided bounds on the fraction beyond a limit settle it,
// undecided otherwise.
#pragma once

#include <string_view>

namespace l4lab::capacity {

enum class Evidence { pass, fail, undecided };

inline std::string_view evidence_name(Evidence e) {
  switch (e) {
    case Evidence::pass:
      return "pass";
    case Evidence::fail:
      return "fail";
    case Evidence::undecided:
      return "undecided";
  }
  return "?";
}

}  // namespace l4lab::capacity

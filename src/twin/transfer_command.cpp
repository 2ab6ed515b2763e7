// `l4lab transfer CALIBRATED --hardware HW --out PROFILE`: carries a
// calibrated profile to a GPU that was not measured (twin/profile_transfer.h)
// and writes it, so serve-sim and `l4lab predict` can use it as a file. The
// written profile holds no held-out error (none was measured on that GPU) and
// lists its assumptions in its calibration section (docs/TWIN.md#transfer).
#include "twin/transfer_command.h"

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "common/files.h"
#include "sim/profile_provenance.h"
#include "twin/profile_transfer.h"

namespace l4lab::twin {

int run_transfer(const TransferOptions& a) {
  auto fail = [](const std::string& msg) {
    std::cerr << "transfer: " << msg << "\n";
    return 2;
  };
  auto base = sim::load_sim_profile(a.profile);
  if (!base) return fail(base.error().message());
  if (!base->calibration.present)
    return fail(a.profile +
                ": not a calibrated profile (no calibration section): only a "
                "profile fitted to measurements can be carried to another GPU");
  auto hw = sim::load_sim_profile(a.hardware);
  if (!hw) return fail(hw.error().message());
  auto t = transfer_profile(*base, hw->hardware);
  if (!a.name.empty()) t.profile.name = a.name;
  std::string text = fmt::format(
      "# serve-sim profile PREDICTED by `l4lab transfer {} --hardware {}`: {} carried to {} by "
      "its published figures.\n# Not validated on {}: its error is unknown. Assumptions: "
      "calibration.transfer.assumptions.\n",
      a.profile, a.hardware, base->name, hw->hardware.name, hw->hardware.name);
  text += sim::sim_profile_yaml(t.profile);
  // What is written must read back as the same profile.
  auto back = sim::parse_sim_profile(text, a.out);
  if (!back) return fail("the written profile does not read back: " + back.error().message());
  if (auto st = write_file(a.out, text); !st.ok()) return fail(st.error().message());
  back->source_path = a.out;
  std::cout << fmt::format("transfer: wrote {}\n  {}\n", a.out, sim::profile_provenance(*back));
  for (const auto& s : t.assumptions) std::cout << "  assumes: " << s << "\n";
  return 0;
}

}  // namespace l4lab::twin

// schedule.jsonl out, and replay schedules in (JSONL or CSV).
//
// Written: one line per entry, {"i":<position>,"id":"...","t_offset_ns":N}
// (t_offset_ns null in closed loop). Read for replay: JSONL lines with
// "id" (a workload request id) or "i" (a 0-based workload line index) and
// "t_offset_ns"; or CSV with a header naming columns id|i and t_offset_ns.
// A schedule.jsonl written by a run replays exactly (its "id" wins over "i").
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "schedule/schedule.h"

namespace l4lab::schedule {

Status write_schedule_jsonl(const std::string& path, const Schedule& s);

// Resolves entries against the workload's ids; errors name path:line.
Result<Schedule> read_replay_schedule(const std::string& path, const std::vector<std::string>& ids);

}  // namespace l4lab::schedule

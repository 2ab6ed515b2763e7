#pragma once
namespace l4lab {
const char* lab_version();
const char* lab_git_sha();
}  // namespace l4lab

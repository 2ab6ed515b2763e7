// A C interface to libsentencepiece, so that code built with clang + libc++
// can call the Debian library, which is built with libstdc++ (its C++ API
// passes std::string and std::vector, whose layouts differ between the two).
// Built with g++ by libcxx_golden.sh; used only by the libc++ golden check.
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct spm_shim spm_shim;

// NULL on failure, with up to cap-1 bytes of the reason in err.
spm_shim* spm_shim_load(const char* bytes, size_t len, char* err, size_t cap);
void spm_shim_free(spm_shim* s);
// Encodes text; writes up to cap ids and returns how many there are (call
// again with a larger buffer when the result is greater than cap).
size_t spm_shim_encode(const spm_shim* s, const char* text, size_t len, int* ids, size_t cap);
// Decodes ids; same buffer protocol, in bytes.
size_t spm_shim_decode(const spm_shim* s, const int* ids, size_t n, char* out, size_t cap);
int spm_shim_piece_to_id(const spm_shim* s, const char* piece, size_t len);
size_t spm_shim_id_to_piece(const spm_shim* s, int id, char* out, size_t cap);
int spm_shim_unk_id(const spm_shim* s);
int spm_shim_piece_size(const spm_shim* s);

#ifdef __cplusplus
}
#endif

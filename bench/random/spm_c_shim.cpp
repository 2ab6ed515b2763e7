// libstdc++ side of spm_c_shim.h (see there).
#include "spm_c_shim.h"

#include <sentencepiece_processor.h>

#include <cstring>
#include <string>
#include <vector>

struct spm_shim {
  sentencepiece::SentencePieceProcessor sp;
};

namespace {
size_t copy_out(const std::string& s, char* out, size_t cap) {
  if (s.size() <= cap) std::memcpy(out, s.data(), s.size());
  return s.size();
}
}  // namespace

extern "C" {

spm_shim* spm_shim_load(const char* bytes, size_t len, char* err, size_t cap) {
  auto* s = new spm_shim();
  auto st = s->sp.LoadFromSerializedProto(std::string_view(bytes, len));
  if (!st.ok()) {
    if (cap > 0) {
      std::string m(st.message());
      std::strncpy(err, m.c_str(), cap - 1);
      err[cap - 1] = '\0';
    }
    delete s;
    return nullptr;
  }
  return s;
}

void spm_shim_free(spm_shim* s) { delete s; }

size_t spm_shim_encode(const spm_shim* s, const char* text, size_t len, int* ids, size_t cap) {
  std::vector<int> v;
  s->sp.Encode(std::string_view(text, len), &v).IgnoreError();
  if (v.size() <= cap) std::memcpy(ids, v.data(), v.size() * sizeof(int));
  return v.size();
}

size_t spm_shim_decode(const spm_shim* s, const int* ids, size_t n, char* out, size_t cap) {
  std::string o;
  s->sp.Decode(std::vector<int>(ids, ids + n), &o).IgnoreError();
  return copy_out(o, out, cap);
}

int spm_shim_piece_to_id(const spm_shim* s, const char* piece, size_t len) {
  return s->sp.PieceToId(std::string_view(piece, len));
}

size_t spm_shim_id_to_piece(const spm_shim* s, int id, char* out, size_t cap) {
  return copy_out(s->sp.IdToPiece(id), out, cap);
}

int spm_shim_unk_id(const spm_shim* s) { return s->sp.unk_id(); }
int spm_shim_piece_size(const spm_shim* s) { return s->sp.GetPieceSize(); }

}  // extern "C"

// File: src/workflow/internal/sha256.h
// Stage: report (internal). SHA-256 (FIPS 180-4) of a byte string, for the
// input-file hashes in the HTML report header. Not constant-time and not
// meant for secrets: it identifies the exact policy files a report was made
// from.
#ifndef LATTICEPOL_WORKFLOW_INTERNAL_SHA256_H_
#define LATTICEPOL_WORKFLOW_INTERNAL_SHA256_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace latticepol::internal {

// Incremental hasher: Update() any number of times, then Finish() once.
class Sha256 {
 public:
  Sha256();
  void Update(std::string_view data);
  std::array<uint8_t, 32> Finish();

 private:
  void Block(const uint8_t* p);

  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t length_ = 0;  // bytes hashed so far
};

// Lower-case hex SHA-256 of `data` (64 characters).
std::string Sha256Hex(std::string_view data);

}  // namespace latticepol::internal

#endif  // LATTICEPOL_WORKFLOW_INTERNAL_SHA256_H_

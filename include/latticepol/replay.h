// File: latticepol/replay.h
// Stage: simulate (replay). Evaluates recorded traffic through the Lattice
// chain: JSON Lines of canonical request JSON (request_json.h) or of VPC
// Lattice access-log records (docs/semantics.md §5), detected per line or forced.
//
// STREAMING. Input is read in blocks of about `batch_bytes`; the lines of a
// block are parsed and evaluated in parallel (groups of kReplayGroupLines
// consecutive lines per work unit) and the block is then dropped, so memory
// is bounded by the block size whatever the input length.
//
// PARSING. Canonical lines in the compact shape RequestToJson writes (no
// whitespace or escapes, keys in any order) are read by a single-pass
// scanner straight into a RequestView; any other line goes through a simdjson
// fast path that accepts the other common shapes (object/raw query forms,
// whitespace, escapes) into per-thread buffers. Any line neither fully
// understands (unknown or duplicate fields, nulls, headers that need
// normalising, principals that need ARN inference, syntax errors) is handed
// to ParseRequestJson, which is the authority: its result is used, or its
// first error becomes the line's message. Both fast paths only ever accept
// lines ParseRequestJson reads the same way. A malformed line is counted and
// reported with its 1-based line number; with `strict` the run stops at the
// first one.
//
// ACCESS LOGS (docs/semantics.md §5). requestMethod/requestPath -> method/path (logs carry
// no query string); hostHeader/userAgent -> headers `host`/`user-agent`;
// sourceVpcArn -> sourceVpc + sourceVpcOwnerAccount; serviceArn,
// serviceNetworkArn; callerPrincipal -> principal per DECISION L2 ("-" =
// anonymous); callerPrincipalOrgID -> orgId; startTime -> time (A5); port from
// the hostHeader `:port`, else 443 when tlsVersion is not "-", else 80
// (counted as inferred); the address of `sourceIpPort` -> sourceIp (L4; a
// value that is not `ip:port` or `[ipv6]:port` gives none). The logged
// verdict is "denied by auth" iff authDeniedReason is present and not "-"
// (L1). A replayed decision is L3-uncertain when a policy statement that could
// decide it tests a key the record does not carry (query string, headers
// other than host/user-agent, principal tags, the source IP when the record
// has no source address) or, for assumed-role callers, a role ARN (L2: role
// paths are lost); a layer that certainly denies makes the chain's verdict
// certain. Uncertain records are also counted per request class
// (ReplayUncertainClass), with the keys that could not be known.
#ifndef LATTICEPOL_REPLAY_H_
#define LATTICEPOL_REPLAY_H_

#include <array>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "latticepol/authorize.h"
#include "latticepol/compiled_policy.h"
#include "latticepol/decision.h"
#include "latticepol/policy.h"
#include "latticepol/replay_identities.h"

namespace latticepol {

enum class ReplayFormat : uint8_t { kAuto, kJsonl, kAccessLog };
// "auto", "jsonl", "accesslog".
bool ParseReplayFormat(std::string_view name, ReplayFormat* format);

inline constexpr uint64_t kReplayGroupLines = 4096;

struct ReplayOptions {
  ReplayFormat format = ReplayFormat::kAuto;
  bool strict = false;  // stop at the first malformed line
  int threads = 0;      // 0 = hardware concurrency
  int max_samples = 5;
  int max_errors = 20;  // malformed lines listed in the report (all are counted)
  size_t batch_bytes = size_t{8} << 20;
  size_t max_line_bytes = size_t{4} << 20;
  // A candidate service policy evaluated on the same stream.
  const PolicyDocument* shadow_service_policy = nullptr;
  std::string shadow_name;

  // PARTIAL REPLAYS (bulk and distributed use). `first_line` is the number of
  // lines of the whole stream before this input: line numbers in the report
  // (errors, samples) are global, and the uncertainty-check budget follows the
  // global groups of kReplayGroupLines lines, so replaying consecutive pieces
  // with the right `first_line` and merging them (MergeReplayReports) gives
  // exactly the report of one replay of the whole stream (timing aside).
  uint64_t first_line = 0;
  // When set, receives one entry per line of this input (index = line number
  // - first_line - 1): the chain's DecisionKind as 0 ALLOW, 1 EXPLICIT_DENY,
  // 2 IMPLICIT_DENY, or kReplayBlankLine / kReplayMalformedLine. Resized by
  // Replay; one byte per line, so bounded by the input size.
  std::vector<uint8_t>* line_decisions = nullptr;

  // Per-caller identity inputs (replay_identities.h); must outlive the call.
  // Callers it names use their entry's identity decision or policy instead
  // of the chain's identity input.
  const ReplayIdentities* identities = nullptr;

  // Layers compiled by the caller, used instead of compiling the chain's
  // documents again (a distributed replay keeps them across the partitions a
  // worker process replays). Each, when set, must be the compiled form of the
  // matching document (chain network / service / identity policy,
  // shadow_service_policy); unset ones are compiled as usual.
  struct Precompiled {
    std::shared_ptr<const CompiledPolicy> network, service, identity, shadow;
  };
  const Precompiled* precompiled = nullptr;
};

// The number of lines Replay counts in `text` (ReplayReport::lines): one per
// newline, plus a last line without one. Cuts partitions of a stream for
// ReplayOptions::first_line.
uint64_t CountReplayLines(std::string_view text);

// Policies Replay has compiled in this process (layers not given in
// ReplayOptions::precompiled, identity policies without a compiled form): a
// diagnostic, e.g. to check that a distributed replay compiles once per
// worker process rather than once per partition.
uint64_t ReplayCompileCount();

inline constexpr uint8_t kReplayBlankLine = 254;
inline constexpr uint8_t kReplayMalformedLine = 255;

struct ReplayLineError {
  uint64_t line = 0;    // 1-based line number in the input
  int column = 0;       // 1-based, 0 = unknown
  std::string message;  // e.g. "/query/0: expected a string, got a number [invalid-type]"
  std::string source;   // the input (file) it is in; empty for a single input
};

struct ReplaySample {
  uint64_t line = 0;
  DecisionKind decision = DecisionKind::kImplicitDeny;
  DecisionKind shadow_decision = DecisionKind::kImplicitDeny;
  Layer layer = Layer::kNone;
  bool logged = false;          // the line is an access-log record
  bool logged_denied = false;   // its recorded verdict
  std::string logged_reason;    // authDeniedReason
  std::string logged_response;  // responseCode as text
  bool uncertain = false;       // L2/L3 (access logs)
  std::string request_json;
  std::string source;           // as ReplayLineError::source
};

// The uncertain (L2/L3) access-log records of one request class: one caller,
// source VPC and method.
struct ReplayUncertainClass {
  std::string caller;      // principal ARN (the role ARN for sessions, L2), or "anonymous"
  std::string source_vpc;  // empty when the record has none
  std::string method;
  uint64_t requests = 0;
  uint64_t disagree = 0;   // of them, replayed verdict != logged verdict
  // Each key (as written in the policy; "aws:PrincipalArn" for a role ARN in
  // a Principal element) a statement that could decide tests but the record
  // lacks -> requests it made uncertain.
  std::map<std::string, uint64_t> keys;
};

// Request classes a report keeps; requests of further classes are counted in
// ReplayReport::log_uncertain_other. Below this many classes, reports and
// their merges are exact whatever the partitioning.
inline constexpr size_t kMaxUncertainClasses = 1024;

struct ReplayReport {
  std::string source;
  uint64_t lines = 0;        // lines read (including blank and malformed)
  uint64_t blank = 0;
  uint64_t malformed = 0;
  uint64_t requests = 0;     // evaluated
  uint64_t canonical = 0;    // evaluated canonical request lines
  uint64_t access_log = 0;   // evaluated access-log lines
  uint64_t fallback = 0;     // canonical lines parsed by ParseRequestJson
  uint64_t bytes = 0;
  std::vector<ReplayLineError> errors;  // lowest line numbers first
  bool stopped = false;                 // strict mode hit a malformed line

  std::array<uint64_t, 3> totals{};
  std::array<uint64_t, 4> by_layer{};
  std::vector<std::pair<std::string, uint64_t>> statement_hits;  // "service #0 Sid" -> hits

  // Uncertainty (see simulate.h): flagged by the fast path; exact ids for
  // the first kUncertainChecksPerChunk flagged lines of every group.
  uint64_t flagged = 0, checked = 0, uncertain_checked = 0;
  std::map<std::string, uint64_t> by_id;

  // Access logs against their recorded verdicts.
  uint64_t log_compared = 0, log_agree = 0;
  uint64_t log_allowed_now_denied = 0;  // logged allowed, candidate denies (certain)
  uint64_t log_denied_now_allowed = 0;  // logged denied by auth, candidate allows (certain)
  uint64_t log_uncertain = 0;           // L2/L3-uncertain replays (agree or not)
  uint64_t log_uncertain_disagree = 0;
  uint64_t port_inferred = 0;
  std::vector<ReplaySample> log_disagreement_samples;  // certain ones, lowest lines
  // The log_uncertain records by request class: most requests first (ties
  // in caller, VPC, method order), at most kMaxUncertainClasses.
  std::vector<ReplayUncertainClass> log_uncertain_classes;
  uint64_t log_uncertain_other = 0;  // uncertain records of classes beyond the limit

  // Shadow policy.
  bool shadow_enabled = false;
  std::string shadow_name;
  std::array<uint64_t, 3> shadow_totals{};
  uint64_t shadow_allowed_to_denied = 0, shadow_denied_to_allowed = 0;
  uint64_t shadow_deny_kind_changed = 0;  // EXPLICIT_DENY <-> IMPLICIT_DENY
  std::vector<ReplaySample> shadow_allowed_to_denied_samples, shadow_denied_to_allowed_samples;

  double wall_seconds = 0;
  double megabytes_per_second = 0;
};

// Reads up to `size` bytes into `buffer`; returns the count, 0 at the end,
// -1 on a read error.
using ReplayReader = std::function<int64_t(char* buffer, size_t size)>;

// Replays a stream. `chain` names the policies (pointers must outlive the
// call); the request's own principal decides signed vs anonymous. Fails only
// for a policy that does not compile or a read error.
absl::StatusOr<ReplayReport> Replay(const ReplayReader& reader,
                                    const ChainPolicies& chain,
                                    const ReplayOptions& options);
// Convenience: replays `text` (tests) or a stdio stream.
absl::StatusOr<ReplayReport> ReplayText(std::string_view text, const ChainPolicies& chain,
                                        const ReplayOptions& options);
absl::StatusOr<ReplayReport> ReplayFile(std::FILE* file, const ChainPolicies& chain,
                                        const ReplayOptions& options);

// Merges the reports of the pieces of one or more streams into one report.
// `parts` are in stream order: consecutive pieces of one input (same
// `source`, each replayed with ReplayOptions::first_line = the lines before
// it) and then the next input. Counts, totals, hits and uncertain ids are
// summed; errors and samples are merged and the lowest (input order, line)
// ones kept, `options.max_errors` / `options.max_samples` of them, so the
// result does not depend on how the inputs were cut. Errors and samples are
// tagged with their part's `source` when the parts come from more than one
// input; the merged `source` lists the inputs. With `options.strict`, parts
// after the first stopped one are dropped. Timing: the sum of the parts'
// wall time (the caller may set the wall time it measured instead).
ReplayReport MergeReplayReports(std::vector<ReplayReport> parts, const ReplayOptions& options);

std::string ReplayReportToText(const ReplayReport& report, bool include_timing = true);
std::string ReplayReportToJson(const ReplayReport& report, bool include_timing = true);

}  // namespace latticepol

#endif  // LATTICEPOL_REPLAY_H_

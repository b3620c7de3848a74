// File: bench/seed_insn_bench.cc
// Stage: benchmark support. A plain driver (not Google Benchmark) for
// load-independent instruction counts of the seed blue/green policy under
// valgrind --tool=callgrind: it evaluates the evaluate_bench seed request mix
// (allowed blue, allowed green, denied by query, denied by method) `n` times
// with one evaluator and prints a checksum. tools/insn_count.sh runs it with
// n and with 0 and reports (Ir(n) - Ir(0)) / (4 n) instructions per decision.
//
// Usage: seed_insn_bench <raw|parsed|ifchain> <n>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "latticepol/compiled_policy.h"
#include "latticepol/decision.h"
#include "latticepol/parse.h"
#include "latticepol/request.h"

namespace latticepol {
namespace {

std::string ReadFile(const std::string& relative) {
  std::ifstream in(std::string(LATTICEPOL_SOURCE_DIR) + "/" + relative);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Request MakeRequest(std::string_view owner, std::string_view method, std::string raw) {
  Request r;
  r.method = std::string(method);
  r.path = "/";
  r.source_vpc = "vpc-0abc";
  r.source_vpc_owner_account = std::string(owner);
  r.service_arn = "arn:aws:vpc-lattice:us-east-1:444455556666:service/svc-0123456789abcdef0";
  r.service_network_arn =
      "arn:aws:vpc-lattice:us-east-1:444455556666:servicenetwork/sn-0123456789abcdef0";
  r.port = 443;
  Principal p;
  p.arn = "arn:aws:iam::111122223333:role/blue-role";
  p.account = "111122223333";
  p.type = "AssumedRole";
  r.principal = p;
  r.AppendRawQuery(raw);
  return r;
}

// The hand-written floor, as in evaluate_bench.cc.
inline bool OnlyQ(std::string_view raw, std::string_view* value) {
  int count = 0;
  size_t pos = 0;
  while (pos <= raw.size()) {
    const char* amp = static_cast<const char*>(
        pos < raw.size() ? std::memchr(raw.data() + pos, '&', raw.size() - pos) : nullptr);
    const size_t end = amp == nullptr ? raw.size() : static_cast<size_t>(amp - raw.data());
    if (end - pos >= 1 && raw[pos] == 'q' && (end - pos == 1 || raw[pos + 1] == '=')) {
      ++count;
      *value = end - pos <= 2 ? std::string_view() : raw.substr(pos + 2, end - pos - 2);
    }
    pos = end + 1;
  }
  return count == 1;
}

__attribute__((noinline)) Decision BlueGreenIfChain(const RequestView& r) {
  Decision d;
  if (r.action != kInvokeAction || r.method != "GET") return d;
  std::string_view q;
  if (!OnlyQ(r.raw_query, &q)) return d;
  if (!r.source_vpc_owner_account.present) return d;
  const std::string_view owner = r.source_vpc_owner_account.value;
  if (q == "blue" && owner == "111111111111") {
    d.kind = DecisionKind::kAllow;
    d.statement = 0;
  } else if (q == "green" && owner == "222222222222") {
    d.kind = DecisionKind::kAllow;
    d.statement = 1;
  }
  return d;
}

int Main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <raw|parsed|ifchain> <n>\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1];
  const long n = std::strtol(argv[2], nullptr, 10);
  auto doc = ParsePolicyOrStatus(ReadFile("policies/shared-service/auth-policy.json"));
  if (!doc.ok()) return 1;
  auto compiled = Compile(*doc);
  if (!compiled.ok()) return 1;
  const std::vector<std::string> raws = {"q=blue", "q=green", "q=green", "q=green"};
  std::vector<Request> requests = {
      MakeRequest("111111111111", "GET", raws[0]), MakeRequest("222222222222", "GET", raws[1]),
      MakeRequest("111111111111", "GET", raws[2]), MakeRequest("222222222222", "POST", raws[3])};
  std::vector<RequestView> views;
  for (size_t i = 0; i < requests.size(); ++i) {
    RequestView raw = requests[i].view();
    raw.query_is_raw = true;
    raw.raw_query = raws[i];
    raw.query = ParamList();
    const RequestView v = mode == "parsed" ? requests[i].view() : raw;
    // The evaluators must agree on the mix before anything is counted.
    const Decision d = Evaluate(**compiled, v);
    if (BlueGreenIfChain(raw).statement != d.statement || d.uncertain != 0) {
      std::fprintf(stderr, "if-chain and compiled policy disagree\n");
      return 1;
    }
    views.push_back(v);
  }
  long checksum = 0;
  const bool if_chain = mode == "ifchain";
  for (long i = 0; i < n; ++i) {
    for (const RequestView& v : views) {
      const Decision d = if_chain ? BlueGreenIfChain(v) : Evaluate(**compiled, v);
      checksum += d.statement;
    }
  }
  std::printf("%s n=%ld checksum=%ld\n", mode.c_str(), n, checksum);
  return 0;
}

}  // namespace
}  // namespace latticepol

int main(int argc, char** argv) { return latticepol::Main(argc, argv); }

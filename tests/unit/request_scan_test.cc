// File: tests/unit/request_scan_test.cc
// Stage: request (internal). The canonical-shape scanner against the general
// reader (ParseRequestJson): whenever the scanner accepts a line, the reader
// must accept it too and read the same request. Differential over generated
// canonical lines (random policies' requests, the shipped scenario's stream)
// and over mutated, near-canonical lines (reordered and duplicated keys,
// escapes, unicode and broken UTF-8, whitespace, truncation, nulls, numbers,
// header forms, principals), plus the surprises named one by one.
#include "internal/request_scan.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "latticepol/policy.h"
#include "latticepol/request.h"
#include "latticepol/request_json.h"
#include "latticepol/scenario.h"
#include "latticepol/simulate.h"
#include "testing/random.h"

namespace latticepol::internal {
namespace {

// A request's identity for comparison: its canonical JSON plus the query
// form the evaluators see (raw text or pairs).
std::string Fingerprint(const Request& r) {
  const RequestView v = r.view();
  return RequestToJson(r) + (v.query_is_raw ? "|raw:" + std::string(v.raw_query) : "|pairs");
}

// Scans `line` (from a padded copy, as replay does, and from an exact-size
// copy); returns whether the scanner accepted it, after checking that the
// general reader agrees on every accepted line.
bool CheckLine(const std::string& line) {
  ScannedRequest exact_scan, padded_scan;
  const std::unique_ptr<char[]> exact(new char[line.size() + 1]);
  line.copy(exact.get(), line.size());
  const bool exact_ok =
      ScanCanonicalRequest(std::string_view(exact.get(), line.size()), line.size(), &exact_scan);
  std::string padded = line + std::string(80, '"');  // quotes past the end must not count
  const bool padded_ok = ScanCanonicalRequest(std::string_view(padded.data(), line.size()),
                                              padded.size(), &padded_scan);
  EXPECT_EQ(exact_ok, padded_ok) << line;
  if (!exact_ok) return false;
  const RequestParseResult parsed = ParseRequestJson(line);
  EXPECT_TRUE(parsed.ok()) << "scanner accepted what the reader rejects: " << line;
  if (!parsed.ok()) return true;
  const std::string want = Fingerprint(parsed.request);
  EXPECT_EQ(Fingerprint(ToRequest(exact_scan.view)), want) << line;
  EXPECT_EQ(Fingerprint(ToRequest(padded_scan.view)), want) << line;
  return true;
}

std::vector<std::string> RandomCanonicalLines(uint64_t seed, int policies, int per_policy) {
  std::vector<std::string> lines;
  Rng rng(seed);
  for (int p = 0; p < policies; ++p) {
    const PolicyDocument policy = RandomPolicy(rng, {});
    for (int i = 0; i < per_policy; ++i) {
      std::string raw;
      Request r = RandomRequest(rng, policy, {}, &raw);
      lines.push_back(RequestToJson(r));
      // The raw-query form of the same request (a JSON string value).
      r.query.clear();
      r.raw_query.clear();
      r.AppendRawQuery(raw);
      lines.push_back(RequestToJson(r));
    }
  }
  return lines;
}

TEST(RequestScanTest, AgreesWithTheReaderOnCanonicalLines) {
  const std::vector<std::string> lines = RandomCanonicalLines(1, 40, 50);
  size_t accepted = 0, valid = 0;
  for (const std::string& line : lines) {
    accepted += CheckLine(line);
    valid += ParseRequestJson(line).ok();  // random sourceIp/time values are often invalid
  }
  // Most valid lines take the scanner (escapes aside).
  EXPECT_GT(accepted, valid * 3 / 4) << accepted << " of " << valid << " valid lines";
}

TEST(RequestScanTest, AcceptsEveryLineOfTheShippedScenario) {
  ScenarioLoadResult loaded =
      LoadScenarioFile(std::string(LATTICEPOL_SOURCE_DIR) + "/policies/shared-service/scenario.yaml");
  ASSERT_TRUE(loaded.ok());
  auto sim = Simulation::Create(loaded.scenario);
  ASSERT_TRUE(sim.ok());
  for (uint64_t i = 0; i < 2000; ++i) {
    const std::string line = RequestToJson((*sim)->GenerateRequest(i));
    EXPECT_TRUE(CheckLine(line)) << line;
  }
}

// One random edit of a canonical line.
std::string Mutate(const std::string& line, Rng& rng) {
  std::string s = line;
  auto at = [&](size_t n) { return static_cast<size_t>(rng.Uniform(n == 0 ? 1 : n)); };
  auto find_member = [&](std::string_view key) { return s.find("\"" + std::string(key) + "\":"); };
  static const char* const kKeys[] = {"action", "method", "path", "query", "headers",
                                      "sourceVpc", "sourceVpcOwnerAccount", "port",
                                      "serviceArn", "serviceNetworkArn", "principal",
                                      "resourceTags", "sourceIp", "time", "account", "type",
                                      "arn", "orgId", "orgPaths", "tags", "sessionArn"};
  const std::string key = kKeys[at(sizeof(kKeys) / sizeof(kKeys[0]))];
  switch (rng.Uniform(18)) {
    case 0:  // truncation
      s.resize(at(s.size()));
      break;
    case 1:  // whitespace anywhere
      s.insert(at(s.size() + 1), std::string(1, " \t\r\n"[at(4)]));
      break;
    case 2: {  // the first member moved to the end (keys reordered)
      const size_t comma = s.find(",\"");
      if (comma != std::string::npos && s.size() > 2) {
        const std::string first = s.substr(1, comma - 1);
        s = "{" + s.substr(comma + 1, s.size() - comma - 2) + "," + first + "}";
      }
      break;
    }
    case 3:  // a duplicated member
      s.insert(s.size() - 1, ",\"" + key + "\":\"GET\"");
      break;
    case 4: {  // an escape inside a string
      const size_t q = s.find('"', at(s.size()));
      if (q != std::string::npos) {
        static const char* const kEscapes[] = {"\\u0041", "\\\"", "\\\\", "\\/", "\\n", "\\u00e9"};
        s.insert(q + 1, kEscapes[at(6)]);
      }
      break;
    }
    case 5: {  // unicode, valid or not, at a random place
      static const char* const kBytes[] = {"\xC3\xA9", "\xF0\x9F\x98\x80", "\xFF", "\xC0\x80",
                                           "\x80", "\xED\xA0\x80", "\xE2\x82"};
      const size_t q = s.find('"', at(s.size()));
      s.insert(q == std::string::npos ? at(s.size()) : q + 1, kBytes[at(7)]);
      break;
    }
    case 6:  // a control character or NUL
      s.insert(at(s.size()), std::string(1, "\x01\x1F\x7F\0"[at(4)]));
      break;
    case 7: {  // header name and value forms
      const size_t h = s.find("[[\"", s.find("\"headers\":") == std::string::npos ? s.size()
                                                                                   : s.find("\"headers\":"));
      if (h != std::string::npos) s.insert(h + 3, at(2) ? "X-" : " ");
      break;
    }
    case 8: {  // port forms
      static const char* const kPorts[] = {"0", "65536", "443.0", "-1", "\"443\"", "1e2",
                                           "0443", "65535", "1", "null", "99999999999"};
      const size_t p = find_member("port");
      if (p != std::string::npos) {
        const size_t v = p + 7, end = s.find_first_of(",}", v);
        s.replace(v, end - v, kPorts[at(11)]);
      } else {
        s.insert(s.size() - 1, std::string(",\"port\":") + kPorts[at(11)]);
      }
      break;
    }
    case 9: {  // a value replaced by null, a number, an object, an array or ""
      static const char* const kValues[] = {"null", "7", "{}", "[]", "\"\"", "true",
                                            "[[\"a\",\"b\"]]", "{\"a\":\"b\",\"a\":\"c\"}",
                                            "{\"a\":[\"b\",\"c\"]}", "\"a&b=c\""};
      const size_t m = find_member(key);
      if (m != std::string::npos) {
        size_t v = m + key.size() + 3, i = v;
        int depth = 0;
        bool in_string = false;
        for (; i < s.size(); ++i) {
          const char c = s[i];
          if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
          } else if (c == '"') {
            in_string = true;
          } else if (c == '{' || c == '[') {
            ++depth;
          } else if (c == '}' || c == ']') {
            if (depth-- == 0) break;
          } else if (c == ',' && depth == 0) {
            break;
          }
        }
        s.replace(v, i - v, kValues[at(10)]);
      }
      break;
    }
    case 10:  // an unknown or access-log field
      s.insert(s.size() - 1, at(2) ? ",\"requestMethod\":\"GET\"" : ",\"methd\":\"GET\"");
      break;
    case 11: {  // principal shapes (inference, sts sessions)
      const size_t p = find_member("principal");
      static const char* const kPrincipals[] = {
          "{\"arn\":\"arn:aws:iam::111111111111:role/r\"}",
          "{\"arn\":\"arn:aws:sts::111111111111:assumed-role/r/s\",\"account\":\"1\",\"type\":\"AssumedRole\"}",
          "{\"arn\":\"arn:aws:iam::111111111111:user/u\",\"account\":\"111111111111\",\"type\":\"User\","
          "\"orgId\":\"o-1\",\"orgPaths\":[\"o-1/r-1/\"],\"tags\":{\"team\":\"a\"}}",
          "{\"account\":\"111111111111\",\"type\":\"Anonymous\"}",
          "{\"arn\":\"x\",\"account\":\"1\",\"type\":\"User\",\"tags\":[[\"k\",\"v\"],[\"k\",\"w\"]]}",
          "{\"arn\":\"x\",\"account\":\"1\",\"type\":\"User\",\"tags\":{\"k\":\"v\",\"k\":\"w\"}}",
          "{\"arn\":\"x\",\"account\":1,\"type\":\"User\"}", "{}", "[]"};
      const std::string value = kPrincipals[at(9)];
      if (p != std::string::npos) {
        s = s.substr(0, p) + "\"principal\":" + value + (s.find(",\"resourceTags\"") != std::string::npos ? s.substr(s.find(",\"resourceTags\"")) : s.find(",\"sourceIp\"") != std::string::npos ? s.substr(s.find(",\"sourceIp\"")) : s.find(",\"time\"") != std::string::npos ? s.substr(s.find(",\"time\"")) : "}");
      }
      break;
    }
    case 12:  // empty method
      if (size_t m = find_member("method"); m != std::string::npos) {
        s.replace(m + 10, s.find('"', m + 10) - (m + 10), "");
      }
      break;
    case 13:  // source ip and time values
      s.insert(s.size() - 1, std::vector<std::string>{",\"sourceIp\":\"10.0.0.1\"",
                                                      ",\"sourceIp\":\"10.0.0.300\"",
                                                      ",\"time\":\"2026-11-26T12:00:00Z\"",
                                                      ",\"time\":\"yesterday\"",
                                                      ",\"sourceIp\":\"::1\""}[at(5)]);
      break;
    case 14:  // a random byte changed
      if (!s.empty()) s[at(s.size())] = static_cast<char>(rng.Uniform(256));
      break;
    case 15:  // a random byte removed
      if (!s.empty()) s.erase(at(s.size()), 1);
      break;
    case 16:  // resource tags forms
      s.insert(s.size() - 1, std::vector<std::string>{",\"resourceTags\":{\"env\":\"prod\"}",
                                                      ",\"resourceTags\":[[\"env\",\"a\"],[\"env\",\"b\"]]",
                                                      ",\"resourceTags\":{\"env\":\"a\",\"env\":\"b\"}",
                                                      ",\"resourceTags\":{\"env\":1}"}[at(4)]);
      break;
    default:  // trailing garbage or a second value
      s += std::vector<std::string>{"x", "}", ",", "{}", "\"\""}[at(5)];
      break;
  }
  return s;
}

TEST(RequestScanTest, AgreesWithTheReaderOnMutatedLines) {
  std::vector<std::string> lines = RandomCanonicalLines(2, 20, 25);
  ScenarioLoadResult loaded =
      LoadScenarioFile(std::string(LATTICEPOL_SOURCE_DIR) + "/policies/shared-service/scenario.yaml");
  ASSERT_TRUE(loaded.ok());
  auto sim = Simulation::Create(loaded.scenario);
  ASSERT_TRUE(sim.ok());
  for (uint64_t i = 0; i < 500; ++i) lines.push_back(RequestToJson((*sim)->GenerateRequest(i)));
  Rng rng(3);
  size_t accepted = 0, total = 0;
  for (const std::string& line : lines) {
    for (int k = 0; k < 12; ++k) {
      std::string mutated = Mutate(line, rng);
      if (rng.Uniform(3) == 0) mutated = Mutate(mutated, rng);  // two edits
      accepted += CheckLine(mutated);
      ++total;
    }
  }
  // Some edits keep the line acceptable (reordered keys, valid unicode,
  // known fields added): the scanner must take a share of them too.
  EXPECT_GT(accepted, total / 10) << accepted << " of " << total;
  EXPECT_LT(accepted, total) << "every mutation accepted: the mutations do nothing";
}

// Surprises, one by one: each goes to the general reader.
TEST(RequestScanTest, HandsSurprisesToTheReader) {
  const char* const kLines[] = {
      " {}",                                                     // leading space
      "{\"method\": \"GET\"}",                                    // whitespace
      "{\"method\":\"G\\u0045T\"}",                              // escape
      "{\"method\":null}",                                       // null for a default
      "{\"method\":\"\"}",                                       // empty method: an error
      "{\"method\":\"GET\",\"method\":\"PUT\"}",                 // duplicate key
      "{\"query\":{\"q\":\"blue\"}}",                            // object-form query
      "{\"headers\":{\"a\":\"b\"}}",                             // object-form headers
      "{\"headers\":[[\"Content-Type\",\"x\"]]}",                // name to lower-case (H1)
      "{\"headers\":[[\"a\",\" x\"]]}",                          // value to trim (H3)
      "{\"headers\":[[\"a\",\"x\"],[\"a\",\"y\"]]}",             // names to join (H2)
      "{\"headers\":[[\"\",\"x\"]]}",                            // empty name: an error
      "{\"port\":0}", "{\"port\":65536}", "{\"port\":443.0}", "{\"port\":\"443\"}",
      "{\"principal\":{\"arn\":\"arn:aws:iam::111111111111:role/r\"}}",  // type inferred (L2)
      "{\"principal\":{\"arn\":\"arn:aws:sts::1:assumed-role/r/s\",\"account\":\"1\","
      "\"type\":\"AssumedRole\"}}",                              // session ARN rewritten (L2)
      "{\"resourceTags\":{\"a\":\"1\",\"a\":\"2\"}}",            // duplicate object key
      "{\"sourceIp\":\"10.0.0.300\"}", "{\"time\":\"yesterday\"}",
      "{\"requestMethod\":\"GET\"}",                             // access-log field
      "{\"method\":\"G\xFF\"}",                                  // invalid UTF-8
      "{\"method\":\"GET\"}x", "{\"method\":\"GET\"", "[]", "",
  };
  for (const char* line : kLines) {
    ScannedRequest scan;
    EXPECT_FALSE(ScanCanonicalRequest(line, std::string_view(line).size(), &scan)) << line;
  }
}

TEST(RequestScanTest, ReadsEveryField) {
  const std::string line =
      "{\"action\":\"vpc-lattice-svcs:Invoke\",\"method\":\"POST\",\"path\":\"/items/42\","
      "\"query\":[[\"q\",\"blue\"],[\"q\",\"caf\xC3\xA9\"]],\"headers\":[[\"content-type\",\"text/plain\"]],"
      "\"sourceVpc\":\"vpc-1\",\"sourceVpcOwnerAccount\":\"111111111111\",\"port\":8443,"
      "\"serviceArn\":\"arn:s\",\"serviceNetworkArn\":\"arn:n\","
      "\"principal\":{\"arn\":\"arn:aws:iam::111111111111:role/r\",\"account\":\"111111111111\","
      "\"type\":\"AssumedRole\",\"orgId\":\"o-1\",\"orgPaths\":[\"o-1/r/ou/\"],"
      "\"tags\":{\"team\":\"blue\"},\"sessionArn\":\"arn:aws:sts::111111111111:assumed-role/r/s\"},"
      "\"resourceTags\":[[\"env\",\"prod\"],[\"env\",\"dev\"]],\"sourceIp\":\"10.0.0.5\","
      "\"time\":\"2026-11-26T12:00:00Z\"}";
  ASSERT_TRUE(CheckLine(line));
  ScannedRequest scan;
  ASSERT_TRUE(ScanCanonicalRequest(line, line.size(), &scan));
  const RequestView& v = scan.view;
  EXPECT_EQ(v.method, "POST");
  EXPECT_EQ(v.query.size(), 2u);
  EXPECT_EQ(v.query.value(1), "caf\xC3\xA9");
  EXPECT_EQ(v.port, 8443);
  ASSERT_NE(v.principal, nullptr);
  EXPECT_EQ(v.principal->org_paths.size(), 1u);
  EXPECT_EQ(v.principal->tags.size(), 1u);
  EXPECT_EQ(v.resource_tags.size(), 2u);
  EXPECT_EQ(v.time.value, "2026-11-26T12:00:00Z");
  // The buffers are reused: a second, smaller line leaves nothing behind.
  ASSERT_TRUE(ScanCanonicalRequest("{\"query\":\"a=1&b\"}", 17, &scan));
  EXPECT_TRUE(scan.view.query_is_raw);
  EXPECT_EQ(scan.view.raw_query, "a=1&b");
  EXPECT_EQ(scan.view.principal, nullptr);
  EXPECT_TRUE(scan.view.headers.empty());
  EXPECT_EQ(scan.view.port, -1);
  EXPECT_EQ(scan.view.method, "GET");
}

}  // namespace
}  // namespace latticepol::internal

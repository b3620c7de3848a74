// File: latticepol/explain.h
// Stage: explain. Renders a reference Evaluation (latticepol/evaluate.h) for
// people (text) and programs (JSON). Request values longer than
// kTraceValueBytes appear cut, with the number of bytes cut.
#ifndef LATTICEPOL_EXPLAIN_H_
#define LATTICEPOL_EXPLAIN_H_

#include <string>

#include "latticepol/evaluate.h"

namespace latticepol {

struct ExplainOptions {
  int max_closest = 3;  // IMPLICIT_DENY: how many closest Allow statements to show
};

// Renders the explanation of spec 4.3 as text: for ALLOW the allowing
// statement(s); for EXPLICIT_DENY the denying statement and the conditions that
// made it apply; for IMPLICIT_DENY the closest Allow statements (fewest failed
// elements first), each with its first failing element and, where known, the
// value that would have passed.
std::string ExplainText(const Evaluation& evaluation,
                        const ExplainOptions& options = {});
// The same as a JSON object: {"decision","statement","uncertain":[ids],
// "statements":[...]}.
std::string ExplainJson(const Evaluation& evaluation,
                        const ExplainOptions& options = {});

}  // namespace latticepol

#endif  // LATTICEPOL_EXPLAIN_H_

// File: src/internal/explain_text.h
// Stage: explain (internal). The explanation text without its `uncertain:`
// line, for renderers that print the DECISION ids themselves (the case report
// and `latticepol eval` show them once, in their own header).
#ifndef LATTICEPOL_INTERNAL_EXPLAIN_TEXT_H_
#define LATTICEPOL_INTERNAL_EXPLAIN_TEXT_H_

#include <string>

#include "latticepol/evaluate.h"
#include "latticepol/explain.h"

namespace latticepol::internal {

// ExplainText(evaluation, options) minus the `uncertain: ...` line.
std::string ExplainTextWithoutUncertain(const Evaluation& evaluation,
                                        const ExplainOptions& options = {});

}  // namespace latticepol::internal

#endif  // LATTICEPOL_INTERNAL_EXPLAIN_TEXT_H_

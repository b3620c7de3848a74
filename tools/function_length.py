#!/usr/bin/env python3
"""Lists C++ function definitions longer than a limit.

Usage: function_length.py [--limit N] [--allow NAME ...] [--list] FILE...

A function is counted from the line of its name to the line of its closing
brace. The scanner is a small brace matcher, not a C++ parser: it skips
comments, string and character literals (raw strings included), treats a `{`
as a function body when the text before it (back to the previous `;`, `{` or
`}`) ends in a parameter list -- `)` optionally followed by qualifiers,
`override`, a trailing return type or a constructor's initializer list --
and is not a control statement, a lambda or an initializer. Bodies nested in
a function (lambdas, local classes) count towards that function.

Exit status: 0 when no function outside the allow-list exceeds the limit,
1 otherwise (each one printed as `file:line: name: N lines (limit L)`),
2 on a usage error. `--list` prints every function with its length and
exits 0.
"""
import argparse
import re
import sys

CONTROL = {"if", "for", "while", "switch", "catch", "do", "else", "return", "sizeof",
           "alignof", "decltype", "static_assert", "noexcept", "requires"}


def strip_code(text):
    """Returns `text` with comments and literals blanked (newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "R" and text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'R"([^ ()\\\t\n]{0,16})\(', text[i:])
            if not m:
                out.append(c)
                i += 1
                continue
            close = ")" + m.group(1) + '"'
            j = text.find(close, i + m.end())
            j = n if j < 0 else j + len(close)
            out.append('""' + re.sub(r"[^\n]", " ", text[i + 2:j]))
            i = j
        elif c in "\"'":
            if c == "'" and i > 0 and text[i - 1].isalnum():  # digit separator 1'000
                out.append(" ")
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * (j - i - 2) + c if j - i >= 2 else c)
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


# A possibly qualified name; class template arguments (`Evaluator<kW>::Run`)
# are kept, one level deep.
NAME_RE = re.compile(r"(~?[A-Za-z_]\w*(?:<[^<>()]*>)?(?:\s*::\s*~?[A-Za-z_]\w*(?:<[^<>()]*>)?)*"
                     r"|operator\s*[^\s\w(]+|operator\s*\(\s*\))$")
TAIL_RE = re.compile(r"^(|(const|noexcept|override|final|&|->|:|try).*)$", re.S)


def parse_header(header):
    """(name, offset of its `(`) if `header`, the text before a `{`, opens a
    function body; else None."""
    h = header.rstrip()
    if re.match(r"^\s*(namespace|class|struct|union|enum)\b", h):
        return None
    open_paren = h.find("(")
    if open_paren < 0:
        return None
    before = h[:open_paren].rstrip()
    if before.endswith("]") or re.search(r"(^|[^=!<>])=([^=]|$)", before.replace("operator=", "")):
        return None  # a lambda, or an expression such as `x = f(...)`
    m = NAME_RE.search(before)
    if m is None:
        return None
    name = re.sub(r"\s+", "", m.group(1))
    if name.split("::")[-1] in CONTROL:
        return None
    depth = 0
    for idx in range(open_paren, len(h)):
        if h[idx] == "(":
            depth += 1
        elif h[idx] == ")":
            depth -= 1
            if depth == 0:
                tail = h[idx + 1:].strip()
                return (name, open_paren) if TAIL_RE.match(tail) else None
    return None


def functions(path):
    """Yields (name, first_line, last_line) for each function defined in `path`."""
    with open(path, encoding="utf-8", errors="replace") as f:
        code = strip_code(f.read())
    stack = []  # per open brace: None, or (name, first line) for a function body
    header_start = 0
    line = 1
    depth_in_function = 0  # braces open inside the current function, its own included
    for i, c in enumerate(code):
        if c == "\n":
            line += 1
        elif c == "{":
            opened = None
            if depth_in_function == 0:
                header = code[header_start:i]
                parsed = parse_header(header)
                if parsed is not None:
                    name, paren = parsed
                    opened = (name, line - header[paren:].count("\n"))
            if opened is not None or depth_in_function > 0:
                depth_in_function += 1
            stack.append(opened)
            header_start = i + 1
        elif c == "}":
            if stack:
                top = stack.pop()
                if depth_in_function > 0:
                    depth_in_function -= 1
                if top is not None:
                    yield top[0], top[1], line
            header_start = i + 1
        elif c == ";":
            header_start = i + 1
        elif c == "#" and code[header_start:i].strip() == "":
            # A preprocessor line is not part of the next header.
            j = code.find("\n", i)
            while j > 0 and code[j - 1] == "\\":
                j = code.find("\n", j + 1)
            header_start = j if j >= 0 else len(code)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=120)
    parser.add_argument("--allow", action="append", default=[],
                        help="a function name (as printed) allowed over the limit")
    parser.add_argument("--list", action="store_true", help="print every function")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    over = 0
    for path in args.files:
        for name, first, last in functions(path):
            length = last - first + 1
            if args.list:
                print(f"{path}:{first}: {name}: {length} lines")
            if length > args.limit and name not in args.allow:
                if not args.list:
                    print(f"{path}:{first}: {name}: {length} lines (limit {args.limit})")
                over += 1
    return 1 if over and not args.list else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

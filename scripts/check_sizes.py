#!/usr/bin/env python3
"""The size rule of docs/ARCHITECTURE.md (issue 13): no function over 120 lines
and no file over 600 lines in src/ (tests included), data tables excepted by
name below. clang-formatted code puts every function definition at column 0
(namespaces are not indented) and its closing brace at column 0, which is what
this reads; a definition is a column-0 line ending in '{' with a '(' in it, or a
column-0 line whose signature wraps onto up to 5 more lines ending in '{', that
is not a namespace, type or extern block.
  check_sizes.py SRC_DIR            exit 1 and one line per breach
  check_sizes.py --selftest         plants breaches in a scratch tree"""
import os
import re
import sys
import tempfile

MAX_FUNCTION, MAX_FILE = 120, 600
# Data, not logic: a table literal inside a function (path, function name).
DATA_TABLES = {("workload/synthetic_corpus.cpp", "topics")}
NOT_FUNCTION = re.compile(r"(namespace|struct|class|enum|union|extern|typedef|template\s*<.*>\s*(struct|class))\b")


def breaches(root):
    out = []
    for dp, _, files in os.walk(root):
        for f in sorted(files):
            if not f.endswith((".cpp", ".h")):
                continue
            path = os.path.join(dp, f)
            rel = os.path.relpath(path, root)
            lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
            if len(lines) - 1 > MAX_FILE:
                out.append(f"{rel}: {len(lines) - 1} lines (at most {MAX_FILE})")
            i = 0
            while i < len(lines):
                line = lines[i]
                if line and not line[0].isspace() and not line.startswith(("#", "//", "}")) \
                        and not NOT_FUNCTION.match(line):
                    # The signature may wrap: its '{' ends this line or one of the next 5.
                    k = i
                    while k < min(i + 6, len(lines) - 1) and not lines[k].rstrip().endswith(("{", ";")):
                        k += 1
                    sig = " ".join(lines[i:k + 1])
                    if lines[k].rstrip().endswith("{") and "(" in sig and "=" not in sig.split("(")[0]:
                        j = k + 1
                        while j < len(lines) and not lines[j].startswith("}"):
                            j += 1
                        n = j - i + 1
                        m = re.search(r"([A-Za-z_][A-Za-z0-9_:~]*)\s*\(", sig)
                        name = m.group(1).split("::")[-1] if m else "?"
                        if n > MAX_FUNCTION and (rel, name) not in DATA_TABLES:
                            out.append(f"{rel}:{i + 1}: function {name} has {n} lines (at most {MAX_FUNCTION})")
                        i = j
                i += 1
    return out


def selftest():
    with tempfile.TemporaryDirectory() as d:
        def func(header, n):  # a definition of n lines in all
            return header + "  x();\n" * (n - len(header.split("\n"))) + "}\n"
        os.makedirs(os.path.join(d, "a"))
        open(os.path.join(d, "a", "ok.cpp"), "w").write(
            "namespace n {\n\n" + func("int f(int a) {\n", MAX_FUNCTION) + "\n}\n")
        open(os.path.join(d, "a", "long.cpp"), "w").write(
            "namespace n {\n\n" + func("void g(\n    int a) {\n", MAX_FUNCTION + 1) + "\n}\n")
        open(os.path.join(d, "a", "big.h"), "w").write("// x\n" * (MAX_FILE + 1))
        got = breaches(d)
        want = ["a/big.h: 601 lines", "a/long.cpp:3: function g has 121 lines"]
        ok = len(got) == 2 and all(any(g.startswith(w) for g in got) for w in want)
        print("\n".join(got))
        print("selftest:", "ok" if ok else "FAILED (wanted %s)" % want)
        return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1:] == ["--selftest"]:
        sys.exit(selftest())
    found = breaches(sys.argv[1])
    for b in found:
        print(b)
    print(f"check_sizes: {len(found)} breach(es) of {MAX_FUNCTION} lines per function, {MAX_FILE} per file")
    sys.exit(1 if found else 0)

#!/usr/bin/env python3
"""The command line sits on top (docs/ARCHITECTURE.md#layering).

check_layering.py SRC_DIR fails (exit 1, one line per violation) when
  - a file outside SRC_DIR/cli includes anything from cli/;
  - a CMakeLists.txt outside SRC_DIR/cli names an l4lab_cli* target;
  - the identifier `exit_code` is declared or used at namespace scope
    anywhere (a global exit status): subsystems return their status as a
    value and main() returns what the chosen command returned. `exit_code`
    inside a class, a function body or a parameter list is fine.
check_layering.py --self-test plants each violation in a scratch tree and
fails unless the check catches every one (and passes a clean tree).
"""

import os
import re
import sys
import tempfile

SOURCE_EXT = (".cpp", ".h", ".cc", ".hpp")
INCLUDE_CLI = re.compile(r'^\s*#\s*include\s*[<"]cli/', re.M)
CLI_TARGET = re.compile(r"\bl4lab_cli_\w+|\bl4lab_\w+_cli\b")
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def code_tokens(text):
    """Yields (kind, value, line) for the code of a C++ file: identifiers,
    and the punctuation '{', '}', '(', ')', ';'. Comments, string and
    character literals (raw strings included) and preprocessor lines are
    skipped."""
    i, n, line = 0, len(text), 1
    at_line_start = True
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            at_line_start = True
            i += 1
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if at_line_start and c == "#":  # preprocessor line, with continuations
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    line += 1
                    i += 1
                i += 1
            continue
        at_line_start = False
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            line += text.count("\n", i, end)
            i = end
            continue
        m = re.match(r'(?:u8|u|U|L)?R"([^()\\\s]{0,16})\(', text[i:])
        if m:  # raw string
            close = ")" + m.group(1) + '"'
            end = text.find(close, i + m.end())
            end = n if end < 0 else end + len(close)
            line += text.count("\n", i, end)
            i = end
            continue
        if c == '"' or (c == "'" and not (i > 0 and text[i - 1].isalnum())):
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        m = IDENT.match(text, i)
        if m:
            yield ("id", m.group(0), line)
            i = m.end()
            continue
        if c in "{}();":
            yield ("p", c, line)
        i += 1


def namespace_scope_uses(text, name):
    """Lines where identifier `name` appears at namespace scope (every
    enclosing brace a namespace's or an extern "C" block's, outside any
    parentheses)."""
    scopes = []  # True: a namespace scope
    parens = 0
    recent = []  # tokens since the last ';', '{' or '}'
    found = []
    for kind, value, line in code_tokens(text):
        if kind == "id":
            if value == name and parens == 0 and all(scopes):
                found.append(line)
            recent.append(value)
            continue
        if value == "(":
            parens += 1
        elif value == ")":
            parens = max(0, parens - 1)
        elif value == "{":
            ids = [t for t in recent if t != "inline"]
            is_ns = parens == 0 and (
                "namespace" in ids[-3:] or ids == ["extern"] or (ids and ids[-1] == "extern")
            )
            scopes.append(is_ns)
            recent = []
        elif value == "}":
            if scopes:
                scopes.pop()
            recent = []
        elif value == ";":
            recent = []
    return found


def check(src_dir):
    problems = []
    cli_dir = os.path.join(src_dir, "cli")
    for root, dirs, files in os.walk(src_dir):
        dirs.sort()
        in_cli = os.path.commonpath([root, cli_dir]) == cli_dir
        for f in sorted(files):
            path = os.path.join(root, f)
            rel = os.path.relpath(path, os.path.dirname(src_dir))
            if f == "CMakeLists.txt" and not in_cli:
                text = open(path, encoding="utf-8", errors="replace").read()
                for m in CLI_TARGET.finditer(text):
                    ln = text.count("\n", 0, m.start()) + 1
                    problems.append(f"{rel}:{ln}: names {m.group(0)}: only src/cli links the CLI")
            if not f.endswith(SOURCE_EXT):
                continue
            text = open(path, encoding="utf-8", errors="replace").read()
            if not in_cli:
                for m in INCLUDE_CLI.finditer(text):
                    ln = text.count("\n", 0, m.start()) + 1
                    problems.append(
                        f"{rel}:{ln}: includes from cli/: the CLI is on top; a subsystem returns "
                        "its status and never reaches into the CLI"
                    )
            for ln in namespace_scope_uses(text, "exit_code"):
                problems.append(
                    f"{rel}:{ln}: `exit_code` at namespace scope: no global exit status; "
                    "return it as a value"
                )
    return problems


def self_test():
    plants = {
        "include": ("workload/w.cpp", '#include "cli/commands.h"\nint f() { return 0; }\n'),
        "cmake": ("workload/CMakeLists.txt", "target_link_libraries(x PUBLIC l4lab_cli_matrix)\n"),
        "global": ("cli/main.cpp", "namespace l4lab::cli {\nint exit_code = 0;\n}\n"),
        "extern": ("cli/commands.h", "namespace l4lab::cli {\nextern int exit_code;\n}\n"),
        "use": ("matrix/m.cpp", "namespace a { namespace {\nint x = l4lab::cli::exit_code;\n} }\n"),
    }
    clean = (
        "report/v.h",
        "// exit_code in a comment\n#define X exit_code\nnamespace l4lab::report {\n"
        "struct V {\n  int exit_code = 0;\n};\nint f(int exit_code);\n"
        'const char* k = R"({"exit_code":1})";\nconst char* s = "exit_code";\n'
        "int g() {\n  int exit_code = 1;\n  return exit_code;\n}\n}  // namespace l4lab::report\n",
    )
    failures = []
    for name, (rel, text) in list(plants.items()) + [("clean", clean)]:
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "src")
            os.makedirs(os.path.join(src, os.path.dirname(rel)))
            with open(os.path.join(src, rel), "w") as fh:
                fh.write(text)
            got = check(src)
            if (name == "clean") != (not got):
                failures.append(f"self-test {name}: expected {'no ' if name == 'clean' else ''}"
                                f"violation, got {got}")
    for f in failures:
        print(f)
    print("self-test:", "FAILED" if failures else f"OK ({len(plants)} plants caught, clean passes)")
    return 1 if failures else 0


def main(argv):
    if len(argv) == 2 and argv[1] == "--self-test":
        return self_test()
    if len(argv) != 2 or not os.path.isdir(argv[1]):
        print("usage: check_layering.py SRC_DIR | --self-test", file=sys.stderr)
        return 2
    problems = check(os.path.abspath(argv[1]))
    for p in problems:
        print(p)
    if problems:
        print(f"layering: {len(problems)} violation(s) (docs/ARCHITECTURE.md#layering)")
        return 1
    print("layering: OK (only src/cli includes cli/; no exit_code at namespace scope)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

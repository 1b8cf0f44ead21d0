#!/usr/bin/env python3
"""Size of a WebAssembly module by section, and its largest functions.

Usage: wasm-sizes.py MODULE.wasm [--top N] [--markdown]

Reads the binary format directly (no tools needed): each section's size, and,
when the module has a `name` section, the N largest function bodies by name.
Rust symbol names are shortened (hash suffix dropped). Used by BENCHMARKS.md
("WASM size") and scripts/bench.sh.
"""
import re
import sys

SECTION_NAMES = {0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory",
                 6: "global", 7: "export", 8: "start", 9: "element", 10: "code", 11: "data",
                 12: "datacount"}


def leb(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return result, pos


def name_str(buf, pos):
    n, pos = leb(buf, pos)
    return buf[pos:pos + n].decode("utf-8", "replace"), pos + n


def main():
    args = sys.argv[1:]
    top = 25
    markdown = "--markdown" in args
    if "--top" in args:
        top = int(args[args.index("--top") + 1])
    path = [a for a in args if a.endswith(".wasm")][0]
    buf = open(path, "rb").read()
    assert buf[:4] == b"\0asm", "not a wasm module"
    pos = 8
    sections = []
    imported_funcs = 0
    bodies = []
    names = {}
    while pos < len(buf):
        sid = buf[pos]
        size, body = leb(buf, pos + 1)
        end = body + size
        label = SECTION_NAMES.get(sid, str(sid))
        if sid == 0:
            cname, _ = name_str(buf, body)
            label = f"custom \"{cname}\""
            if cname == "name":
                p = body + len(cname) + 1
                while p < end:
                    sub, p = buf[p], p + 1
                    ssize, p = leb(buf, p)
                    if sub == 1:
                        q = p
                        count, q = leb(buf, q)
                        for _ in range(count):
                            idx, q = leb(buf, q)
                            nm, q = name_str(buf, q)
                            names[idx] = nm
                    p += ssize
        elif sid == 2:
            p = body
            count, p = leb(buf, p)
            for _ in range(count):
                _, p = name_str(buf, p)
                _, p = name_str(buf, p)
                kind, p = buf[p], p + 1
                if kind == 0:
                    _, p = leb(buf, p)
                    imported_funcs += 1
                elif kind == 1:
                    p += 1
                    flags, p = leb(buf, p)
                    _, p = leb(buf, p)
                    if flags & 1:
                        _, p = leb(buf, p)
                elif kind == 2:
                    flags, p = leb(buf, p)
                    _, p = leb(buf, p)
                    if flags & 1:
                        _, p = leb(buf, p)
                elif kind == 3:
                    p += 2
                else:
                    _, p = leb(buf, p)
        elif sid == 10:
            p = body
            count, p = leb(buf, p)
            for i in range(count):
                fsize, q = leb(buf, p)
                bodies.append((q - p + fsize, imported_funcs + i))
                p = q + fsize
        sections.append((label, end - pos))
        pos = end

    total = len(buf)
    if markdown:
        print("| section | bytes | share |\n|---|---:|---:|")
        for label, size in sections:
            print(f"| {label} | {size} | {100 * size / total:.1f} % |")
        print(f"| **total** | **{total}** | |")
    else:
        for label, size in sections:
            print(f"{size:>9}  {100 * size / total:5.1f} %  {label}")
        print(f"{total:>9}  total")
    if bodies and top > 0:
        bodies.sort(reverse=True)
        code_total = sum(s for s, _ in bodies)
        print()
        if markdown:
            print("| function | bytes | share of code |\n|---|---:|---:|")
        for size, idx in bodies[:top]:
            nm = names.get(idx, f"func[{idx}]")
            nm = re.sub(r"::h[0-9a-f]{16}$", "", nm)
            if len(nm) > 110:
                nm = nm[:107] + "..."
            if markdown:
                print(f"| `{nm}` | {size} | {100 * size / code_total:.1f} % |")
            else:
                print(f"{size:>9}  {100 * size / code_total:5.1f} %  {nm}")


if __name__ == "__main__":
    main()

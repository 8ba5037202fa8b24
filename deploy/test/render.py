#!/usr/bin/env python3
"""Copies a deployment file with exact text replaced, failing when a text is not found.

deploy/validate.sh checks the real files, but some name what only exists on a real host
(ports 80 and 443, /etc/dex/tls, /var/log/nginx, /usr/bin/node): it checks a copy with those
few texts replaced. Failing on a missing text keeps the copy from silently drifting away
from the file.

Usage: render.py SRC DST [OLD NEW]...
"""

import sys


def main(argv: list[str]) -> int:
    if len(argv) < 3 or len(argv) % 2 != 1:
        print(__doc__, file=sys.stderr)
        return 2
    src, dst, pairs = argv[1], argv[2], argv[3:]
    text = open(src, encoding="utf-8").read()
    for old, new in zip(pairs[0::2], pairs[1::2]):
        if old not in text:
            print(f"render.py: {src} no longer contains {old!r}", file=sys.stderr)
            return 1
        text = text.replace(old, new)
    open(dst, "w", encoding="utf-8").write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

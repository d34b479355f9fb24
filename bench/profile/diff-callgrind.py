#!/usr/bin/env python3
"""Per-request instruction counts from two callgrind files of the same server (bench/profile/ir-per-request.sh):
(B - A) / N per function and per object file, biggest first.

    python3 bench/profile/diff-callgrind.py A.cg B.cg N [TOP=25]
"""
import collections
import re
import subprocess
import sys


def load(path):
    out = subprocess.run(['callgrind_annotate', '--threshold=100', path], capture_output=True, text=True, check=True).stdout
    counts = collections.Counter()
    for line in out.splitlines():
        m = re.match(r'\s*([\d,]+)\s+\([^)]*\)\s+(.*)', line)
        if m and 'PROGRAM TOTALS' not in line:
            counts[m.group(2)] += int(m.group(1).replace(',', ''))
    return counts


a, b, n = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
top = int(sys.argv[4]) if len(sys.argv) > 4 else 25
rows = sorted((((b[k] - a[k]) / n, k) for k in set(a) | set(b)), reverse=True)
print(f'instructions per request: {sum(r[0] for r in rows):.0f}')
objects = collections.Counter()
for v, k in rows:
    objects[k[k.rfind('[') + 1:-1].split('/')[-1] if k.endswith(']') else '?'] += v
print('by object: ' + ', '.join(f'{o} {v:.0f}' for o, v in objects.most_common(6)))
for v, k in rows[:top]:
    print(f'{v:8.0f}  {k[:140]}')

#!/usr/bin/python3
"""Puts a directory tree back to what survived a simulated power cut.

Usage: reboot.py ROOT JOURNAL [SEED]

ROOT was empty (or absent) when the program under test started with
tests/power_cut/preload.cpp loaded, and JOURNAL is what that recorded: the sizes of files
when an fsync/fdatasync of them returned ("F SIZE PATH") and the entries of directories
when an fsync of them returned ("E PATH"). What a power cut keeps, by POSIX rules:
- an entry (file or directory) only if its directory was synced after it appeared; every
  other one goes, with everything below it;
- a file's bytes up to its size at its last sync. Of the bytes written after that, a real
  disk may keep some: with SEED, a random part of them is kept (a torn write), and a random
  4 KiB block of that part reads as zeros (a page that never reached the disk); without
  SEED, all of them go.
Not modelled: unsynced unlinks, truncations and renames (they count as done at once).
Prints what it threw away on stderr.
"""
import os
import random
import shutil
import sys


def main():
    root = os.path.realpath(sys.argv[1])
    journal = sys.argv[2]
    rng = random.Random(int(sys.argv[3])) if len(sys.argv) > 3 else None
    entries, sizes = set(), {}
    if os.path.exists(journal):
        with open(journal) as f:
            for line in f:
                kind, _, rest = line.rstrip("\n").partition(" ")
                if kind == "E":
                    entries.add(rest)
                elif kind == "F":
                    size, _, path = rest.partition(" ")
                    sizes[path] = int(size)
    removed, cut, torn = [], 0, 0
    for dirpath, dirnames, filenames in os.walk(root):
        for name in list(dirnames) + filenames:
            path = os.path.join(dirpath, name)
            if path in entries:
                continue
            removed.append(path)
            if name in dirnames:
                dirnames.remove(name)
                shutil.rmtree(path)
            else:
                os.remove(path)
        for name in filenames:
            path = os.path.join(dirpath, name)
            if not os.path.exists(path):
                continue
            size, durable = os.path.getsize(path), sizes.get(path, 0)
            if size <= durable:
                continue
            keep = durable + (rng.randint(0, size - durable) if rng else 0)
            with open(path, "r+b") as f:
                f.truncate(keep)
                if keep > durable:
                    start = durable + rng.randrange(0, keep - durable)
                    f.seek(start)
                    f.write(b"\0" * min(4096, keep - start))
            cut += size - keep
            torn += keep - durable
    print(f"power cut: removed {len(removed)} entries never synced into their directory, "
          f"cut {cut} unsynced bytes, kept {torn} unsynced bytes as torn writes", file=sys.stderr)


main()

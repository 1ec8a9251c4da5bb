"""Writes json_schema_test_suite.json (beside this script) from the JSON-Schema-Test-Suite copy that
the `jsonschema` Python package ships in its source distribution (`json/tests/`), draft 2020-12:
every keyword file, the `optional/` files (bignum, ECMAScript regex, non-BMP regex, …) and the
`optional/format/` files. See README.md ("JSON Schema Test
Suite") for what `json_schema_test_suite` in `core/tests/validate_suite.rs` does with it.

    pip download --no-deps --no-binary :all: jsonschema==4.26.0 -d /tmp/jss
    python3 generate_json_schema_suite.py /tmp/jss/jsonschema-4.26.0.tar.gz   # writes the file
    python3 generate_json_schema_suite.py --verify /tmp/jss/jsonschema-4.26.0.tar.gz

Standard library only. The tarball's SHA-256 is pinned so that the committed cases are reproducible.
"""

import hashlib
import json
import sys
import tarfile
from pathlib import Path

VERSION = "4.26.0"
SHA256 = "0c26707e2efad8aa1bfc5b7ce170f3fccc2e4918ff85989ba9ffa9facb2be326"
PREFIX = f"jsonschema-{VERSION}/json/tests/draft2020-12/"
OUTPUT = Path(__file__).with_name("json_schema_test_suite.json")


def build(tarball: Path) -> str:
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != SHA256:
        sys.exit(f"{tarball}: sha256 {digest}, expected {SHA256}")
    files = {}
    with tarfile.open(tarball) as archive:
        for member in sorted(archive.getmembers(), key=lambda m: m.name):
            if not member.isfile() or not member.name.startswith(PREFIX) or not member.name.endswith(".json"):
                continue
            name = member.name[len(PREFIX):]
            if name.count("/") > 1 and not name.startswith("optional/format/"):
                continue
            files[name] = json.load(archive.extractfile(member))
    document = {
        "source": f"jsonschema {VERSION} sdist (PyPI), json/tests/draft2020-12",
        "upstream": "https://github.com/json-schema-org/JSON-Schema-Test-Suite",
        "license": "MIT (Copyright (c) 2012 Julian Berman)",
        "files": files,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def main() -> None:
    args = sys.argv[1:]
    verify = bool(args) and args[0] == "--verify"
    if verify:
        args = args[1:]
    if len(args) != 1:
        sys.exit(__doc__)
    text = build(Path(args[0]))
    if verify:
        if OUTPUT.read_text(encoding="utf-8") != text:
            sys.exit(f"{OUTPUT.name} differs from a fresh run")
        print(f"{OUTPUT.name}: matches")
        return
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.name}: {len(json.loads(text)['files'])} files, {len(text)} bytes")


if __name__ == "__main__":
    main()

"""Schemathesis hooks (loaded through SCHEMATHESIS_HOOKS by scripts/verify/fuzz/schemathesis.ts).

Random strings are almost never a base64 PDF, so without help every generated bill would stop at
the base64 or PDF check and the storing path (S3, database, queue) would never be fuzzed. For the
two ingest operations, half of the generated bodies get a real PDF (the %PDF- header and random
bytes) and the PDF media type, keeping every other generated field as it was. Bodies that are not
objects, or whose base64Data is not a string (negative cases), pass through untouched.
"""

import base64

import schemathesis
from hypothesis import strategies as st

INGEST_PATHS = {"/api/v1/bills", "/api/convert/base64-to-binary"}


def _with_pdf(body, tail):
    out = dict(body)
    out["base64Data"] = base64.b64encode(b"%PDF-1.7\n" + tail).decode("ascii")
    if "mimeType" in out and isinstance(out["mimeType"], str):
        out["mimeType"] = "application/pdf"
    return out


@schemathesis.hook
def flatmap_body(context, body):
    operation = context.operation
    if operation is None or operation.path not in INGEST_PATHS:
        return st.just(body)
    if not isinstance(body, dict) or not isinstance(body.get("base64Data", ""), str):
        return st.just(body)
    return st.one_of(st.just(body), st.binary(max_size=64).map(lambda tail: _with_pdf(body, tail)))

"""Times Python `jsonschema` on bench/order.schema.json for the seed orders.

Reproduce: pip install jsonschema && python3 bench/order_jsonschema.py
Prints one line per order: mean microseconds per validation (best of 5 timeit repeats).
"""
import importlib.metadata
import json
import pathlib
import timeit

import jsonschema

ROOT = pathlib.Path(__file__).resolve().parent.parent
schema = json.loads((ROOT / "bench" / "order.schema.json").read_text())
validator_cls = jsonschema.validators.validator_for(schema)
validator_cls.check_schema(schema)
validator = validator_cls(schema)

for name in ["ship_token.json", "new_organization_keylocker.json"]:
    body = (ROOT / "examples" / "orders" / name).read_bytes()
    errors = list(validator.iter_errors(json.loads(body)))
    assert not errors, f"{name}: {[e.message for e in errors]}"
    number = 2000
    # Parse + validate, like the Rust side (which parses the bytes too).
    best = min(timeit.repeat(lambda: validator.validate(json.loads(body)), number=number, repeat=5))
    parse = min(timeit.repeat(lambda: json.loads(body), number=number, repeat=5))
    print(f"{name} ({len(body)} B): jsonschema {best / number * 1e6:.1f} us/validation "
          f"(json.loads alone {parse / number * 1e6:.1f} us), jsonschema {importlib.metadata.version('jsonschema')}")

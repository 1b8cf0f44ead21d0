// The generated TypeScript declarations are precise: types/check.ts must compile under --strict,
// including its @ts-expect-error lines (which fail the build if the types were `any`).
import { it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { SITE_ROOT, TESTS_DIR } from "./harness.js";

it("pkg/signet_wasm.d.ts type-checks types/check.ts with tsc --strict", () => {
  assert.ok(existsSync(join(SITE_ROOT, "pkg", "signet_wasm.d.ts")), "build the package first (scripts/wasm-build.sh)");
  const tsc = join(TESTS_DIR, "node_modules", ".bin", "tsc");
  const r = spawnSync(tsc, ["-p", join(TESTS_DIR, "types", "tsconfig.json")], { encoding: "utf8" });
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
});

'use strict';
// Copies the shared JavaScript sources into the Node package at build and pack time
// (bindings-node/install.js): `node js/copy.js DIR` writes DIR/errors.js (errors.js as
// CommonJS) and DIR/shared.d.ts. The browser package takes errors.js as it is (an ES module:
// scripts/wasm-build.sh copies it into pkg/) and shared.d.ts at compile time (include_str! in
// bindings-wasm/src/lib.rs).
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const HERE = __dirname;

/** errors.js as CommonJS: each `export class|const|function NAME` loses `export`, and module.exports lists the names. */
function commonJs(source) {
  const names = [];
  const body = source.split('\n').map((line) => {
    if (!line.startsWith('export')) return line;
    const m = /^export (class|const|function) ([A-Za-z_$][\w$]*)/.exec(line);
    if (!m) throw new Error(`js/copy.js: cannot convert this export to CommonJS: ${line}`);
    names.push(m[2]);
    return line.slice('export '.length);
  });
  return `'use strict';\n${body.join('\n')}\nmodule.exports = { ${names.join(', ')} };\n`;
}

function header(what) {
  return `// Generated from js/${what} by js/copy.js: edit that file, not this one.\n`;
}

/** Writes `text` to `path` unless it is already there (no mtime churn). */
function put(path, text) {
  let old = null;
  try {
    old = readFileSync(path, 'utf8');
  } catch {
    // absent
  }
  if (old !== text) writeFileSync(path, text);
}

function copy(dir) {
  const errors = readFileSync(join(HERE, 'errors.js'), 'utf8');
  put(join(dir, 'errors.js'), header('errors.js') + commonJs(errors));
  put(join(dir, 'shared.d.ts'), header('shared.d.ts') + readFileSync(join(HERE, 'shared.d.ts'), 'utf8'));
}

module.exports = { copy, commonJs };

if (require.main === module) {
  const [dir] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node js/copy.js DIR');
    process.exit(2);
  }
  copy(dir);
}

'use strict';
// The package's install step (`npm install`, `npm install <path>`, `npm pack`).
//
// - In an installed tarball (no Rust sources beside this file): nothing to do when the
//   package holds the addon for this platform (signet.<platform>.node, napi-rs's names);
//   otherwise stop with a message saying how to build it from source.
// - In a source checkout (bindings-node/ of the repository): copy in the shared JS
//   sources (../js/copy.js) and build the addon with cargo. It builds every time,
//   because an addon left by an earlier build may be older than the sources; cargo
//   makes that quick when nothing changed. Needs cargo (Rust >= 1.89) and nothing
//   from npm: `npm install <path>` does not install a package's devDependencies, so
//   a build that needed one (the napi CLI) could not run there.
//
// CARGO_TARGET_DIR is honoured (share one Rust build between projects).
const { spawnSync } = require('node:child_process');
const { copyFileSync, existsSync, readdirSync, renameSync } = require('node:fs');
const { join } = require('node:path');
const { addonFile, platformName } = require('./addon.js');

const HERE = __dirname;
const ROOT = join(HERE, '..');
const ADDON = join(HERE, addonFile());

function fail(lines) {
  console.error(['', ...lines.map((l) => `signet: ${l}`), ''].join('\n'));
  process.exit(1);
}

function prebuilt() {
  if (existsSync(ADDON)) return;
  const have = readdirSync(HERE).filter((f) => /^signet\..+\.node$/.test(f));
  fail([
    `this package has no prebuilt addon for ${platformName()} (${addonFile()});`,
    `it carries: ${have.length > 0 ? have.join(', ') : 'none'}.`,
    'Build it from source: clone the Signet repository and install its bindings-node',
    'directory by path (`npm install /path/to/signet/bindings-node`). That needs',
    'cargo with Rust >= 1.89 (https://rustup.rs) and Node >= 20; nothing else from npm.',
  ]);
}

/** cargo build of the signet-node cdylib; returns the path of the library it wrote. */
function cargoBuild() {
  const cargo = process.env.CARGO || 'cargo';
  const probe = spawnSync(cargo, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    fail([
      `building the addon for ${platformName()} from source needs cargo (Rust >= 1.89),`,
      `and \`${cargo}\` did not run. Install Rust (https://rustup.rs), then run npm install again.`,
    ]);
  }
  const args = ['build', '--release', '--locked', '-p', 'signet-node', '--message-format=json-render-diagnostics'];
  const r = spawnSync(cargo, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 });
  if (r.error || r.status !== 0) fail([`\`cargo ${args.join(' ')}\` failed (see above).`]);
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const msg = JSON.parse(line);
    if (msg.reason !== 'compiler-artifact' || msg.target?.name !== 'signet_node') continue;
    const lib = msg.filenames.find((f) => /\.(so|dylib|dll)$/.test(f));
    if (lib) return lib;
  }
  return fail(['cargo reported no cdylib for signet-node.']);
}

function fromSource() {
  require(join(ROOT, 'js', 'copy.js')).copy(HERE);
  // Beside, then renamed: a running process that has the old addon mapped keeps its copy.
  const tmp = `${ADDON}.${process.pid}.tmp`;
  copyFileSync(cargoBuild(), tmp);
  renameSync(tmp, ADDON);
}

const checkout = existsSync(join(HERE, 'Cargo.toml')) && existsSync(join(ROOT, 'js', 'copy.js'));
if (checkout) fromSource();
else prebuilt();

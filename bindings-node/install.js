'use strict';
// The package's install step (`npm install`, `npm install <path>`, `npm pack`).
//
// - In a source checkout (bindings-node/ of the repository): copy in the shared JS
//   sources (../js/copy.js) and build the addon with cargo. It builds every time,
//   because an addon left by an earlier build may be older than the sources; cargo
//   makes that quick when nothing changed.
// - In an installed tarball: nothing to do when the package holds the addon for this
//   platform (signet.<platform>.node, napi-rs's names). Otherwise, or when
//   SIGNET_NODE_BUILD_FROM_SOURCE=1 asks for it, build the addon from the Rust sources
//   the tarball carries (rust/, written at pack time by bundle-rust.js).
//
// Building needs cargo (Rust >= the workspace's rust-version) and the linker rustc uses;
// nothing from npm: `npm install <path>` does not install a package's devDependencies,
// so a build that needed one (the napi CLI) could not run there.
//
// CARGO names the cargo to run (default: cargo on PATH); CARGO_TARGET_DIR is honoured
// (share one Rust build between projects); CARGO_NET_OFFLINE=true builds without network
// when the crates are already in cargo's cache.
const { spawnSync } = require('node:child_process');
const { copyFileSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, utimesSync } = require('node:fs');
const { join } = require('node:path');
const { addonFile, platformName } = require('./addon.js');

const HERE = __dirname;
const REPO = join(HERE, '..');
// The bundled workspace of an installed tarball.
const BUNDLED = join(HERE, 'rust');
const ADDON = join(HERE, addonFile());
const RETRY = 'then run `npm install` again (SIGNET_NODE_BUILD_FROM_SOURCE=1 forces a build from source).';

function fail(lines) {
  console.error(['', ...lines.map((l) => `signet: ${l}`), ''].join('\n'));
  process.exit(1);
}

/** The rust-version of the workspace at `dir`: what the build needs at least. */
function rustVersion(dir) {
  const m = /^rust-version\s*=\s*"([^"]+)"/m.exec(readFileSync(join(dir, 'Cargo.toml'), 'utf8'));
  return m ? m[1] : '(see Cargo.toml)';
}

/** What building from source needs, one line each. */
function needs(workspace) {
  return [
    `- cargo with Rust >= ${rustVersion(workspace)} (https://rustup.rs), on PATH or named by CARGO;`,
    '- the C linker rustc links with (Linux: cc from gcc or clang; macOS: the Xcode Command Line',
    '  Tools; Windows: the Visual Studio C++ Build Tools). No dependency compiles C code;',
    '- the crates in Cargo.lock: downloaded from crates.io, or already in cargo\'s cache',
    '  (CARGO_NET_OFFLINE=true then builds without network).',
  ];
}

/** cargo build of the signet-node cdylib in `workspace`; returns the path of the library it wrote. */
function cargoBuild(workspace) {
  const cargo = process.env.CARGO || 'cargo';
  const probe = spawnSync(cargo, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    fail([
      `building the addon for ${platformName()} from source needs cargo, and`,
      `\`${cargo}\` did not run (${probe.error ? probe.error.code || probe.error.message : `exit status ${probe.status}`}). It needs:`,
      ...needs(workspace),
      `Install Rust (or set CARGO to its cargo), ${RETRY}`,
    ]);
  }
  console.error(`signet: building the addon for ${platformName()} from source with ${probe.stdout.trim()}; ` +
    'this may take several minutes.');
  const args = ['build', '--release', '--locked', '-p', 'signet-node', '--message-format=json-render-diagnostics'];
  const r = spawnSync(cargo, args, { cwd: workspace, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 });
  if (r.error || r.status !== 0) {
    fail([`\`cargo ${args.join(' ')}\` in ${workspace} failed (see above). It needs:`, ...needs(workspace), `Fix that, ${RETRY}`]);
  }
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const msg = JSON.parse(line);
    if (msg.reason !== 'compiler-artifact' || msg.target?.name !== 'signet_node') continue;
    const lib = msg.filenames.find((f) => /\.(so|dylib|dll)$/.test(f));
    if (lib) return lib;
  }
  return fail(['cargo reported no cdylib for signet-node.']);
}

/**
 * Sets every source file's mtime to now. npm stamps each file it packs 1985-10-26, and cargo
 * judges a path crate up to date by mtimes: in a shared CARGO_TARGET_DIR, the build of another
 * install of this package (same crate names and paths) would otherwise pass for this one's.
 */
function touchSources(dir) {
  const now = new Date();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'target') touchSources(p);
    } else {
      utimesSync(p, now, now);
    }
  }
}

/** Builds in `workspace` and puts the library in place as the addon. */
function build(workspace) {
  const lib = cargoBuild(workspace);
  // Beside, then renamed: a running process that has the old addon mapped keeps its copy.
  const tmp = `${ADDON}.${process.pid}.tmp`;
  copyFileSync(lib, tmp);
  renameSync(tmp, ADDON);
  return lib;
}

function fromCheckout() {
  require(join(REPO, 'js', 'copy.js')).copy(HERE);
  build(REPO);
}

function fromTarball() {
  const forced = process.env.SIGNET_NODE_BUILD_FROM_SOURCE === '1';
  if (existsSync(ADDON) && !forced) return;
  if (!existsSync(join(BUNDLED, 'Cargo.toml'))) {
    const have = readdirSync(HERE).filter((f) => /^signet\..+\.node$/.test(f));
    fail([
      `this package has no prebuilt addon for ${platformName()} (${addonFile()}; it carries:`,
      `${have.length > 0 ? have.join(', ') : 'none'}) and no Rust sources (rust/) to build one from.`,
      'Install a tarball made by `npm pack` in bindings-node/ of the Signet repository, which carries',
      'them, or install that directory by path (`npm install /path/to/signet/bindings-node`).',
    ]);
  }
  touchSources(BUNDLED);
  build(BUNDLED);
  // A target directory install.js chose (inside the package) is hundreds of MB that nothing
  // reads again: npm replaces the package directory on the next install. One the user named
  // with CARGO_TARGET_DIR is theirs to keep.
  if (!process.env.CARGO_TARGET_DIR) rmSync(join(BUNDLED, 'target'), { recursive: true, force: true });
  console.error(`signet: built ${addonFile()} from source.`);
}

const checkout = existsSync(join(HERE, 'Cargo.toml')) && existsSync(join(REPO, 'js', 'copy.js'));
if (checkout) fromCheckout();
else fromTarball();

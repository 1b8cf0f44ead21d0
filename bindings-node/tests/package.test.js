'use strict';
// The package as users install it:
// - `npm pack`, then the tarball installed into a new project with no Rust and no npm tools on
//   PATH (only `node`) and no network (`--offline`): it must use the prebuilt addon;
// - the README's examples (CommonJS, ES modules, TypeScript) run in that project, printing
//   exactly the output the README shows, and the shared API test runs against that install;
// - the tarball built from the Rust sources it carries (SIGNET_NODE_BUILD_FROM_SOURCE=1, as on a
//   platform it has no addon for), and the message when cargo is missing;
// - `npm install <path>` of a clean checkout (the repository's files, no node_modules, no addon).
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const {
  cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync,
  writeFileSync,
} = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { addonFile } = require('../addon.js');

const PKG = join(__dirname, '..');
const ROOT = join(PKG, '..');
// The workspace's rust-version: what the messages say building from source needs.
const RUST_VERSION = /^rust-version = "([^"]+)"/m.exec(readFileSync(join(ROOT, 'Cargo.toml'), 'utf8'))[1];
const NPM_QUIET = { npm_config_loglevel: 'error', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

let tmp;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'signet-package-'));
});
after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function newProject(name) {
  const dir = join(tmp, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, version: '1.0.0', private: true }));
  return dir;
}

/**
 * The README's examples: a fence right after `<!-- example: FILE -->` is the program, and the
 * `text` fence right after `<!-- output: FILE -->` is what it prints.
 */
function readmeExamples() {
  const text = readFileSync(join(PKG, 'README.md'), 'utf8');
  const fence = (kind) => new RegExp(`<!-- ${kind}: ([\\w.-]+) -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``, 'g');
  const programs = new Map([...text.matchAll(fence('example'))].map((m) => [m[1], m[2]]));
  const outputs = new Map([...text.matchAll(fence('output'))].map((m) => [m[1], m[2]]));
  return { programs, outputs };
}

describe('npm pack tarball', () => {
  let project;
  let tarball;
  let npmCli;
  let bin;

  before(() => {
    const out = run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: PKG, env: { ...process.env, ...NPM_QUIET } });
    const [info] = JSON.parse(out.slice(out.indexOf('[')));
    tarball = join(tmp, info.filename);
    // Only `node` and `sh` (npm runs install scripts with it) on PATH: no cargo, no rustc, no napi,
    // no npm for the install script to reach.
    bin = join(tmp, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    symlinkSync(realpathSync('/bin/sh'), join(bin, 'sh'));
    // npm itself, run by that node (its `npm` command is a script that needs more on PATH).
    npmCli = realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
    project = newProject('tarball');
    const env = { ...NPM_QUIET, HOME: process.env.HOME, PATH: bin };
    run(process.execPath, [npmCli, 'install', '--offline', tarball], { cwd: project, env });
  });

  it('holds the built addon, the JS files, the Rust sources of the addon, and no dependencies', () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
    assert.deepEqual(files.filter((f) => !f.startsWith('package/rust/')), [
      'package/README.md', 'package/addon.js', 'package/errors.js', 'package/index.d.ts', 'package/index.js',
      'package/install.js', 'package/package.json', `package/${addonFile()}`, 'package/shared.d.ts',
    ].sort());
    // The workspace of the three crates the addon is built from (bundle-rust.js), nothing else.
    const rust = files.filter((f) => f.startsWith('package/rust/')).map((f) => f.slice('package/rust/'.length));
    for (const f of rust) assert.match(f, /^(Cargo\.toml|Cargo\.lock|crates\/(core|host|bindings-node)\/.+)$/, f);
    assert.ok(!rust.some((f) => /(^|\/)target\//.test(f)), 'no build output');
    for (const f of [
      'Cargo.toml', 'Cargo.lock', 'crates/core/Cargo.toml', 'crates/core/README.md', 'crates/core/src/lib.rs',
      'crates/host/Cargo.toml', 'crates/host/README.md', 'crates/host/src/lib.rs',
      'crates/host/migrations/0001_shared_store.sql', 'crates/bindings-node/Cargo.toml', 'crates/bindings-node/build.rs',
      'crates/bindings-node/src/lib.rs',
    ]) assert.ok(rust.includes(f), `rust/${f} is missing`);
    const workspace = readFileSync(join(project, 'node_modules', 'signet', 'rust', 'Cargo.toml'), 'utf8');
    assert.match(workspace, /^members = \["crates\/core", "crates\/host", "crates\/bindings-node"\]$/m);
    assert.match(workspace, new RegExp(`^rust-version = "${RUST_VERSION.replace(/\./g, '\\.')}"$`, 'm'));
    for (const section of ['[workspace.dependencies]', '[workspace.lints.rust]', '[profile.release]']) {
      assert.ok(workspace.includes(`\n${section}\n`), section);
    }
    // Pack time leaves nothing behind in the checkout (postpack).
    assert.equal(existsSync(join(PKG, 'rust')), false);
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', 'signet', 'package.json'), 'utf8'));
    assert.equal(manifest.dependencies, undefined);
    assert.deepEqual(readdirSync(join(project, 'node_modules')).filter((d) => !d.startsWith('.')), ['signet']);
  });

  it('runs the README examples: CommonJS, ES modules and TypeScript', () => {
    const { programs, outputs } = readmeExamples();
    assert.deepEqual([...programs.keys()].sort(), ['example.cjs', 'example.mjs', 'example.ts']);
    for (const [file, source] of programs) writeFileSync(join(project, file), source);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, target: 'ES2022', module: 'node16', moduleResolution: 'node16', types: ['node'],
        typeRoots: [join(PKG, 'node_modules', '@types')], outDir: 'out', skipLibCheck: false },
      files: ['example.ts'],
    }));
    run(join(PKG, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: project });
    const runs = { 'example.cjs': 'example.cjs', 'example.mjs': 'example.mjs', 'example.ts': join('out', 'example.js') };
    for (const [file, js] of Object.entries(runs)) {
      const stdout = run(process.execPath, [js], { cwd: project });
      assert.equal(stdout, outputs.get(file), `${file}: output differs from the README's`);
    }
  });

  it('without an addon for the platform, install builds from source: without cargo it says what is needed', () => {
    // The installed package as it is on a platform it has no addon for.
    const other = join(tmp, 'other-platform', 'node_modules', 'signet');
    cpSync(join(project, 'node_modules', 'signet'), other, { recursive: true, filter: (f) => !f.endsWith('.node') });
    const missing = join(tmp, 'no-such-dir', 'cargo');
    const install = spawnSync(process.execPath, ['install.js'], {
      cwd: other, encoding: 'utf8', env: { PATH: bin, HOME: process.env.HOME, CARGO: missing },
    });
    assert.equal(install.status, 1, install.stderr);
    const platform = addonFile().slice('signet.'.length, -'.node'.length);
    assert.match(install.stderr, new RegExp(`building the addon for ${platform} from source needs cargo`));
    assert.ok(install.stderr.includes(`\`${missing}\` did not run (ENOENT)`), install.stderr);
    assert.ok(install.stderr.includes(`cargo with Rust >= ${RUST_VERSION}`), install.stderr);
    assert.match(install.stderr, /C linker/);
    assert.match(install.stderr, /run `npm install` again/);
    assert.equal(existsSync(join(other, addonFile())), false);
    const load = spawnSync(process.execPath, ['-e', "require('signet')"], { cwd: join(other, '..', '..'), encoding: 'utf8' });
    assert.notEqual(load.status, 0);
    assert.match(load.stderr, /signet: no native addon for .*Build it from source: run `npm rebuild signet` with cargo/);

    // A package without the Rust sources as well (trimmed by hand): it says where to get them.
    rmSync(join(other, 'rust'), { recursive: true });
    const bare = spawnSync(process.execPath, ['install.js'], { cwd: other, encoding: 'utf8' });
    assert.equal(bare.status, 1, bare.stderr);
    assert.match(bare.stderr, new RegExp(`no prebuilt addon for ${platform}`));
    assert.match(bare.stderr, /no Rust sources \(rust\/\)/);
    assert.match(bare.stderr, /npm install \/path\/to\/signet\/bindings-node/);
  });

  it('SIGNET_NODE_BUILD_FROM_SOURCE=1 with no cargo: npm install fails saying cargo is needed', () => {
    const dir = newProject('no-cargo');
    const env = { ...NPM_QUIET, HOME: process.env.HOME, PATH: bin, SIGNET_NODE_BUILD_FROM_SOURCE: '1',
      CARGO: join(tmp, 'no-such-dir', 'cargo') };
    const r = spawnSync(process.execPath, [npmCli, 'install', '--offline', tarball], { cwd: dir, env, encoding: 'utf8' });
    assert.notEqual(r.status, 0, r.stdout);
    assert.match(r.stderr, /building the addon for .* from source needs cargo/);
    assert.ok(r.stderr.includes(`cargo with Rust >= ${RUST_VERSION}`), r.stderr);
    assert.equal(existsSync(join(dir, 'node_modules', 'signet', addonFile())), false);
  });

  it('SIGNET_NODE_BUILD_FROM_SOURCE=1 builds the addon from the Rust sources in the tarball', () => {
    const dir = newProject('from-source');
    // cargo from PATH; the crates from cargo's cache (no network) and the dependencies' builds
    // from the shared target directory (only the three crates of the tarball are compiled).
    const env = { ...process.env, ...NPM_QUIET, SIGNET_NODE_BUILD_FROM_SOURCE: '1', CARGO_NET_OFFLINE: 'true' };
    const r = spawnSync(process.execPath, [npmCli, 'install', '--offline', '--foreground-scripts', tarball], {
      cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 26,
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const log = `${r.stdout}\n${r.stderr}`;
    assert.match(log, /signet: building the addon for .* from source with cargo .*this may take several minutes/);
    assert.ok(log.includes(`signet: built ${addonFile()} from source.`), log);
    const installed = join(dir, 'node_modules', 'signet');
    // Every file npm packs has the same fixed mtime (1985-10-26), so the addon's differing from
    // index.js's means it was written here by the build, not extracted from the tarball.
    assert.notEqual(statSync(join(installed, addonFile())).mtimeMs, statSync(join(installed, 'index.js')).mtimeMs);
    const out = run(process.execPath, ['-e', `
      const s = require('signet');
      const order = { certificate: { signature_hash: 'sha256' }, organization: { id: 12345 },
        order_validity: { years: 1 }, cs_provisioning_method: 'keylocker' };
      console.log(JSON.stringify(s.validateOrder(order, { at: '2025-06-01' })));
      const bad = s.validateOrder({ certificate: { signature_hash: 'md5' } }, { at: '2025-06-01' });
      console.log(JSON.stringify(bad.findings.map((f) => [f.path, f.code])));
      console.log(require.resolve('signet'));
    `], { cwd: dir });
    assert.equal(out, [
      JSON.stringify({ valid: true, findings: [] }),
      JSON.stringify([['organization', 'required'], ['order_validity', 'required'], ['certificate.signature_hash', 'invalid_value']]),
      join(installed, 'index.js'),
      '',
    ].join('\n'));
  });

  it('passes the shared API test (js/tests/api.test.mjs) as installed', () => {
    run(process.execPath, ['--test', join(ROOT, 'js', 'tests', 'api.test.mjs')], {
      env: { ...process.env, SIGNET_JS_TARGET: 'node', SIGNET_NODE_PACKAGE: join(project, 'node_modules', 'signet') },
    });
  });
});

describe('npm install <path>', () => {
  it('installs a clean checkout (builds the addon with cargo, needs nothing from npm)', () => {
    // The repository's files as a fresh clone has them (tracked, plus new files not ignored), with
    // their mtimes, so cargo (same CARGO_TARGET_DIR) finds the build up to date.
    const checkout = join(tmp, 'checkout');
    mkdirSync(checkout);
    const list = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT });
    const present = list.toString('utf8').split('\0').filter((f) => f && existsSync(join(ROOT, f)));
    writeFileSync(join(tmp, 'files'), present.join('\0'));
    execFileSync('sh', ['-c', `tar -C "$1" --null -T "$2" -cf - | tar -C "$3" -xf -`, 'sh', ROOT, join(tmp, 'files'), checkout]);
    const node = join(checkout, 'bindings-node');
    assert.deepEqual(readdirSync(node).filter((f) => f.endsWith('.node') || f === 'node_modules' || f === 'errors.js'), []);

    const project = newProject('path');
    run('npm', ['install', '--offline', node], { cwd: project, env: { ...process.env, ...NPM_QUIET } });
    assert.ok(existsSync(join(node, addonFile())));
    const out = run(process.execPath, ['-e', `
      const s = require('signet');
      let code;
      try { s.checkSpki('x', { device: 'yubikey' }); } catch (e) { code = e instanceof s.InvalidRequestError && e.code; }
      console.log(s.validateOrder({}, { at: '2025-06-01' }).valid, code, require.resolve('signet'));
    `], { cwd: project });
    assert.equal(out, `false unknown_device_profile ${join(node, 'index.js')}\n`);
  });
});
